// The logistic-path solver's view of a training set (sparse rows and columns, labels) and its work arrays,
// allocated once per path.
import { type SparseColumns, type SparseRows, sparseRowsOf, toSparseColumns } from '../../math/sparse.js';
import type { LabelledSet } from '../../math/types.js';
import { type LogisticPasses, marginsRange, sequentialPasses } from './passes.js';

/** Work arrays shared by every λ of a path (no allocation inside the iterations). */
export class Workspace {
  readonly z: Float64Array; // y (w·x + b)
  readonly curvature: Float64Array; // f''(z) / n
  readonly u: Float64Array;
  readonly grad: Float64Array; // d + 1 entries, bias last
  readonly direction: Float64Array;
  readonly residual: Float64Array;
  readonly precond: Float64Array;
  readonly pz: Float64Array;
  readonly search: Float64Array;
  readonly hs: Float64Array;
  readonly trialZ: Float64Array;
  /**
   * The Hessian at some earlier point, factored by the passes (`LogisticPasses.factor`, which keep the
   * Cholesky factor here or in memory of their own) and used as preconditioner while it stays good; of order
   * active pixels + 1 (the bias), the data's never-lit pixels left out (see `Problem.active`); undefined
   * while there is no factor
   */
  factor: Float64Array | undefined;
  /** r and M⁻¹r on the factor's coordinates (active pixels, then the bias) */
  readonly compact: Float64Array;
  /** how the passes over the data run (`passesOf`: in TypeScript unless a caller set others) */
  passes: LogisticPasses | undefined;
  /** CG iterations of the last Newton step: too many means the preconditioner is stale or too weak */
  lastCg = 0;
  /** CG iterations since the factor was built: a new factor costs about as much as ~40 of them */
  cgSinceFactor = 0;
  factorisations = 0;

  constructor(n: number, dim: number) {
    this.z = new Float64Array(n);
    this.curvature = new Float64Array(n);
    this.u = new Float64Array(n);
    this.trialZ = new Float64Array(n);
    const p = dim + 1;
    this.grad = new Float64Array(p);
    this.direction = new Float64Array(p);
    this.residual = new Float64Array(p);
    this.precond = new Float64Array(p);
    this.pz = new Float64Array(p);
    this.search = new Float64Array(p);
    this.hs = new Float64Array(p);
    this.compact = new Float64Array(p);
  }
}

/** The workspace's passes over the data: in TypeScript unless the caller set others. */
export function passesOf(data: Problem, ws: Workspace): LogisticPasses {
  ws.passes ??= sequentialPasses(data);
  return ws.passes;
}

/** z_i = y_i (w·x_i + b) for every image; `theta` holds w then b (with ws: through its passes). */
export function margins(data: Problem, theta: Float64Array, out: Float64Array, ws?: Workspace): void {
  if (ws) passesOf(data, ws).margins(theta, out);
  else marginsRange(data, theta, out, 0, data.rows.n);
}

/** The training data as the solver reads it: sparse rows and columns, labels. */
export interface Problem {
  readonly rows: SparseRows;
  readonly columns: SparseColumns;
  readonly y: Float64Array;
  /**
   * The pixels lit in at least one image, ascending (580 of 784 on MNIST's 7 vs 9). Every other pixel's
   * column of the data is zero, so its weight stays 0 and its row of the Hessian is 2λ on the diagonal
   * only: the factored preconditioner leaves those out, (580/784)³ of the work.
   */
  readonly active: Int32Array;
  /** for each entry of `rows`, its pixel's position in `active` */
  readonly activeColumn: Int32Array;
}

/** The solver's view of a training set. */
export function problemOf(set: LabelledSet): Problem {
  const rows = sparseRowsOf(set);
  const columns = toSparseColumns(rows);
  const position = new Int32Array(set.dim).fill(-1);
  const lit: number[] = [];
  for (let k = 0; k < set.dim; k++)
    if (columns.start[k + 1] > columns.start[k]) {
      position[k] = lit.length;
      lit.push(k);
    }
  const nnz = rows.start[rows.n];
  const activeColumn = new Int32Array(nnz);
  for (let p = 0; p < nnz; p++) activeColumn[p] = position[rows.column[p]];
  return { rows, columns, y: set.y, active: Int32Array.from(lit), activeColumn };
}
