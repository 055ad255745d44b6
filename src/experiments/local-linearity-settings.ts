// The local-linearity sweep's settings (every field has a default), the identity a finished or resumed sweep
// must match, and the histogram bins of its artifact.
import { z } from 'zod';
import { ATTACK_IMAGES, LOCAL_LINEARITY_DECAYS } from '../article.js';
import type { BinaryPair } from '../data/pairs.js';
import { BINARY_DEFAULTS } from '../nn/attack.js';
import { DENSE_DEFAULTS } from '../nn/dense-training.js';
import { type Bins, localLinearityModelSchema } from '../schema/nn-artifacts.js';
import type { ResultsStore } from './store.js';

/** Weight decays of the default sweep: from no decay, through no visible effect, to underfitting (7 vs 9: 8 % train error). */
export const DEFAULT_WEIGHT_DECAYS = LOCAL_LINEARITY_DECAYS;

/** Settings of the sweep; every field has a default. */
export interface LocalLinearityOptions {
  hidden?: number;
  weightDecays?: readonly number[];
  learningRate?: number;
  momentum?: number;
  batchSize?: number;
  epochs?: number;
  seed?: number;
  /** test images of the binary attack */
  attackImages?: number;
  attackMaxSteps?: number;
  /** filters (hidden units) stored as pictures per model */
  filters?: number;
}

/** Progress callback: units of work done, of all (epochs and attacks), with a short status. */
export type SweepProgress = (done: number, total: number, status: string) => void;

/** Bins of the histograms: log10 ‖∇ₓs‖, y·d(x) in the SVM artifact's units, θ in radians. */
export const LOCAL_LINEARITY_BINS = {
  localScale: {
    min: -3,
    max: 2,
    width: 0.05,
    unit: 'log10 ‖∇ₓs‖ (per unit distance on the 0..1 pixel scale)',
  },
  signedDistance: {
    min: -20,
    max: 20,
    width: 0.5,
    unit: 'y·d(x) on the 0..255 scale divided by 100 (= 2.55 d)',
  },
  theta: { min: 0, max: Math.PI, width: Math.PI / 90, unit: 'radians' },
} as const satisfies Record<string, Bins>;

/** 0..1 pixels times this are on the 0..255 scale the artifacts report norms in. */
export const PIXEL_SCALE = 255;

/** Everything that determines a sweep's models: a resumed or skipped run must have the same. */
export function sweepKey(pair: BinaryPair, dataset: string, o: Required<LocalLinearityOptions>): string {
  return JSON.stringify({ dataset, classI: pair.classI, classJ: pair.classJ, perClass: pair.perClass, ...o });
}

/** The partial file's content: the sweep's key and the models finished so far. */
export const partialSchema = z.object({ key: z.string(), models: z.array(localLinearityModelSchema) });

export function withDefaults(options: LocalLinearityOptions): Required<LocalLinearityOptions> {
  const o = {
    hidden: options.hidden ?? 100,
    weightDecays: [...(options.weightDecays ?? DEFAULT_WEIGHT_DECAYS)],
    learningRate: options.learningRate ?? DENSE_DEFAULTS.learningRate,
    momentum: options.momentum ?? DENSE_DEFAULTS.momentum,
    batchSize: options.batchSize ?? DENSE_DEFAULTS.batchSize,
    epochs: options.epochs ?? DENSE_DEFAULTS.epochs,
    seed: options.seed ?? 0,
    attackImages: options.attackImages ?? ATTACK_IMAGES,
    attackMaxSteps: options.attackMaxSteps ?? BINARY_DEFAULTS.maxSteps,
    filters: options.filters ?? 8,
  };
  if (o.weightDecays.length === 0) throw new RangeError('local linearity: give at least one weight decay');
  for (const wd of o.weightDecays) {
    if (!(wd >= 0) || !Number.isFinite(wd))
      throw new RangeError(`local linearity: weight decay ${wd} must be ≥ 0`);
  }
  for (const key of ['hidden', 'batchSize', 'epochs', 'attackImages', 'filters'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) {
      throw new RangeError(`local linearity: ${key} ${o[key]} must be a positive integer`);
    }
  }
  return o;
}

/** Where the sweep keeps its finished models until the artifact is written. */
export function partialPath(artifactPath: string): string {
  return artifactPath.replace(/\.json$/, '.partial.json');
}

/** Which sweep a finished artifact must be: the dataset, the pair and the training images per class. */
export interface SweepIdentity {
  dataset: string;
  classI: number;
  classJ: number;
  perClass: number;
}

/** True when the results hold a valid finished sweep in `file` made with these settings. */
export function isSweepDone(
  store: ResultsStore,
  file: string,
  id: SweepIdentity,
  options: LocalLinearityOptions = {},
): boolean {
  try {
    const done = store.readIfValid('l2angle/local-linearity', file);
    if (done === undefined) return false;
    const o = withDefaults(options);
    return (
      done.dataset === id.dataset &&
      done.classI === id.classI &&
      done.classJ === id.classJ &&
      done.perClass === id.perClass &&
      done.hidden === o.hidden &&
      done.training.epochs === o.epochs &&
      done.training.seed === o.seed &&
      done.training.learningRate === o.learningRate &&
      done.training.momentum === o.momentum &&
      done.training.batchSize === o.batchSize &&
      done.attack.testIndex.length === Math.min(o.attackImages, done.nTest) &&
      done.attack.maxSteps === o.attackMaxSteps &&
      done.models.every((m) => m.filters.length === Math.min(o.filters, o.hidden)) &&
      JSON.stringify(done.models.map((m) => m.weightDecay)) === JSON.stringify(o.weightDecays)
    );
  } catch {
    return false;
  }
}
