// A λ path artifact decoded for drawing: the typed arrays behind its base64 fields, decoded once, per model on
// demand (a path holds 81 models; a reader looks at a few).
import { boundaryInTiltingPlane, nearestCentroidDirection, tiltingPlaneBasis } from '../src/math/geometry.js';
import type { SvmModel, SvmPath } from '../src/schema/artifacts.js';
import { base64ToBytes, decodeFloat32, dequantise } from '../src/schema/encoding.js';

/** One model's pictures and coordinates. */
export interface DecodedModel {
  record: SvmModel;
  /** w as a 28×28 picture */
  w: Float32Array;
  /** v = (x − o)·n̂ of every training image */
  planeV: Float64Array;
  /** the largest |v| (the quantiser's range) */
  maxV: number;
  mirrorI: Float32Array;
  mirrorJ: Float32Array;
  /** the boundary in the tilting plane: cu·u + cv·v + c0 = d(x) */
  line: { cu: number; cv: number; c0: number };
  /** n̂ = the part of ŵ orthogonal to ẑ, normalised (undefined when w ∥ ẑ): the plane's second axis */
  nHat: Float64Array | undefined;
}

/** A path with its decoded shared arrays and a per-model decoder. */
export interface DecodedPath {
  path: SvmPath;
  /** 0 for class I, 1 for class J, per training image */
  labels: Uint8Array;
  /** u = (x − o)·ẑ of every training image */
  planeU: Float64Array;
  /** the largest |u| */
  maxU: number;
  /** the largest |v| over every model of the path (so that the plane keeps one scale along λ) */
  maxV: number;
  centroidI: Float32Array;
  centroidJ: Float32Array;
  representativeI: Float32Array;
  representativeJ: Float32Array;
  model(c: number): DecodedModel;
}

const decoded = new WeakMap<SvmPath, DecodedPath>();

/**
 * A picture on the 0..1 scale from either encoding artifacts use: Float32 values, or the raw idx bytes
 * (0..255, one byte a pixel — what the path writes for its representatives), told apart by length.
 */
export function decodePicture(text: string, pixels: number): Float32Array {
  const bytes = base64ToBytes(text);
  if (bytes.length === pixels) return Float32Array.from(bytes, (v) => v / 255);
  return decodeFloat32(text);
}

/** The decoded view of a path (memoised per artifact object). */
export function decodePath(path: SvmPath): DecodedPath {
  const hit = decoded.get(path);
  if (hit) return hit;
  const planeU = dequantise(path.planeU);
  const centroidI = decodeFloat32(path.centroids.i);
  const centroidJ = decodeFloat32(path.centroids.j);
  const zHat = nearestCentroidDirection(centroidI, centroidJ);
  const origin = new Float64Array(centroidI.length);
  for (let k = 0; k < origin.length; k++) origin[k] = (centroidI[k] + centroidJ[k]) / 2;
  const models = new Map<number, DecodedModel>();
  const pixels = path.imageSize.rows * path.imageSize.cols;
  const result: DecodedPath = {
    path,
    labels: base64ToBytes(path.trainLabels),
    planeU,
    maxU: path.planeU.scale * 32767,
    maxV: Math.max(...path.models.map((m) => m.planeV.scale * 32767)),
    centroidI,
    centroidJ,
    representativeI: decodePicture(path.representatives.I.picture, pixels),
    representativeJ: decodePicture(path.representatives.J.picture, pixels),
    model(c) {
      let m = models.get(c);
      if (m) return m;
      const record = path.models[c];
      const w = decodeFloat32(record.w);
      m = {
        record,
        w,
        planeV: dequantise(record.planeV),
        maxV: record.planeV.scale * 32767,
        mirrorI: decodeFloat32(record.mirrors.I.picture),
        mirrorJ: decodeFloat32(record.mirrors.J.picture),
        line: boundaryLine(record, w, zHat, origin),
        nHat: secondAxis(w, zHat),
      };
      models.set(c, m);
      return m;
    },
  };
  decoded.set(path, result);
  return result;
}

/** The boundary as a line of the tilting plane (coordinates relative to o = (i + j)/2), from w and b. */
function boundaryLine(
  record: SvmModel,
  w: Float32Array,
  zHat: Float64Array,
  origin: Float64Array,
): { cu: number; cv: number; c0: number } {
  const classifier = { w: Float64Array.from(w), b: record.bias };
  return boundaryInTiltingPlane(classifier, tiltingPlaneBasis(classifier.w, zHat), origin);
}

/** n̂ of a model: w − (w·ẑ)ẑ normalised, or undefined when w is (numerically) parallel to ẑ. */
function secondAxis(w: Float32Array, zHat: Float64Array): Float64Array | undefined {
  let wz = 0;
  let ww = 0;
  for (let k = 0; k < w.length; k++) {
    wz += w[k] * zHat[k];
    ww += w[k] * w[k];
  }
  const n = Float64Array.from(w, (v, k) => v - wz * zHat[k]);
  let nn = 0;
  for (let k = 0; k < n.length; k++) nn += n[k] * n[k];
  if (!(nn > 1e-12 * ww)) return undefined;
  const length = Math.sqrt(nn);
  for (let k = 0; k < n.length; k++) n[k] /= length;
  return n;
}
