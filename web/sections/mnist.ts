// The MNIST section: its controls (pair, loss, λ) and the figures fed by the chosen pair's λ path — the
// histogram of y·d(x), the curves along λ, the tilting plane, the mirror pictures — plus the 45-pair overview.
// The opening figure is the same tilting plane, with its own λ slider on the same state.
import { LOSSES } from '../../src/math/losses.js';
import { datasetGeometryFile, type SvmPath, svmPathFile } from '../../src/schema/artifacts.js';
import { formatLambda } from '../chart.js';
import { controlBar, lossChoices, type Slider, slider, toggle } from '../controls.js';
import { type ResultsClient, registered } from '../data.js';
import { renderDistanceHistogram } from '../figures/distance-histogram.js';
import { renderMirrorPictures } from '../figures/mirror-pictures.js';
import { renderPairOverview } from '../figures/pair-overview.js';
import { renderPairPicker } from '../figures/pair-picker.js';
import { renderPathCurves } from '../figures/path-curves.js';
import { renderTiltingPlane } from '../figures/tilting-plane.js';
import { dataSlot, type FigureHandle, type Slot } from '../slot.js';
import { LAMBDA_COUNT, lambdaOf, type StateStore, type TrainingLoss, type ViewState } from '../state.js';

const lossName = (loss: TrainingLoss) => LOSSES[loss].model;

/** The λ path the state asks for. */
export function statePath(state: ViewState): string {
  return svmPathFile('mnist', state.pair[0], state.pair[1], state.loss);
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
  roots.controls.append(controlBar(loss, lambda));

  const slot = dataSlot<SvmPath>(
    client,
    {
      container: roots.figures,
      path: statePath,
      parse: registered('l2angle/svm-path'),
      describe: (s) => `the ${lossName(s.loss)} path of ${s.pair[0]} vs ${s.pair[1]}`,
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
  let geometryLoading = false;
  const loadGeometry = () => {
    const file = datasetGeometryFile('mnist');
    if (geometryLoading || !client.ready || client.availability(file).state === 'pending') return;
    geometryLoading = true;
    client.load(file, registered('l2angle/dataset-geometry')).then(
      (g) => overview.setGeometry(g),
      () => {
        geometryLoading = false;
      },
    );
  };
  loadGeometry();

  return {
    update(state) {
      picker.update(state);
      loss.set(state.loss);
      lambda.set(state.lambdaIndex);
      slot.update(state);
      overview.update(state);
    },
    statusChanged() {
      picker.statusChanged();
      slot.statusChanged(client.status);
      overview.statusChanged();
      loadGeometry();
    },
  };
}
