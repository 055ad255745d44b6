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
import {
  type HingeShareBuffers,
  hingeServer,
  hingeShareBuffers,
  sharedHingeDots,
} from '../solvers/hinge/shared-kernels.js';
import { wasmHingeDots, wasmHingeKernels } from '../solvers/hinge/wasm.js';
import type { LogisticPasses } from '../solvers/logistic/passes.js';
import {
  type PassShareBuffers,
  passServer,
  passShareBuffers,
  sharedPassRunner,
} from '../solvers/logistic/shared-passes.js';
import { kernelPasses, wasmPasses, wasmPassKernel } from '../solvers/logistic/wasm.js';
import type { Problem } from '../solvers/logistic/workspace.js';
import type { RangeRunner, RangeServer } from '../solvers/range-share.js';
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

/** What a solver's thread sends the thread that serves part of its passes: the shared memory and the data. */
export type PassShare =
  | { solver: 'logistic-path'; buffers: PassShareBuffers; problem: Problem }
  | { solver: 'hinge-path'; buffers: HingeShareBuffers; data: HingeData };

/**
 * The kernels of a path solve whose long passes are shared with another thread through `control`
 * (range-share.ts): once the solver has its data, `onShared` is given what that thread needs to serve them
 * (passShareServer) and the counts that will say how the sharing went. None when build/solvers.wasm cannot
 * be loaded.
 */
export function sharedSolverKernels(
  control: SharedArrayBuffer,
  onShared: (share: PassShare, counts: RangeRunner['counts']) => void,
): SolverKernels {
  const module = solverModule();
  if (!module) return {};
  return {
    logisticPasses: (problem) => {
      const kernel = wasmPassKernel(module, problem);
      if (!kernel) return undefined;
      const buffers = passShareBuffers(problem.rows.n, problem.rows.dim, control);
      const runner = sharedPassRunner(kernel, problem, buffers);
      onShared({ solver: 'logistic-path', buffers, problem }, runner.counts);
      return kernelPasses(kernel, problem, runner);
    },
    hingeKernels: wasmHingeKernels(module, (dots, data) => {
      const buffers = hingeShareBuffers(data.n, data.dim, control);
      const shared = sharedHingeDots(dots, data, buffers);
      // the data without its kernels (functions do not cross threads)
      onShared({ solver: 'hinge-path', buffers, data: { ...data, kernels: undefined } }, shared.counts);
      return shared;
    }),
  };
}

/**
 * This thread's server of the passes a solver shares (`sharedSolverKernels`), on instances of its own holding
 * the same data; undefined when build/solvers.wasm cannot be loaded.
 */
export function passShareServer(share: PassShare): RangeServer | undefined {
  const module = solverModule();
  if (!module) return undefined;
  if (share.solver === 'logistic-path') {
    const kernel = wasmPassKernel(module, share.problem);
    return kernel && passServer(kernel, share.problem, share.buffers);
  }
  const dots = wasmHingeDots(module, share.data);
  return dots && hingeServer(dots, share.data, share.buffers);
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
