// The summary of every swept LeNet of one dataset: per network its errors, weight RMS, logit scale,
// calibration and attack norms, gathered from the finished cells (a partial grid as well as a full one).
// Browser-safe.
import { z } from 'zod';
import { filterSetSchema } from './training.js';
import { ARTIFACT_VERSION } from './version.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const percent = z.number().min(0).max(100);

/** One swept network. */
export const sweptLenetSchema = z.object({
  /** the cell id (its folder is sweeps/<cell>/) */
  cell: z.string(),
  weightDecay: z.number().nonnegative(),
  seed: z.number().int(),
  epochs: z.number().int().positive(),
  trainLimit: z.number().int().positive().nullable(),
  trainError: percent,
  testError: percent,
  /** weight RMS per layer after the last epoch */
  weightRms: z.array(finite),
  temperature: z.object({ article: z.number().positive(), nll: z.number().positive() }),
  ece: z.object({ raw: finite, article: finite, nll: finite }),
  /** medians over the test set of the top-two logit margin and of ‖∇ₓ s_y‖ (0..255 scale) */
  medianMargin: finite,
  medianGradientNorm: finite,
  attack: z.object({
    images: z.number().int().nonnegative(),
    successRate: percent,
    /** median ‖δ‖ (0..255 scale) with failures counted as larger than every success; null when half failed */
    medianNorm: finite.nullable(),
    /** quartiles of the successful attacks' norms; null when none succeeded */
    quartiles: z.tuple([finite, finite, finite]).nullable(),
  }),
  /** the network's filters (conv1 whole, a seeded selection of conv2), when its checkpoint was there */
  filters: z.array(filterSetSchema).optional(),
  /** its adversarial study (with the ten targeted examples' pictures), relative to the results folder */
  adversarialFile: z.string().optional(),
});

/** The summary of a dataset's swept LeNets. */
export const lenetSweepSchema = z.object({
  schema: z.literal('l2angle/lenet-sweep'),
  version: z.literal(ARTIFACT_VERSION),
  dataset: z.string(),
  createdAt: z.string(),
  networks: z.array(sweptLenetSchema),
});

/** A dataset's swept LeNets. */
export type LenetSweep = z.infer<typeof lenetSweepSchema>;

/** Where the summary of a dataset's swept LeNets lives. */
export function lenetSweepFile(dataset: string): string {
  return `sweeps/lenet-${dataset}.json`;
}
