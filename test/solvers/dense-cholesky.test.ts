import { describe, expect, it } from 'vitest';
import { choleskyInPlace, choleskySolve } from '../../src/solvers/dense-cholesky.js';

/** A = B Bᵀ + shift·I, row-major, B an m × r matrix of a fixed pseudo-random sequence. */
function spd(m: number, r: number, shift: number): Float64Array {
  let state = 12345;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  const b = Array.from({ length: m * r }, next);
  const a = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      let s = i === j ? shift : 0;
      for (let k = 0; k < r; k++) s += b[i * r + k] * b[j * r + k];
      a[i * m + j] = s;
    }
  return a;
}

describe('the blocked Cholesky factorisation', () => {
  // orders below, at and across the block size (48), so every edge of the blocking runs
  for (const m of [1, 5, 47, 48, 49, 97, 130]) {
    it(`reproduces A = L Lᵀ and solves A x = b at order ${m}`, () => {
      const a = spd(m, Math.max(1, m >> 1), 0.1);
      const l = a.slice();
      expect(choleskyInPlace(l, m)).toBe(true);
      let worst = 0;
      let scale = 0;
      for (let i = 0; i < m; i++)
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let k = 0; k <= j; k++) s += l[i * m + k] * l[j * m + k];
          worst = Math.max(worst, Math.abs(s - a[i * m + j]));
          scale = Math.max(scale, Math.abs(a[i * m + j]));
        }
      expect(worst / scale).toBeLessThan(1e-13);
      const x = Float64Array.from({ length: m }, (_, k) => Math.sin(k + 1));
      const b = x.map((_, i) => x.reduce((s, xk, k) => s + a[i * m + k] * xk, 0));
      choleskySolve(l, m, b);
      for (let k = 0; k < m; k++) expect(b[k]).toBeCloseTo(x[k], 9);
    });
  }

  it('refuses a matrix that is not positive definite, in any block', () => {
    for (const bad of [0, 30, 60, 99]) {
      const a = spd(100, 100, 1);
      a[bad * 100 + bad] = -1;
      expect(choleskyInPlace(a, 100)).toBe(false);
    }
  });
});
