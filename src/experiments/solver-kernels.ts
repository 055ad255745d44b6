// The solvers' WebAssembly kernels for Node: build/solvers.wasm (from assembly/solvers.ts), compiled once
// per thread, as the logistic path's passes over the data (src/solvers/logistic/wasm.ts), the hinge
// solvers' row dot products (src/solvers/hinge/wasm.ts) and the path measurements' passes over the images
// (src/solvers/sparse-wasm.ts) and gradient descent's passes (src/solvers/descent-wasm.ts). Each gives the
// TypeScript loops' values bit for bit.
import { readFileSync } from 'node:fs';
import type { SparseRowPasses, SparseRows } from '../math/sparse.js';
import { wasmDescentPasses } from '../solvers/descent-wasm.js';
import {
  type DescentPasses,
  type DescentProblem,
  typedArrayDescentPasses,
} from '../solvers/gradient-descent.js';
import type { HingeData, HingeKernels } from '../solvers/hinge/data.js';
import { wasmHingeKernels } from '../solvers/hinge/wasm.js';
import type { LogisticPasses } from '../solvers/logistic/passes.js';
import {
  type PassShareBuffers,
  type SharedPassRunner,
  sharedPassRunner,
} from '../solvers/logistic/shared-passes.js';
import { kernelPasses, type WasmPassKernel, wasmPasses, wasmPassKernel } from '../solvers/logistic/wasm.js';
import type { Problem } from '../solvers/logistic/workspace.js';
import { wasmRowPasses } from '../solvers/sparse-wasm.js';
import { isSolverModule } from '../solvers/wasm-module.js';

/** The solvers' kernels, as the registry's path options take them. */
export interface SolverKernels {
  logisticPasses?: (data: Problem) => LogisticPasses | undefined;
  hingeKernels?: (data: HingeData) => HingeKernels | undefined;
}

let compiled: WebAssembly.Module | null | undefined;

/** build/solvers.wasm compiled, or null when it is missing or of another version. */
function solverModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const module = new WebAssembly.Module(
        readFileSync(new URL('../../build/solvers.wasm', import.meta.url)),
      );
      compiled = isSolverModule(module) ? module : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/**
 * The kernels for a path solve's options, or none when build/solvers.wasm cannot be loaded (the solvers then
 * run their TypeScript loops: the same values, slower).
 */
export function solverKernels(): SolverKernels {
  const module = solverModule();
  return module ? { logisticPasses: wasmPasses(module), hingeKernels: wasmHingeKernels(module) } : {};
}

/**
 * The logistic path's passes in WebAssembly with the row and column passes and outer products shared with a
 * helper serving `buffers` (a passServer on the same data, which `onShared` is given to send it, with the
 * runner whose counts say how the sharing went); undefined
 * when build/solvers.wasm cannot be loaded.
 */
export function sharedLogisticPasses(
  buffers: PassShareBuffers,
  onShared: (data: Problem, runner: SharedPassRunner) => void,
): ((data: Problem) => LogisticPasses | undefined) | undefined {
  const module = solverModule();
  if (!module) return undefined;
  return (data) => {
    const kernel = wasmPassKernel(module, data);
    if (!kernel) return undefined;
    const runner = sharedPassRunner(kernel, data, buffers);
    onShared(data, runner);
    return kernelPasses(kernel, data, runner);
  };
}

/** A kernel of the logistic passes on an instance of its own, or undefined (see wasmPassKernel). */
export function logisticPassKernel(data: Problem): WasmPassKernel | undefined {
  const module = solverModule();
  return module ? wasmPassKernel(module, data) : undefined;
}

/**
 * The measurements' passes over a pair's images (scores against each model, the widest direction across ẑ)
 * in WebAssembly, or undefined when build/solvers.wasm cannot be loaded (TypeScript then: the same values).
 */
export function measurementPasses(): ((rows: SparseRows) => SparseRowPasses) | undefined {
  const module = solverModule();
  return module ? wasmRowPasses(module) : undefined;
}

/**
 * Gradient descent's passes over a problem's data: in WebAssembly on an instance of their own, or the
 * TypeScript loops when build/solvers.wasm cannot be loaded or the data are not pixel bytes (the same bits).
 */
export function descentPasses(problem: Pick<DescentProblem, 'rows' | 'columns' | 'y'>): DescentPasses {
  const module = solverModule();
  return (module && wasmDescentPasses(module)(problem)) ?? typedArrayDescentPasses(problem);
}
