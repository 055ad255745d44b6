// Seeded synthetic labelled sets shared by the solver tests.
import { gaussian, seededRandom } from '../../src/math/random.js';
import type { LabelledSet } from '../../src/math/types.js';

/**
 * Two overlapping Gaussian clouds (one image in three is class I): shifted apart by ±shift on the first
 * axis, every other axis k offset by drift·k. Non-separable, so some α sit at C and some are free.
 */
export function gaussianClouds(
  seed: number,
  n: number,
  dim: number,
  shift: number,
  drift: number,
): LabelledSet {
  const rand = seededRandom(seed);
  const x = new Float64Array(n * dim);
  const y = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    y[r] = r % 3 === 0 ? -1 : 1;
    for (let k = 0; k < dim; k++) x[r * dim + k] = gaussian(rand) + (k === 0 ? shift * y[r] : drift * k);
  }
  return { n, dim, x, y };
}
