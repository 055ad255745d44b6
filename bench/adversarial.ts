// `npm run bench -- adversarial [--results results] [--threads 2]`: the adversarial study of each trained
// article LeNet in the results folder, as `npm start` runs it (the study thread, the attack on worker
// threads, into a scratch results folder), then PyTorch's attack on the same images, targets, temperature and
// settings (bench/torch_attack.py), with the ratio and how far the two agree (steps, norms).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTICLE_LENETS } from '../src/article.js';
import { loadDataset } from '../src/data/dataset.js';
import { mnistFiles } from '../src/data/sources.js';
import { loadLenet } from '../src/experiments/lenet-network.js';
import { adversarialSchema } from '../src/schema/nn-artifacts.js';
import { pythonWith } from './python.js';

export async function benchAdversarial(results: string, threads: number): Promise<void> {
  // the dist build: its worker threads run as plain JavaScript
  const worker = new URL('../dist/experiments/adversarial-worker.js', import.meta.url);
  if (!existsSync(worker)) throw new Error('bench adversarial: run `npm run build` first');
  const { runAdversarialJob } = (await import(
    worker.href
  )) as typeof import('../src/experiments/adversarial-worker.js');
  const python = pythonWith(['torch', 'numpy'], ['python3-torch']);
  const script = new URL('./torch_attack.py', import.meta.url).pathname;
  const test = loadDataset(mnistFiles(), 'mnist').test;
  for (const which of ARTICLE_LENETS) {
    const folder = join('nn', `lenet-${which.key}`);
    if (!existsSync(join(results, folder, 'checkpoint.l2net'))) {
      console.log(`${which.name}: no trained network in ${join(results, folder)} (npm start trains it)`);
      continue;
    }
    const scratch = mkdtempSync(join(tmpdir(), 'l2angle-bench-adversarial-'));
    try {
      cpSync(join(results, folder), join(scratch, folder), { recursive: true });
      const started = performance.now();
      const path = await runAdversarialJob(
        { name: which.name, results: scratch, folder, files: mnistFiles(), seed: 0, threads },
        () => {},
      );
      const ours = (performance.now() - started) / 1000;
      const artifact = adversarialSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
      const index = [...artifact.targeted.map((e) => e.testIndex), ...artifact.study.testIndex];
      const targets = [...artifact.targeted.map((e) => e.target), ...artifact.study.targets];
      const steps = [...artifact.targeted.map((e) => e.steps), ...artifact.study.steps];
      const norms = [...artifact.targeted.map((e) => e.norm), ...artifact.study.norms];
      const size = test.rows * test.cols;
      const images = new Float32Array(index.length * size);
      for (const [r, i] of index.entries())
        images.set(test.images.subarray(i * size, (i + 1) * size), r * size);
      const net = loadLenet(join(scratch, folder));
      const weights = net.network.parameters().map((p) => p.w);
      const flat = new Float32Array(weights.reduce((a, w) => a + w.length, 0));
      let at = 0;
      for (const w of weights) {
        flat.set(w, at);
        at += w.length;
      }
      const prefix = join(scratch, 'attack');
      writeFileSync(`${prefix}.weights.f32`, flat);
      writeFileSync(`${prefix}.mean.f32`, net.mean);
      writeFileSync(`${prefix}.images.f32`, images);
      writeFileSync(`${prefix}.targets.i32`, Int32Array.from(targets));
      const { settings } = artifact;
      writeFileSync(
        `${prefix}.json`,
        JSON.stringify({
          t: artifact.temperature.t,
          step: settings.stepSize,
          max_steps: settings.maxSteps,
          confidence: settings.confidence,
        }),
      );
      const run = spawnSync(python, [script, prefix, String(threads)], {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
        env: { ...process.env, OMP_NUM_THREADS: String(threads) },
      });
      if (run.status !== 0) throw new Error(`torch_attack.py failed: ${run.stderr}`);
      const peer = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as {
        seconds: number;
        steps: number[];
        norms: number[];
      };
      let sameSteps = 0;
      let largest = 0;
      for (let r = 0; r < steps.length; r++) {
        if (peer.steps[r] === steps[r]) sameSteps++;
        if (norms[r] > 0) largest = Math.max(largest, Math.abs(peer.norms[r] - norms[r]) / norms[r]);
      }
      const imageSteps = steps.reduce((a, b) => a + b, 0);
      // the attack threads' shares (dealt round-robin), whose largest sets the attack's wall time
      const shares = Array.from({ length: threads }, (_, p) =>
        steps.filter((_, r) => r % threads === p).reduce((a, b) => a + b, 0),
      );
      console.log(
        `${which.name}: l2angle's whole study ${ours.toFixed(1)} s (${steps.length} images, ${imageSteps} image-steps, ` +
          `${threads} threads with shares of ${shares.join(' + ')}); PyTorch's attack alone ${peer.seconds.toFixed(1)} s; ratio ${(peer.seconds / ours).toFixed(2)}×; ` +
          `same steps on ${sameSteps}/${steps.length} images, norms within ${largest.toExponential(1)} relative`,
      );
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}
