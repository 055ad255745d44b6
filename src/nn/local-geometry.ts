// The local geometry of a trained 2-layer network over a set of images: s(x), the local scale ‖∇ₓs‖ and the
// local normal's angle to a direction, through the batched engine.
import { checkData, type DenseData, float32Images, type TwoLayerNet } from './dense.js';
import type { DenseEngine } from './dense-engine.js';

/** Per-image scores, local scales and local normals of a trained network over a whole set. */
export interface LocalGeometry {
  /** s(x) per image */
  readonly score: Float64Array;
  /** ‖∇ₓs‖ per image (per unit of distance on the 0..1 pixel scale when x is) */
  readonly scale: Float64Array;
  /** the local unit normal ∇ₓs/‖∇ₓs‖ dotted with `direction` per image (NaN where ∇ₓs = 0) */
  readonly cosine: Float64Array;
}

/**
 * s(x), ‖∇ₓs‖ and the cosine between ∇ₓs and a unit `direction` (e.g. the nearest-centroid direction ẑ)
 * for every image of `data`, through the engine (∇ₓs is the input gradient of ∂s/∂s = 1).
 */
export function localGeometry(
  net: TwoLayerNet,
  data: DenseData,
  engine: DenseEngine,
  direction: ArrayLike<number>,
): LocalGeometry {
  checkData(data);
  if (direction.length !== data.dim) {
    throw new RangeError(`localGeometry: direction has ${direction.length} values, images ${data.dim}`);
  }
  const dim = data.dim;
  const score = new Float64Array(data.n);
  const scale = new Float64Array(data.n);
  const cosine = new Float64Array(data.n);
  const scores = new Float32Array(engine.batch);
  const ones = new Float32Array(engine.batch).fill(1);
  const images = float32Images(data);
  for (let start = 0; start < data.n; start += engine.batch) {
    const count = Math.min(engine.batch, data.n - start);
    engine.input().set(images.subarray(start * dim, (start + count) * dim));
    // the network does not change during the pass: its weights are copied in once
    engine.forward(net, count, scores, start === 0 ? 'copy' : 'kept');
    const grad = engine.backward(ones, false, true) as Float32Array;
    for (let b = 0; b < count; b++) {
      let nn = 0;
      let dz = 0;
      for (let p = 0; p < dim; p++) {
        const v = grad[b * dim + p];
        nn += v * v;
        dz += v * direction[p];
      }
      const len = Math.sqrt(nn);
      score[start + b] = scores[b];
      scale[start + b] = len;
      cosine[start + b] = len > 0 ? dz / len : Number.NaN;
    }
  }
  return { score, scale, cosine };
}
