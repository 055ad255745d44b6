// Preconditioned conjugate gradients for a Newton step H d = −g, shared by the logistic path and the
// adversarially trained softplus model: the truncated-Newton forcing term, the workspace's preconditioner.
import { precondition } from './preconditioner.js';
import type { Workspace } from './workspace.js';

/**
 * Solves H d = −∇ (ws.grad) into ws.direction by preconditioned CG, stopped at ‖r‖ ≤ η‖g‖ with
 * η = min(0.1, √‖g‖) (superlinear convergence near the optimum) or after `maxIter` products.
 * `product(v, out)` computes out = H v; `fallback(d)` fills d when CG made no step (no curvature seen).
 * Returns the iteration count.
 */
export function newtonCg(
  ws: Workspace,
  p: number,
  gnorm: number,
  maxIter: number,
  product: (v: Float64Array, out: Float64Array) => void,
  fallback: (d: Float64Array) => void,
): number {
  const { direction: d, residual: r, pz: zv, search: s, hs } = ws;
  d.fill(0);
  for (let k = 0; k < p; k++) r[k] = -ws.grad[k];
  precondition(ws, p, r, zv);
  let rz = 0;
  for (let k = 0; k < p; k++) rz += r[k] * zv[k];
  s.set(zv);
  const target = Math.min(0.1, Math.sqrt(gnorm)) * gnorm;
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
    precondition(ws, p, r, zv);
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
