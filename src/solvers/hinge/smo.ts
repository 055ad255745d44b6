// Last-resort solver: SMO with libsvm's second-order working-set selection (WSS2, Fan, Chen & Lin 2005),
// on kernel columns computed exactly and kept in an LRU cache. Slow at small λ but provably convergent to
// any positive tolerance; it only runs when both Newton-type phases gave up.
import { kernelColumn } from './data.js';
import { FREE, type HingeState, LOWER, UPPER } from './state.js';

export interface SmoOptions {
  tolerance: number;
  maxIterations: number;
  /** memory for cached kernel columns (default 64 MB) */
  cacheBytes?: number;
}

export interface SmoResult {
  outcome: 'converged' | 'iteration-cap';
  iterations: number;
}

const TAU = 1e-12;

/** Runs SMO from a feasible α (u consistent with α); leaves G up to date (accumulated updates). */
export function runSmo(st: HingeState, options: SmoOptions): SmoResult {
  const { data, alpha, g } = st;
  const { y, n, diag } = data;
  const C = st.C;
  const capacity = Math.max(2, Math.floor((options.cacheBytes ?? 64 * 2 ** 20) / (8 * n)));
  const cache = new Map<number, Float64Array>();
  const column = (i: number): Float64Array => {
    let col = cache.get(i);
    if (col !== undefined) {
      cache.delete(i);
      cache.set(i, col);
      return col;
    }
    const t0 = performance.now();
    if (cache.size >= capacity) {
      const oldest = cache.keys().next().value as number;
      col = cache.get(oldest)!;
      cache.delete(oldest);
    } else col = new Float64Array(n);
    kernelColumn(data, i, col);
    st.profile.kernelEntries += n;
    st.profile.kernelMs += performance.now() - t0;
    cache.set(i, col);
    return col;
  };
  st.fullGradient();
  for (let it = 1; it <= options.maxIterations; it++) {
    // WSS2: i maximises −y_t G_t over I_up; j minimises the second-order decrease over I_low
    let gMax = Number.NEGATIVE_INFINITY;
    let iSel = -1;
    for (let t = 0; t < n; t++) {
      if (y[t] > 0) {
        if (alpha[t] < C && -g[t] >= gMax) {
          gMax = -g[t];
          iSel = t;
        }
      } else if (alpha[t] > 0 && g[t] >= gMax) {
        gMax = g[t];
        iSel = t;
      }
    }
    if (iSel < 0) return { outcome: 'converged', iterations: it };
    const qi = column(iSel);
    const yi = y[iSel];
    let gMax2 = Number.NEGATIVE_INFINITY;
    let jSel = -1;
    let best = Number.POSITIVE_INFINITY;
    for (let t = 0; t < n; t++) {
      let gradDiff: number;
      if (y[t] > 0) {
        if (!(alpha[t] > 0)) continue;
        gradDiff = gMax + g[t];
        if (g[t] >= gMax2) gMax2 = g[t];
      } else {
        if (!(alpha[t] < C)) continue;
        gradDiff = gMax - g[t];
        if (-g[t] >= gMax2) gMax2 = -g[t];
      }
      if (gradDiff > 0) {
        const quad = diag[iSel] + diag[t] - 2 * qi[t];
        const obj = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
        if (obj <= best) {
          best = obj;
          jSel = t;
        }
      }
    }
    if (gMax + gMax2 <= options.tolerance || jSel < 0) return { outcome: 'converged', iterations: it };
    const i = iSel;
    const j = jSel;
    const yj = y[j];
    const qj = column(j);
    const oldI = alpha[i];
    const oldJ = alpha[j];
    let ai = oldI;
    let aj = oldJ;
    const kij = qi[j];
    if (yi !== yj) {
      let quad = diag[i] + diag[j] - 2 * kij;
      if (quad <= 0) quad = TAU;
      const delta = (-g[i] - g[j]) / quad;
      const diff = ai - aj;
      ai += delta;
      aj += delta;
      if (diff > 0) {
        if (aj < 0) {
          aj = 0;
          ai = diff;
        }
      } else if (ai < 0) {
        ai = 0;
        aj = -diff;
      }
      if (diff > 0) {
        if (ai > C) {
          ai = C;
          aj = C - diff;
        }
      } else if (aj > C) {
        aj = C;
        ai = C + diff;
      }
    } else {
      let quad = diag[i] + diag[j] - 2 * kij;
      if (quad <= 0) quad = TAU;
      const delta = (g[i] - g[j]) / quad;
      const sum = ai + aj;
      ai -= delta;
      aj += delta;
      if (sum > C) {
        if (ai > C) {
          ai = C;
          aj = sum - C;
        }
      } else if (aj < 0) {
        aj = 0;
        ai = sum;
      }
      if (sum > C) {
        if (aj > C) {
          aj = C;
          ai = sum - C;
        }
      } else if (ai < 0) {
        ai = 0;
        aj = sum;
      }
    }
    const dI = ai - oldI;
    const dJ = aj - oldJ;
    st.setAlpha(i, ai);
    st.setAlpha(j, aj);
    st.status[i] = ai <= 0 ? LOWER : ai >= C ? UPPER : FREE;
    st.status[j] = aj <= 0 ? LOWER : aj >= C ? UPPER : FREE;
    // G_t += y_t y_i K_ti Δα_i + y_t y_j K_tj Δα_j
    const ci = yi * dI;
    const cj = yj * dJ;
    for (let t = 0; t < n; t++) g[t] += y[t] * (qi[t] * ci + qj[t] * cj);
  }
  return { outcome: 'iteration-cap', iterations: options.maxIterations };
}
