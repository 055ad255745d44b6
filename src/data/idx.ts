// Our own reader for the idx format of MNIST-like datasets: raw or gzip, every defect reported as one line.
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { InputError } from '../errors.js';

/** An idx tensor of unsigned bytes: its dimensions (outermost first) and its row-major payload. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** What a caller knows the file must look like: its rank and the dimensions after the first. */
export interface IdxExpectation {
  rank?: number;
  inner?: number[];
}

const UNSIGNED_BYTE = 0x08;
const EXPECTED_MAGIC = 'expected 0x00000801 for labels or 0x00000803 for images';

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

/** Decodes an idx buffer, checking its magic number and that its length matches the header exactly. */
export function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  if (bytes.length < 4) {
    throw new InputError(`${name}: not an idx file (${bytes.length} bytes, too short for a magic number)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new InputError(`${name}: not an idx file (magic number ${hex(magic)}; ${EXPECTED_MAGIC})`);
  }
  if (bytes[2] !== UNSIGNED_BYTE) {
    throw new InputError(
      `${name}: unsupported idx element type 0x${bytes[2].toString(16).padStart(2, '0')} ` +
        `(magic number ${hex(magic)}); only unsigned bytes (0x08) are supported`,
    );
  }
  const rank = bytes[3];
  const header = 4 + 4 * rank;
  if (bytes.length < header) {
    throw new InputError(
      `${name}: truncated idx file: a header of ${rank} dimensions needs ${header} bytes, found ${bytes.length}`,
    );
  }
  const dims: number[] = [];
  let size = 1;
  for (let d = 0; d < rank; d++) {
    const dim = view.getUint32(4 + 4 * d);
    dims.push(dim);
    size *= dim;
  }
  const found = bytes.length - header;
  if (found !== size) {
    const what = found < size ? 'truncated idx file' : 'idx file longer than its header says';
    throw new InputError(
      `${name}: ${what}: header says ${dims.join('×')} = ${size} bytes of data, found ${found}`,
    );
  }
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + header, size) };
}

/** The largest idx file read (raw or inflated): 70 000 MNIST images are 55 MB. */
export const MAX_IDX_BYTES = 1 << 30;

function readBytes(path: string): Uint8Array {
  try {
    // a FIFO or a device such as /dev/zero would be read without end
    const stats = statSync(path);
    if (stats.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    if (!stats.isFile())
      throw new InputError(`${path}: not a regular file (a pipe or a device?), expected an idx file`);
    if (stats.size > MAX_IDX_BYTES) {
      throw new InputError(
        `${path}: ${stats.size} bytes, more than the ${MAX_IDX_BYTES} an idx file may have here`,
      );
    }
    return readFileSync(path);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${path}: no such file`);
    if (code === 'EISDIR') throw new InputError(`${path}: is a directory, expected an idx file`);
    if (code === 'EACCES') throw new InputError(`${path}: permission denied`);
    throw new InputError(`${path}: cannot read (${(err as Error).message})`);
  }
}

/** The size an idx header announces (header included), or undefined when `head` is too short to say. */
function announcedSize(head: Uint8Array): number | undefined {
  if (head.length < 4) return undefined;
  const rank = head[3];
  if (head.length < 4 + 4 * rank) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let size = 1;
  for (let d = 0; d < rank; d++) size *= view.getUint32(4 + 4 * d);
  return 4 + 4 * rank + size;
}

/**
 * Inflates a gzip idx file, never past the size its header announces (a small "gzip bomb" would otherwise
 * inflate to gigabytes): the header comes from the first kilobyte, then the whole stream with that cap.
 */
function gunzip(bytes: Uint8Array, name: string): Uint8Array {
  let head: Uint8Array;
  try {
    head = gunzipSync(bytes.subarray(0, 1024), { finishFlush: constants.Z_SYNC_FLUSH });
  } catch (err) {
    throw new InputError(`${name}: corrupt or truncated gzip stream (${(err as Error).message})`);
  }
  const announced = announcedSize(head);
  const most = Math.min(announced ?? MAX_IDX_BYTES, MAX_IDX_BYTES);
  try {
    // one byte more than announced, so that a longer stream is reported as such by parseIdx
    return gunzipSync(bytes, { maxOutputLength: most + 1 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new InputError(
        `${name}: the gzip stream inflates to more than the ${most} bytes ${announced === undefined ? 'allowed' : 'its idx header announces'}`,
      );
    }
    throw new InputError(`${name}: corrupt or truncated gzip stream (${(err as Error).message})`);
  }
}

/** Reads an idx file, raw or gzip (told apart by its first bytes), and checks the shape the caller expects. */
export function readIdxFile(path: string, expected: IdxExpectation = {}): IdxArray {
  const name = basename(path);
  let bytes = readBytes(path);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzip(bytes, name);
  const idx = parseIdx(bytes, name);
  const { rank, inner } = expected;
  if (rank !== undefined && idx.dims.length !== rank) {
    throw new InputError(
      `${name}: expected an idx file of rank ${rank} (magic number ${hex(0x800 + rank)}), ` +
        `found rank ${idx.dims.length} (${idx.dims.join('×') || 'a scalar'})`,
    );
  }
  if (inner !== undefined) {
    const got = idx.dims.slice(1);
    if (got.length !== inner.length || got.some((d, k) => d !== inner[k])) {
      throw new InputError(
        `${name}: expected items of ${inner.join('×')}, found ${got.join('×') || 'scalars'} (dimensions ${idx.dims.join('×')})`,
      );
    }
  }
  return idx;
}
