// Beyond the article, linear models (2): early stopping tilts like a weak L2 penalty (Soudry et al. 2018).
// Plain gradient descent on the unregularised logistic risk of a separable pair, recorded at log-spaced
// steps beside the logistic and hinge λ paths on the same images: θ(t), the angle to the hard-margin SVM,
// and the λ whose logistic model has the same θ. The descent checkpoints itself, so a rerun resumes.
import { readFileSync, rmSync } from 'node:fs';
import { z } from 'zod';
import { EARLY_STOPPING, lambdaGrid, PER_CLASS } from '../article.js';
import { openDataset } from '../data/dataset.js';
import { type BinaryPair, selectPair } from '../data/pairs.js';
import { datasetFiles } from '../data/sources.js';
import { type DatasetName, pairLabel } from '../schema/datasets.js';
import {
  type DescentRecord,
  descentRecordSchema,
  EARLY_STOPPING_CSV_COLUMNS,
  type EarlyStopping,
  earlyStoppingFile,
} from '../schema/early-stopping.js';
import { base64ToBytes, bytesToBase64 } from '../schema/encoding.js';
import { ARTIFACT_VERSION } from '../schema/version.js';
import {
  type DescentState,
  descend,
  descentProblem,
  initialState,
  riskAt,
  serialGradient,
} from '../solvers/gradient-descent.js';
import type { HingePathModel } from '../solvers/hinge-path.js';
import { type PathModel, SOLVERS } from '../solvers/registry.js';
import { canLoadWorkers } from './compiled.js';
import { threadedGradient } from './descent-threads.js';
import { type Job, type ProgressCallback, yieldToEventLoop } from './job.js';
import { measure, type PairRows, pairRows, pathPoint } from './linear-measure.js';
import { descentPasses, solverKernels } from './solver-kernels.js';
import { writeFileAtomic } from './store.js';

/** Steps at about eight per decade (1, 2, 3, 4, 6, 7, 10, 13, …), up to and including `last`. */
export function recordedSteps(last: number): number[] {
  const out = new Set<number>();
  for (let k = 0; 10 ** (k / 8) <= last; k++) out.add(Math.round(10 ** (k / 8)));
  out.add(last);
  return [...out].sort((a, b) => a - b);
}

/** The angle between two vectors, accurate for tiny angles: 2 atan2(‖â − b̂‖, ‖â + b̂‖). */
export function angleBetween(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let na = 0;
  let nb = 0;
  for (let k = 0; k < a.length; k++) {
    na += a[k] * a[k];
    nb += b[k] * b[k];
  }
  na = Math.sqrt(na);
  nb = Math.sqrt(nb);
  let minus = 0;
  let plus = 0;
  for (let k = 0; k < a.length; k++) {
    const u = a[k] / na;
    const v = b[k] / nb;
    minus += (u - v) ** 2;
    plus += (u + v) ** 2;
  }
  return 2 * Math.atan2(Math.sqrt(minus), Math.sqrt(plus));
}

/** The λ (log-linear between grid points, from large λ down) where a path's θ first reaches `theta`. */
export function lambdaOfTheta(
  path: ReadonlyArray<{ lambda: number; theta: number }>,
  theta: number,
): number | null {
  for (let c = 1; c < path.length; c++) {
    const a = path[c - 1];
    const b = path[c];
    if ((a.theta - theta) * (b.theta - theta) <= 0 && a.theta !== b.theta) {
      const f = (theta - a.theta) / (b.theta - a.theta);
      return Math.exp(Math.log(a.lambda) + f * (Math.log(b.lambda) - Math.log(a.lambda)));
    }
  }
  return null;
}

const checkpointSchema = z.object({
  key: z.string(),
  t: z.number().int().nonnegative(),
  w: z.string(),
  b: z.number(),
  records: z.array(descentRecordSchema),
});

/** Saves and restores a descent in `<artifact>.partial.json` (atomically, at most every `everyMs`). */
function checkpointFile(path: string, key: string, everyMs = 15_000) {
  let last = Date.now();
  return {
    load(dim: number): { state: DescentState; records: DescentRecord[] } | undefined {
      try {
        const saved = checkpointSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
        const bytes = base64ToBytes(saved.w);
        if (saved.key !== key || bytes.length !== dim * 8) return undefined;
        const w = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
        return { state: { t: saved.t, w, b: saved.b }, records: saved.records };
      } catch {
        return undefined;
      }
    },
    save(state: DescentState, records: DescentRecord[]): void {
      if (Date.now() - last < everyMs) return;
      last = Date.now();
      const w = bytesToBase64(new Uint8Array(state.w.buffer, state.w.byteOffset, state.w.byteLength));
      writeFileAtomic(path, JSON.stringify({ key, t: state.t, w, b: state.b, records }));
    },
  };
}

function pathPoints(rows: PairRows, models: readonly PathModel[]): EarlyStopping['softplusPath'] {
  return models.map((m) => pathPoint(m.lambda, measure(rows, m.w, m.b, [])));
}

async function solvedPath(pair: BinaryPair, solver: 'hinge-path' | 'logistic-path', done: () => void) {
  const models: PathModel[] = [];
  for (const model of SOLVERS[solver].pathModels(pair.train, lambdaGrid(), {
    bytes: pair.train.bytes,
    ...solverKernels(),
  })) {
    models.push(model);
    done();
    await yieldToEventLoop();
  }
  return models;
}

/**
 * Runs `steps` steps of gradient descent on `pair` (resuming from `partialPath` when it holds this run's
 * checkpoint, on one thread or two: they give the same bits) and returns the artifact. The caller removes
 * the checkpoint once the artifact is written (`clearEarlyStoppingCheckpoint`).
 */
export async function computeEarlyStopping(
  pair: BinaryPair,
  dataset: string,
  steps: number,
  partialPath: string,
  progress: ProgressCallback = () => {},
  checkpointEveryMs = 15_000,
  threads = 1,
): Promise<EarlyStopping> {
  const started = performance.now();
  const rows = pairRows(pair);
  const lambdas = lambdaGrid().length;
  const total = 2 * lambdas + steps;
  let done = 0;
  const hinge = await solvedPath(pair, 'hinge-path', () => progress(++done, total, 'hinge λ path'));
  const softplus = await solvedPath(pair, 'logistic-path', () => progress(++done, total, 'logistic λ path'));
  const softplusPath = pathPoints(rows, softplus);
  const hingePath = pathPoints(rows, hinge);
  const hardModel = hinge[hinge.length - 1] as HingePathModel;
  const problem = descentProblem(pair.train);
  // one thread or two give the same bits: a checkpoint of either resumes on either
  const split = threads > 1 && canLoadWorkers();
  const key = `${dataset}:${pair.classI}-${pair.classJ}:${pair.perClass}:${steps}:${problem.step}`;
  const checkpoint = checkpointFile(partialPath, key, checkpointEveryMs);
  const resumed = checkpoint.load(pair.train.dim);
  const state = resumed?.state ?? initialState(pair.train.dim);
  const records = resumed?.records ?? [];
  const record = (s: DescentState) => {
    const m = measure(rows, s.w, s.b, []);
    const { risk, gradientNorm } = riskAt(problem, s);
    const theta = m.theta ?? 0;
    records.push({
      t: s.t,
      normW: m.normW,
      bias: s.b,
      theta,
      dAdv: m.dAdv ?? 0,
      dErr: m.dErr ?? 0,
      errTrain: m.errTrain,
      errTest: m.errTest,
      risk,
      gradientNorm,
      angleToHardMargin: angleBetween(s.w, hardModel.w),
      lambdaOfEqualTheta: lambdaOfTheta(softplusPath, theta),
    });
  };
  const recorded = new Set(recordedSteps(steps));
  const chunk = 200;
  const threaded = split ? await threadedGradient(problem.rows, problem.columns, problem.y) : undefined;
  const gradient = threaded?.gradient ?? serialGradient(problem, descentPasses(problem));
  try {
    while (state.t < steps) {
      descend(problem, state, Math.min(steps, state.t + chunk), recorded, record, gradient);
      checkpoint.save(state, records);
      progress(done + state.t, total, `gradient descent: step ${state.t}`);
      await yieldToEventLoop();
    }
  } finally {
    await threaded?.close();
  }
  const artifact: EarlyStopping = {
    schema: 'l2angle/early-stopping',
    version: ARTIFACT_VERSION,
    dataset,
    classI: pair.classI,
    classJ: pair.classJ,
    perClass: pair.perClass,
    nTrain: pair.train.n,
    nTest: pair.test.n,
    createdAt: new Date().toISOString(),
    steps,
    stepSize: problem.step,
    wallSeconds: (performance.now() - started) / 1000,
    hardMargin: {
      lambda: hardModel.lambda,
      theta: hingePath[hingePath.length - 1].theta,
      errTrain: hingePath[hingePath.length - 1].errTrain,
      exact: hardModel.atUpper === 0,
    },
    records,
    softplusPath,
    hingePath,
  };
  return artifact;
}

/** Removes a descent's checkpoint (after its artifact is written). */
export function clearEarlyStoppingCheckpoint(partialPath: string): void {
  rmSync(partialPath, { force: true });
}

/** The `--csv` table: the header, then one row per recorded step. */
export function earlyStoppingCsv(records: readonly DescentRecord[]): string {
  const rows = records.map((r) =>
    [
      r.t,
      r.normW,
      r.bias,
      r.theta,
      r.dAdv,
      r.dErr,
      r.errTrain,
      r.errTest,
      r.risk,
      r.gradientNorm,
      r.angleToHardMargin,
      r.lambdaOfEqualTheta ?? '',
    ].join(','),
  );
  return `${EARLY_STOPPING_CSV_COLUMNS.join(',')}\n${rows.join('\n')}\n`;
}

/** The study's job: `EARLY_STOPPING`'s pair and steps on a dataset, MNIST unless given (resumes from its checkpoint). */
export function earlyStoppingJob(dataset: DatasetName = 'mnist'): Job {
  const [classI, classJ] = EARLY_STOPPING.pair;
  const artifact = earlyStoppingFile(dataset, classI, classJ);
  return {
    id: `early-stopping:${dataset}:${classI}-${classJ}`,
    study: 'early-stopping',
    title: `gradient descent on unregularised logistic regression of ${pairLabel(dataset, classI, classJ)}: ${EARLY_STOPPING.steps.toLocaleString('en')} steps`,
    artifacts: [artifact],
    isDone: (store) => store.has('l2angle/early-stopping', artifact),
    async run(store, progress) {
      const pair = selectPair(openDataset(datasetFiles(dataset), dataset), classI, classJ, PER_CLASS);
      const partial = store.pathOf(artifact.replace(/\.json$/, '.partial.json'));
      const value = await computeEarlyStopping(
        pair,
        dataset,
        EARLY_STOPPING.steps,
        partial,
        progress,
        15_000,
        2,
      );
      store.write('l2angle/early-stopping', artifact, value);
      clearEarlyStoppingCheckpoint(partial);
    },
  };
}
