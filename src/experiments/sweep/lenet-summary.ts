// Gathers every finished LeNet cell of a dataset into its summary artifact (sweeps/lenet-<dataset>.json):
// whatever part of a grid exists, from whichever sweep or worker computed it.
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { quantiles } from '../../math/statistics.js';
import { type LenetSweep, lenetSweepFile } from '../../schema/lenet-sweep.js';
import type { LogitScale } from '../../schema/logit-scale.js';
import type { Adversarial } from '../../schema/nn-artifacts.js';
import { cellRecordFile } from '../../schema/sweep.js';
import type { TrainingMetrics } from '../../schema/training.js';
import { ARTIFACT_VERSION } from '../../schema/version.js';
import { studyNorms } from '../adversarial.js';
import { loadLenet } from '../lenet-network.js';
import { lenetFilterSets } from '../lenet-study.js';
import type { ResultsStore } from '../store.js';

/** Writes the summary of the dataset's finished LeNet cells; returns how many networks it holds. */
export function writeLenetSummary(store: ResultsStore, dataset: string): number {
  let ids: string[] = [];
  try {
    ids = readdirSync(store.pathOf('sweeps')).filter(
      (name) => name.startsWith('lenet-') && !name.endsWith('.json'),
    );
  } catch {
    return 0;
  }
  const networks: LenetSweep['networks'] = [];
  for (const id of ids.sort()) {
    const record = store.readIfValid('l2angle/sweep-cell', cellRecordFile(id));
    if (record?.cell.study !== 'lenet' || record.cell.dataset !== dataset) continue;
    const file = (suffix: string) => record.artifacts.find((f) => f.endsWith(suffix)) ?? '';
    const metrics = store.readIfValid('l2angle/lenet-training', file('/metrics.json'));
    const scale = store.readIfValid('l2angle/logit-scale', file('/logit-scale.json'));
    const adversarial = store.readIfValid('l2angle/adversarial', file('/adversarial.json'));
    // a cell of an older format (no logit scale) is left out
    if (!metrics || !scale || !adversarial) continue;
    let filters: LenetSweep['networks'][number]['filters'];
    try {
      filters = lenetFilterSets(loadLenet(store.pathOf(dirname(file('/metrics.json')))));
    } catch {
      // no checkpoint beside the record (an older cell): the summary goes without its filters
    }
    networks.push(
      sweptLenet(id, record.cell, metrics, scale, adversarial, {
        ...(filters ? { filters } : {}),
        adversarialFile: file('/adversarial.json'),
      }),
    );
  }
  if (networks.length === 0) return 0;
  const value: LenetSweep = {
    schema: 'l2angle/lenet-sweep',
    version: ARTIFACT_VERSION,
    dataset,
    createdAt: new Date().toISOString(),
    networks: networks.sort((a, b) => a.weightDecay - b.weightDecay || a.seed - b.seed),
  };
  store.write('l2angle/lenet-sweep', lenetSweepFile(dataset), value);
  return networks.length;
}

/** One network's line of the summary, from its cell's settings and artifacts. */
export function sweptLenet(
  id: string,
  cell: { weightDecay: number; seed: number; epochs: number; trainLimit: number | null },
  metrics: TrainingMetrics,
  scale: LogitScale,
  adversarial: Adversarial,
  extras: Pick<LenetSweep['networks'][number], 'filters' | 'adversarialFile'> = {},
): LenetSweep['networks'][number] {
  const last = metrics.epochs[metrics.epochs.length - 1];
  const median = scale.quantileLevels.indexOf(0.5);
  const { images, successRate, medianNorm, successful: ok } = studyNorms(adversarial.study);
  const [q1, q2, q3] = ok.length > 0 ? quantiles(ok, [0.25, 0.5, 0.75]) : [];
  return {
    cell: id,
    weightDecay: cell.weightDecay,
    seed: cell.seed,
    epochs: cell.epochs,
    trainLimit: cell.trainLimit,
    trainError: last.trainError,
    testError: last.testError,
    weightRms: last.weightRms,
    temperature: scale.temperature,
    ece: scale.ece,
    medianMargin: scale.margin.quantiles[median],
    medianGradientNorm: scale.gradientNorm.quantiles[median],
    attack: { images, successRate, medianNorm, quartiles: ok.length > 0 ? [q1, q2, q3] : null },
    ...extras,
  };
}
