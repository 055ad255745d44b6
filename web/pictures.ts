// Pictures: small images drawn pixel for pixel on a canvas and scaled up by CSS (image-rendering: pixelated).
// Grey for images (ink is dark), a diverging map for signed pictures (weights, perturbations), a sequential
// map for the toy problem's two-valued pictures.
import { interpolateRdBu, interpolateViridis, rgb } from 'd3';

/** How values become colours. */
export type ColourMap =
  /** images: `range[0]` is white paper, `range[1]` black ink; values outside are clipped */
  | { kind: 'grey'; range: readonly [number, number] }
  /** signed pictures: 0 is white, ±limit the saturated ends (blue negative, red positive) */
  | { kind: 'diverging'; limit: number }
  /** the toy pictures: `range` spread over viridis */
  | { kind: 'sequential'; range: readonly [number, number] };

/** The grey map of MNIST pictures on the 0..1 scale. */
export const GREY_01: ColourMap = { kind: 'grey', range: [0, 1] };

/** The grey map of MNIST pictures on the 0..255 scale. */
export const GREY_255: ColourMap = { kind: 'grey', range: [0, 255] };

/** The toy problem's map: a and b in [−1, 1]. */
export const TOY_MAP: ColourMap = { kind: 'sequential', range: [-1, 1] };

/** A diverging map whose limit is the largest |value| (a zero picture gets limit 1). */
export function divergingFor(values: ArrayLike<number>): ColourMap {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return { kind: 'diverging', limit: m > 0 ? m : 1 };
}

const LUT_SIZE = 256;
const luts = new Map<string, Uint8ClampedArray>();

function lut(kind: ColourMap['kind']): Uint8ClampedArray {
  let table = luts.get(kind);
  if (table) return table;
  table = new Uint8ClampedArray(LUT_SIZE * 3);
  for (let k = 0; k < LUT_SIZE; k++) {
    const t = k / (LUT_SIZE - 1);
    let r: number;
    let g: number;
    let b: number;
    if (kind === 'grey') {
      r = g = b = 255 * (1 - t);
    } else {
      const c = rgb(kind === 'diverging' ? interpolateRdBu(1 - t) : interpolateViridis(t));
      r = c.r;
      g = c.g;
      b = c.b;
    }
    table[3 * k] = r;
    table[3 * k + 1] = g;
    table[3 * k + 2] = b;
  }
  luts.set(kind, table);
  return table;
}

/** Position in [0, 1] of a value under a colour map. */
function position(map: ColourMap, v: number): number {
  const t =
    map.kind === 'diverging' ? 0.5 + v / (2 * map.limit) : (v - map.range[0]) / (map.range[1] - map.range[0]);
  return Math.min(1, Math.max(0, t));
}

/** The CSS colour of one value under a map (for legends and swatches). */
export function colourOf(map: ColourMap, v: number): string {
  const table = lut(map.kind);
  const k = Math.round(position(map, v) * (LUT_SIZE - 1));
  return `rgb(${table[3 * k]}, ${table[3 * k + 1]}, ${table[3 * k + 2]})`;
}

/** Draws a rows × cols row-major picture into a canvas of that many pixels. */
export function drawPicture(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  map: ColourMap,
): void {
  canvas.width = cols;
  canvas.height = rows;
  const context = canvas.getContext('2d');
  if (!context) return;
  const image = context.createImageData(cols, rows);
  const table = lut(map.kind);
  for (let p = 0; p < rows * cols; p++) {
    const k = Math.round(position(map, values[p]) * (LUT_SIZE - 1));
    image.data[4 * p] = table[3 * k];
    image.data[4 * p + 1] = table[3 * k + 1];
    image.data[4 * p + 2] = table[3 * k + 2];
    image.data[4 * p + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}

/** Options of a captioned picture. */
export interface PictureOptions {
  rows?: number;
  cols?: number;
  map: ColourMap;
  /** the text alternative: what the picture shows */
  alt: string;
  /** caption under the picture (may be empty) */
  caption?: string;
  /** displayed width in CSS pixels (default 84); 0 leaves the size to the style sheet (fluid grids) */
  size?: number;
}

/** A picture with its caption, updatable in place. */
export interface PictureElement {
  element: HTMLElement;
  set(values: ArrayLike<number>, options?: Partial<PictureOptions>): void;
}

/** A `<figure>` with a pixelated canvas and a caption. */
export function picture(values: ArrayLike<number> | undefined, options: PictureOptions): PictureElement {
  let current = { rows: 28, cols: 28, size: 84, caption: '', ...options };
  const element = document.createElement('figure');
  element.className = 'picture';
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  const caption = document.createElement('figcaption');
  element.append(canvas, caption);
  const set = (v: ArrayLike<number>, patch: Partial<PictureOptions> = {}) => {
    current = { ...current, ...patch };
    drawPicture(canvas, v, current.rows, current.cols, current.map);
    if (current.size > 0) {
      canvas.style.width = `${current.size}px`;
      canvas.style.height = `${(current.size * current.rows) / current.cols}px`;
    }
    canvas.setAttribute('aria-label', current.alt);
    caption.textContent = current.caption;
    caption.hidden = current.caption === '';
  };
  if (values) set(values);
  return { element, set };
}
