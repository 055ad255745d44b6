// A trained LeNet on disk: its training record (metrics.json, read by people and by the page) and its
// checkpoint (one binary file: a JSON header, then the Float32 tensors). Browser-safe: no Node APIs.
import { z } from 'zod';
import { LENET_CONVENTION_NAMES } from '../nn/conventions.js';
import { adversarialFile } from './nn-artifacts.js';
import { ARTIFACT_VERSION } from './version.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const count = z.number().int().nonnegative();
const percent = z.number().min(0).max(100);

/** The settings of a LeNet training run (SPEC §4); a checkpoint resumes only with the same ones. */
export const trainingSettingsSchema = z.object({
  seed: z.number().int(),
  /** λ of MatConvNet's update v ← μv − λW − g */
  weightDecay: z.number().nonnegative(),
  /** which parameters λ reaches, by the library whose convention is followed (src/nn/conventions.ts) */
  convention: z.enum(LENET_CONVENTION_NAMES),
  /** η */
  learningRate: z.number().positive(),
  /** μ */
  momentum: z.number().min(0).max(1),
  batchSize: z.number().int().positive(),
  /** the first N training images in file order, or null for all */
  trainLimit: z.number().int().positive().nullable(),
});

/** A training run's settings. */
export type TrainingSettings = z.infer<typeof trainingSettingsSchema>;

/** One epoch's record. */
export const epochRecordSchema = z.object({
  epoch: z.number().int().positive(),
  /** mean over the epoch's batches of the batch-mean loss, during training (MatConvNet's convention) */
  trainLoss: finite,
  /** % of training images misclassified by the network as it was when their batch came (before the update) */
  trainError: percent,
  /** mean loss on the whole test set after the epoch */
  testLoss: finite,
  /** % of the test set misclassified after the epoch */
  testError: percent,
  /** root mean square of each layer's weights after the epoch (conv1, conv2, conv3 = fc1, conv4 = fc2) */
  weightRms: z.array(finite),
  /** wall seconds of the epoch's training steps (evaluation excluded) */
  seconds: z.number().nonnegative(),
  imagesPerSecond: z.number().nonnegative(),
});

/** One epoch's numbers. */
export type EpochRecord = z.infer<typeof epochRecordSchema>;

/** DIR/metrics.json of `l2angle train lenet`: every finished epoch. */
export const trainingMetricsSchema = z.object({
  schema: z.literal('l2angle/lenet-training'),
  version: z.literal(ARTIFACT_VERSION),
  network: z.literal('lenet'),
  dataset: z.string().min(1),
  settings: trainingSettingsSchema,
  /** epochs asked for; `epochs.length` of them are done */
  epochsRequested: count,
  nTrain: count,
  nTest: count,
  /** worker threads used (results are reproducible for a given seed and thread count) */
  threads: z.number().int().positive(),
  updatedAt: z.string(),
  epochs: z.array(epochRecordSchema),
});

/** The training record. */
export type TrainingMetrics = z.infer<typeof trainingMetricsSchema>;

/** The JSON header of a checkpoint file. */
export const checkpointHeaderSchema = z.object({
  format: z.literal('l2angle/lenet-checkpoint'),
  version: z.literal(ARTIFACT_VERSION),
  dataset: z.string().min(1),
  settings: trainingSettingsSchema,
  threads: z.number().int().positive(),
  /** epochs finished */
  epoch: count,
  history: z.array(epochRecordSchema),
  /** name and length of every Float32 tensor in the payload, in order */
  tensors: z.array(z.object({ name: z.string(), length: z.number().int().positive() })),
  /** FNV-1a (32 bit) of the header's JSON without this field, then of the payload bytes */
  checksum: z.number().int().nonnegative(),
});

/** A checkpoint's header. */
export type CheckpointHeader = z.infer<typeof checkpointHeaderSchema>;

/** The tensors of a checkpoint: the mean image, the parameters and the momentum velocities. */
export interface CheckpointTensors {
  /** training-set mean image, 0..255 scale */
  mean: Float32Array;
  parameters: Float32Array[];
  velocities: Float32Array[];
}

const MAGIC = 'L2ANGLE-CHECKPOINT\n';

/** A checkpoint that cannot be read: the message names the file and the problem. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/** FNV-1a over bytes (continuing from `hash`): cheap, and enough to catch truncation and corruption. */
export function fnv1a(bytes: Uint8Array, hash = 0x811c9dc5): number {
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i];
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Serialises a checkpoint: magic, header length (u32 LE), header JSON, then the tensors (Float32 LE). */
export function encodeCheckpoint(
  header: Omit<CheckpointHeader, 'tensors' | 'checksum' | 'format' | 'version'>,
  tensors: CheckpointTensors,
): Uint8Array {
  const list: Array<[string, Float32Array]> = [
    ['mean', tensors.mean],
    ...tensors.parameters.map((p, i): [string, Float32Array] => [`parameter${i}`, p]),
    ...tensors.velocities.map((v, i): [string, Float32Array] => [`velocity${i}`, v]),
  ];
  const floats = list.reduce((sum, [, t]) => sum + t.length, 0);
  const payload = new Uint8Array(floats * 4);
  const view = new Float32Array(payload.buffer);
  let offset = 0;
  for (const [, t] of list) {
    view.set(t, offset);
    offset += t.length;
  }
  const unsigned = {
    format: 'l2angle/lenet-checkpoint' as const,
    version: ARTIFACT_VERSION as typeof ARTIFACT_VERSION,
    ...header,
    tensors: list.map(([name, t]) => ({ name, length: t.length })),
  };
  const full: CheckpointHeader = { ...unsigned, checksum: checksumOf(unsigned, payload) };
  const json = new TextEncoder().encode(JSON.stringify(full));
  // the payload starts on a 4-byte boundary so readers can view it as Float32 without copying
  const headerEnd = align4(MAGIC.length + 4 + json.length);
  const out = new Uint8Array(headerEnd + payload.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, json.length, true);
  out.set(json, MAGIC.length + 4);
  out.set(payload, headerEnd);
  return out;
}

/** Reads a checkpoint, checking magic, header, sizes and checksum; `source` names the file in errors. */
export function decodeCheckpoint(
  bytes: Uint8Array,
  source: string,
): { header: CheckpointHeader; tensors: CheckpointTensors } {
  const fail = (problem: string): never => {
    throw new CheckpointError(`${source}: not a valid l2angle checkpoint: ${problem}`);
  };
  const magic = new TextDecoder().decode(bytes.subarray(0, MAGIC.length));
  if (magic !== MAGIC) fail('wrong magic bytes (not a checkpoint file)');
  if (bytes.length < MAGIC.length + 4) fail('truncated header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(MAGIC.length, true);
  const headerEnd = align4(MAGIC.length + 4 + jsonLength);
  if (headerEnd > bytes.length) fail('truncated header');
  let parsed: unknown;
  try {
    parsed = JSON.parse(
      new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + jsonLength)),
    );
  } catch {
    fail('the header is not JSON');
  }
  const result = checkpointHeaderSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    fail(`header field ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  const header = result.data as CheckpointHeader;
  const floats = header.tensors.reduce((sum, t) => sum + t.length, 0);
  const payload = bytes.subarray(headerEnd);
  if (payload.length !== floats * 4) {
    fail(`the header lists ${floats * 4} bytes of tensors, the file has ${payload.length} (truncated?)`);
  }
  const { checksum, ...unsigned } = parsed as CheckpointHeader;
  if (checksumOf(unsigned, payload) !== checksum) {
    fail('checksum mismatch (the file is corrupt, or its header or tensors were edited)');
  }
  const copy = new Float32Array(floats);
  new Uint8Array(copy.buffer).set(payload);
  let offset = 0;
  const byName = new Map<string, Float32Array>();
  for (const t of header.tensors) {
    byName.set(t.name, copy.subarray(offset, offset + t.length));
    offset += t.length;
  }
  const series = (prefix: string) => {
    const out: Float32Array[] = [];
    for (let i = 0; byName.has(`${prefix}${i}`); i++) out.push(byName.get(`${prefix}${i}`)!);
    return out;
  };
  const mean = byName.get('mean') ?? fail('no mean image');
  return { header, tensors: { mean, parameters: series('parameter'), velocities: series('velocity') } };
}

/** The checksum of a header (everything but its checksum field, as JSON) and its payload. */
function checksumOf(unsigned: Omit<CheckpointHeader, 'checksum'>, payload: Uint8Array): number {
  return fnv1a(payload, fnv1a(new TextEncoder().encode(JSON.stringify(unsigned)))) >>> 0;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** A fixed random selection of one convolution layer's filters, as pictures. */
export const filterSetSchema = z.object({
  layer: z.string(),
  /** k×k of each picture */
  size: z.number().int().positive(),
  /** which (output channel, input channel) each picture is */
  indices: z.array(z.object({ out: count, in: count })),
  /** the pictures, k×k each, concatenated: base64 Float32 */
  pictures: z.string(),
});

/** LeNet_low against LeNet_high (SPEC §4): training curves, weight RMS per layer, filters. */
export const lenetStudySchema = z.object({
  schema: z.literal('l2angle/lenet-study'),
  version: z.literal(ARTIFACT_VERSION),
  dataset: z.string().min(1),
  createdAt: z.string(),
  networks: z.array(
    z.object({
      /** "LeNet_low" or "LeNet_high" */
      name: z.string(),
      settings: trainingSettingsSchema,
      epochs: z.array(epochRecordSchema),
      layers: z.array(z.string()),
      filters: z.array(filterSetSchema),
    }),
  ),
});

/** The LeNet study artifact. */
export type LenetStudy = z.infer<typeof lenetStudySchema>;

/**
 * The folder of a dataset's LeNet studies inside the results folder: MNIST's (the article's) in nn/, any other
 * dataset's in nn/DATASET/, with the same names below it.
 */
export function lenetDatasetFolder(dataset = 'mnist'): string {
  if (dataset === 'mnist') return 'nn';
  if (!/^[a-z0-9][a-z0-9-]*$/.test(dataset)) {
    throw new RangeError(
      `dataset name ${JSON.stringify(dataset)}: expected lower-case letters, digits and -`,
    );
  }
  return `nn/${dataset}`;
}

/**
 * Where a training run of the main job lives inside the results folder: seed 0 (the article's run) in
 * nn/lenet-KEY, the other seeds of the seed-spread study under nn/seeds/ (nn/DATASET/… beyond MNIST).
 */
export function lenetRunFolder(name: 'low' | 'high', seed = 0, dataset = 'mnist'): string {
  const root = lenetDatasetFolder(dataset);
  return seed === 0 ? `${root}/lenet-${name}` : `${root}/seeds/lenet-${name}-seed${seed}`;
}

/** Where the adversarial study of a seed-spread run lives (seed 0's is adversarialFile of the network). */
export function seedAdversarialFile(name: 'low' | 'high', seed: number, dataset = 'mnist'): string {
  return `${lenetDatasetFolder(dataset)}/seeds/adversarial-lenet-${name}-seed${seed}.json`;
}

/** Where a run's training record lives (METRICS_FILE of its run folder). */
export function lenetMetricsFile(name: 'low' | 'high', seed = 0, dataset = 'mnist'): string {
  return `${lenetRunFolder(name, seed, dataset)}/metrics.json`;
}

/** Where the adversarial study of one of the article's LeNets lives, for a seed and a dataset. */
export function lenetAdversarialFile(
  network: { name: string; key: 'low' | 'high' },
  seed = 0,
  dataset = 'mnist',
): string {
  if (seed !== 0) return seedAdversarialFile(network.key, seed, dataset);
  const file = adversarialFile(network.name);
  return dataset === 'mnist' ? file : file.replace(/^nn\//, `${lenetDatasetFolder(dataset)}/`);
}

/** Where the seed-spread summary of a dataset lives. */
export function lenetSeedsFile(dataset = 'mnist'): string {
  return `${lenetDatasetFolder(dataset)}/lenet-seeds.json`;
}

/** What the seed-spread study records of one trained network (the article's settings, another seed). */
export const seedRunSchema = z.object({
  seed: z.number().int(),
  /** % after the last epoch */
  trainError: percent,
  testError: percent,
  /** root mean square of each layer's weights after the last epoch */
  weightRms: z.array(finite),
  /** the 200-image targeted attack of the adversarial study */
  attack: z.object({
    images: count,
    /** % that reached p_target within the step cap */
    successRate: percent,
    /**
     * median ‖x' − x‖ (0..255 scale) over all attacked images, a failed attack counting as larger than
     * any success (so a network is not made to look weaker by its failures); null when half or more failed
     */
    medianNorm: finite.nullable(),
    /** median over the successful attacks only */
    medianSuccessfulNorm: finite.nullable(),
  }),
});

/** LeNet_low and LeNet_high trained with several seeds: the spread that a difference between them must beat. */
export const lenetSeedsSchema = z.object({
  schema: z.literal('l2angle/lenet-seeds'),
  version: z.literal(ARTIFACT_VERSION),
  dataset: z.string().min(1),
  createdAt: z.string(),
  networks: z.array(
    z.object({
      name: z.string(),
      weightDecay: z.number().nonnegative(),
      convention: z.enum(LENET_CONVENTION_NAMES),
      runs: z.array(seedRunSchema),
    }),
  ),
});

/** The seed-spread summary. */
export type LenetSeeds = z.infer<typeof lenetSeedsSchema>;
/** One run of it. */
export type SeedRun = z.infer<typeof seedRunSchema>;

/** The JSON header of a checkpoint file without any check beyond its framing; undefined when unreadable. */
export function peekCheckpointHeader(bytes: Uint8Array): unknown {
  if (new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) return undefined;
  if (bytes.length < MAGIC.length + 4) return undefined;
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(MAGIC.length, true);
  try {
    return JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + length)));
  } catch {
    return undefined;
  }
}

/** Where the LeNet study of a dataset lives inside the results folder. */
export function lenetStudyFile(dataset = 'mnist'): string {
  return `${lenetDatasetFolder(dataset)}/lenet-study.json`;
}
