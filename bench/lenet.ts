// `npm run bench -- lenet [--runs 5] [--threads 2] [--steps 20]`: our LeNet trainer against PyTorch on the same
// network, batch 300, SGD momentum 0.9, lr 0.0005, weight decay 1e-4, same thread count; warm-up first, then
// interleaved runs (never both at once: the machine has two cores), medians. Then each engine kernel alone on
// one thread, in GFLOP/s against this core's wasm SIMD ceiling (a register-only f32x4 multiply-add loop).
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { loadDataset } from '../src/data/dataset.js';
import { mnistFiles } from '../src/data/sources.js';
import { permutation, seededRandom } from '../src/math/random.js';
import { type EngineExports, instantiateEngine, sharedMemory } from '../src/nn/engine/module.js';
import { gatherBatch, meanImage } from '../src/nn/input.js';
import { LenetTrainer } from '../src/nn/trainer.js';
import { pythonWith } from './python.js';
import { median } from './stats.js';

const BATCH = 300;

/** The MNIST training batches in a shuffled order, as the trainer takes them. */
function mnistBatches(count: number): { x: Float32Array; labels: Int32Array }[] {
  const data = loadDataset(mnistFiles(), 'mnist').train;
  const size = data.rows * data.cols;
  const mean = meanImage(data.images, data.count, size);
  const order = permutation(data.count, seededRandom(1));
  return Array.from({ length: count }, (_, s) => {
    const x = new Float32Array(BATCH * size);
    gatherBatch(data.images, size, order, s * BATCH, BATCH, mean, x);
    const labels = Int32Array.from({ length: BATCH }, (_, b) => data.labels[order[s * BATCH + b]]);
    return { x, labels };
  });
}

function torchImagesPerSecond(python: string, threads: number, steps: number): number {
  const script = new URL('./torch_lenet.py', import.meta.url).pathname;
  const mnist = dirname(mnistFiles().trainImages);
  const run = spawnSync(python, [script, mnist, String(threads), String(steps)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`PyTorch failed: ${run.stderr}`);
  const lines = run.stdout.trim().split('\n');
  return (JSON.parse(lines[lines.length - 1]) as { images_per_second: number }).images_per_second;
}

/** Images per second of our trainer and of PyTorch, interleaved runs, medians. */
export async function benchLenetTraining(runs: number, threads: number, steps: number): Promise<void> {
  const python = pythonWith(['torch', 'numpy'], ['python3-torch']);
  const batches = mnistBatches(steps);
  const trainer = await LenetTrainer.create({ seed: 1, weightDecay: 1e-4, threads });
  try {
    // warm-up: V8's optimising tier replaces the baseline code after a few batches
    for (let s = 0; s < 5; s++) await trainer.step(batches[s].x, batches[s].labels, BATCH);
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      for (const { x, labels } of batches) await trainer.step(x, labels, BATCH);
      ours.push((steps * BATCH) / ((performance.now() - t0) / 1000));
      theirs.push(torchImagesPerSecond(python, threads, 2 * steps));
    }
    const a = median(ours);
    const b = median(theirs);
    console.log(
      `LeNet training, batch ${BATCH}, ${threads} thread${threads > 1 ? 's' : ''}, ${runs} interleaved runs, medians:`,
    );
    console.log(
      `  l2angle LenetTrainer  ${a.toFixed(0).padStart(6)} images/s   (runs: ${ours.map((v) => v.toFixed(0)).join(' ')})`,
    );
    console.log(
      `  PyTorch ${'(CPU)'.padEnd(13)} ${b.toFixed(0).padStart(6)} images/s   (runs: ${theirs.map((v) => v.toFixed(0)).join(' ')})`,
    );
    console.log(
      `  ratio ${(a / b).toFixed(2)}× PyTorch; 50 epochs × 60 000 images would take ${((50 * 60000) / a / 60).toFixed(1)} min`,
    );
  } finally {
    await trainer.close();
  }
}

/** A one-thread engine on its own memory, with a bump allocator, for timing kernels alone. */
function kernelBench() {
  const memory = sharedMemory(64 << 20);
  const engine = instantiateEngine(memory);
  const f32 = new Float32Array(memory.buffer);
  const i32 = new Int32Array(memory.buffer);
  let top = Math.ceil(engine.heapBase() / 64) * 64;
  const rand = seededRandom(2);
  const take = (floats: number, std = 0) => {
    const at = top;
    top = Math.ceil((top + floats * 4 + 64) / 64) * 64;
    for (let k = 0; k < floats; k++) f32[(at >> 2) + k] = std * (rand() - 0.5);
    return at;
  };
  return { engine, i32, take, rand };
}

/** Median seconds of one call of `run` (after warm-up), timing batches of calls. */
function secondsPerCall(run: () => void, calls: number): number {
  for (let r = 0; r < 3; r++) for (let c = 0; c < calls; c++) run();
  const times: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    for (let c = 0; c < calls; c++) run();
    times.push((performance.now() - t0) / 1000 / calls);
  }
  return median(times);
}

/** This core's f32x4 multiply-add ceiling in GFLOP/s (8 accumulators as in the micro-kernels, no stores). */
export function simdPeakGflops(engine: EngineExports, block: number): number {
  const iterations = 5_000_000;
  return (iterations * 64) / secondsPerCall(() => engine.simdPeak(iterations, block), 1) / 1e9;
}

interface KernelRow {
  name: string;
  /** flops one call performs (pool-routed kernels: only the products they make) */
  flops: number;
  /** calls per training step of 300 images */
  perStep: number;
  seconds: number;
  note?: string;
}

/** Each kernel of a training step alone on one thread: GFLOP/s, share of a step, distance to the ceiling. */
export function benchLenetKernels(): void {
  const { engine, i32, take } = kernelBench();
  const peak = simdPeakGflops(engine, take(32, 1));
  const nb = BATCH / 2;
  const x0 = take(784, 200);
  const w1 = take(500, 0.02);
  const b1 = take(24);
  const out1 = take(11520);
  const x1 = take(2880, 100);
  const arg1 = take(2880);
  const w2 = take(25000, 0.02);
  const packed = take(engine.packedBytes() / 4);
  const b2 = take(56);
  const out2 = take(3200);
  const pooled2 = take(800);
  const arg2 = take(800);
  const g2 = take(800, 1);
  const dw2 = take(25000);
  const u = take(engine.winogradFilterBytes() / 4);
  const uTmp = take(engine.winogradFilterTmpFloats());
  const winograd = take(engine.winogradScratchFloats());
  const dx1 = take(2880);
  const g1 = take(11520, 1);
  const dw1 = take(500);
  const scratch = take(engine.scratchBytes() / 4);
  const work = take(engine.packedWorkBytes() / 4);
  const f = take(nb * 800, 1);
  const w3 = take(500 * 800, 0.02);
  const h = take(nb * 500, 1);
  const dw3 = take(500 * 800);
  const gf = take(nb * 800);
  const w4 = take(5000, 0.02);
  const s = take(nb * 10, 1);
  const labels = take(nb);
  const result = take(4);
  const gs = take(nb * 10);
  engine.packConv2(w2, packed);
  engine.conv1Forward(x0, w1, b1, out1);
  engine.maxPoolForward(out1, 24, 24, 20, x1, arg1);
  engine.conv2Forward(x1, packed, b2, out2);
  engine.maxPoolForward(out2, 8, 8, 50, pooled2, arg2);
  engine.conv2WinogradFilters(w2, uTmp, u);
  for (let b = 0; b < nb; b++) i32[(labels >> 2) + b] = b % 10;
  const params = engine.paramFloats();
  const row = (name: string, flops: number, perStep: number, calls: number, run: () => void): KernelRow => ({
    name,
    flops,
    perStep,
    seconds: secondsPerCall(run, calls),
  });
  const rows: KernelRow[] = [
    row('conv1 forward (direct)', 2 * 576 * 20 * 25, BATCH, 200, () => engine.conv1Forward(x0, w1, b1, out1)),
    row('conv1 weight gradient (dense)', 2 * 576 * 20 * 25, BATCH, 200, () =>
      engine.conv1WeightGrad(x0, g1, dw1),
    ),
    row('pool1 forward + backward', 0, BATCH, 200, () => {
      engine.maxPoolForward(out1, 24, 24, 20, x1, arg1);
      engine.maxPoolBackward(dx1, arg1, 144, 20, g1);
    }),
    row('conv2 + pool2 forward (Winograd F(2×2,5×5))*', 2 * 64 * 50 * 500, BATCH, 100, () =>
      engine.conv2WinogradPool(x1, u, b2, pooled2, arg2, winograd),
    ),
    row('conv2 filter transform (once a step)', 0, 1, 20, () => engine.conv2WinogradFilters(w2, uTmp, u)),
    row('conv2 weight gradient (pool-routed)', 2 * 16 * 50 * 500, BATCH, 200, () =>
      engine.conv2PooledWeightGrad(x1, g2, arg2, dw2, scratch),
    ),
    row('conv2 input gradient (pool-routed)', 2 * 16 * 50 * 500, BATCH, 200, () =>
      engine.conv2PooledInputGrad(w2, g2, arg2, dx1, scratch),
    ),
    row(`fc1 forward GEMM (${nb}×800 · 800×500)`, 2 * nb * 800 * 500, 2, 3, () =>
      engine.sgemmPacked(nb, 500, 800, f, 800, 1, w3, 1, 800, h, 500, work),
    ),
    row(`fc1 weight gradient GEMM (500×${nb} · ${nb}×800)`, 2 * nb * 800 * 500, 2, 3, () =>
      engine.sgemmPacked(500, 800, nb, h, 1, 500, f, 800, 1, dw3, 800, work),
    ),
    row(`fc1 input gradient GEMM (${nb}×500 · 500×800)`, 2 * nb * 800 * 500, 2, 3, () =>
      engine.sgemmPacked(nb, 800, 500, h, 500, 1, w3, 800, 1, gf, 800, work),
    ),
    row('fc2 forward + both gradients, softmax', 6 * nb * 500 * 10, 2, 20, () => {
      engine.sgemmPacked(nb, 10, 500, h, 500, 1, w4, 1, 500, s, 10, work);
      engine.softmaxCrossEntropy(s, labels, nb, 10, 1 / BATCH, gs, result);
      engine.sgemmPacked(10, 500, nb, gs, 1, 10, h, 500, 1, w4, 500, work);
      engine.sgemmPacked(nb, 500, 10, gs, 10, 1, w4, 500, 1, h, 500, work);
    }),
    row('momentum step (all 431k parameters)', 0, 1, 5, () =>
      engine.sgdUpdate(w3, dw3, gf, 0, 2, params, 0, 0.9, 0),
    ),
    // not in a step: the direct convolution and the separate pooling that Winograd's kernel replaces
    row('  conv2 forward, direct (for comparison)', 2 * 64 * 50 * 500, 0, 100, () =>
      engine.conv2Forward(x1, packed, b2, out2),
    ),
    row('  pool2 forward (for comparison)', 0, 0, 500, () =>
      engine.maxPoolForward(out2, 8, 8, 50, pooled2, arg2),
    ),
  ];
  const stepSeconds = rows.reduce((sum, r) => sum + r.seconds * r.perStep, 0);
  console.log(
    `\nEngine kernels alone, one thread, median of 7 (wasm SIMD ceiling of this core: ${peak.toFixed(1)} GFLOP/s,` +
      ' 8 f32x4 accumulators c += splat(x)·b, operands in L1/registers, no stores):',
  );
  console.log(
    `  ${'kernel'.padEnd(48)} ${'µs/call'.padStart(9)} ${'GFLOP/s'.padStart(8)} ${'of ceiling'.padStart(10)} ${'of a step'.padStart(9)}`,
  );
  for (const r of rows) {
    const gflops = r.flops / r.seconds / 1e9;
    console.log(
      `  ${r.name.padEnd(48)} ${(r.seconds * 1e6).toFixed(1).padStart(9)} ${r.flops ? gflops.toFixed(1).padStart(8) : '—'.padStart(8)} ` +
        `${r.flops ? `${((100 * gflops) / peak).toFixed(0)} %`.padStart(10) : '—'.padStart(10)} ${`${((100 * r.seconds * r.perStep) / stepSeconds).toFixed(1)} %`.padStart(9)}`,
    );
  }
  console.log('  * GFLOP/s of the direct convolution it replaces (2·64·50·500 flops per image)');
  console.log(
    `  sum over a step of ${BATCH} images on one thread: ${(stepSeconds * 1000).toFixed(1)} ms = ${(BATCH / stepSeconds).toFixed(0)} images/s`,
  );
}
