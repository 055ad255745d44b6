// The networks' input as the article's MatConvNet runs prepared it: pixel values 0..255 (not 0..1) with the
// training set's mean image subtracted.

/** Mean image (0..255 scale) of `count` images of `size` bytes each. */
export function meanImage(images: Uint8Array, count: number, size: number): Float32Array {
  const sum = new Float64Array(size);
  for (let i = 0; i < count; i++) {
    const off = i * size;
    for (let k = 0; k < size; k++) sum[k] += images[off + k];
  }
  return Float32Array.from(sum, (s) => s / count);
}

/**
 * Writes the batch of images `order[start … start + batch − 1]` into `out` (batch × size, row-major) as
 * byte − mean; returns how many images it wrote (fewer at the end of an epoch).
 */
export function gatherBatch(
  images: Uint8Array,
  size: number,
  order: Int32Array,
  start: number,
  batch: number,
  mean: Float32Array,
  out: Float32Array,
): number {
  const count = Math.min(batch, order.length - start);
  for (let b = 0; b < count; b++) {
    const src = order[start + b] * size;
    const dst = b * size;
    for (let k = 0; k < size; k++) out[dst + k] = images[src + k] - mean[k];
  }
  return count;
}
