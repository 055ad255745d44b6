import { describe, expect, it } from 'vitest';
import { gatherBatch, meanImage } from '../../src/nn/input.js';

describe('network input', () => {
  it('subtracts the training mean image on the 0..255 scale and gathers batches in the given order', () => {
    const images = Uint8Array.of(0, 10, 255, 20, 100, 30);
    const mean = meanImage(images, 3, 2);
    expect(Array.from(mean)).toEqual([(0 + 255 + 100) / 3, 20].map((v) => Math.fround(v)));
    const out = new Float32Array(4);
    const order = Int32Array.of(2, 0, 1);
    expect(gatherBatch(images, 2, order, 0, 2, mean, out)).toBe(2);
    expect(out[0]).toBeCloseTo(100 - 355 / 3, 4);
    expect(out[1]).toBeCloseTo(10, 5);
    expect(out[2]).toBeCloseTo(-355 / 3, 4);
    // the last batch of an epoch is shorter
    expect(gatherBatch(images, 2, order, 2, 2, mean, out)).toBe(1);
    expect(out[0]).toBeCloseTo(255 - 355 / 3, 4);
  });
});
