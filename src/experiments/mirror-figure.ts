// An SVG figure of the article's punchline for one pair: a representative image x, and its mirror image
// x_m through the boundary of a strongly and of a weakly regularised model. Pure string building.
import type { SvmPath } from '../schema/artifacts.js';
import { base64ToBytes, decodeFloat32 } from '../schema/encoding.js';

const CELL = 4;

/** A 28×28 picture as SVG rectangles, grey levels 0..1 (clipped), black on white like ink on paper. */
function pictureSvg(pixels: Float64Array, rows: number, cols: number, x0: number, y0: number): string {
  const parts: string[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = Math.min(1, Math.max(0, pixels[r * cols + c]));
      const grey = Math.round(255 * (1 - v));
      if (grey === 255) continue;
      parts.push(
        `<rect x="${x0 + c * CELL}" y="${y0 + r * CELL}" width="${CELL}" height="${CELL}" fill="rgb(${grey},${grey},${grey})"/>`,
      );
    }
  }
  const frame = `<rect x="${x0}" y="${y0}" width="${cols * CELL}" height="${rows * CELL}" fill="none" stroke="#999"/>`;
  return parts.join('') + frame;
}

/** The figure: x, then x_m for the first and the last model of the path, with θ and ‖x_m − x‖. */
export function mirrorFigureSvg(path: SvmPath): string {
  const { rows, cols } = path.imageSize;
  const x = Float64Array.from(base64ToBytes(path.representatives.I.picture), (b) => b / 255);
  const models = [path.models[0], path.models[path.models.length - 1]];
  const size = rows * CELL;
  const gap = 60;
  const width = 3 * size + 4 * gap;
  const height = size + 110;
  const label = (cx: number, y: number, text: string, weight = 'normal') =>
    `<text x="${cx}" y="${y}" text-anchor="middle" font-family="sans-serif" font-size="13" font-weight="${weight}">${text}</text>`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<title>A ${path.classI} and its mirror images through the boundaries of the most and least regularised ${path.loss} models of ${path.classI} vs ${path.classJ}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    pictureSvg(x, rows, cols, gap, 30),
    label(gap + size / 2, 20, `x: a ${path.classI} (class I)`, 'bold'),
  ];
  for (const [k, m] of models.entries()) {
    const xm = Float64Array.from(decodeFloat32(m.mirrors.I.picture));
    const x0 = gap + (k + 1) * (size + gap);
    parts.push(pictureSvg(xm, rows, cols, x0, 30));
    parts.push(
      label(
        x0 + size / 2,
        20,
        `x_m at λ = ${m.lambda >= 1 ? Math.round(m.lambda) : m.lambda.toExponential(0)}`,
        'bold',
      ),
    );
    parts.push(label(x0 + size / 2, size + 50, `θ = ${m.theta.toFixed(2)} rad`));
    parts.push(label(x0 + size / 2, size + 68, `‖x_m − x‖ = ${m.mirrors.I.distance.toFixed(2)}`));
    parts.push(label(x0 + size / 2, size + 86, `classified as ${path.classJ}`));
  }
  parts.push(
    label(
      width / 2,
      height - 6,
      `${path.dataset} ${path.classI} vs ${path.classJ}, ${path.loss} loss; pixels 0..1, mirror images clipped to 0..1`,
    ),
  );
  parts.push('</svg>');
  return parts.join('\n');
}
