// Plain gradient descent on the unregularised logistic risk R(w, b) = (1/n) Σ softplus(y (w·x + b)), with a
// free bias and a fixed step 1/L from the Lipschitz bound L = σ_max(X̃)² / (4n) of ∇R (softplus'' ≤ ¼, X̃ the
// images with a column of ones). On separable data w(t) grows without bound and its direction converges to
// the hard-margin SVM's, as 1/log t (Soudry et al. 2018): early stopping acts like a weak L2 penalty. The
// state is explicit, so a run can be checkpointed and resumed exactly. Pure maths.
import { softplusDerivative, softplusLoss } from '../math/losses.js';
import {
  type SparseColumns,
  type SparseRows,
  sparseRowDot,
  sparseRowsOf,
  sparseTransposeTimes,
  sparseTransposeTimesColumns,
  toSparseColumns,
} from '../math/sparse.js';
import type { LabelledSet } from '../math/types.js';

/** Where a run is: the step count and the parameters after it. */
export interface DescentState {
  /** steps taken */
  t: number;
  w: Float64Array;
  b: number;
}

/** The data as the descent reads it. */
export interface DescentProblem {
  readonly rows: SparseRows;
  readonly columns: SparseColumns;
  readonly y: Float64Array;
  /** the fixed step 1/L */
  readonly step: number;
}

/** σ_max(X̃)² by power iteration on X̃ᵀX̃ (X̃ = [X 1]); `iterations` rounds from the all-ones vector. */
export function largestSquaredSingularValue(
  rows: SparseRows,
  columns: SparseColumns,
  iterations = 100,
): number {
  const { n, dim } = rows;
  let v = new Float64Array(dim + 1).fill(1 / Math.sqrt(dim + 1));
  const u = new Float64Array(n);
  let next = new Float64Array(dim + 1);
  let estimate = 0;
  for (let k = 0; k < iterations; k++) {
    for (let i = 0; i < n; i++) u[i] = sparseRowDot(rows, i, v) + v[dim];
    sparseTransposeTimes(columns, u, next);
    let bias = 0;
    for (let i = 0; i < n; i++) bias += u[i];
    next[dim] = bias;
    let norm2 = 0;
    for (let j = 0; j <= dim; j++) norm2 += next[j] * next[j];
    const norm = Math.sqrt(norm2);
    // ‖X̃ᵀX̃ v‖ with ‖v‖ = 1 rises to σ_max² from below
    estimate = norm;
    for (let j = 0; j <= dim; j++) next[j] /= norm;
    [v, next] = [next, v];
  }
  return estimate;
}

/** The descent's view of a training set, with its step 1/L (L from 100 power-iteration rounds, raised 1 %). */
export function descentProblem(set: LabelledSet): DescentProblem {
  const rows = sparseRowsOf(set);
  const columns = toSparseColumns(rows);
  // the power iteration approaches σ² from below: a 1 % margin keeps the step under 1/L
  const lipschitz = (1.01 * largestSquaredSingularValue(rows, columns)) / (4 * set.n);
  return { rows, columns, y: set.y, step: 1 / lipschitz };
}

/** The starting state: w = 0, b = 0. */
export function initialState(dim: number): DescentState {
  return { t: 0, w: new Float64Array(dim), b: 0 };
}

/** R at a state, and ‖∇R‖. */
export function riskAt(problem: DescentProblem, state: DescentState): { risk: number; gradientNorm: number } {
  const { rows, columns, y } = problem;
  const coef = new Float64Array(rows.n);
  const g = new Float64Array(rows.dim);
  let risk = 0;
  let gb = 0;
  for (let i = 0; i < rows.n; i++) {
    const z = y[i] * (sparseRowDot(rows, i, state.w) + state.b);
    risk += softplusLoss(z);
    coef[i] = (y[i] * softplusDerivative(z)) / rows.n;
    gb += coef[i];
  }
  sparseTransposeTimes(columns, coef, g);
  let g2 = gb * gb;
  for (let k = 0; k < rows.dim; k++) g2 += g[k] * g[k];
  return { risk: risk / rows.n, gradientNorm: Math.sqrt(g2) };
}

/**
 * The descent's two passes over the data. The TypeScript ones (`typedArrayDescentPasses`) are the reference;
 * the WebAssembly ones (src/solvers/descent-wasm.ts) give the same bits, as each sum runs in the same order.
 */
export interface DescentPasses {
  /** z_i = y_i (x_i·w + b) for the images lo … hi − 1, into z[i] */
  margins(w: Float64Array, b: number, lo: number, hi: number, z: Float64Array): void;
  /** g_k = Σ_i X[i, k] c_i for the pixels lo … hi − 1, into g[k] (c has an entry per image) */
  gradientEntries(c: Float64Array, lo: number, hi: number, g: Float64Array): void;
}

/** The passes as TypeScript loops over the problem's rows and columns. */
export function typedArrayDescentPasses(
  problem: Pick<DescentProblem, 'rows' | 'columns' | 'y'>,
): DescentPasses {
  const { rows, columns, y } = problem;
  return {
    margins(w, b, lo, hi, z) {
      for (let i = lo; i < hi; i++) z[i] = y[i] * (sparseRowDot(rows, i, w) + b);
    },
    gradientEntries(c, lo, hi, g) {
      sparseTransposeTimesColumns(columns, c, g, lo, hi);
    },
  };
}

/** c_i = y_i f'(z_i)/n for the images lo … hi − 1 (the gradient's per-image weights), through `passes`. */
export function descentCoefficients(
  problem: Pick<DescentProblem, 'rows' | 'y'>,
  passes: DescentPasses,
  w: Float64Array,
  b: number,
  lo: number,
  hi: number,
  coef: Float64Array,
): void {
  const { rows, y } = problem;
  passes.margins(w, b, lo, hi, coef);
  for (let i = lo; i < hi; i++) coef[i] = (y[i] * softplusDerivative(coef[i])) / rows.n;
}

/**
 * Computes the per-image weights c_i into coef and ∇_w R = Σ c_i x_i into g (the bias part, Σ c_i, is summed
 * by `descend`). The default runs on this thread; a threaded one (descent-threads.ts) splits the images and
 * the pixels, and gives the same bits: each c_i and each g_k is computed by the same operations in the same
 * order.
 */
export type GradientFunction = (w: Float64Array, b: number, g: Float64Array, coef: Float64Array) => void;

/** The gradient on one thread, through `passes` (the TypeScript loops unless given). */
export function serialGradient(
  problem: DescentProblem,
  passes: DescentPasses = typedArrayDescentPasses(problem),
): GradientFunction {
  return (w, b, g, coef) => {
    descentCoefficients(problem, passes, w, b, 0, problem.rows.n, coef);
    passes.gradientEntries(coef, 0, problem.rows.dim, g);
  };
}

/**
 * Runs the descent from `state` (updated in place) until `until` steps, calling `onStep` after every step
 * whose count is in `record` (ascending). `gradient` defaults to one pass over every image on this thread.
 */
export function descend(
  problem: DescentProblem,
  state: DescentState,
  until: number,
  record: ReadonlySet<number>,
  onStep: (state: DescentState) => void,
  gradient: GradientFunction = serialGradient(problem),
  coef: Float64Array = new Float64Array(problem.rows.n),
): void {
  const { step } = problem;
  const g = new Float64Array(problem.rows.dim);
  const w = state.w;
  while (state.t < until) {
    gradient(w, state.b, g, coef);
    let gb = 0;
    for (let i = 0; i < coef.length; i++) gb += coef[i];
    for (let k = 0; k < w.length; k++) w[k] -= step * g[k];
    state.b -= step * gb;
    state.t++;
    if (record.has(state.t)) onStep(state);
  }
}
