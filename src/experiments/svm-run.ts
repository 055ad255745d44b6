// Solves one pair's λ path with the solver of the chosen loss and turns it into the validated artifact:
// on one thread, or with the solver on a second thread while this one measures the models (and computes part
// of the solver's long passes between them).
import type { BinaryPair } from '../data/pairs.js';
import { LOSSES, type TrainingLoss } from '../math/losses.js';
import { lambdaGrid, type SvmPath } from '../schema/artifacts.js';
import type { RangeServer } from '../solvers/range-share.js';
import { type PathModel, SOLVERS } from '../solvers/registry.js';
import type { PathSolveMessage } from './path-solve-worker.js';
import type { PathSolverThread } from './path-solver-thread.js';
import { measurementPasses, passShareServer, solverKernels } from './solver-kernels.js';
import type { ResultsStore } from './store.js';
import { modelRecord, type PathGeometry, pathGeometry, svmPathArtifact } from './svm-path.js';

/** The image size and requested images per class that the artifact states. */
export interface PathSetting {
  rows: number;
  cols: number;
  perClassRequested?: number;
}

/** The artifact from the measured models, with each warning named by pair, loss and λ. */
function finish(
  pair: BinaryPair,
  dataset: string,
  loss: TrainingLoss,
  setting: PathSetting,
  geometry: PathGeometry,
  records: SvmPath['models'],
  models: readonly PathModel[],
  wallSeconds: number,
): { artifact: SvmPath; warnings: string[] } {
  const solver = SOLVERS[LOSSES[loss].pathSolver];
  const warnings = models.flatMap((model) =>
    model.warning
      ? [`${pair.classI}-${pair.classJ} ${loss} λ=${model.lambda.toExponential(2)}: ${model.warning}`]
      : [],
  );
  const artifact = svmPathArtifact(
    pair,
    dataset,
    loss,
    geometry,
    records,
    { name: solver.description, tolerance: solver.tolerance, wallSeconds },
    { rows: setting.rows, cols: setting.cols },
    setting.perClassRequested ?? pair.perClass,
  );
  return { artifact, warnings };
}

/** Solves the article's 81-λ path for a pair and returns the artifact; `onModel(c)` reports progress. */
export function computeSvmPath(
  pair: BinaryPair,
  dataset: string,
  loss: TrainingLoss,
  setting: PathSetting,
  onModel: (c: number, model: PathModel) => void = () => {},
): { artifact: SvmPath; warnings: string[] } {
  const geometry = pathGeometry(pair.train, pair.test, measurementPasses());
  const records: SvmPath['models'] = [];
  const models: PathModel[] = [];
  const started = performance.now();
  SOLVERS[LOSSES[loss].pathSolver].solvePath(pair.train, lambdaGrid(), {
    // exact kernel entries from the raw bytes, for the solvers that use them
    bytes: pair.train.bytes,
    ...solverKernels(),
    onModel: (model, c) => {
      records.push(modelRecord(pair, geometry, c, model));
      models.push(model);
      onModel(c, model);
    },
  });
  return finish(
    pair,
    dataset,
    loss,
    setting,
    geometry,
    records,
    models,
    (performance.now() - started) / 1000,
  );
}

/**
 * How long this thread serves the solver's passes before it looks at its event loop (messages arrive there;
 * the solver also wakes it when it posts a model).
 */
const SERVE_SLICE_MS = 20;

/** Resolves (undefined) after the event loop's pending events, messages included, have run. */
const nextTurn = () => new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined)));

const never = new Promise<never>(() => {});

/**
 * The same artifact as `computeSvmPath`, bit for bit, on two threads: `thread` (startPathSolver, given the
 * job's data files) loads the pair and solves the path (the same code on the same numbers), while this
 * thread loads the pair too (`load`), computes its geometry and measures each model as it arrives (scores of
 * every image, histograms, mirror images). When the solver shares its long passes (PathSolveJob.sharePasses),
 * this thread computes ranges of them while it waits for the next model (range-share.ts: the solver never
 * waits for it). For one pair; `svm --all` keeps both cores busy with pairs instead. The worker is
 * terminated when this returns or throws.
 */
export async function computeSvmPathBesideSolver(
  thread: PathSolverThread,
  job: { dataset: string; loss: TrainingLoss },
  load: () => { pair: BinaryPair; setting: PathSetting },
  onModel: (c: number, model: PathModel) => void = () => {},
): Promise<{ artifact: SvmPath; warnings: string[] }> {
  const { worker, messages, exited } = thread;
  try {
    const { pair, setting } = load();
    // computed when the first model comes: until then this thread serves the solver's first passes (its
    // first preconditioner's outer products among them) instead of leaving them to the solver alone
    let geometry: PathGeometry | undefined;
    const geometryNow = () => {
      geometry ??= pathGeometry(pair.train, pair.test, measurementPasses());
      return geometry;
    };
    const records: SvmPath['models'] = [];
    const models: PathModel[] = [];
    let server: RangeServer | undefined;
    let next = messages.next();
    for (;;) {
      // between the models, this thread computes ranges of the solver's passes (when it shares them)
      if (server && !server.serve(performance.now() + SERVE_SLICE_MS)) server = undefined;
      const ready = await Promise.race([next, exited, server ? nextTurn() : never]);
      if (ready === undefined) continue;
      next = messages.next();
      if (ready.done) throw new Error("the path solver's thread stopped");
      const message = ready.value[0] as PathSolveMessage;
      if (message.type === 'error') throw new Error(message.message);
      if (message.type === 'share') {
        server = passShareServer(message.share);
        continue;
      }
      if (message.type === 'done')
        return finish(pair, job.dataset, job.loss, setting, geometryNow(), records, models, message.seconds);
      records.push(modelRecord(pair, geometryNow(), message.c, message.model));
      models.push(message.model);
      onModel(message.c, message.model);
    }
  } finally {
    await worker.terminate();
  }
}

/**
 * True when a path's artifact is valid and was computed with the same number of training images per class
 * asked for (another value is another experiment: it is recomputed, not reused).
 */
export function isPathDone(store: ResultsStore, file: string, perClassRequested: number): boolean {
  try {
    return store.read('l2angle/svm-path', file)?.perClassRequested === perClassRequested;
  } catch {
    return false;
  }
}
