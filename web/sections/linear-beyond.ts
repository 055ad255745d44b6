// The section "Beyond the article: linear models": adversarial training beside weight decay (with its
// controls: loss, λ and ε, all in the URL state), early stopping, and the certified radii of the 2-layer
// networks. Each figure waits for its artifacts and fills its paragraph from them.
import { EARLY_STOPPING, LOCAL_LINEARITY_PAIR, ROBUST_TRAINING } from '../../src/article.js';
import { TRAINING_LOSSES } from '../../src/math/losses.js';
import { datasetLabel, pairLabel } from '../../src/schema/datasets.js';
import { type EarlyStopping, earlyStoppingFile } from '../../src/schema/early-stopping.js';
import { type LocalLinearity, localLinearityFile } from '../../src/schema/nn-artifacts.js';
import { type RobustArtifact, robustFile } from '../../src/schema/robust.js';
import { formatLambda, sig } from '../chart.js';
import { controlBar, followingToggle, lossChoices, slider, toggle } from '../controls.js';
import { type ResultsClient, registered } from '../data.js';
import { renderCertified } from '../figures/certified.js';
import { renderEarlyStopping } from '../figures/early-stopping.js';
import { renderRobust } from '../figures/robust.js';
import { fillProse } from '../numbers.js';
import { datasetCommand } from '../progress.js';
import { certifiedProse, earlyStoppingProse, robustProse } from '../prose/linear-beyond.js';
import { dataSlot, type Slot } from '../slot.js';
import type { StateStore, ViewState } from '../state.js';
import { pendingOf } from './networks.js';

const { start, step, stop } = ROBUST_TRAINING.epsilons;

const robustPath = (s: ViewState) =>
  robustFile(s.dataset, s.robustPair[0], s.robustPair[1], s.robustLoss, s.robustLambda);

/** The pairs of a dataset with adversarial-training results (`l2angle robust --pair …`), 7 vs 9 first. */
export function robustPairs(results: readonly string[], dataset: string): Array<[number, number]> {
  const found = new Set<string>([ROBUST_TRAINING.pair.join('-')]);
  const prefix = `robust/${dataset}-`;
  for (const path of results) {
    if (!path.startsWith(prefix)) continue;
    const m = /^(\d)-(\d)-/.exec(path.slice(prefix.length));
    if (m) found.add(`${m[1]}-${m[2]}`);
  }
  return [...found].map((p) => p.split('-').map(Number) as [number, number]);
}

/** The adversarial-training figure: its controls above the slot. */
export function mountRobust(root: HTMLElement, store: StateStore, client: ResultsClient): Slot {
  const controls = document.createElement('div');
  const body = document.createElement('div');
  root.replaceChildren(controls, body);
  const s0 = store.state;
  const loss = toggle({
    label: 'loss',
    choices: lossChoices(),
    value: s0.robustLoss,
    onChange: (robustLoss) => store.set({ robustLoss }),
    name: 'robust-loss',
  });
  const lambda = toggle({
    label: 'λ',
    choices: ROBUST_TRAINING.lambdas.map((l) => ({ value: String(l), label: formatLambda(l) })),
    value: String(s0.robustLambda),
    onChange: (value) => store.set({ robustLambda: Number(value) }),
    name: 'robust-lambda',
  });
  const epsilon = slider({
    label: 'ε',
    min: start,
    max: stop,
    step,
    value: s0.epsilon,
    format: (v) => sig(v),
    onInput: (v) => store.set({ epsilon: v }),
    name: 'epsilon',
  });
  // the pairs with results: the default one, and any the command line computed
  const pair = followingToggle(
    {
      label: 'pair',
      value: s0.robustPair.join('-'),
      onChange: (value: string) =>
        store.set({ robustPair: value.split('-').map(Number) as [number, number] }),
      name: 'robust-pair',
    },
    () =>
      robustPairs(client.status?.results ?? [], store.state.dataset).map(([i, j]) => ({
        value: `${i}-${j}`,
        label: pairLabel(store.state.dataset, i, j),
      })),
  );
  controls.append(controlBar(pair, loss, lambda, epsilon));
  const slot = dataSlot<RobustArtifact>(
    client,
    {
      container: body,
      path: robustPath,
      parse: registered('l2angle/robust'),
      describe: (s) =>
        `adversarial training of ${pairLabel(s.dataset, s.robustPair[0], s.robustPair[1])} (${datasetLabel(s.dataset)}, ${s.robustLoss}, λ = ${formatLambda(s.robustLambda)})`,
      pendingJob: (c) => pendingOf(c, 'robust'),
      command: (s) => datasetCommand(s.dataset),
      render: (container, data, s) => renderRobust(container, data, s),
      onData: () => {
        // both losses at the shown λ, when both exist, for the paragraph
        const s = store.state;
        const files = TRAINING_LOSSES.map((l) =>
          robustFile(s.dataset, s.robustPair[0], s.robustPair[1], l, s.robustLambda),
        );
        const ready = files.filter((f) => client.availability(f).state === 'ready');
        Promise.all(ready.map((f) => client.load(f, registered('l2angle/robust')))).then(
          (artifacts) => fillProse('robust', robustProse(artifacts)),
          () => {},
        );
      },
    },
    s0,
  );
  return {
    update(s) {
      pair.refresh();
      pair.set(s.robustPair.join('-'));
      loss.set(s.robustLoss);
      lambda.set(String(s.robustLambda));
      epsilon.set(s.epsilon);
      slot.update(s);
    },
    statusChanged: (status) => {
      pair.refresh();
      slot.statusChanged(status);
    },
  };
}

/** The early-stopping figure. */
export function mountEarlyStopping(root: HTMLElement, store: StateStore, client: ResultsClient): Slot {
  return dataSlot<EarlyStopping>(
    client,
    {
      container: root,
      path: (s) => earlyStoppingFile(s.dataset, ...EARLY_STOPPING.pair),
      parse: registered('l2angle/early-stopping'),
      describe: (s) =>
        `gradient descent on ${pairLabel(s.dataset, ...EARLY_STOPPING.pair)} (${datasetLabel(s.dataset)}, ${EARLY_STOPPING.steps.toLocaleString('en')} steps)`,
      pendingJob: (c) => pendingOf(c, 'early-stopping'),
      command: (s) => datasetCommand(s.dataset),
      render: (container, data) => renderEarlyStopping(container, data),
      onData: (data) => fillProse('early-stopping', earlyStoppingProse(data)),
    },
    store.state,
  );
}

/** The certified-radii figure (from the local-linearity sweep). */
export function mountCertified(root: HTMLElement, store: StateStore, client: ResultsClient): Slot {
  return dataSlot<LocalLinearity>(
    client,
    {
      container: root,
      path: (s) => localLinearityFile(s.dataset, ...LOCAL_LINEARITY_PAIR),
      parse: registered('l2angle/local-linearity'),
      describe: () => 'certified radii of the 2-layer networks',
      pendingJob: (c) => pendingOf(c, 'local-linearity'),
      command: (s) => datasetCommand(s.dataset),
      render: (container, data) => renderCertified(container, data),
      onData: (data) => fillProse('certified', certifiedProse(data)),
    },
    store.state,
  );
}
