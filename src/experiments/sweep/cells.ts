// A sweep's grid: the cells that a study's flags expand to, each named by a hash of its resolved settings.
import { createHash } from 'node:crypto';
import {
  ATTACK_IMAGES,
  DENSE_TRAINING,
  LENET_TRAINING,
  LOCAL_LINEARITY_DECAYS,
  PER_CLASS,
} from '../../article.js';
import { UsageError } from '../../errors.js';
import type { TrainingLoss } from '../../math/losses.js';
import type { DatasetName } from '../../schema/datasets.js';
import { type Cell, cellSchema, type SweepStudy } from '../../schema/sweep.js';

/** What a sweep's flags resolve to. */
export interface GridOptions {
  study: SweepStudy;
  datasets: readonly DatasetName[];
  /** class pairs (svm, local-linearity) */
  pairs: ReadonlyArray<readonly [number, number]>;
  /** losses (svm) */
  losses: readonly TrainingLoss[];
  /** weight decays: one LeNet per value; the local-linearity sweep's list */
  weightDecays?: readonly number[];
  seeds: readonly number[];
  /** epochs (LeNet: default 50; local linearity: default 30) */
  epochs?: number;
  trainLimit: number | null;
  perClass: number;
  attackImages: number;
  /** LeNet training threads (1 or 2): part of the cell, since a LeNet is reproducible per thread count */
  threads: 1 | 2;
}

/** The article's defaults for what the flags leave out. */
export const GRID_DEFAULTS = {
  perClass: PER_CLASS,
  attackImages: ATTACK_IMAGES,
  lenetDecays: [1e-4, 1e-1],
  lenetEpochs: LENET_TRAINING.epochs,
  denseEpochs: DENSE_TRAINING.epochs,
  denseDecays: LOCAL_LINEARITY_DECAYS,
} as const;

/** A cell's stable id: its study and the start of a SHA-256 of its settings with sorted keys. */
export function cellId(cell: Cell): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
          )
        : value;
  const hash = createHash('sha256')
    .update(JSON.stringify(canonical(cell)))
    .digest('hex');
  return `${cell.study}-${hash.slice(0, 16)}`;
}

/** Every cell of the grid, in a stable order, each validated; an empty grid is a usage error. */
export function expandGrid(o: GridOptions): Cell[] {
  const cells: Cell[] = [];
  for (const dataset of o.datasets) {
    if (o.study === 'svm') {
      for (const [classI, classJ] of o.pairs)
        for (const loss of o.losses)
          cells.push({ study: 'svm', dataset, classI, classJ, loss, perClass: o.perClass });
    } else if (o.study === 'local-linearity') {
      for (const [classI, classJ] of o.pairs)
        for (const seed of o.seeds)
          cells.push({
            study: 'local-linearity',
            dataset,
            classI,
            classJ,
            weightDecays: [...(o.weightDecays ?? GRID_DEFAULTS.denseDecays)],
            perClass: o.perClass,
            epochs: o.epochs ?? GRID_DEFAULTS.denseEpochs,
            seed,
          });
    } else {
      for (const weightDecay of o.weightDecays ?? GRID_DEFAULTS.lenetDecays)
        for (const seed of o.seeds)
          cells.push({
            study: 'lenet',
            dataset,
            weightDecay,
            seed,
            epochs: o.epochs ?? GRID_DEFAULTS.lenetEpochs,
            trainLimit: o.trainLimit,
            attackImages: o.attackImages,
            threads: o.threads,
          });
    }
  }
  if (cells.length === 0)
    throw new UsageError(`the ${o.study} grid is empty: give at least one value of every flag`);
  return cells.map((c) => cellSchema.parse(c));
}

/** A cell in a few words, for progress lines. */
export function describeCell(cell: Cell): string {
  switch (cell.study) {
    case 'svm':
      return `${cell.dataset} ${cell.classI}-${cell.classJ} ${cell.loss}`;
    case 'local-linearity':
      return `${cell.dataset} ${cell.classI}-${cell.classJ}, ${cell.weightDecays.length} weight decays, seed ${cell.seed}`;
    case 'lenet':
      return `${cell.dataset} LeNet λ=${cell.weightDecay} seed ${cell.seed}, ${cell.epochs} epochs`;
  }
}
