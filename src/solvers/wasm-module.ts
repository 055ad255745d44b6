// What the solvers' WebAssembly module (build/solvers.wasm, from assembly/solvers.ts) must export, and the
// memory layout each solver's instance uses. Pure: the caller compiles the module (Node reads the file in
// src/experiments/solver-kernels.ts; a browser would fetch it).

/** assembly/solvers.ts's layoutVersion(): the parameters and data layouts this code calls its exports with. */
const LAYOUT_VERSION = 4;

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

/** The 256 pixel values byte / 255 that the byte layouts read through (`table` of assembly/solvers.ts). */
export function pixelTable(into: Float64Array): void {
  for (let b = 0; b < 256; b++) into[b] = b / 255;
}
