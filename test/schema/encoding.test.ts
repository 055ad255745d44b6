import { describe, expect, it } from 'vitest';
import {
  base64ToBytes,
  btoaBase64,
  bytesToBase64,
  decodeFloat32,
  dequantise,
  encodeFloat32,
  quantise,
} from '../../src/schema/encoding.js';

describe('typed arrays inside JSON', () => {
  it('round-trips bytes through base64, also for large arrays', () => {
    const bytes = Uint8Array.from({ length: 100_003 }, (_, k) => (k * 31) & 255);
    expect(Array.from(base64ToBytes(bytesToBase64(bytes)))).toEqual(Array.from(bytes));
    expect(bytesToBase64(Uint8Array.of(1, 2, 3))).toBe(Buffer.from([1, 2, 3]).toString('base64'));
    // the browsers' route gives the same text, on a view into a larger buffer and across its chunks
    const long = Uint8Array.from({ length: 70001 }, (_, i) => (i * 37) % 256).subarray(3, 69998);
    expect(btoaBase64(long)).toBe(bytesToBase64(long));
  });

  it('round-trips Float32 exactly', () => {
    const values = [0, -1.5, Math.PI, 1e-30, 3e38];
    expect(Array.from(decodeFloat32(encodeFloat32(values)))).toEqual(Array.from(Float32Array.from(values)));
  });

  it('quantises to within half a step', () => {
    const values = Float64Array.from({ length: 1000 }, (_, k) => Math.sin(k) * 7.3);
    const q = quantise(values);
    const back = dequantise(q);
    for (let k = 0; k < values.length; k++)
      expect(Math.abs(back[k] - values[k])).toBeLessThanOrEqual(q.scale / 2 + 1e-15);
    expect(dequantise(quantise([0, 0]))).toEqual(Float64Array.of(0, 0));
  });
});
