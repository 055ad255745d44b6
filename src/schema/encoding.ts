// Compact, browser-safe encodings of typed arrays inside JSON artifacts (base64 of little-endian bytes).
// JSON numbers would make the per-pair artifacts ten times larger and slower to parse in the page.

const CHUNK = 0x8000;

/** Node's Buffer where there is one: its base64 is native, where btoa needs a string of the bytes first. */
const nodeBuffer = (
  globalThis as {
    Buffer?: {
      from(buffer: ArrayBufferLike, offset: number, length: number): { toString(encoding: 'base64'): string };
    };
  }
).Buffer;

/** Base64 of raw bytes: Node's Buffer in Node, btoa in browsers (the same text). */
export function bytesToBase64(bytes: Uint8Array): string {
  if (nodeBuffer) return nodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return btoaBase64(bytes);
}

/** Base64 of raw bytes by btoa (Node 20 and browsers both have it). */
export function btoaBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

/** Raw bytes of a base64 string. */
export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Base64 of a Float32Array's bytes (little-endian on every platform we target). */
export function encodeFloat32(values: ArrayLike<number>): string {
  const f = Float32Array.from(values);
  return bytesToBase64(new Uint8Array(f.buffer));
}

/** The Float32Array of a string made by encodeFloat32. */
export function decodeFloat32(text: string): Float32Array {
  const bytes = base64ToBytes(text);
  if (bytes.length % 4 !== 0) throw new RangeError('decodeFloat32: the byte count is not a multiple of 4');
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

/** Values quantised to 16-bit integers with one scale: value ≈ q · scale. */
export interface Quantised {
  /** the step between two representable values */
  readonly scale: number;
  /** base64 of the Int16 codes */
  readonly data: string;
}

/** Quantise values to Int16 with the scale that maps the largest |value| to 32767. */
export function quantise(values: ArrayLike<number>): Quantised {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]));
  const scale = max > 0 ? max / 32767 : 1;
  const q = new Int16Array(values.length);
  for (let i = 0; i < values.length; i++) q[i] = Math.round(values[i] / scale);
  return { scale, data: bytesToBase64(new Uint8Array(q.buffer)) };
}

/** The approximate values of a quantised array. */
export function dequantise(value: Quantised): Float64Array {
  const bytes = base64ToBytes(value.data);
  const q = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
  const out = new Float64Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = q[i] * value.scale;
  return out;
}
