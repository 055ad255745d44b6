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
