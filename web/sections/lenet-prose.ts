// Fills the LeNet section's comparison paragraphs from the artifacts (web/prose/lenet.ts builds the words):
// once the study and both adversarial studies exist, and again when the seed-spread summary arrives.

import { ARTICLE_LENETS } from '../../src/article.js';
import { censoredMedian } from '../../src/math/median.js';
import { datasetLabel } from '../../src/schema/datasets.js';
import { decodeFloat32 } from '../../src/schema/encoding.js';
import { type Adversarial, adversarialSchema } from '../../src/schema/nn-artifacts.js';
import {
  type LenetSeeds,
  type LenetStudy,
  lenetAdversarialFile,
  lenetSeedsFile,
  lenetStudyFile,
} from '../../src/schema/training.js';
import { type ResultsClient, registered, withSchema } from '../data.js';
import { lenetProse, type NetworkFacts, neighbourCorrelation } from '../prose/lenet.js';
import type { StateStore } from '../state.js';
import { lenetDataset } from './networks.js';

const NAMES = { low: 'LeNet_low', high: 'LeNet_high' } as const;

function facts(
  study: LenetStudy,
  adversarial: Adversarial,
  seeds: LenetSeeds | undefined,
  name: string,
): NetworkFacts {
  const run = study.networks.find((n) => n.name === name);
  const last = run?.epochs.at(-1);
  if (!run || !last) throw new Error(`the LeNet study has no finished ${name}`);
  const succeeded = adversarial.targeted.filter((e) => e.success);
  const { norms, success } = adversarial.study;
  return {
    testError: last.testError,
    trainError: last.trainError,
    weightRms: last.weightRms,
    trainErrors: run.epochs.map((e) => e.trainError),
    targetedNorms: succeeded.map((e) => e.norm),
    perturbationSmoothness: neighbourCorrelation(succeeded.map((e) => decodeFloat32(e.perturbation))),
    medianNorm: censoredMedian(
      norms,
      success.map((s) => !s),
    ),
    successRate: adversarial.study.successRate,
    images: norms.length,
    seeds:
      seeds?.networks
        .find((n) => n.name === name)
        ?.runs.map((r) => ({ seed: r.seed, testError: r.testError, medianNorm: r.attack.medianNorm })) ?? [],
  };
}

/**
 * Returns the listener (of status and state changes) that (re)writes the two paragraphs for the view's
 * dataset when its artifacts are there; a dataset without them leaves the paragraphs as they are.
 */
export function mountLenetProse(client: ResultsClient, store: StateStore): () => void {
  const training = document.querySelector<HTMLElement>('[data-prose="lenet-training"]');
  const attack = document.querySelector<HTMLElement>('[data-prose="lenet-attack"]');
  let shown = '';
  let busy = false;
  const listener = () => {
    const dataset = lenetDataset(store.state);
    if (!training || !attack || busy || !client.ready || dataset === undefined) return;
    const files = [
      lenetStudyFile(dataset),
      ...ARTICLE_LENETS.map((n) => lenetAdversarialFile(n, 0, dataset)),
    ];
    if (!files.every((f) => client.availability(f).state === 'ready')) return;
    const seedsFile = lenetSeedsFile(dataset);
    const withSeeds = client.availability(seedsFile).state === 'ready';
    const version = `${dataset}:${withSeeds ? 'seeds' : 'study'}`;
    if (version === shown) return;
    busy = true;
    Promise.all([
      client.load(files[0], registered('l2angle/lenet-study')),
      client.load(files[1], withSchema(adversarialSchema, 'l2angle/adversarial')),
      client.load(files[2], withSchema(adversarialSchema, 'l2angle/adversarial')),
      withSeeds ? client.load(seedsFile, registered('l2angle/lenet-seeds')) : undefined,
    ])
      .then(([study, low, high, seeds]) => {
        const prose = lenetProse(facts(study, low, seeds, NAMES.low), facts(study, high, seeds, NAMES.high), {
          name: dataset,
          label: datasetLabel(dataset),
        });
        training.textContent = prose.training;
        attack.textContent = prose.attack;
        training.classList.add('filled');
        attack.classList.add('filled');
        shown = version;
      })
      .catch(() => {
        // left as it is; the figures above say what is missing
      })
      .finally(() => {
        busy = false;
        // the reader may have switched datasets meanwhile
        if (lenetDataset(store.state) !== dataset) listener();
      });
  };
  return listener;
}
