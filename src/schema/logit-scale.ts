// How large a trained network's logits are and how well its probabilities are calibrated (beyond the
// article: its open question on "the scaling of the logits"). One artifact per network. Browser-safe.
import { z } from 'zod';
import { binsSchema, histogramSchema } from './nn-artifacts.js';
import { ARTIFACT_VERSION } from './version.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const unit = z.number().min(0).max(1);

/** A distribution over images: quantiles at the artifact's levels, and a histogram. */
const distributionSchema = z.object({
  quantiles: z.array(finite),
  histogram: histogramSchema,
  bins: binsSchema,
});

/** The logit scale and calibration of one network on its test set. */
export const logitScaleSchema = z.object({
  schema: z.literal('l2angle/logit-scale'),
  version: z.literal(ARTIFACT_VERSION),
  network: z.string(),
  dataset: z.string(),
  createdAt: z.string(),
  /** test images of the logits (all) and of the input gradients (the first ones in file order) */
  images: z.number().int().positive(),
  gradientImages: z.number().int().positive(),
  quantileLevels: z.array(unit),
  /** s_(1) − s_(2), the top-two logit margin, per test image */
  margin: distributionSchema,
  /** ‖∇ₓ s_y‖ on the 0..255 pixel scale, y the image's label */
  gradientNorm: distributionSchema,
  /** test accuracy in % */
  accuracy: z.number().min(0).max(100),
  temperature: z.object({
    /** the article's: median top-class probability 0.95 */
    article: z.number().positive(),
    /** standard temperature scaling: minimal NLL on the test set (the calibration set here) */
    nll: z.number().positive(),
  }),
  /** ECE (15 bins) at t = 1, at the article's t and at the NLL-optimal t */
  ece: z.object({ raw: unit, article: unit, nll: unit }),
  /** mean NLL at the same three temperatures */
  nll: z.object({ raw: finite, article: finite, nll: finite }),
});

/** A network's logit scale and calibration. */
export type LogitScale = z.infer<typeof logitScaleSchema>;
