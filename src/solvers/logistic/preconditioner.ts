// Preconditioners of the logistic path's conjugate gradients: Jacobi, or a Cholesky factor of the exact
// Hessian at an earlier point, reused while it keeps CG short.
import { type Problem, passesOf, type Workspace } from './workspace.js';

/** Jacobi preconditioner: the diagonal of H (bias included). */
export function diagonalPreconditioner(data: Problem, lambda: number, ws: Workspace): void {
  const { dim } = data.rows;
  const m = ws.precond;
  passesOf(data, ws).curvatureDiagonal(ws.curvature, m);
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
const PRECONDITIONER_CUT = 1e-2;
export const CHEAP_CG = 8;

/**
 * Factorises the Hessian at the current point, less the images of negligible curvature (sparse outer
 * products, then a dense Cholesky of order active pixels + 1). Along the path the Hessian changes slowly,
 * so one factor preconditions many later Newton steps at a cost of two triangular solves per CG iteration;
 * it is rebuilt when CG slows down again.
 */
export function factorHessian(data: Problem, lambda: number, ws: Workspace): void {
  const na = data.active.length;
  const m = na + 1;
  const a = ws.factor?.length === m * m ? ws.factor : new Float64Array(m * m);
  a.fill(0);
  const biasRow = na * m;
  // images whose curvature is below 1e-2 of the largest add too little to H to change the preconditioner, and
  // at small λ they are most of the images: on 7 vs 9 the path's outer products fall from 333 M to 238 M
  // multiply-adds against 1e-4, for 484 CG iterations instead of 478
  let largest = 0;
  for (let i = 0; i < data.rows.n; i++) largest = Math.max(largest, ws.curvature[i]);
  const least = largest * PRECONDITIONER_CUT;
  const passes = passesOf(data, ws);
  passes.outerProducts(ws.curvature, least, a);
  for (let i = 0; i < data.rows.n; i++) {
    const c = ws.curvature[i];
    if (c > least) a[biasRow + na] += c;
  }
  for (let r = 0; r < na; r++) a[r * m + r] += 2 * lambda;
  if (!(a[biasRow + na] > 0)) a[biasRow + na] = 1;
  ws.factor = passes.factor(a, m) ? a : undefined;
  ws.factorisations++;
  ws.cgSinceFactor = 0;
}

/**
 * z = M⁻¹ r with the Cholesky preconditioner when there is one, else Jacobi. The factor covers the active
 * pixels and the bias; the others' entries of r are zero (their weights and gradients stay 0), as are z's.
 */
export function precondition(ws: Workspace, data: Problem, r: Float64Array, z: Float64Array): void {
  const p = data.rows.dim + 1;
  if (ws.factor) {
    const { active } = data;
    const na = active.length;
    const c = ws.compact;
    for (let q = 0; q < na; q++) c[q] = r[active[q]];
    c[na] = r[p - 1];
    passesOf(data, ws).solve(c);
    z.fill(0);
    for (let q = 0; q < na; q++) z[active[q]] = c[q];
    z[p - 1] = c[na];
  } else {
    for (let k = 0; k < p; k++) z[k] = r[k] / ws.precond[k];
  }
}
