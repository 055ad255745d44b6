// Our own reader for the idx format of MNIST-like datasets: raw or gzip, every defect reported as one line.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
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

/**
 * Decodes an idx header: checks its magic number and element type, and that the file's `total` bytes (the
 * whole of `bytes` unless told) are exactly the header and the data it announces.
 */
function parseIdxHeader(
  bytes: Uint8Array,
  name: string,
  total: number = bytes.length,
): { dims: number[]; header: number; size: number } {
  if (total < 4) {
    throw new InputError(`${name}: not an idx file (${total} bytes, too short for a magic number)`);
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
  if (total < header) {
    throw new InputError(
      `${name}: truncated idx file: a header of ${rank} dimensions needs ${header} bytes, found ${total}`,
    );
  }
  const dims: number[] = [];
  let size = 1;
  for (let d = 0; d < rank; d++) {
    const dim = view.getUint32(4 + 4 * d);
    dims.push(dim);
    size *= dim;
  }
  const found = total - header;
  if (found !== size) {
    const what = found < size ? 'truncated idx file' : 'idx file longer than its header says';
    throw new InputError(
      `${name}: ${what}: header says ${dims.join('×')} = ${size} bytes of data, found ${found}`,
    );
  }
  return { dims, header, size };
}

/** Decodes an idx buffer, checking its magic number and that its length matches the header exactly. */
export function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  const { dims, header, size } = parseIdxHeader(bytes, name);
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + header, size) };
}

/** The largest idx file read (raw or inflated): 70 000 MNIST images are 55 MB. */
export const MAX_IDX_BYTES = 1 << 30;

/** Runs `read` on the file at `path`, with every failure of the file system reported as an InputError naming it. */
function withFile<T>(path: string, read: (size: number) => T): T {
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
    return read(stats.size);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${path}: no such file`);
    if (code === 'EISDIR') throw new InputError(`${path}: is a directory, expected an idx file`);
    if (code === 'EACCES') throw new InputError(`${path}: permission denied`);
    throw new InputError(`${path}: cannot read (${(err as Error).message})`);
  }
}

function readBytes(path: string): Uint8Array {
  return withFile(path, () => readFileSync(path));
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

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Reads an idx file, raw or gzip (told apart by its first bytes), and checks the shape the caller expects. */
export function readIdxFile(path: string, expected: IdxExpectation = {}): IdxArray {
  const name = basename(path);
  let bytes = readBytes(path);
  if (isGzip(bytes)) bytes = gunzip(bytes, name);
  const idx = parseIdx(bytes, name);
  checkShape(idx.dims, expected, name);
  return idx;
}

/** An idx file whose items (its slices along the first dimension) are read only when asked for. */
export interface IdxItems {
  /** the whole file's dimensions, outermost first */
  readonly dims: number[];
  /** the items at positions `index` (each below dims[0]), one after another */
  read(index: Int32Array): Uint8Array;
}

/**
 * Opens an idx file for reading some of its items: a raw file's header is checked against its size now, and
 * each read takes only the asked-for items from the file (runs of neighbours in one read); a gzip file is
 * inflated whole now. The same checks and errors as readIdxFile.
 */
export function openIdxFile(path: string, expected: IdxExpectation = {}): IdxItems {
  const name = basename(path);
  const head = withFile(path, (size) => {
    const fd = openSync(path, 'r');
    try {
      const bytes = new Uint8Array(Math.min(size, 4 + 4 * 255));
      const got = readSync(fd, bytes, 0, bytes.length, 0);
      return { bytes: bytes.subarray(0, got), size };
    } finally {
      closeSync(fd);
    }
  });
  if (isGzip(head.bytes)) {
    const { dims, data } = readIdxFile(path, expected);
    return { dims, read: (index) => itemsAt(data, dims[0] ?? 0, itemBytesOf(dims), index, name) };
  }
  const { dims, header } = parseIdxHeader(head.bytes, name, head.size);
  checkShape(dims, expected, name);
  const itemBytes = itemBytesOf(dims);
  return {
    dims,
    read(index) {
      checkIndex(index, dims[0] ?? 0, name);
      const out = new Uint8Array(index.length * itemBytes);
      return withFile(path, () => {
        const fd = openSync(path, 'r');
        try {
          // each run of consecutive positions in one read
          for (let a = 0; a < index.length; ) {
            let b = a + 1;
            while (b < index.length && index[b] === index[b - 1] + 1) b++;
            const length = (b - a) * itemBytes;
            const got = readSync(fd, out, a * itemBytes, length, header + index[a] * itemBytes);
            if (got !== length) throw new InputError(`${name}: the file shrank while it was read`);
            a = b;
          }
        } finally {
          closeSync(fd);
        }
        return out;
      });
    },
  };
}

/** The bytes of one item (a slice along the first dimension) of an idx array of these dimensions. */
function itemBytesOf(dims: number[]): number {
  return dims.slice(1).reduce((product, d) => product * d, 1);
}

function checkIndex(index: Int32Array, count: number, name: string): void {
  for (const k of index)
    if (!(k >= 0 && k < count)) throw new RangeError(`${name}: item ${k} asked for, the file has ${count}`);
}

/**
 * The items at positions `index` of `count` items of `itemBytes` bytes each, row-major in `data`, one after
 * another (openIdxFile's reads of an inflated file, and of a set already in memory).
 */
export function itemsAt(
  data: Uint8Array,
  count: number,
  itemBytes: number,
  index: Int32Array,
  name: string,
): Uint8Array {
  checkIndex(index, count, name);
  const out = new Uint8Array(index.length * itemBytes);
  for (let a = 0; a < index.length; a++)
    out.set(data.subarray(index[a] * itemBytes, (index[a] + 1) * itemBytes), a * itemBytes);
  return out;
}

/** Checks an idx file's dimensions against what the caller expects of them. */
function checkShape(dims: number[], { rank, inner }: IdxExpectation, name: string): void {
  if (rank !== undefined && dims.length !== rank) {
    throw new InputError(
      `${name}: expected an idx file of rank ${rank} (magic number ${hex(0x800 + rank)}), ` +
        `found rank ${dims.length} (${dims.join('×') || 'a scalar'})`,
    );
  }
  if (inner !== undefined) {
    const got = dims.slice(1);
    if (got.length !== inner.length || got.some((d, k) => d !== inner[k])) {
      throw new InputError(
        `${name}: expected items of ${inner.join('×')}, found ${got.join('×') || 'scalars'} (dimensions ${dims.join('×')})`,
      );
    }
  }
}
