// The measurements of a linear model that the studies beyond the article share: θ, d_adv, d_err, the errors
// and the robust test error at every ε, from sparse rows of a pair's images.
import type { BinaryPair } from '../data/pairs.js';
import { centroids, nearestCentroidDirection, tiltingAngle } from '../math/geometry.js';
import { type SparseRows, sparseRowDot, sparseRowsOf } from '../math/sparse.js';
import type { LabelledSet } from '../math/types.js';
import { norm } from '../math/vector.js';

/** The measurements of one linear model (w = 0 has no θ, d_adv or d_err). */
export interface Measured {
  normW: number;
  theta: number | null;
  dAdv: number | null;
  dErr: number | null;
  errTrain: number;
  errTest: number;
  robustErrCurve: number[];
}

/** Whether image r is misclassified by some perturbation of norm ≤ ε (x goes to J when s > 0). */
function robustlyWrong(y: number, s: number, shift: number): boolean {
  return y > 0 ? s - shift <= 0 : s + shift > 0;
}

function scoresOf(rows: SparseRows, w: Float64Array, b: number): Float64Array {
  const out = new Float64Array(rows.n);
  for (let r = 0; r < rows.n; r++) out[r] = sparseRowDot(rows, r, w) + b;
  return out;
}

function percentWrong(set: LabelledSet, s: Float64Array, shift: number): number {
  let wrong = 0;
  for (let r = 0; r < set.n; r++) if (robustlyWrong(set.y[r], s[r], shift)) wrong++;
  return (100 * wrong) / set.n;
}

/** What the pair's measurements share: ẑ and the images as sparse rows. */
export interface PairRows {
  train: LabelledSet;
  test: LabelledSet;
  trainRows: SparseRows;
  testRows: SparseRows;
  zHat: Float64Array;
}

export function measure(rows: PairRows, w: Float64Array, b: number, epsilons: readonly number[]): Measured {
  const normW = norm(w);
  const sTrain = scoresOf(rows.trainRows, w, b);
  const sTest = scoresOf(rows.testRows, w, b);
  let dAdv: number | null = null;
  let dErr: number | null = null;
  if (normW > 0) {
    let adv = 0;
    let err = 0;
    for (let r = 0; r < rows.train.n; r++) {
      const yd = (rows.train.y[r] * sTrain[r]) / normW;
      adv += yd;
      if (yd <= 0) err -= yd;
    }
    dAdv = adv / rows.train.n;
    dErr = err / rows.train.n;
  }
  return {
    normW,
    theta: normW > 0 ? tiltingAngle(w, rows.zHat) : null,
    dAdv,
    dErr,
    errTrain: percentWrong(rows.train, sTrain, 0),
    errTest: percentWrong(rows.test, sTest, 0),
    robustErrCurve: epsilons.map((e) => percentWrong(rows.test, sTest, e * normW)),
  };
}

/** A pair's images as sparse rows, with ẑ and the centroids. */
export function pairRows(pair: BinaryPair): PairRows & { i: Float64Array; j: Float64Array } {
  const { train, test } = pair;
  const { i, j } = centroids(train);
  return {
    train,
    test,
    trainRows: sparseRowsOf(train),
    testRows: sparseRowsOf(test),
    zHat: nearestCentroidDirection(i, j),
    i,
    j,
  };
}

/** A λ path's model as the figures draw it (θ and d_adv are defined: the path's w is never 0). */
export function pathPoint(
  lambda: number,
  m: Measured,
): { lambda: number; normW: number; theta: number; dAdv: number; errTrain: number; errTest: number } {
  return {
    lambda,
    normW: m.normW,
    theta: m.theta ?? 0,
    dAdv: m.dAdv ?? 0,
    errTrain: m.errTrain,
    errTest: m.errTest,
  };
}
