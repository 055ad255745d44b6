// The MNIST section: its controls (pair, loss, λ) and the figures fed by the chosen pair's λ path — the
// histogram of y·d(x), the curves along λ, the tilting plane, the mirror pictures — plus the 45-pair overview.
// The opening figure is the same tilting plane, with its own λ slider on the same state.
import { LOSSES } from '../../src/math/losses.js';
import { datasetGeometryFile, type SvmPath, svmPathFile } from '../../src/schema/artifacts.js';
import { DATASET_NAMES, datasetLabel, pairLabel } from '../../src/schema/datasets.js';
import { formatLambda } from '../chart.js';
import { controlBar, followingToggle, lossChoices, type Slider, slider, toggle } from '../controls.js';
import { type ResultsClient, registered } from '../data.js';
import { renderDistanceHistogram } from '../figures/distance-histogram.js';
import { renderMirrorPictures } from '../figures/mirror-pictures.js';
import { renderPairOverview } from '../figures/pair-overview.js';
import { renderPairPicker } from '../figures/pair-picker.js';
import { renderPathCurves } from '../figures/path-curves.js';
import { renderTiltingPlane } from '../figures/tilting-plane.js';
import { datasetCommand } from '../progress.js';
import { dataSlot, type FigureHandle, type Slot } from '../slot.js';
import { LAMBDA_COUNT, lambdaOf, type StateStore, type TrainingLoss, type ViewState } from '../state.js';

const lossName = (loss: TrainingLoss) => LOSSES[loss].model;

/** The datasets to choose from: the registry's, and a user's own when the URL names it. */
/**
 * The user's own datasets (`custom-<hash>`) that have results in the folder: a λ path or a geometry file.
 * The registry's datasets are always offered (what is missing says how to compute it).
 */
export function customDatasetsWithResults(results: readonly string[]): string[] {
  const found = new Set<string>();
  for (const path of results) {
    const m = /^(?:svm\/(custom-[0-9a-f]{12})-\d-\d-[a-z-]+|geometry\/(custom-[0-9a-f]{12}))\.json$/.exec(
      path,
    );
    const name = m?.[1] ?? m?.[2];
    if (name) found.add(name);
  }
  return [...found].sort();
}

function datasetChoices(
  current: string,
  results: readonly string[],
): Array<{ value: string; label: string }> {
  const names: string[] = [...DATASET_NAMES, ...customDatasetsWithResults(results)];
  if (!names.includes(current)) names.push(current);
  return names.map((name) => ({ value: name, label: datasetLabel(name) }));
}

/** The λ path the state asks for. */
export function statePath(state: ViewState): string {
  return svmPathFile(state.dataset, state.pair[0], state.pair[1], state.loss);
}

/** A slider over the 81 λ values, bound to the state. */
export function lambdaSlider(store: StateStore, name: string): Slider {
  return slider({
    name,
    label: 'λ',
    min: 0,
    max: LAMBDA_COUNT - 1,
    step: 1,
    value: store.state.lambdaIndex,
    format: (c) => formatLambda(lambdaOf(c)),
    onInput: (c) => store.set({ lambdaIndex: c }),
  });
}

/** Wires the opening figure. */
export function mountOpening(
  root: HTMLElement,
  store: StateStore,
  client: ResultsClient,
): Slot & { sync(s: ViewState): void } {
  const figure = document.createElement('div');
  figure.className = 'slot';
  const lambda = lambdaSlider(store, 'opening-lambda');
  root.append(figure, controlBar(lambda));
  const slot = dataSlot<SvmPath>(
    client,
    {
      container: figure,
      path: statePath,
      parse: registered('l2angle/svm-path'),
      describe: (s) => `the ${lossName(s.loss)} path of ${s.pair[0]} vs ${s.pair[1]}`,
      command: (s) => datasetCommand(s.dataset),
      render: (c, data, s) => renderTiltingPlane(c, data, s, { id: 'opening', representatives: false }),
    },
    store.state,
  );
  return { ...slot, sync: (s) => lambda.set(s.lambdaIndex) };
}

/** The MNIST section's handle. */
export interface MnistSection {
  update(state: ViewState): void;
  statusChanged(): void;
}

/** Wires the MNIST section; `onPath` hears every path that gets loaded. */
export function mountMnist(
  roots: { controls: HTMLElement; figures: HTMLElement; overview: HTMLElement },
  store: StateStore,
  client: ResultsClient,
  onPath: (path: SvmPath) => void,
): MnistSection {
  const pickPair = (pair: [number, number]) => store.set({ pair });
  const picker = renderPairPicker(roots.controls, client, store.state, pickPair);
  const loss = toggle<TrainingLoss>({
    name: 'mnist-loss',
    label: 'loss',
    choices: lossChoices(),
    value: store.state.loss,
    onChange: (v) => store.set({ loss: v }),
  });
  const lambda = lambdaSlider(store, 'mnist-lambda');
  // a dataset of the user's own joins the switch once its results appear
  const dataset = followingToggle(
    {
      name: 'mnist-dataset',
      label: 'dataset',
      value: store.state.dataset,
      onChange: (v: string) => store.set({ dataset: v }),
    },
    () => datasetChoices(store.state.dataset, client.status?.results ?? []),
  );
  roots.controls.append(controlBar(dataset, loss, lambda));

  const slot = dataSlot<SvmPath>(
    client,
    {
      container: roots.figures,
      path: statePath,
      parse: registered('l2angle/svm-path'),
      describe: (s) =>
        `the ${lossName(s.loss)} path of ${pairLabel(s.dataset, s.pair[0], s.pair[1])} (${datasetLabel(s.dataset)})`,
      command: (s) => datasetCommand(s.dataset),
      render: (container, path, s) => {
        const cell = (name: string, title: string) => {
          const fig = document.createElement('figure');
          fig.className = 'subfigure';
          fig.dataset.figure = name;
          fig.id = `figure-${name}`;
          const caption = document.createElement('figcaption');
          caption.textContent = title;
          fig.append(caption);
          container.append(fig);
          return fig;
        };
        const pick = (c: number) => store.set({ lambdaIndex: c });
        const parts: FigureHandle[] = [
          renderDistanceHistogram(
            cell(
              'distance-histogram',
              `(a) Signed distances y·d(x) of the training images, and the scaled loss`,
            ),
            path,
            s,
          ),
          renderTiltingPlane(
            cell(
              'tilting-plane',
              '(b) The training images in the tilting plane, with x, y and their mirror images',
            ),
            path,
            s,
            { id: 'mnist' },
          ),
          renderPathCurves(
            cell('path-curves', '(c) Along the path (click a chart to pick λ)'),
            path,
            s,
            pick,
          ),
          renderMirrorPictures(
            cell('mirror-pictures', '(d) Representatives, their mirror images, and w'),
            path,
            s,
          ),
        ];
        return {
          update: (next) => {
            for (const p of parts) p.update(next);
          },
        };
      },
      onData: (path) => {
        overview.addPath(path);
        onPath(path);
      },
    },
    store.state,
  );

  const overview = renderPairOverview(roots.overview, client, store.state, pickPair);
  // the geometry of every dataset the reader looks at, read once each
  const geometryRead = new Set<string>();
  const loadGeometry = () => {
    const name = store.state.dataset;
    const file = datasetGeometryFile(name);
    if (geometryRead.has(name) || !client.ready || client.availability(file).state === 'pending') return;
    geometryRead.add(name);
    client.load(file, registered('l2angle/dataset-geometry')).then(
      (g) => overview.setGeometry(g),
      () => {
        geometryRead.delete(name);
      },
    );
  };
  loadGeometry();

  return {
    update(state) {
      picker.update(state);
      dataset.set(state.dataset);
      loadGeometry();
      loss.set(state.loss);
      lambda.set(state.lambdaIndex);
      slot.update(state);
      overview.update(state);
    },
    statusChanged() {
      dataset.refresh();
      picker.statusChanged();
      slot.statusChanged(client.status);
      overview.statusChanged();
      loadGeometry();
    },
  };
}
