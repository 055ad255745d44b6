// Preconditioners of the logistic path's conjugate gradients: Jacobi, or a Cholesky factor of the exact
// Hessian at an earlier point, reused while it keeps CG short.
import { choleskyInPlace, choleskySolve } from '../dense-cholesky.js';
import type { Problem, Workspace } from './workspace.js';

/** Jacobi preconditioner: the diagonal of H (bias included). */
export function diagonalPreconditioner(data: Problem, lambda: number, ws: Workspace): void {
  const { start, column, value, dim } = data.rows;
  const m = ws.precond;
  m.fill(0);
  for (let i = 0; i < data.rows.n; i++) {
    const c = ws.curvature[i];
    if (c === 0) continue;
    for (let p = start[i]; p < start[i + 1]; p++) m[column[p]] += c * value[p] * value[p];
    m[dim] += c;
  }
  for (let k = 0; k < dim; k++) m[k] += 2 * lambda;
  // the bias has no regulariser: guard its entry when every image has negligible curvature
  if (!(m[dim] > 0)) m[dim] = 1;
}

/**
 * When to factorise the Hessian for preconditioning: once the CG iterations spent since the last factor
 * would have paid for a new one (a factorisation costs about as much as FACTOR_COST_IN_CG Hessian
 * products), and the last Newton step was not cheap anyway.
 */
export const FACTOR_COST_IN_CG = 40;

/** Curvatures below this fraction of the largest are left out of the factored Hessian (not of its products). */
const PRECONDITIONER_CUT = 1e-4;
export const CHEAP_CG = 8;

/**
 * Factorises the Hessian at the current point, less the images of negligible curvature (sparse outer
 * products, then a dense Cholesky of order dim + 1). Along the path the Hessian changes slowly, so one factor preconditions many later Newton steps
 * at a cost of two triangular solves per CG iteration; it is rebuilt when CG slows down again.
 */
export function factorHessian(data: Problem, lambda: number, ws: Workspace): void {
  const { start, column, value, dim } = data.rows;
  const m = dim + 1;
  const a = ws.factor ?? new Float64Array(m * m);
  a.fill(0);
  const biasRow = dim * m;
  // images whose curvature is below 1e-4 of the largest add too little to H to change the preconditioner (the
  // CG counts of 7 vs 9 stay within one of the exact factor's), and at small λ they are most of the images
  let largest = 0;
  for (let i = 0; i < data.rows.n; i++) largest = Math.max(largest, ws.curvature[i]);
  const least = largest * PRECONDITIONER_CUT;
  for (let i = 0; i < data.rows.n; i++) {
    const c = ws.curvature[i];
    if (c <= least) continue;
    const end = start[i + 1];
    for (let p = start[i]; p < end; p++) {
      const cp = c * value[p];
      const row = column[p] * m;
      // columns are ascending within a row, so q ≤ p fills the lower triangle
      for (let q = start[i]; q <= p; q++) a[row + column[q]] += cp * value[q];
      a[biasRow + column[p]] += cp;
    }
    a[biasRow + dim] += c;
  }
  for (let k = 0; k < dim; k++) a[k * m + k] += 2 * lambda;
  if (!(a[biasRow + dim] > 0)) a[biasRow + dim] = 1;
  ws.factor = choleskyInPlace(a, m) ? a : undefined;
  ws.factorisations++;
  ws.cgSinceFactor = 0;
}

/** z = M⁻¹ r with the Cholesky preconditioner when there is one, else Jacobi. */
export function precondition(ws: Workspace, p: number, r: Float64Array, z: Float64Array): void {
  if (ws.factor) {
    z.set(r);
    choleskySolve(ws.factor, p, z);
  } else {
    for (let k = 0; k < p; k++) z[k] = r[k] / ws.precond[k];
  }
}
