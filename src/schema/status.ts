// What the server tells the page about the main job: which artifacts exist and how far each computation is.
// The live server sends it on /api/status and as server-sent events on /api/events; a static site
// (`l2angle site`) writes it once as status.json. Browser-safe.
import { z } from 'zod';
import { ARTIFACT_VERSION } from './version.js';

/** Where one computation of the main job stands. */
export const jobStatusSchema = z.object({
  /** stable identifier, e.g. "svm:hinge:7-9,0-1" */
  id: z.string(),
  /** the study it belongs to (an id of the studies' registry) */
  study: z.string(),
  /** what it computes, in a few words */
  title: z.string(),
  /** every artifact it writes, relative to the results folder */
  artifacts: z.array(z.string()),
  /** the command that computes its study alone */
  command: z.string(),
  state: z.enum(['waiting', 'running', 'done', 'failed']),
  /** steps done of `total` (0 of 0 while waiting) */
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  /** a short line about the current step, e.g. "12/43 pairs" */
  status: z.string(),
  /** seconds left, estimated from the rate so far (absent when unknown) */
  etaSeconds: z.number().nonnegative().optional(),
  /** the one-line reason a job failed */
  error: z.string().optional(),
  /** what a solver reported while the job ran (e.g. a λ that stopped short of its tolerance), the first 20 */
  warnings: z.array(z.string()).optional(),
});

/** One computation's progress as the page sees it. */
export type JobStatus = z.infer<typeof jobStatusSchema>;

/** The whole status document. */
export const serverStatusSchema = z.object({
  schema: z.literal('l2angle/status'),
  version: z.literal(ARTIFACT_VERSION),
  /** "live": a server computing in the background; "static": a site written by `l2angle site` */
  mode: z.enum(['live', 'static']),
  /** every valid artifact present, relative to the results folder (what the page may fetch from results/) */
  results: z.array(z.string()),
  jobs: z.array(jobStatusSchema),
});

/** The status document the page reads. */
export type ServerStatus = z.infer<typeof serverStatusSchema>;
