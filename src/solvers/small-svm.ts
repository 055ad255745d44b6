// Exact hinge SVM with a free (unregularised) bias for small problems: libsvm's SMO with second-order
// working-set selection (WSS2, Fan, Chen & Lin 2005) on the dense Gram matrix. Built for the toy figures,
// where it runs on every slider move in the browser, and as an independent reference for tests. Pure maths.
//
// Scaling. The article's objective is L(w, b) = (1/n) Σ max(0, 1 − y(w·x + b)) + λ‖w‖². The C-form primal
// P(w, b) = ½‖w‖² + C Σ ξ with C = 1/(2λn) is the same problem: P/(Cn) = 2λ P = L. Its dual is
// D(α) = Σ α − ½ αᵀQα with Q_ij = y_i y_j x_i·x_j, 0 ≤ α ≤ C, Σ y α = 0, and w = Σ α y x. We report
// primal = L(w, b) and dual = 2λ D(α) = D(α)/(Cn), so gap = primal − dual = 2λ (P − D) ≥ 0 (weak duality,
// up to rounding) compares like with like.
import { hingeLoss } from '../math/losses.js';
import type { LabelledSet } from '../math/types.js';
import { dotRow } from '../math/vector.js';
import type { FitReport } from './report.js';

/** Options of the small exact SVM. */
export interface SmallSvmOptions {
  /** stop when libsvm's maximal KKT violation m(α) − M(α) is at most this (libsvm's default is 1e-3) */
  tolerance?: number;
  /** cap on SMO pair updates; reaching it returns converged = false (default max(1e6, 100 n)) */
  maxIterations?: number;
}

/** A hinge SVM fitted to KKT tolerance, with the certificate of its exactness (duality gap). */
export interface SmallSvmFit extends FitReport {
  /** weight vector w = Σ α y x */
  w: Float64Array;
  /** free bias, by libsvm's rule (mean over free α, else the midpoint of the feasible interval) */
  b: number;
  /** dual variables in the C-form scale, 0 ≤ α ≤ C */
  alpha: Float64Array;
  /** the box bound C = 1/(2λn) of the dual */
  C: number;
  /** SMO pair updates performed */
  iterations: number;
  /** libsvm's maximal KKT violation m(α) − M(α) at the end (≤ tol when converged) */
  kktViolation: number;
  /** the dual objective in the same scaling: 2λ (Σ α − ½ αᵀQα) */
  dual: number;
  /** objective − dual: non-negative up to rounding, zero at the exact optimum */
  gap: number;
}

// libsvm's floor for a non-positive curvature of the pair subproblem
const TAU = 1e-12;

/**
 * Minimises (1/n) Σ max(0, 1 − y(w·x + b)) + λ‖w‖² exactly (λ > 0, both classes present) through the dual,
 * solved by SMO with WSS2 to libsvm's stopping rule m(α) − M(α) ≤ tol (default 1e-10).
 */
export function fitHingeSvm(set: LabelledSet, lambda: number, options: SmallSvmOptions = {}): SmallSvmFit {
  const { n, dim, x, y } = set;
  if (!(lambda > 0) || !Number.isFinite(lambda)) {
    throw new RangeError(`fitHingeSvm(): λ must be positive and finite, got ${lambda}`);
  }
  const C = 1 / (2 * lambda * n);
  if (!Number.isFinite(C)) throw new RangeError(`fitHingeSvm(): λ = ${lambda} is too small (C overflows)`);
  const tol = options.tolerance ?? 1e-10;
  if (!(tol >= 0)) throw new RangeError(`fitHingeSvm(): the tolerance must be ≥ 0, got ${tol}`);
  const maxIterations = options.maxIterations ?? Math.max(1_000_000, 100 * n);
  let nPos = 0;
  for (let i = 0; i < n; i++) {
    if (y[i] === 1) nPos++;
    else if (y[i] !== -1) throw new RangeError(`fitHingeSvm(): label ${y[i]} at ${i} is not ±1`);
  }
  if (nPos === 0 || nPos === n) {
    throw new RangeError('fitHingeSvm(): both classes are needed (the free bias is otherwise unbounded)');
  }

  // dense Q_ij = y_i y_j x_i·x_j: a few hundred images make at most a few MB
  const rows: Float64Array[] = [];
  for (let i = 0; i < n; i++) rows.push(x.subarray(i * dim, (i + 1) * dim));
  const Q = new Float64Array(n * n);
  const QD = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const q = y[i] * y[j] * dotRow(x, i * dim, rows[j], dim);
      Q[i * n + j] = q;
      Q[j * n + i] = q;
    }
    QD[i] = Q[i * n + i];
  }

  const alpha = new Float64Array(n);
  // gradient of ½ αᵀQα − Σ α; at α = 0 it is −1 everywhere
  const G = new Float64Array(n).fill(-1);
  const recomputeGradient = (): void => {
    for (let k = 0; k < n; k++) {
      let s = -1;
      const rk = k * n;
      for (let t = 0; t < n; t++) if (alpha[t] !== 0) s += Q[rk + t] * alpha[t];
      G[k] = s;
    }
  };

  let iterations = 0;
  let violation = Number.POSITIVE_INFINITY;
  let converged = false;
  // whether G was just rebuilt from α: a stop is only trusted on a gradient free of accumulated rounding
  let fresh = true;
  for (;;) {
    // WSS2: i maximises −y G over I_up; j minimises the second-order decrease over I_low
    let gMax = Number.NEGATIVE_INFINITY;
    let iSel = -1;
    for (let t = 0; t < n; t++) {
      if (y[t] > 0) {
        if (alpha[t] < C && -G[t] >= gMax) {
          gMax = -G[t];
          iSel = t;
        }
      } else if (alpha[t] > 0 && G[t] >= gMax) {
        gMax = G[t];
        iSel = t;
      }
    }
    let gMax2 = Number.NEGATIVE_INFINITY;
    let jSel = -1;
    let objMin = Number.POSITIVE_INFINITY;
    if (iSel >= 0) {
      const ri = iSel * n;
      const yi = y[iSel];
      for (let t = 0; t < n; t++) {
        if (y[t] > 0) {
          if (alpha[t] > 0) {
            const gradDiff = gMax + G[t];
            if (G[t] >= gMax2) gMax2 = G[t];
            if (gradDiff > 0) {
              const quad = QD[iSel] + QD[t] - 2 * yi * Q[ri + t];
              const obj = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
              if (obj <= objMin) {
                jSel = t;
                objMin = obj;
              }
            }
          }
        } else if (alpha[t] < C) {
          const gradDiff = gMax - G[t];
          if (-G[t] >= gMax2) gMax2 = -G[t];
          if (gradDiff > 0) {
            const quad = QD[iSel] + QD[t] + 2 * yi * Q[ri + t];
            const obj = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
            if (obj <= objMin) {
              jSel = t;
              objMin = obj;
            }
          }
        }
      }
    }
    // an empty I_up or I_low leaves no feasible direction: nothing is violated
    violation = Number.isFinite(gMax + gMax2) ? gMax + gMax2 : 0;
    if (violation <= tol || jSel < 0) {
      if (fresh) {
        converged = true;
        break;
      }
      recomputeGradient();
      fresh = true;
      continue;
    }
    if (iterations >= maxIterations) break;
    iterations++;
    fresh = false;

    // the two-variable subproblem, solved and clipped to the box exactly as libsvm does
    const i = iSel;
    const j = jSel;
    const oldAi = alpha[i];
    const oldAj = alpha[j];
    const qij = Q[i * n + j];
    if (y[i] !== y[j]) {
      let quad = QD[i] + QD[j] + 2 * qij;
      if (quad <= 0) quad = TAU;
      const delta = (-G[i] - G[j]) / quad;
      const diff = alpha[i] - alpha[j];
      alpha[i] += delta;
      alpha[j] += delta;
      if (diff > 0) {
        if (alpha[j] < 0) {
          alpha[j] = 0;
          alpha[i] = diff;
        }
      } else if (alpha[i] < 0) {
        alpha[i] = 0;
        alpha[j] = -diff;
      }
      if (diff > 0) {
        if (alpha[i] > C) {
          alpha[i] = C;
          alpha[j] = C - diff;
        }
      } else if (alpha[j] > C) {
        alpha[j] = C;
        alpha[i] = C + diff;
      }
    } else {
      let quad = QD[i] + QD[j] - 2 * qij;
      if (quad <= 0) quad = TAU;
      const delta = (G[i] - G[j]) / quad;
      const sum = alpha[i] + alpha[j];
      alpha[i] -= delta;
      alpha[j] += delta;
      if (sum > C) {
        if (alpha[i] > C) {
          alpha[i] = C;
          alpha[j] = sum - C;
        }
      } else if (alpha[j] < 0) {
        alpha[j] = 0;
        alpha[i] = sum;
      }
      if (sum > C) {
        if (alpha[j] > C) {
          alpha[j] = C;
          alpha[i] = sum - C;
        }
      } else if (alpha[i] < 0) {
        alpha[i] = 0;
        alpha[j] = sum;
      }
    }
    const dAi = alpha[i] - oldAi;
    const dAj = alpha[j] - oldAj;
    const ri = i * n;
    const rj = j * n;
    for (let k = 0; k < n; k++) G[k] += Q[ri + k] * dAi + Q[rj + k] * dAj;
  }
  if (!fresh) recomputeGradient();

  const w = new Float64Array(dim);
  let sumAlpha = 0;
  for (let i = 0; i < n; i++) {
    const a = alpha[i];
    sumAlpha += a;
    if (a === 0) continue;
    const ay = a * y[i];
    const off = i * dim;
    for (let k = 0; k < dim; k++) w[k] += ay * x[off + k];
  }
  const b = libsvmBias(alpha, G, y, C);

  let hinge = 0;
  for (let i = 0; i < n; i++) hinge += hingeLoss(y[i] * (dotRow(x, i * dim, w, dim) + b));
  let ww = 0;
  for (let k = 0; k < dim; k++) ww += w[k] * w[k];
  const primal = hinge / n + lambda * ww;
  // 2λ(Σα − ½ αᵀQα) with αᵀQα = ‖w‖², the same w the primal uses
  const dual = 2 * lambda * sumAlpha - lambda * ww;
  return {
    w,
    b,
    alpha,
    C,
    iterations,
    kktViolation: violation,
    objective: primal,
    dual,
    gap: primal - dual,
    converged,
    measure: 'kkt-violation',
    optimality: violation,
    tolerance: tol,
  };
}

/**
 * libsvm's bias: b = −ρ with ρ the mean of y∇D over free α; with no free α, ρ is the midpoint of the
 * interval the KKT conditions allow, so a bias the optimum leaves undetermined is still reproducible.
 */
function libsvmBias(alpha: Float64Array, G: Float64Array, y: Float64Array, C: number): number {
  let ub = Number.POSITIVE_INFINITY;
  let lb = Number.NEGATIVE_INFINITY;
  let sumFree = 0;
  let nFree = 0;
  for (let i = 0; i < alpha.length; i++) {
    const yG = y[i] * G[i];
    if (alpha[i] >= C) {
      if (y[i] < 0) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (alpha[i] <= 0) {
      if (y[i] > 0) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      nFree++;
      sumFree += yG;
    }
  }
  const rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  return -rho;
}
