import { describe, expect, it } from 'vitest';
import { gaussian, seededRandom } from '../../src/math/random.js';
import { gemmReference, loadKernels } from '../../src/nn/kernels.js';

describe('the wasm SIMD GEMM', () => {
  it('equals the TypeScript reference to 1e-5 for every transpose combination, edges and several blocks included', () => {
    const kernels = loadKernels();
    const rand = seededRandom(9);
    for (const [m, n, k] of [
      [1, 1, 1],
      [5, 13, 7],
      [70, 530, 300],
      [300, 10, 500],
    ]) {
      for (const transposeA of [false, true]) {
        for (const transposeB of [false, true]) {
          const a = transposeA ? kernels.matrix(k, m) : kernels.matrix(m, k);
          const b = transposeB ? kernels.matrix(n, k) : kernels.matrix(k, n);
          const c = kernels.matrix(m, n);
          a.view().set(Float32Array.from({ length: m * k }, () => gaussian(rand)));
          b.view().set(Float32Array.from({ length: k * n }, () => gaussian(rand)));
          c.view().set(Float32Array.from({ length: m * n }, () => gaussian(rand)));
          // the reference on explicit copies of op(A) and op(B)
          const opA = new Float32Array(m * k);
          const opB = new Float32Array(k * n);
          for (let i = 0; i < m; i++)
            for (let p = 0; p < k; p++)
              opA[i * k + p] = transposeA ? a.view()[p * m + i] : a.view()[i * k + p];
          for (let p = 0; p < k; p++)
            for (let j = 0; j < n; j++)
              opB[p * n + j] = transposeB ? b.view()[j * k + p] : b.view()[p * n + j];
          const expected = Float32Array.from(c.view());
          gemmReference(opA, opB, expected, m, n, k);
          kernels.gemmPacked(a, transposeA, b, transposeB, c);
          const got = c.view();
          let worst = 0;
          for (let t = 0; t < m * n; t++)
            worst = Math.max(worst, Math.abs(got[t] - expected[t]) / Math.sqrt(k));
          expect(worst).toBeLessThan(1e-5);
        }
      }
    }
  });

  it('refuses mismatched shapes', () => {
    const kernels = loadKernels();
    expect(() => kernels.gemm(kernels.matrix(2, 3), kernels.matrix(4, 5), kernels.matrix(2, 5))).toThrow(
      /do not match/,
    );
  });
});
