// The toy problem of the article (SPEC §2): two-valued pictures, a central square of value a on a
// background of value b, so every picture is a point (a, b) of the plane. Class I is the segment
// a ∈ [−1, −0.2], b = 0; class J is a ∈ [0.2, 1], b = 0. Geometry only (the fits live in solvers/toy-fit.ts,
// since maths is the bottom layer).
import { mirrorImage, projectedImage } from './geometry.js';
import type { LabelledSet, LinearClassifier } from './types.js';
import type { Vec } from './vector.js';

/** Default side of a toy picture, in pixels. */
export const TOY_IMAGE_SIZE = 12;

/** Default side of the central square of a toy picture, in pixels. */
export const TOY_SQUARE_SIZE = 4;

/** Default number of training images per clean class. */
export const TOY_CLASS_COUNT = 9;

/**
 * The noisy training point p = (a, b) = (−0.5, 0.1), labelled J. It sits above the middle of the class-I
 * segment (right above the class-I image a = −0.5 with the default 9 per class), just 0.1 off the line
 * b = 0 that holds all the clean data, so only a boundary nearly parallel to that line (θ near π/2) can
 * classify it correctly.
 */
export const TOY_NOISY_POINT: readonly [number, number] = Object.freeze([-0.5, 0.1] as [number, number]);

/** One sentence that describes p for the figure's caption. */
export const TOY_NOISY_POINT_DESCRIPTION =
  'The noisy point p = (−0.5, 0.1) is labelled J but looks like a class-I picture: its square has a ' +
  'class-I value, a = −0.5, and only its background differs slightly, b = 0.1 instead of 0.';

// values a reflection can push a hair outside [−1, 1] through rounding; anything beyond is a caller error
const RANGE_SLACK = 1e-9;

/**
 * The two-valued picture of the point (a, b): a size × size row-major image whose central square of side
 * `square` has value a and whose background has value b (values in [−1, 1]; an odd size − square puts the
 * square half a pixel up and left of the centre).
 */
export function toyImage(
  a: number,
  b: number,
  size = TOY_IMAGE_SIZE,
  square = TOY_SQUARE_SIZE,
): Float64Array {
  if (!Number.isInteger(size) || !Number.isInteger(square) || size < 1 || square < 0 || square > size) {
    throw new RangeError(`toyImage(): need integers 0 ≤ square ≤ size, got size ${size}, square ${square}`);
  }
  const va = clampValue(a, 'a');
  const vb = clampValue(b, 'b');
  const out = new Float64Array(size * size).fill(vb);
  const start = Math.floor((size - square) / 2);
  for (let r = start; r < start + square; r++) out.fill(va, r * size + start, r * size + start + square);
  return out;
}

function clampValue(v: number, name: string): number {
  if (!(Math.abs(v) <= 1 + RANGE_SLACK))
    throw new RangeError(`toyImage(): ${name} = ${v} is outside [−1, 1]`);
  return Math.min(1, Math.max(-1, v));
}

/** The toy point (a, b) as a 2-D image vector. */
export function toyPoint(a: number, b: number): Float64Array {
  return Float64Array.of(a, b);
}

/**
 * The clean classes: `count` evenly spaced points per class (endpoints included), class I (y = −1) at
 * a ∈ [−1, −0.2] then class J (y = +1) at a ∈ [0.2, 1], all with b = 0. Balanced, and separable by a = 0.
 */
export function toyClasses(count = TOY_CLASS_COUNT): LabelledSet {
  return buildToySet(count, false);
}

/**
 * The toy training set: the clean classes followed by the noisy point p (label J, last image, index
 * 2·count). p makes class J larger by one, so the identity d_adv = ½‖j − i‖ cos θ, which needs balanced
 * classes, picks up a bias term (n_J − n_I) b′/n and unequal weights on the two centroids: check it on
 * toyClasses, not here.
 */
export function toyTrainingSet(count = TOY_CLASS_COUNT): LabelledSet {
  return buildToySet(count, true);
}

function buildToySet(count: number, withNoise: boolean): LabelledSet {
  if (!Number.isInteger(count) || count < 2) {
    throw new RangeError(`toy classes need an integer count ≥ 2 per class, got ${count}`);
  }
  const n = 2 * count + (withNoise ? 1 : 0);
  const x = new Float64Array(2 * n);
  const y = new Float64Array(n);
  for (let k = 0; k < count; k++) {
    const t = k / (count - 1);
    x[2 * k] = -1 + 0.8 * t;
    y[k] = -1;
    x[2 * (count + k)] = 0.2 + 0.8 * t;
    y[count + k] = 1;
  }
  if (withNoise) {
    x[2 * (n - 1)] = TOY_NOISY_POINT[0];
    x[2 * (n - 1) + 1] = TOY_NOISY_POINT[1];
    y[n - 1] = 1;
  }
  return { n, dim: 2, x, y };
}

/** The classifier of the line L_θ: normal w_θ = (cos θ, sin θ) through the origin (θ = 0: boundary a = 0). */
export function toyBoundary(theta: number): LinearClassifier {
  return { w: Float64Array.of(Math.cos(theta), Math.sin(theta)), b: 0 };
}

/** A toy point x with its projected image x_p (on the boundary) and mirror image x_m (other class). */
export interface ToyPointImages {
  x: Float64Array;
  xp: Float64Array;
  xm: Float64Array;
}

/**
 * x, x_p and x_m of a toy point for the line L_θ (a number θ) or for any classifier of the plane (a fitted
 * one, say).
 */
export function toyPointImages(point: Vec, boundary: number | LinearClassifier): ToyPointImages {
  const c = typeof boundary === 'number' ? toyBoundary(boundary) : boundary;
  const x = Float64Array.from(point);
  return { x, xp: projectedImage(c, x), xm: mirrorImage(c, x) };
}
