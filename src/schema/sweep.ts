// A sweep is a grid of cells; each cell is one study run with fully resolved settings, named by a hash of
// them (the same cell is never run twice, a rerun computes only what is missing). A finished cell's folder
// holds its artifacts and, written last, its record. Browser-safe.
import { z } from 'zod';
import { TRAINING_LOSSES } from '../math/losses.js';
import { ARTIFACT_VERSION } from './version.js';

const classIndex = z.number().int().min(0).max(9);
const positiveInt = z.number().int().positive();

/** One exact λ path: a pair of a dataset, one loss. */
export const svmCellSchema = z.object({
  study: z.literal('svm'),
  dataset: z.string().min(1),
  classI: classIndex,
  classJ: classIndex,
  loss: z.enum(TRAINING_LOSSES),
  perClass: positiveInt,
});

/** The 2-layer local-linearity sweep of a pair across weight decays. */
export const localLinearityCellSchema = z.object({
  study: z.literal('local-linearity'),
  dataset: z.string().min(1),
  classI: classIndex,
  classJ: classIndex,
  weightDecays: z.array(z.number().nonnegative()).min(1),
  perClass: positiveInt,
  epochs: positiveInt,
  seed: z.number().int(),
});

/** One LeNet trained with a weight decay and a seed, then its adversarial study. */
export const lenetCellSchema = z.object({
  study: z.literal('lenet'),
  dataset: z.string().min(1),
  weightDecay: z.number().nonnegative(),
  seed: z.number().int(),
  epochs: positiveInt,
  /** the first N training images, or null for all */
  trainLimit: positiveInt.nullable(),
  /** test images of the adversarial study */
  attackImages: positiveInt,
  /** training threads: a LeNet's result is reproducible for a seed and a thread count */
  threads: z.union([z.literal(1), z.literal(2)]),
});

/** A cell of any study. */
export const cellSchema = z.discriminatedUnion('study', [
  svmCellSchema,
  localLinearityCellSchema,
  lenetCellSchema,
]);

/** A cell's settings. */
export type Cell = z.infer<typeof cellSchema>;
/** The studies a sweep can grid. */
export const SWEEP_STUDIES = ['svm', 'local-linearity', 'lenet'] as const;
/** A sweep's study. */
export type SweepStudy = (typeof SWEEP_STUDIES)[number];

/** The record of a finished cell, written after its artifacts. */
export const sweepCellRecordSchema = z.object({
  schema: z.literal('l2angle/sweep-cell'),
  version: z.literal(ARTIFACT_VERSION),
  id: z.string().regex(/^(svm|local-linearity|lenet)-[0-9a-f]{16}$/),
  cell: cellSchema,
  /** the cell's files, relative to the results folder (this record excluded) */
  artifacts: z.array(z.string()),
  createdAt: z.string(),
  wallSeconds: z.number().nonnegative(),
  /** where it was computed: "local", or the worker's name */
  computedBy: z.string(),
  /** a LeNet cell resumed from a checkpoint of this many epochs (0: trained from scratch) */
  resumedFromEpoch: z.number().int().nonnegative(),
});

/** A finished cell's record. */
export type SweepCellRecord = z.infer<typeof sweepCellRecordSchema>;

/** A cell's folder inside the results folder. */
export function cellFolder(id: string): string {
  return `sweeps/${id}`;
}

/** A finished cell's record file. */
export function cellRecordFile(id: string): string {
  return `${cellFolder(id)}/cell.json`;
}

/** The files a cell writes besides its record, relative to the results folder. */
export function cellArtifacts(id: string, cell: Cell): string[] {
  const dir = cellFolder(id);
  switch (cell.study) {
    case 'svm':
      return [`${dir}/path.json`];
    case 'local-linearity':
      return [`${dir}/local-linearity.json`];
    case 'lenet':
      return [
        `${dir}/metrics.json`,
        `${dir}/checkpoint.l2net`,
        `${dir}/logit-scale.json`,
        `${dir}/adversarial.json`,
      ];
  }
}

/** Whether a results path is a cell's record (the page lists the sweeps' cells by them). */
export function isCellRecordFile(path: string): boolean {
  return /^sweeps\/(svm|local-linearity|lenet)-[0-9a-f]{16}\/cell\.json$/.test(path);
}
