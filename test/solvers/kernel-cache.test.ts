// The hinge solvers' kernel cache: each entry computed once, zero entries (images with disjoint pixels) kept
// and handed out as +0, the same values across growth and rebuilds as computing them afresh.
import { describe, expect, it } from 'vitest';
import { kernelEntries, prepareHingeData } from '../../src/solvers/hinge/data.js';
import { KernelCache } from '../../src/solvers/hinge/kernel-cache.js';
import { createHingeProfile } from '../../src/solvers/hinge/profile.js';

/** n images of 4 pixels; even images light pixels 0–1 only, odd ones 2–3 only: K is zero between them. */
function disjointSet(n: number) {
  const x = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) {
    const off = i * 4 + (i % 2 === 0 ? 0 : 2);
    x[off] = 1 + (i % 5);
    x[off + 1] = 0.5 * (i % 3);
  }
  return prepareHingeData({ n, dim: 4, x, y: Float64Array.from({ length: n }, (_, i) => (i % 2 ? 1 : -1)) });
}

describe('the kernel cache', () => {
  it('computes each entry once, and gives back zero entries as +0', () => {
    const data = disjointSet(12);
    const profile = createHingeProfile();
    const cache = new KernelCache(data, profile);
    const points = Int32Array.from({ length: 12 }, (_, i) => i);
    const expected = new Float64Array(12);
    const out = new Float64Array(12);
    for (const j of [0, 1, 0, 1, 5]) {
      cache.row(j, points, 12, out);
      kernelEntries(data, j, points, 12, expected);
      expect(Array.from(out)).toEqual(Array.from(expected));
      for (let t = 0; t < 12; t++) if (out[t] === 0) expect(Object.is(out[t], 0)).toBe(true);
    }
    expect(out.filter((v) => v === 0).length).toBe(6);
    // rows 0 and 1: 12 each; row 5: its entries with 0 and 1 were already there
    expect(profile.kernelEntries).toBe(12 + 11 + 10);
  });

  it('gives the same values through growth and rebuilds of a small cache', () => {
    const data = disjointSet(300);
    const profile = createHingeProfile();
    // 40 slots at most: the requests below rebuild it again and again
    const cache = new KernelCache(data, profile, 40 * 40 * 8);
    const out = new Float64Array(39);
    const expected = new Float64Array(39);
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % 300;
    };
    for (let r = 0; r < 200; r++) {
      const m = 1 + (r % 38);
      const points = Int32Array.from({ length: m }, next);
      const j = next();
      cache.row(j, points, m, out);
      kernelEntries(data, j, points, m, expected);
      expect(Array.from(out.subarray(0, m))).toEqual(Array.from(expected.subarray(0, m)));
    }
    expect(profile.kernelCacheResets).toBeGreaterThan(0);
  });
});
