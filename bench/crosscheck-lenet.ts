// `npm run crosscheck -- lenet [--steps 20] [--decay 1e-4] [--convention matconvnet|pytorch|both]`: our LeNet,
// both the reference layers with MatConvNet's SGD and the fast LenetTrainer (1 and 2 threads), against PyTorch
// from the same initial weights and batch order, under each convention (PyTorch's bias group gets the weight
// decay under matconvnet's); prints the losses per step and the largest differences, and fails (exit 1) when
// the fast trainer is more than 1e-4 away from PyTorch. Installs Debian's python3-torch if missing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from '../src/data/dataset.js';
import { mnistFiles } from '../src/data/sources.js';
import { permutation, seededRandom } from '../src/math/random.js';
import {
  LENET_CONVENTION_NAMES,
  LENET_CONVENTIONS,
  type LenetConventionName,
} from '../src/nn/conventions.js';
import { gatherBatch, meanImage } from '../src/nn/input.js';
import { lenet, softmaxCrossEntropy, tensor } from '../src/nn/layers.js';
import { MomentumSgd } from '../src/nn/sgd.js';
import { LenetTrainer } from '../src/nn/trainer.js';
import { pythonWith } from './python.js';

const { values } = parseArgs({
  allowPositionals: true,
  options: {
    steps: { type: 'string', default: '20' },
    decay: { type: 'string', default: '1e-4' },
    convention: { type: 'string', default: 'both' },
  },
});
if (!['matconvnet', 'pytorch', 'both'].includes(values.convention)) {
  console.error(`--convention ${values.convention}: expected matconvnet, pytorch or both`);
  process.exit(2);
}
const conventions = (
  values.convention === 'both' ? LENET_CONVENTION_NAMES : [values.convention]
) as LenetConventionName[];
const steps = Number(values.steps);
const decay = Number(values.decay);
const batch = 300;
const python = pythonWith(['torch', 'numpy'], ['python3-torch']);
const data = loadDataset(mnistFiles(), 'mnist');
const size = data.train.rows * data.train.cols;
const order = permutation(data.train.count, seededRandom(11));
for (const convention of conventions) {
  const dir = mkdtempSync(join(tmpdir(), 'l2angle-lenet-'));
  const net = lenet(7);
  const decayBiases = LENET_CONVENTIONS[convention].decayBiases;
  console.log(
    `convention ${convention} (${decayBiases ? 'weights and biases decayed' : 'weights only'}), λ = ${decay}`,
  );
  try {
    // the initial weights and the batch order, for PyTorch to start from exactly the same place
    const parts = net.parameters().map((p) => p.w);
    const flat = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      flat.set(p, offset);
      offset += p.length;
    }
    writeFileSync(join(dir, 'weights.f32'), new Uint8Array(flat.buffer));
    writeFileSync(join(dir, 'order.i32'), new Uint8Array(order.buffer));
    const mnistDir = mnistFiles().trainImages.replace(/\/[^/]+$/, '');
    const script = new URL('./torch_lenet_steps.py', import.meta.url).pathname;
    const run = spawnSync(
      python,
      [
        script,
        mnistDir,
        join(dir, 'weights.f32'),
        join(dir, 'order.i32'),
        String(steps),
        String(decay),
        convention,
      ],
      {
        encoding: 'utf8',
      },
    );
    if (run.status !== 0) throw new Error(`PyTorch failed: ${run.stderr}`);
    const theirs = JSON.parse(run.stdout.trim().split('\n').pop()!) as number[];

    const mean = meanImage(data.train.images, data.train.count, size);
    const sgd = new MomentumSgd(
      net.parameters(),
      { learningRate: 0.0005, momentum: 0.9, weightDecay: decay },
      decayBiases,
    );
    const fast = await Promise.all(
      [1, 2].map((threads) => LenetTrainer.create({ seed: 7, weightDecay: decay, decayBiases, threads })),
    );
    const x = tensor([batch, 1, data.train.rows, data.train.cols]);
    const labels = new Int32Array(batch);
    const worst = { reference: 0, fast1: 0, fast2: 0 };
    console.log(
      'step  reference     fast, 1 thread  fast, 2 threads  PyTorch       |Δ| ref   |Δ| fast1 |Δ| fast2',
    );
    for (let s = 0; s < steps; s++) {
      gatherBatch(data.train.images, size, order, s * batch, batch, mean, x.data);
      for (let b = 0; b < batch; b++) labels[b] = data.train.labels[order[s * batch + b]];
      net.zeroGrad();
      const { loss, grad } = softmaxCrossEntropy(net.forward(x), labels);
      net.backward(grad);
      sgd.step();
      const [one, two] = await Promise.all(fast.map((t) => t.step(x.data, labels, batch)));
      const d = [loss, one.loss, two.loss].map((l) => Math.abs(l - theirs[s]));
      worst.reference = Math.max(worst.reference, d[0]);
      worst.fast1 = Math.max(worst.fast1, d[1]);
      worst.fast2 = Math.max(worst.fast2, d[2]);
      const cells = [loss, one.loss, two.loss, theirs[s]].map((l) => l.toFixed(6).padEnd(15));
      console.log(
        `${String(s).padStart(4)}  ${cells.join('')}${d.map((v) => v.toExponential(1).padEnd(10)).join('')}`,
      );
    }
    await Promise.all(fast.map((t) => t.close()));
    console.log(
      `largest |Δ loss| against PyTorch over ${steps} steps: reference ${worst.reference.toExponential(2)}, ` +
        `LenetTrainer 1 thread ${worst.fast1.toExponential(2)}, 2 threads ${worst.fast2.toExponential(2)}`,
    );
    if (Math.max(worst.fast1, worst.fast2) > 1e-4) {
      console.log(`FAIL (${convention}): the fast trainer is more than 1e-4 away from PyTorch`);
      process.exitCode = 1;
    } else console.log(`OK (${convention}): the fast trainer agrees with PyTorch to 1e-4`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
