// The solvers' WebAssembly kernels for Node: build/solvers.wasm (from assembly/solvers.ts), compiled once
// per thread, as the logistic path's passes over the data (src/solvers/logistic/wasm.ts).
import { readFileSync } from 'node:fs';
import type { LogisticPasses } from '../solvers/logistic/passes.js';
import { isSolverModule, wasmPasses } from '../solvers/logistic/wasm.js';
import type { Problem } from '../solvers/logistic/workspace.js';

let passes: ((data: Problem) => LogisticPasses) | null | undefined;

/**
 * The logistic path's passes on build/solvers.wasm, or undefined when the file is missing or not that
 * module (the solver then runs its TypeScript passes: the same values, 1.7× slower on the passes).
 */
export function logisticWasmPasses(): ((data: Problem) => LogisticPasses) | undefined {
  if (passes === undefined) {
    try {
      const module = new WebAssembly.Module(
        readFileSync(new URL('../../build/solvers.wasm', import.meta.url)),
      );
      passes = isSolverModule(module) ? wasmPasses(module) : null;
    } catch {
      passes = null;
    }
  }
  return passes ?? undefined;
}

/** `{ logisticPasses }` for a path solve's options when the wasm passes load, else nothing. */
export function withLogisticPasses(): { logisticPasses?: (data: Problem) => LogisticPasses } {
  const found = logisticWasmPasses();
  return found ? { logisticPasses: found } : {};
}
