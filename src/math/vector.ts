// Dense vector kernels over Float64 typed arrays: allocation-free, browser-safe.

/** Any dense numeric vector view. */
export type Vec = Float64Array | Float32Array;

/** Dot product of a row of a row-major matrix (starting at `offset`) with v. */
export function dotRow(x: Vec, offset: number, v: Vec, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  // four partial sums: fewer dependent additions, so V8 keeps the pipeline busy
  for (; k + 3 < dim; k += 4) {
    s0 += x[offset + k] * v[k];
    s1 += x[offset + k + 1] * v[k + 1];
    s2 += x[offset + k + 2] * v[k + 2];
    s3 += x[offset + k + 3] * v[k + 3];
  }
  for (; k < dim; k++) s0 += x[offset + k] * v[k];
  return s0 + s1 + (s2 + s3);
}

/** Dot product u·v. */
export function dot(u: Vec, v: Vec): number {
  return dotRow(u, 0, v, u.length);
}

/** Euclidean norm ‖v‖. */
export function norm(v: Vec): number {
  return Math.sqrt(dot(v, v));
}

/** Euclidean distance ‖u − v‖. */
export function distance(u: Vec, v: Vec): number {
  let s = 0;
  for (let k = 0; k < u.length; k++) {
    const d = u[k] - v[k];
    s += d * d;
  }
  return Math.sqrt(s);
}

/** out ← u + a·v (out may alias u); returns out. */
export function addScaled(out: Float64Array, u: Vec, a: number, v: Vec): Float64Array {
  for (let k = 0; k < out.length; k++) out[k] = u[k] + a * v[k];
  return out;
}

/** A unit vector in the direction of v (throws on the zero vector, which has none). */
export function unit(v: Vec): Float64Array {
  const n = norm(v);
  if (!(n > 0) || !Number.isFinite(n))
    throw new RangeError('unit(): the vector has no direction (norm 0 or not finite)');
  const out = new Float64Array(v.length);
  for (let k = 0; k < v.length; k++) out[k] = v[k] / n;
  return out;
}

/** Index (from 0) of the largest of `count` values starting at `offset`; the first one on ties. */
export function argmax(values: ArrayLike<number>, offset: number, count: number): number {
  let best = 0;
  for (let k = 1; k < count; k++) if (values[offset + k] > values[offset + best]) best = k;
  return best;
}
