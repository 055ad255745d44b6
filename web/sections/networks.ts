// The neural-network figures: the 2-layer network's local scales, the LeNet study (live while it trains) and
// the targeted adversarial examples, each waiting for its artifact with the progress of the job that writes it.
import { ARTICLE_LENETS, LOCAL_LINEARITY_PAIR } from '../../src/article.js';
import { DATASET_NAMES, type DatasetName, datasetLabel, isDatasetName } from '../../src/schema/datasets.js';
import {
  adversarialSchema,
  type LocalLinearity,
  localLinearityFile,
  localLinearitySchema,
} from '../../src/schema/nn-artifacts.js';
import {
  type LenetStudy,
  lenetAdversarialFile,
  lenetMetricsFile,
  lenetStudyFile,
  type TrainingMetrics,
} from '../../src/schema/training.js';
import { controlBar, toggle } from '../controls.js';
import { type ResultsClient, registered, withSchema } from '../data.js';
import { renderAdversarialExamples } from '../figures/adversarial-examples.js';
import { renderAdversarialTeaser } from '../figures/adversarial-teaser.js';
import { type LenetRun, renderLenet, runsOfStudy } from '../figures/lenet.js';
import { renderLocalLinearity } from '../figures/local-linearity.js';
import { datasetCommand, renderError, renderLoading, renderPlaceholder } from '../progress.js';
import { dataSlot, multiSlot, type Slot, whenNear } from '../slot.js';
import type { NetworkKey, StateStore, ViewState } from '../state.js';

const LENET_RUNS = ARTICLE_LENETS;

/**
 * The LeNets' dataset in a view: the switch's, when it is one of the registry's (the LeNet studies run on
 * those only), else undefined.
 */
export function lenetDataset(state: ViewState): DatasetName | undefined {
  return isDatasetName(state.dataset) ? state.dataset : undefined;
}

/** What the LeNet figures say is missing: the dataset's LeNets, or that a user's files have none. */
function lenetWhat(state: ViewState, what: string): string {
  const dataset = lenetDataset(state);
  return dataset === undefined
    ? `${what}: the LeNet studies run on the named datasets (train one on your files with \`npx l2angle train lenet --train-images …\`)`
    : `${what}${dataset === 'mnist' ? '' : ` on ${datasetLabel(dataset)}`}`;
}

/** The adversarial artifacts of the article's LeNets on the view's dataset that are present, in order. */
function adversarialPaths(client: ResultsClient, state: ViewState): string[] {
  const dataset = lenetDataset(state);
  if (dataset === undefined) return [];
  return ARTICLE_LENETS.map((n) => lenetAdversarialFile(n, 0, dataset)).filter(
    (file) => client.availability(file).state === 'ready',
  );
}

/** The first unfinished job of a study (the studies' registry's id), running first. */
export const pendingOf = (client: ResultsClient, study: string) => {
  const jobs = client.jobsOf(study);
  return jobs.find((j) => j.state === 'running') ?? jobs.find((j) => j.state !== 'done');
};

/** Wires the opening's adversarial example, with a choice of network under it. */
export function mountTeaser(root: HTMLElement, store: StateStore, client: ResultsClient): Slot {
  const choice = toggle<NetworkKey>({
    name: 'teaser-network',
    label: 'network',
    choices: ARTICLE_LENETS.map((n) => ({ value: n.key, label: n.name })),
    value: store.state.network,
    onChange: (network) => store.set({ network }),
  });
  root.after(controlBar(choice));
  const slot = dataSlot(
    client,
    {
      container: root,
      path: (s) => {
        const network = ARTICLE_LENETS.find((n) => n.key === s.network) ?? ARTICLE_LENETS[0];
        const dataset = lenetDataset(s);
        const file = dataset && lenetAdversarialFile(network, 0, dataset);
        return file && client.availability(file).state === 'ready' ? file : undefined;
      },
      parse: withSchema(adversarialSchema, 'l2angle/adversarial'),
      describe: (s) => lenetWhat(s, `targeted adversarial examples for LeNet_${s.network}`),
      command: (s) => datasetCommand(s.dataset),
      pendingJob: (c) => pendingOf(c, 'adversarial') ?? pendingOf(c, 'lenet'),
      render: renderAdversarialTeaser,
    },
    store.state,
  );
  return {
    update(state) {
      choice.set(state.network);
      slot.update(state);
    },
    statusChanged: slot.statusChanged,
  };
}

/** Wires the local-linearity figure; `onData` hears the artifact (for the numbers in the text). */
export function mountLocalLinearity(
  root: HTMLElement,
  store: StateStore,
  client: ResultsClient,
  onData: (data: LocalLinearity) => void,
): Slot {
  return dataSlot(
    client,
    {
      container: root,
      path: (s) => {
        const file = localLinearityFile(s.dataset, ...LOCAL_LINEARITY_PAIR);
        return client.availability(file).state === 'ready' ? file : undefined;
      },
      parse: withSchema(localLinearitySchema, 'l2angle/local-linearity'),
      describe: () => 'the weight-decay sweep of 2-layer ReLU networks',
      command: (s) => datasetCommand(s.dataset),
      pendingJob: (c) => pendingOf(c, 'local-linearity'),
      render: (container, data) => renderLocalLinearity(container, data, store),
      onData,
    },
    store.state,
  );
}

/** Wires the adversarial-examples figure. */
export function mountAdversarial(root: HTMLElement, store: StateStore, client: ResultsClient): Slot {
  return multiSlot(
    client,
    {
      container: root,
      paths: (s) => {
        const found = adversarialPaths(client, s);
        return found.length >= 2 ? found : undefined;
      },
      parse: withSchema(adversarialSchema, 'l2angle/adversarial'),
      describe: (s) => lenetWhat(s, 'targeted adversarial examples for LeNet_low and LeNet_high'),
      command: (s) => datasetCommand(s.dataset),
      pendingJob: (c) => pendingOf(c, 'adversarial') ?? pendingOf(c, 'lenet'),
      render: renderAdversarialExamples,
    },
    store.state,
  );
}

/**
 * Wires the LeNet figure of the view's dataset: the finished study when it exists, else the two training
 * records as they grow (re-read whenever their job reports another epoch), else the progress of the training.
 */
export function mountLenet(
  root: HTMLElement,
  store: StateStore,
  client: ResultsClient,
  onData: (runs: LenetRun[], final: boolean, dataset: DatasetName) => void,
): { statusChanged(): void; update(state: ViewState): void } {
  let near = false;
  let shown = '';
  let busy = false;
  let again = false;
  // the same switch as the pair figures' (one state), here where the reader looks at the networks
  const choice = toggle<string>({
    name: 'lenet-dataset',
    label: 'dataset',
    choices: DATASET_NAMES.map((d) => ({ value: d, label: datasetLabel(d) })),
    value: store.state.dataset,
    onChange: (dataset) => store.set({ dataset }),
  });
  root.before(controlBar(choice));

  const refresh = async (): Promise<void> => {
    if (!near || !client.ready) return;
    if (busy) {
      // a change while a read is under way is looked at when it ends
      again = true;
      return;
    }
    const dataset = lenetDataset(store.state);
    if (dataset === undefined) {
      if (shown !== 'none')
        renderPlaceholder(root, lenetWhat(store.state, 'LeNet_low and LeNet_high'), {
          state: 'pending',
          job: undefined,
        });
      shown = 'none';
      return;
    }
    const studyFile = lenetStudyFile(dataset);
    const metricsFile = (key: NetworkKey) => lenetMetricsFile(key, 0, dataset);
    busy = true;
    try {
      if (client.availability(studyFile).state !== 'pending') {
        if (shown === `${dataset}:study`) return;
        if (!client.isCached(studyFile)) renderLoading(root, 'the LeNet study');
        try {
          const study: LenetStudy = await client.load(studyFile, registered('l2angle/lenet-study'));
          root.replaceChildren();
          const runs = runsOfStudy(study);
          renderLenet(root, runs);
          onData(runs, true, dataset);
        } catch (error) {
          if (client.mode === 'none') renderPlaceholder(root, 'the LeNet study', { state: 'unknown' });
          else renderError(root, 'the LeNet study', error);
        }
        shown = `${dataset}:study`;
        return;
      }
      const present = LENET_RUNS.filter((r) => client.availability(metricsFile(r.key)).state === 'ready');
      if (present.length === 0) {
        renderPlaceholder(
          root,
          lenetWhat(store.state, 'LeNet_low and LeNet_high (50 epochs each)'),
          {
            state: 'pending',
            job:
              client.jobFor(metricsFile(LENET_RUNS[0].key)) ?? client.jobFor(metricsFile(LENET_RUNS[1].key)),
          },
          datasetCommand(dataset),
        );
        shown = `${dataset}:none`;
        return;
      }
      // the training records grow by one epoch at a time: re-read them when their job moves
      const version = `${dataset}:${present
        .map((r) => {
          const job = client.jobFor(metricsFile(r.key));
          return `${r.key}:${job?.done ?? ''}:${job?.state ?? ''}`;
        })
        .join('|')}`;
      if (version === shown) return;
      try {
        const records: TrainingMetrics[] = [];
        for (const r of present) {
          client.invalidate(metricsFile(r.key));
          records.push(await client.load(metricsFile(r.key), registered('l2angle/lenet-training')));
        }
        const runs: LenetRun[] = records.map((m, k) => ({
          name: present[k].name,
          weightDecay: m.settings.weightDecay,
          settings: m.settings,
          epochs: m.epochs,
          epochsPlanned: m.epochsRequested,
          layers: [],
          filters: [],
        }));
        root.replaceChildren();
        renderLenet(root, runs);
        const note = document.createElement('p');
        note.className = 'figure-note';
        const running = client.jobsOf('lenet').find((j) => j.state === 'running');
        note.textContent = `Training in progress${running ? ` (${running.title}: ${running.done} / ${running.total})` : ''}: the curves grow epoch by epoch; the filters appear when both networks are done.`;
        root.append(note);
        onData(runs, false, dataset);
      } catch (error) {
        renderError(root, 'the LeNet training records', error);
      }
      shown = version;
    } finally {
      busy = false;
      if (again) {
        again = false;
        void refresh();
      }
    }
  };

  whenNear(root, () => {
    near = true;
    void refresh();
  });
  return {
    statusChanged: () => void refresh(),
    update: (state) => {
      choice.set(state.dataset);
      void refresh();
    },
  };
}
