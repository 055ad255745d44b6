// What the solvers' WebAssembly module (build/solvers.wasm, from assembly/solvers.ts) must export, and the
// memory layout each solver's instance uses. Pure: the caller compiles the module (Node reads the file in
// src/experiments/solver-kernels.ts; a browser would fetch it).
import type { SparseColumns, SparseRows } from '../math/sparse.js';
import { pixelValues } from '../math/types.js';

/** assembly/solvers.ts's layoutVersion(): the parameters and data layouts this code calls its exports with. */
const LAYOUT_VERSION = 6;

const EXPORTS = [
  'memory',
  'layoutVersion',
  'margins',
  'curvedDots',
  'transposeTimes',
  'outerProducts',
  'curvatureDiagonal',
  'choleskyFactor',
  'choleskySolve',
  'hingeRowDots',
  'hingeAllDots',
  'hingeKernelEntries',
  'hingeKernelEntriesDense',
  'hingeDenseRowDots',
  'hingeDenseAllDots',
  'hingeDenseAddRows',
  'hingeDenseWeights',
  'hingeWeights',
  'hingeAddRows',
  'factorForward',
  'factorRemoveUpdate',
  'factorBackward',
  'rowScores',
  'spreadStep',
];

/** True when `module` has every export the solvers call, of this layout version (this version's build/solvers.wasm). */
export function isSolverModule(module: WebAssembly.Module): boolean {
  let known = checked.get(module);
  if (known === undefined) {
    const names = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
    // the version is read from a throwaway instance, once per module (solverInstance asks for every instance)
    known =
      EXPORTS.every((name) => names.has(name)) &&
      (new WebAssembly.Instance(module, {}).exports as { layoutVersion(): number }).layoutVersion() ===
        LAYOUT_VERSION;
    checked.set(module, known);
  }
  return known;
}

const checked = new WeakMap<WebAssembly.Module, boolean>();

/**
 * A fresh instance of the module with its memory grown to hold blocks of the given byte sizes (each 64-byte
 * aligned, from the second page on: the module's own data lies in the first); returns the instance's
 * exports and each block's offset.
 */
export function solverInstance<K extends string>(
  module: WebAssembly.Module,
  blocks: Record<K, number>,
): { exports: WebAssembly.Exports & { memory: WebAssembly.Memory }; at: Record<K, number> } {
  if (!isSolverModule(module))
    throw new Error('the solvers: the module is not this version of build/solvers.wasm');
  const exports = new WebAssembly.Instance(module, {}).exports as WebAssembly.Exports & {
    memory: WebAssembly.Memory;
  };
  let top = 65536;
  const at = {} as Record<K, number>;
  for (const key of Object.keys(blocks) as K[]) {
    at[key] = top;
    top += Math.ceil(blocks[key] / 64) * 64;
  }
  const pages = Math.ceil(top / 65536) - exports.memory.buffer.byteLength / 65536;
  if (pages > 0) exports.memory.grow(pages);
  return { exports, at };
}

/**
 * Each entry's pixel byte (x = byte / 255 exactly as the data holds it), or undefined when some entry is not
 * of that form (then the TypeScript passes serve).
 */
export function pixelBytes(value: Float64Array, nnz: number): Uint8Array | undefined {
  const bytes = new Uint8Array(nnz);
  for (let p = 0; p < nnz; p++) {
    const b = Math.round(value[p] * 255);
    if (!(b >= 1 && b <= 255) || b / 255 !== value[p]) return undefined;
    bytes[p] = b;
  }
  return bytes;
}

/**
 * The entries' pixel bytes: those the rows carry (made from bytes) when every value still is its byte's
 * pixel value (a copy whose values were changed keeps stale bytes), else read back from the values.
 */
export function entryBytes(
  value: Float64Array,
  bytes: Uint8Array | undefined,
  nnz: number,
): Uint8Array | undefined {
  if (bytes && bytes.length >= nnz) {
    let p = 0;
    while (p < nnz && value[p] === pixelValues[bytes[p]]) p++;
    if (p === nnz) return bytes.subarray(0, nnz);
  }
  return pixelBytes(value, nnz);
}

/** The 256 pixel values byte / 255 that the byte layouts read through (`table` of assembly/solvers.ts). */
export function pixelTable(into: Float64Array): void {
  into.set(pixelValues);
}

/** A pair's data as the byte layouts hold it: both storages of the images, and the labels. */
export interface ByteData {
  readonly rows: SparseRows;
  readonly columns: SparseColumns;
  readonly y: Float64Array;
}

/** The blocks `byteDataInstance` lays out and fills: the two storages as bytes with 16-bit indices, the table, y. */
export type ByteBlock =
  | 'rowStart'
  | 'rowColumn'
  | 'rowValue'
  | 'colStart'
  | 'colRow'
  | 'colValue'
  | 'table'
  | 'y';

/**
 * A fresh instance (solverInstance) holding a copy of `data` in the byte layouts (6 bytes an entry), followed
 * by the caller's own `blocks`; undefined for data that are not pixel bytes or have more than 65 536 images or
 * pixels (the 16-bit indices), where the TypeScript passes serve.
 */
export function byteDataInstance<K extends string>(
  module: WebAssembly.Module,
  { rows, columns, y }: ByteData,
  blocks: Record<K, number>,
):
  | { exports: WebAssembly.Exports & { memory: WebAssembly.Memory }; at: Record<ByteBlock | K, number> }
  | undefined {
  const { n, dim } = rows;
  const nnz = rows.start[n];
  if (n > 65536 || dim > 65536) return undefined;
  const rowBytes = entryBytes(rows.value, rows.bytes, nnz);
  const columnBytes = rowBytes && entryBytes(columns.value, columns.bytes, nnz);
  if (!rowBytes || !columnBytes) return undefined;
  const { exports, at } = solverInstance(module, {
    rowStart: (n + 1) * 4,
    rowColumn: nnz * 2,
    rowValue: nnz,
    colStart: (dim + 1) * 4,
    colRow: nnz * 2,
    colValue: nnz,
    table: 256 * 8,
    y: n * 8,
    ...blocks,
  } as Record<ByteBlock | K, number>);
  const { buffer } = exports.memory;
  new Int32Array(buffer, at.rowStart, n + 1).set(rows.start.subarray(0, n + 1));
  new Uint16Array(buffer, at.rowColumn, nnz).set(rows.column.subarray(0, nnz));
  new Uint8Array(buffer, at.rowValue, nnz).set(rowBytes);
  new Int32Array(buffer, at.colStart, dim + 1).set(columns.start.subarray(0, dim + 1));
  new Uint16Array(buffer, at.colRow, nnz).set(columns.row.subarray(0, nnz));
  new Uint8Array(buffer, at.colValue, nnz).set(columnBytes);
  pixelTable(new Float64Array(buffer, at.table, 256));
  new Float64Array(buffer, at.y, n).set(y.subarray(0, n));
  return { exports, at };
}
