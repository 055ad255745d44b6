// Fills the LeNet section's comparison paragraphs from the artifacts (web/prose/lenet.ts builds the words):
// once the study and both adversarial studies exist, and again when the seed-spread summary arrives.
import { censoredMedian } from '../../src/math/median.js';
import { decodeFloat32 } from '../../src/schema/encoding.js';
import { type Adversarial, adversarialFile, adversarialSchema } from '../../src/schema/nn-artifacts.js';
import {
  type LenetSeeds,
  type LenetStudy,
  lenetSeedsFile,
  lenetStudyFile,
} from '../../src/schema/training.js';
import { type ResultsClient, registered, withSchema } from '../data.js';
import { lenetProse, type NetworkFacts, neighbourCorrelation } from '../prose/lenet.js';

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

/** Returns the status listener that (re)writes the two paragraphs when their artifacts are there. */
export function mountLenetProse(client: ResultsClient): () => void {
  const training = document.querySelector<HTMLElement>('[data-prose="lenet-training"]');
  const attack = document.querySelector<HTMLElement>('[data-prose="lenet-attack"]');
  let shown = '';
  let busy = false;
  const files = [lenetStudyFile(), adversarialFile(NAMES.low), adversarialFile(NAMES.high)];
  return () => {
    if (!training || !attack || busy || !client.ready) return;
    if (!files.every((f) => client.availability(f).state === 'ready')) return;
    const withSeeds = client.availability(lenetSeedsFile()).state === 'ready';
    const version = withSeeds ? 'seeds' : 'study';
    if (version === shown) return;
    busy = true;
    Promise.all([
      client.load(files[0], registered('l2angle/lenet-study')),
      client.load(files[1], withSchema(adversarialSchema, 'l2angle/adversarial')),
      client.load(files[2], withSchema(adversarialSchema, 'l2angle/adversarial')),
      withSeeds ? client.load(lenetSeedsFile(), registered('l2angle/lenet-seeds')) : undefined,
    ])
      .then(([study, low, high, seeds]) => {
        const prose = lenetProse(facts(study, low, seeds, NAMES.low), facts(study, high, seeds, NAMES.high));
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
      });
  };
}
