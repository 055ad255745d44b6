// Native, keyboard-operable controls: a labelled range slider with its value shown, and a group of buttons
// of which one is pressed (aria-pressed).
import { LOSSES, TRAINING_LOSSES, type TrainingLoss } from '../src/math/losses.js';

/** A labelled slider. */
export interface Slider {
  element: HTMLElement;
  input: HTMLInputElement;
  /** moves the slider (without calling onInput) */
  set(value: number): void;
}

/** Options of a slider. */
export interface SliderOptions {
  /** visible label, also the accessible name */
  label: string;
  min: number;
  max: number;
  step: number;
  value: number;
  /** the value as shown next to the slider and read by screen readers */
  format(value: number): string;
  onInput(value: number): void;
  /** a stable name for tests: becomes data-control */
  name: string;
}

let uid = 0;

/** A `<label>` + `<input type=range>` + `<output>`. */
export function slider(options: SliderOptions): Slider {
  const id = `control-${options.name}-${++uid}`;
  const element = document.createElement('div');
  element.className = 'control slider';
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = options.label;
  const input = document.createElement('input');
  input.type = 'range';
  input.id = id;
  input.min = String(options.min);
  input.max = String(options.max);
  input.step = String(options.step);
  input.dataset.control = options.name;
  const output = document.createElement('output');
  output.htmlFor.add(id);
  element.append(label, input, output);
  const show = (v: number) => {
    const text = options.format(v);
    output.textContent = text;
    input.setAttribute('aria-valuetext', text);
  };
  input.value = String(options.value);
  show(options.value);
  input.addEventListener('input', () => {
    const v = Number(input.value);
    show(v);
    options.onInput(v);
  });
  return {
    element,
    input,
    set(v) {
      if (Number(input.value) !== v) input.value = String(v);
      show(v);
    },
  };
}

/** A group of buttons, one pressed. */
export interface Toggle<T extends string> {
  element: HTMLElement;
  set(value: T): void;
}

/** A labelled group of toggle buttons. */
export function toggle<T extends string>(options: {
  label: string;
  choices: ReadonlyArray<{ value: T; label: string }>;
  value: T;
  onChange(value: T): void;
  name: string;
}): Toggle<T> {
  const element = document.createElement('div');
  element.className = 'control toggle';
  element.setAttribute('role', 'group');
  element.dataset.control = options.name;
  const title = document.createElement('span');
  title.className = 'toggle-label';
  title.textContent = options.label;
  title.id = `control-${options.name}-${++uid}`;
  element.setAttribute('aria-labelledby', title.id);
  element.append(title);
  const buttons = options.choices.map((choice) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = choice.label;
    button.dataset.value = choice.value;
    button.addEventListener('click', () => {
      set(choice.value);
      options.onChange(choice.value);
    });
    element.append(button);
    return button;
  });
  const set = (value: T) => {
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.value === value));
  };
  set(options.value);
  return { element, set };
}

/**
 * A toggle whose choices follow something that changes (the results that exist): `refresh` rebuilds it in
 * place when `choices()` gives another list, keeping the pressed value.
 */
export function followingToggle<T extends string>(
  options: { label: string; value: T; onChange(value: T): void; name: string },
  choices: () => ReadonlyArray<{ value: T; label: string }>,
): Toggle<T> & { refresh(): void } {
  let value = options.value;
  let shown = '';
  let current: Toggle<T> | undefined;
  const refresh = () => {
    const list = choices();
    const key = list.map((c) => `${c.value}\u0000${c.label}`).join('\u0001');
    if (key === shown && current) return;
    shown = key;
    const next = toggle({
      ...options,
      value,
      choices: list,
      onChange: (v) => {
        value = v;
        options.onChange(v);
      },
    });
    current?.element.replaceWith(next.element);
    current = next;
  };
  refresh();
  return {
    get element() {
      return (current as Toggle<T>).element;
    },
    set(v) {
      value = v;
      current?.set(v);
    },
    refresh,
  };
}

/** A row of controls under a figure. */
export function controlBar(...controls: Array<{ element: HTMLElement }>): HTMLElement {
  const bar = document.createElement('div');
  bar.className = 'controls';
  bar.append(...controls.map((c) => c.element));
  return bar;
}

/** The training losses as toggle choices, in the registry's order (`src/math/losses.ts`). */
export function lossChoices(): Array<{ value: TrainingLoss; label: string }> {
  return TRAINING_LOSSES.map((loss) => ({ value: loss, label: LOSSES[loss].toggleLabel }));
}
