// Beyond the article: a picker of the swept LeNets. Any network of the sweeps' summaries (dataset, weight
// decay, seed) with its filters and its ten targeted adversarial examples (original, adversarial,
// perturbation), read from its cell's adversarial study. The choice is part of the URL.
import { datasetLabel } from '../../src/schema/datasets.js';
import { decodeFloat32 } from '../../src/schema/encoding.js';
import type { LenetSweep } from '../../src/schema/lenet-sweep.js';
import type { Adversarial } from '../../src/schema/nn-artifacts.js';
import { percent, sig } from '../chart.js';
import { divergingFor, GREY_255, picture } from '../pictures.js';
import type { FigureHandle } from '../slot.js';
import type { StateStore, ViewState } from '../state.js';
import { filterStrips } from './lenet.js';

type Network = LenetSweep['networks'][number] & { dataset: string };

/** A network in a few words: "MNIST, λ = 0.0001, seed 0". */
function describe(n: Network): string {
  return `${datasetLabel(n.dataset)}, λ = ${n.weightDecay}, seed ${n.seed}`;
}

/** The picker with the chosen network's filters and examples; `load` reads a cell's adversarial study. */
export function renderSweptPicker(
  container: HTMLElement,
  sweeps: LenetSweep[],
  store: StateStore,
  load: (path: string) => Promise<Adversarial>,
): FigureHandle {
  const networks: Network[] = sweeps.flatMap((s) => s.networks.map((n) => ({ ...n, dataset: s.dataset })));
  const box = document.createElement('div');
  box.className = 'swept-picker';
  box.dataset.figure = 'swept-network';
  const label = document.createElement('label');
  label.textContent = 'swept network ';
  const select = document.createElement('select');
  select.dataset.control = 'swept-network';
  for (const n of networks) {
    const option = document.createElement('option');
    option.value = n.cell;
    option.textContent = describe(n);
    select.append(option);
  }
  label.append(select);
  const detail = document.createElement('div');
  detail.className = 'swept-detail';
  box.append(label, detail);
  container.append(box);
  select.addEventListener('change', () => store.set({ sweptCell: select.value }));

  let shown = '';
  const show = (state: ViewState) => {
    const n = networks.find((m) => m.cell === state.sweptCell) ?? networks[0];
    if (!n || n.cell === shown) return;
    shown = n.cell;
    select.value = n.cell;
    detail.replaceChildren();
    const summary = document.createElement('p');
    summary.className = 'figure-note';
    summary.textContent =
      `${describe(n)}: ${n.epochs} epochs, test error ${percent(n.testError, 2)}, calibrated temperature ` +
      `${sig(n.temperature.article, 3)}, ECE ${sig(n.ece.article, 2)}; targeted attack: ${percent(n.attack.successRate)} ` +
      `succeed, median ‖δ‖ ${n.attack.medianNorm === null ? 'beyond the step cap' : sig(n.attack.medianNorm, 3)} (0..255 scale).`;
    detail.append(summary);
    if (n.filters) detail.append(...filterStrips(n.filters, describe(n)));
    else {
      const none = document.createElement('p');
      none.className = 'figure-note';
      none.textContent = 'Its checkpoint was not beside its record when the summary was written: no filters.';
      detail.append(none);
    }
    const examples = document.createElement('div');
    examples.className = 'picture-strip compact';
    detail.append(examples);
    if (!n.adversarialFile) return;
    const cell = n.cell;
    load(n.adversarialFile).then(
      (study) => {
        if (shown !== cell) return;
        for (const e of study.targeted) {
          const original = decodeFloat32(e.original);
          const perturbation = decodeFloat32(e.perturbation);
          const group = document.createElement('div');
          group.className = 'example-pair';
          group.append(
            picture(original, {
              map: GREY_255,
              size: 56,
              alt: `test digit ${e.digit}`,
              caption: `${e.digit}`,
            }).element,
            picture(decodeFloat32(e.adversarial), {
              map: GREY_255,
              size: 56,
              alt: `adversarial example, classified as ${e.predicted}`,
              caption: `→ ${e.predicted}`,
            }).element,
            picture(perturbation, {
              map: divergingFor(perturbation),
              size: 56,
              alt: `perturbation of norm ${sig(e.norm, 3)}`,
              caption: `‖δ‖ ${sig(e.norm, 3)}`,
            }).element,
          );
          examples.append(group);
        }
      },
      () => {
        examples.textContent = `Its adversarial study (${n.adversarialFile}) could not be read.`;
      },
    );
  };
  show(store.state);
  return { update: show };
}
