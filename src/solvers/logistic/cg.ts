// The Newton step shared by the logistic path and the adversarially trained softplus model: preconditioned
// conjugate gradients for H d = −g (the truncated-Newton forcing term, the workspace's preconditioner), and
// the Armijo backtracking along d.
import { precondition } from './preconditioner.js';
import type { Problem, Workspace } from './workspace.js';

/**
 * Solves H d = −∇ (ws.grad) into ws.direction by preconditioned CG, stopped at ‖r‖ ≤ max(η‖g‖, floor)
 * with η = min(0.1, √‖g‖) (superlinear convergence near the optimum) or after `maxIter` products.
 * `product(v, out)` computes out = H v; `fallback(d)` fills d when CG made no step (no curvature seen).
 * Returns the iteration count.
 */
export function newtonCg(
  ws: Workspace,
  data: Problem,
  gnorm: number,
  maxIter: number,
  product: (v: Float64Array, out: Float64Array) => void,
  fallback: (d: Float64Array) => void,
  floor = 0,
): number {
  const { direction: d, residual: r, pz: zv, search: s, hs } = ws;
  const p = data.rows.dim + 1;
  d.fill(0);
  for (let k = 0; k < p; k++) r[k] = -ws.grad[k];
  precondition(ws, data, r, zv);
  let rz = 0;
  for (let k = 0; k < p; k++) rz += r[k] * zv[k];
  s.set(zv);
  const target = Math.max(Math.min(0.1, Math.sqrt(gnorm)) * gnorm, floor);
  let iter = 0;
  while (iter < maxIter) {
    product(s, hs);
    let sHs = 0;
    for (let k = 0; k < p; k++) sHs += s[k] * hs[k];
    if (!(sHs > 0)) break;
    const alpha = rz / sHs;
    let rr = 0;
    for (let k = 0; k < p; k++) {
      d[k] += alpha * s[k];
      r[k] -= alpha * hs[k];
      rr += r[k] * r[k];
    }
    iter++;
    if (Math.sqrt(rr) <= target) break;
    precondition(ws, data, r, zv);
    let rzNew = 0;
    for (let k = 0; k < p; k++) rzNew += r[k] * zv[k];
    const beta = rzNew / rz;
    rz = rzNew;
    for (let k = 0; k < p; k++) s[k] = zv[k] + beta * s[k];
  }
  if (iter === 0) fallback(d);
  ws.lastCg = iter;
  ws.cgSinceFactor += iter;
  return iter;
}

/**
 * Armijo backtracking from step 1, halving up to 60 times: the first step whose objective change
 * `change(step)` is at most 1e-4 · step · slope (slope = ∇F·d < 0), or undefined when none is (the rounding
 * limit).
 */
export function armijoStep(change: (step: number) => number, slope: number): number | undefined {
  let step = 1;
  for (let tries = 0; tries < 60; tries++) {
    if (change(step) <= 1e-4 * step * slope) return step;
    step *= 0.5;
  }
  return undefined;
}
