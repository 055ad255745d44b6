// The shapes shared by every layer: labelled image sets and linear classifiers.

/** A binary labelled set: n images of `dim` values each, row-major in `x`, labels y ∈ {−1, +1}. */
export interface LabelledSet {
  /** number of images */
  readonly n: number;
  /** pixels per image (784 for MNIST) */
  readonly dim: number;
  /** n × dim values, row-major; for MNIST on the 0..1 scale (idx byte / 255) */
  readonly x: Float64Array;
  /** n labels, −1 for class I and +1 for class J */
  readonly y: Float64Array;
}

/** A linear classifier C = (w, b): raw score s(x) = w·x + b; x goes to J when s(x) > 0. */
export interface LinearClassifier {
  readonly w: Float64Array;
  readonly b: number;
}

/** Pixels are stored as bytes; the article works on the 0..1 scale, x = byte / pixelScale. */
export const pixelScale = 255;

/** pixelValues[b] = b / pixelScale for every byte b: the 0..1 value of a pixel, looked up instead of divided. */
export const pixelValues: Float64Array = Float64Array.from({ length: 256 }, (_, b) => b / pixelScale);

/** A labelled set of pixel bytes: x = bytes / pixelScale, the bytes kept for drawing and exact byte kernels. */
export interface ByteLabelledSet extends LabelledSet {
  /** n × dim raw pixels 0..255, row-major */
  readonly bytes: Uint8Array;
}

/** The sets `byteLabelledSet` made: their x is their bytes / pixelScale by construction. */
const fromBytes = new WeakSet<LabelledSet>();

/**
 * A set of pixel bytes whose x (byte / pixelScale, n × dim doubles) is computed on its first read only, then
 * kept: a solver's thread that works from the bytes (`pixelBytesOf`) never pays for it. Copies (spread, a
 * message to a worker) read x and carry it.
 */
export function byteLabelledSet(n: number, dim: number, bytes: Uint8Array, y: Float64Array): ByteLabelledSet {
  if (bytes.length !== n * dim)
    throw new RangeError(`byteLabelledSet: ${bytes.length} bytes for ${n} images of ${dim} pixels`);
  let x: Float64Array | undefined;
  const set: ByteLabelledSet = {
    n,
    dim,
    bytes,
    y,
    get x(): Float64Array {
      if (x === undefined) {
        x = new Float64Array(n * dim);
        for (let k = 0; k < n * dim; k++) x[k] = pixelValues[bytes[k]];
      }
      return x;
    },
  };
  fromBytes.add(set);
  return set;
}

/** The bytes of a set made by `byteLabelledSet` (x = bytes / pixelScale exactly, x unread), else undefined. */
export function pixelBytesOf(set: LabelledSet): Uint8Array | undefined {
  return fromBytes.has(set) ? (set as ByteLabelledSet).bytes : undefined;
}

/**
 * Image r of a set (its dim values of x) written into `into`: from the bytes where `byteLabelledSet` made the
 * set (the same values as x, which is then never materialised: a pass image by image stays in cache instead
 * of streaming n × dim doubles), else copied from x.
 */
export function imageInto(set: LabelledSet, r: number, into: Float64Array): Float64Array {
  const { dim } = set;
  const off = r * dim;
  const bytes = pixelBytesOf(set);
  if (bytes) for (let k = 0; k < dim; k++) into[k] = pixelValues[bytes[off + k]];
  else into.set(set.x.subarray(off, off + dim));
  return into;
}
