import { afterAll, describe, expect, it } from 'vitest';
import { gaussian, seededRandom } from '../../src/math/random.js';
import { engineModule, instantiateEngine, sharedMemory } from '../../src/nn/engine/module.js';
import { lenet, softmaxCrossEntropy, tensor } from '../../src/nn/layers.js';
import { MomentumSgd } from '../../src/nn/sgd.js';
import { contextLayout, LenetTrainer, type TrainerState } from '../../src/nn/trainer.js';

/** Images shaped like the network's input (0..255 minus a mean: centred, spread of tens). */
function batch(n: number, seed: number): { x: Float32Array; labels: Int32Array } {
  const rand = seededRandom(seed);
  const x = Float32Array.from({ length: n * 784 }, () => 60 * gaussian(rand));
  const labels = Int32Array.from({ length: n }, () => Math.floor(10 * rand()));
  return { x, labels };
}

function relativeError(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  let scale = 0;
  for (let k = 0; k < b.length; k++) {
    worst = Math.max(worst, Math.abs(a[k] - b[k]));
    scale = Math.max(scale, Math.abs(b[k]));
  }
  return worst / Math.max(scale, 1e-30);
}

function sameBits(a: TrainerState, b: TrainerState): boolean {
  const all = (x: TrainerState) => [...x.parameters, ...x.velocities];
  return all(a).every((t, i) => Buffer.from(t.buffer).equals(Buffer.from(all(b)[i].buffer)));
}

const open: LenetTrainer[] = [];
async function trainer(threads: number, weightDecay = 1e-4, batchSize = 16): Promise<LenetTrainer> {
  const t = await LenetTrainer.create({ seed: 4, weightDecay, threads, batchSize });
  open.push(t);
  return t;
}
afterAll(async () => {
  await Promise.all(open.map((t) => t.close()));
});

describe('LenetTrainer', () => {
  it('takes its thread-context layout from the engine, and refuses an engine that lacks or repeats a field', () => {
    const engine = instantiateEngine(sharedMemory(65536), engineModule());
    const layout = contextLayout(engine);
    const offsets = Object.values(layout);
    expect(new Set(offsets).size).toBe(offsets.length);
    expect(Math.max(...offsets)).toBeLessThan(engine.contextBytes() / 4);
    const exports = { ...(engine as unknown as Record<string, unknown>) };
    delete exports.CTX_BIAS_DECAY;
    expect(() => contextLayout(exports as unknown as typeof engine)).toThrow(/CTX_BIAS_DECAY is missing/);
    const twice = { ...(engine as unknown as Record<string, unknown>), CTX_MU: exports.CTX_ETA };
    expect(() => contextLayout(twice as unknown as typeof engine)).toThrow(/CTX_MU is \d+: rebuild/);
  });

  it('starts from the weights of lenet(seed) with zero velocities', async () => {
    const state = (await trainer(1)).state();
    const reference = lenet(4).parameters();
    expect(state.parameters.map((p) => p.length)).toEqual(reference.map((p) => p.w.length));
    for (const [i, p] of reference.entries()) expect(state.parameters[i]).toEqual(p.w);
    expect(state.velocities.every((v) => v.every((x) => x === 0))).toBe(true);
  });

  for (const threads of [1, 2]) {
    it(`takes the same first steps as lenet(seed) + MomentumSgd (${threads} thread${threads > 1 ? 's' : ''}, 1e-4 relative)`, async () => {
      const weightDecay = threads === 1 ? 1e-4 : 0.1;
      const fast = await trainer(threads, weightDecay);
      const net = lenet(4);
      const sgd = new MomentumSgd(net.parameters(), { learningRate: 0.0005, momentum: 0.9, weightDecay });
      for (let s = 0; s < 2; s++) {
        const { x, labels } = batch(8, 100 + s);
        const ours = await fast.step(x, labels, 8);
        net.zeroGrad();
        const logits = net.forward(tensor([8, 1, 28, 28], x));
        const { loss, grad } = softmaxCrossEntropy(logits, labels);
        net.backward(grad);
        sgd.step();
        let errors = 0;
        for (let b = 0; b < 8; b++) {
          const row = Array.from(logits.data.subarray(b * 10, b * 10 + 10));
          if (row.indexOf(Math.max(...row)) !== labels[b]) errors++;
        }
        expect(Math.abs(ours.loss - loss) / loss).toBeLessThan(1e-5);
        expect(ours.errors).toBe(errors);
      }
      const state = fast.state();
      for (const [i, p] of net.parameters().entries()) {
        expect(relativeError(state.velocities[i], sgd.velocity[i])).toBeLessThan(1e-4);
        expect(relativeError(state.parameters[i], p.w)).toBeLessThan(1e-5);
      }
      // logits of more images than one call holds (chunks of 16) equal the reference forward pass
      const { x } = batch(21, 7);
      const expected = net.forward(tensor([21, 1, 28, 28], x)).data;
      expect(relativeError(await fast.logits(x, 21), expected)).toBeLessThan(1e-5);
    });
  }

  it("MatConvNet's convention decays the biases too: one step by hand, v_b ← μv_b − λb − g_b", async () => {
    // the same state with non-zero biases and velocities, one step of the same batch under both conventions
    const lambda = 0.1;
    const start = (await trainer(1)).state();
    const rand = seededRandom(9);
    const state: TrainerState = {
      parameters: start.parameters.map((p, i) => (i % 2 === 1 ? p.map(() => gaussian(rand)) : p)),
      velocities: start.velocities.map((v) => v.map(() => 0.01 * gaussian(rand))),
    };
    const matconvnet = await LenetTrainer.create({
      seed: 4,
      weightDecay: lambda,
      decayBiases: true,
      batchSize: 16,
    });
    const pytorch = await LenetTrainer.create({ seed: 4, weightDecay: lambda, batchSize: 16 });
    open.push(matconvnet, pytorch);
    const { x, labels } = batch(8, 500);
    for (const t of [matconvnet, pytorch]) {
      t.setState(state);
      await t.step(x, labels, 8);
    }
    const [a, b] = [matconvnet.state(), pytorch.state()];
    for (let i = 0; i < 8; i++) {
      if (i % 2 === 0) {
        // weights: the same update under both
        expect(
          sameBits(
            { parameters: [a.parameters[i]], velocities: [a.velocities[i]] },
            {
              parameters: [b.parameters[i]],
              velocities: [b.velocities[i]],
            },
          ),
        ).toBe(true);
        continue;
      }
      // biases: the velocities differ by exactly −λb and the biases by −ηλb (η = 0.0005)
      const bias = state.parameters[i];
      for (let k = 0; k < bias.length; k++) {
        expect(a.velocities[i][k] - b.velocities[i][k]).toBeCloseTo(-lambda * bias[k], 5);
        expect((a.parameters[i][k] - b.parameters[i][k]) / 0.0005).toBeCloseTo(-lambda * bias[k], 2);
      }
    }
    // and the reference layers with MomentumSgd(decayBiases) agree with the engine
    const net = lenet(4);
    for (const [i, p] of net.parameters().entries()) p.w.set(state.parameters[i]);
    const sgd = new MomentumSgd(
      net.parameters(),
      { learningRate: 0.0005, momentum: 0.9, weightDecay: lambda },
      true,
    );
    for (const [i, v] of sgd.velocity.entries()) v.set(state.velocities[i]);
    net.zeroGrad();
    const { grad } = softmaxCrossEntropy(net.forward(tensor([8, 1, 28, 28], x)), labels);
    net.backward(grad);
    sgd.step();
    for (const [i, p] of net.parameters().entries()) {
      expect(relativeError(a.velocities[i], sgd.velocity[i])).toBeLessThan(1e-4);
      expect(relativeError(a.parameters[i], p.w)).toBeLessThan(1e-5);
    }
  });

  it('continues bit for bit after setState(state()), in a new trainer too, and repeats a run exactly', async () => {
    const batches = [0, 1, 2, 3].map((s) => batch(16, 200 + s));
    const straight = await trainer(2);
    const losses: number[] = [];
    for (const { x, labels } of batches) losses.push((await straight.step(x, labels, 16)).loss);
    const first = await trainer(2);
    for (const { x, labels } of batches.slice(0, 2)) await first.step(x, labels, 16);
    const resumed = await trainer(2);
    resumed.setState(first.state());
    first.setState(first.state());
    for (const t of [first, resumed]) {
      const rest: number[] = [];
      for (const { x, labels } of batches.slice(2)) rest.push((await t.step(x, labels, 16)).loss);
      expect(rest).toEqual(losses.slice(2));
      expect(sameBits(t.state(), straight.state())).toBe(true);
    }
  });

  it('overfits a small batch of random images with random labels', async () => {
    const t = await LenetTrainer.create({ seed: 4, weightDecay: 1e-4, learningRate: 0.002, batchSize: 20 });
    open.push(t);
    const { x, labels } = batch(20, 300);
    const first = await t.step(x, labels, 20);
    let last = first;
    for (let s = 0; s < 80; s++) last = await t.step(x, labels, 20);
    expect(first.errors).toBeGreaterThan(10);
    expect(last.errors).toBe(0);
    expect(last.loss).toBeLessThan(0.01);
  });

  it('refuses bad input with a clear message and leaves the weights unchanged', async () => {
    const t = await trainer(1);
    const { x, labels } = batch(4, 400);
    const before = t.state();
    await expect(t.step(x, labels, 17)).rejects.toThrow(/n = 17, expected an integer from 1 to 16/);
    await expect(t.step(x.subarray(0, 100), labels, 4)).rejects.toThrow(/Float32Array of n×784/);
    await expect(t.step(x, [1, 2, 10, 3], 4)).rejects.toThrow(/label 2 is 10/);
    const poisoned = Float32Array.from(x);
    poisoned[5] = Number.NaN;
    await expect(t.step(poisoned, labels, 4)).rejects.toThrow(/loss is NaN/);
    expect(sameBits(t.state(), before)).toBe(true);
    expect(() =>
      t.setState({ parameters: before.parameters.slice(1), velocities: before.velocities }),
    ).toThrow(/expected 8 parameters tensors/);
    await expect(LenetTrainer.create({ seed: 1, weightDecay: -1 })).rejects.toThrow(/weightDecay = -1/);
    await t.close();
    await expect(t.step(x, labels, 4)).rejects.toThrow(/closed/);
  });
});
