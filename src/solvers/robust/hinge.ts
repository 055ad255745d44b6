// Exact adversarial training of the hinge loss, by reduction to the ordinary SVM.
//
// Claim: the minimiser of F_ε(w, b) = (1/n) Σ max(0, 1 + ε‖w‖ − y s(x)) + λ‖w‖² is m·(w̃, b̃), where (w̃, b̃)
// is the SVM of the λ path at some μ ≥ λ and m = 1/(1 − ε‖w̃‖). Proof: with W = ‖w̃‖ and ρ = mW, the hinge
// arguments are 1 + ερ − m y s̃ = m (1 − y s̃), so the SVM's dual variables a_i = α_i/C ∈ ∂h are valid for F_ε
// too, Σ a y = 0 holds, and F_ε's stationarity in w, (2λ + ε ā/ρ)·w = v = (1/n) Σ a y x, becomes the SVM's
// 2μ w̃ = v exactly when
//
//   ψ(μ) = 1 − λ / (μ (1 − εW)) − ε ā / ‖v‖ = 0,   with ‖v‖ = 2μW,  ā = (1/n) Σ a_i.
//
// Adversarial training of the hinge loss is therefore weight decay at the larger λ = μ, rescaled: the same
// boundary, the same θ, d_adv and errors. We find μ by a safeguarded false-position search on log μ (each
// evaluation a warm-started exact SVM solve), and certify the result with F_ε's own duality gap.
import type { LabelledSet } from '../../math/types.js';
import { norm } from '../../math/vector.js';
import { type HingePathModel, HingeSolver } from '../hinge-path.js';
import { margins, type Problem } from '../logistic/workspace.js';
import {
  type CollapsedModel,
  collapsedRobustModel,
  ROBUST_GAP_TOLERANCE,
  robustDual,
  robustObjective,
} from './dual.js';
import type { RobustModel } from './model.js';

/** |ψ| at which the search stops; ψ is dimensionless. */
const PSI_TOLERANCE = 1e-12;
/** μ beyond which w counts as vanished (ε is then within rounding of ε*). */
const MU_CEILING = 1e12;
const MAX_EVALUATIONS = 200;

interface Evaluation {
  mu: number;
  psi: number;
  model: HingePathModel;
}

/** ψ(μ) from a solved SVM (−∞ when εW ≥ 1: μ is then too small for any rescaling to exist). */
function psiOf(model: HingePathModel, mu: number, lambda: number, epsilon: number): number {
  const W = norm(model.w);
  if (!(epsilon * W < 1)) return Number.NEGATIVE_INFINITY;
  if (!(W > 0)) return Number.POSITIVE_INFINITY;
  let sum = 0;
  for (let i = 0; i < model.alpha.length; i++) sum += model.alpha[i];
  const aBar = sum / model.C / model.alpha.length;
  return 1 - lambda / (mu * (1 - epsilon * W)) - (epsilon * aBar) / (2 * mu * W);
}

/** The rescaled model m·(w̃, b̃) with F_ε, its dual bound and the gap. */
function rescaled(
  data: Problem,
  found: Evaluation,
  lambda: number,
  epsilon: number,
  iterations: number,
  scratch: Float64Array,
): RobustModel {
  const { model, mu } = found;
  const W = norm(model.w);
  const m = 1 / (1 - epsilon * W);
  const w = model.w.map((v) => v * m);
  const b = model.b * m;
  const theta = new Float64Array(w.length + 1);
  theta.set(w);
  theta[w.length] = b;
  const z = new Float64Array(data.y.length);
  margins(data, theta, z);
  const rho = m * W;
  const objective = robustObjective('hinge', z, rho, epsilon, lambda);
  const a = model.alpha.map((v) => v / model.C);
  const gap = Math.max(0, objective - robustDual('hinge', data, a, epsilon, lambda, scratch));
  const tolerance = ROBUST_GAP_TOLERANCE * Math.max(1, objective);
  const converged = model.converged && gap <= tolerance;
  return {
    epsilon,
    lambda,
    w,
    b,
    collapsed: false,
    equivalentLambda: mu,
    objective,
    gap,
    measure: 'duality-gap',
    optimality: gap,
    tolerance,
    iterations,
    converged,
    ...(converged
      ? {}
      : {
          warning:
            model.warning ??
            `ε = ${epsilon}: duality gap ${gap.toExponential(2)} > ${tolerance.toExponential(1)} at μ = ${mu}`,
        }),
  };
}

/**
 * The hinge models of F_ε along ascending `epsilons` at one λ, from `start`, the SVM at λ (the λ path's own
 * model: the ε = 0 row is that model).
 */
export function* robustHingeModels(
  set: LabelledSet,
  data: Problem,
  lambda: number,
  epsilons: readonly number[],
  start: HingePathModel,
  collapse: CollapsedModel,
  options: { tolerance: number; bytes?: Uint8Array },
): Generator<RobustModel> {
  const solver = new HingeSolver(set, {
    tolerance: options.tolerance,
    ...(options.bytes ? { bytes: options.bytes } : {}),
  });
  const scratch = new Float64Array(set.dim);
  let previous: Evaluation = { mu: lambda, psi: 0, model: start };
  // the first root is typically hundreds of times λ: steps of ×3 keep each warm start cheap
  let growth = 3;
  let vanished = false;
  for (const epsilon of epsilons) {
    let model: RobustModel;
    if (epsilon === 0) {
      model = rescaled(data, previous, lambda, 0, start.iterations, scratch);
    } else if (vanished || epsilon >= collapse.threshold) {
      model = collapsedRobustModel(data, collapse, 'hinge', lambda, epsilon, scratch);
    } else {
      let iterations = 0;
      const evaluate = (mu: number, from: Evaluation): Evaluation => {
        const solved = solver.solve(mu, { lambda: from.mu, alpha: from.model.alpha });
        iterations += solved.iterations;
        return { mu, psi: psiOf(solved, mu, lambda, epsilon), model: solved };
      };
      // the root grows with ε: the previous root is below it; step up until ψ changes sign
      let lo: Evaluation = { ...previous, psi: psiOf(previous.model, previous.mu, lambda, epsilon) };
      let hi = lo;
      let evaluations = 0;
      while (hi.psi < 0 && hi.mu < MU_CEILING) {
        lo = hi;
        hi = evaluate(Math.min(MU_CEILING, lo.mu * growth), lo);
        evaluations++;
      }
      if (hi.psi < 0) {
        vanished = true;
        model = collapsedRobustModel(data, collapse, 'hinge', lambda, epsilon, scratch);
      } else {
        let best = Math.abs(lo.psi) < Math.abs(hi.psi) ? lo : hi;
        // false position on log μ with the Illinois correction (an end kept twice has its ψ halved);
        // bisection while an end is −∞
        let fLo = lo.psi;
        let fHi = hi.psi;
        let kept = 0;
        while (Math.abs(best.psi) > PSI_TOLERANCE && evaluations < MAX_EVALUATIONS) {
          const tLo = Math.log(lo.mu);
          const tHi = Math.log(hi.mu);
          if (tHi - tLo < 1e-15) break;
          let t = (tLo + tHi) / 2;
          if (Number.isFinite(fLo) && Number.isFinite(fHi)) {
            const guess = tLo + ((tHi - tLo) * fLo) / (fLo - fHi);
            if (guess > tLo && guess < tHi) t = guess;
          }
          const next = evaluate(Math.exp(t), t - tLo < tHi - t ? lo : hi);
          evaluations++;
          if (next.psi < 0) {
            lo = next;
            fLo = next.psi;
            if (kept === 1) fHi /= 2;
            kept = 1;
          } else {
            hi = next;
            fHi = next.psi;
            if (kept === -1) fLo /= 2;
            kept = -1;
          }
          if (Math.abs(next.psi) < Math.abs(best.psi)) best = next;
        }
        growth = Math.min(3, Math.max(1.05, (best.mu / previous.mu) ** 1.5));
        previous = best;
        model = rescaled(data, best, lambda, epsilon, iterations, scratch);
      }
    }
    yield model;
  }
}
