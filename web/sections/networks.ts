// The neural-network figures: the 2-layer network's local scales, the LeNet study (live while it trains) and
// the targeted adversarial examples, each waiting for its artifact with the progress of the job that writes it.
import { ARTICLE_LENETS, LOCAL_LINEARITY_PAIR } from '../../src/article.js';
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
import { renderError, renderLoading, renderPlaceholder } from '../progress.js';
import { dataSlot, multiSlot, type Slot, whenNear } from '../slot.js';
import type { NetworkKey, StateStore, ViewState } from '../state.js';

const LENET_RUNS = ARTICLE_LENETS;

/** The adversarial artifacts of the article's LeNets that are present, in the article's order. */
function adversarialPaths(client: ResultsClient): string[] {
  return ARTICLE_LENETS.map((n) => lenetAdversarialFile(n)).filter(
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
        const file = lenetAdversarialFile(network);
        return client.availability(file).state === 'ready' ? file : undefined;
      },
      parse: withSchema(adversarialSchema, 'l2angle/adversarial'),
      describe: (s) => `targeted adversarial examples for LeNet_${s.network}`,
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
      paths: () => {
        const found = adversarialPaths(client);
        return found.length >= 2 ? found : undefined;
      },
      parse: withSchema(adversarialSchema, 'l2angle/adversarial'),
      describe: () => 'targeted adversarial examples for LeNet_low and LeNet_high',
      pendingJob: (c) => pendingOf(c, 'adversarial') ?? pendingOf(c, 'lenet'),
      render: renderAdversarialExamples,
    },
    store.state,
  );
}

/**
 * Wires the LeNet figure: the finished study when it exists, else the two training records as they grow
 * (re-read whenever their job reports another epoch), else the progress of the training.
 */
export function mountLenet(
  root: HTMLElement,
  client: ResultsClient,
  onData: (runs: LenetRun[], final: boolean) => void,
): { statusChanged(): void; update(state: ViewState): void } {
  let near = false;
  let shown = '';
  let busy = false;
  const studyFile = lenetStudyFile();
  const metricsFile = (key: NetworkKey) => lenetMetricsFile(key);

  const refresh = async () => {
    if (!near || busy || !client.ready) return;
    if (client.availability(studyFile).state !== 'pending') {
      if (shown === 'study') return;
      busy = true;
      if (!client.isCached(studyFile)) renderLoading(root, 'the LeNet study');
      try {
        const study: LenetStudy = await client.load(studyFile, registered('l2angle/lenet-study'));
        root.replaceChildren();
        const runs = runsOfStudy(study);
        renderLenet(root, runs);
        shown = 'study';
        onData(runs, true);
      } catch (error) {
        if (client.mode === 'none') renderPlaceholder(root, 'the LeNet study', { state: 'unknown' });
        else renderError(root, 'the LeNet study', error);
        shown = 'error';
      } finally {
        busy = false;
      }
      return;
    }
    const present = LENET_RUNS.filter((r) => client.availability(metricsFile(r.key)).state === 'ready');
    if (present.length === 0) {
      renderPlaceholder(root, 'LeNet_low and LeNet_high (50 epochs each)', {
        state: 'pending',
        job: pendingOf(client, 'lenet'),
      });
      shown = '';
      return;
    }
    // the training records grow by one epoch at a time: re-read them when their job moves
    const version = present
      .map((r) => {
        const job = client.jobFor(metricsFile(r.key));
        return `${r.key}:${job?.done ?? ''}:${job?.state ?? ''}`;
      })
      .join('|');
    if (version === shown) return;
    busy = true;
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
      shown = version;
      onData(runs, false);
    } catch (error) {
      renderError(root, 'the LeNet training records', error);
      shown = version;
    } finally {
      busy = false;
    }
  };

  whenNear(root, () => {
    near = true;
    void refresh();
  });
  return {
    statusChanged: () => void refresh(),
    update: () => {},
  };
}
