import { describe, expect, it } from 'vitest';
import { gaussian, seededRandom } from '../../src/math/random.js';
import { toEngineLayout } from '../../src/nn/engine/lenet-layout.js';
import { instantiateEngine, sharedMemory } from '../../src/nn/engine/module.js';
import { gemmReference, loadKernels } from '../../src/nn/kernels.js';
import { Conv2d, MaxPool2x2, softmaxCrossEntropy, tensor } from '../../src/nn/layers.js';
import { MomentumSgd } from '../../src/nn/sgd.js';

describe('the wasm SIMD GEMM', () => {
  it('equals the TypeScript reference to 1e-5 for every transpose combination, edges and several blocks included', () => {
    const kernels = loadKernels();
    const rand = seededRandom(9);
    for (const [m, n, k] of [
      [1, 1, 1],
      [5, 13, 7],
      [70, 530, 300],
      [300, 10, 500],
    ]) {
      for (const transposeA of [false, true]) {
        for (const transposeB of [false, true]) {
          const a = transposeA ? kernels.matrix(k, m) : kernels.matrix(m, k);
          const b = transposeB ? kernels.matrix(n, k) : kernels.matrix(k, n);
          const c = kernels.matrix(m, n);
          a.view().set(Float32Array.from({ length: m * k }, () => gaussian(rand)));
          b.view().set(Float32Array.from({ length: k * n }, () => gaussian(rand)));
          c.view().set(Float32Array.from({ length: m * n }, () => gaussian(rand)));
          // the reference on explicit copies of op(A) and op(B)
          const opA = new Float32Array(m * k);
          const opB = new Float32Array(k * n);
          for (let i = 0; i < m; i++)
            for (let p = 0; p < k; p++)
              opA[i * k + p] = transposeA ? a.view()[p * m + i] : a.view()[i * k + p];
          for (let p = 0; p < k; p++)
            for (let j = 0; j < n; j++)
              opB[p * n + j] = transposeB ? b.view()[j * k + p] : b.view()[p * n + j];
          const expected = Float32Array.from(c.view());
          gemmReference(opA, opB, expected, m, n, k);
          kernels.gemmPacked(a, transposeA, b, transposeB, c);
          const got = c.view();
          let worst = 0;
          for (let t = 0; t < m * n; t++)
            worst = Math.max(worst, Math.abs(got[t] - expected[t]) / Math.sqrt(k));
          expect(worst).toBeLessThan(1e-5);
        }
      }
    }
  });

  it('refuses mismatched shapes', () => {
    const kernels = loadKernels();
    expect(() => kernels.gemm(kernels.matrix(2, 3), kernels.matrix(4, 5), kernels.matrix(2, 5))).toThrow(
      /do not match/,
    );
  });
});

/** The LeNet engine on a fresh shared memory, with a bump allocator over it (pointers in bytes). */
function engineBench(megabytes = 16) {
  const memory = sharedMemory(megabytes << 20);
  const engine = instantiateEngine(memory);
  let top = Math.ceil(engine.heapBase() / 64) * 64;
  const f32 = new Float32Array(memory.buffer);
  const i32 = new Int32Array(memory.buffer);
  const f64 = new Float64Array(memory.buffer);
  const take = (floats: number, values?: ArrayLike<number>) => {
    const at = top;
    top = Math.ceil((top + floats * 4 + 64) / 64) * 64;
    f32.fill(0, at >> 2, (at >> 2) + floats);
    if (values) f32.set(values, at >> 2);
    return at;
  };
  const read = (at: number, floats: number) => f32.slice(at >> 2, (at >> 2) + floats);
  return { engine, f32, i32, f64, take, read };
}

function randomArray(length: number, rand: () => number, std = 1): Float32Array {
  return Float32Array.from({ length }, () => std * gaussian(rand));
}

/** largest |a − b| over the largest |b|: the relative error the kernels are held to */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let k = 0; k < b.length; k++) {
    worst = Math.max(worst, Math.abs(a[k] - b[k]));
    scale = Math.max(scale, Math.abs(b[k]));
  }
  return worst / Math.max(scale, 1e-30);
}

/** One image's channels-first map (c×h×w) as channels-last (h×w×c), the engine's layout. */
function toHwc(chw: Float32Array, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(c * h * w);
  for (let ch = 0; ch < c; ch++) for (let p = 0; p < h * w; p++) out[p * c + ch] = chw[ch * h * w + p];
  return out;
}

function randomConv(cin: number, cout: number, k: number, rand: () => number): Conv2d {
  const conv = new Conv2d(cin, cout, k);
  conv.initGaussian(rand, 0.1);
  for (let o = 0; o < cout; o++) conv.b[o] = gaussian(rand);
  return conv;
}

describe('the LeNet engine kernels equal the reference layers (1e-5 relative)', () => {
  it('conv1: forward, and the weight gradient added into what was there', () => {
    const rand = seededRandom(21);
    const { engine, take, read } = engineBench();
    const conv = randomConv(1, 20, 5, rand);
    const x = tensor([1, 1, 28, 28], randomArray(784, rand, 50));
    const w = new Float32Array(500);
    toEngineLayout(0, conv.w, w);
    const px = take(784, x.data);
    const pw = take(500, w);
    const pb = take(24, conv.b);
    const out = take(24 * 24 * 20);
    engine.conv1Forward(px, pw, pb, out);
    const expected = conv.forward(x);
    expect(relativeError(read(out, 11520), toHwc(expected.data, 20, 24, 24))).toBeLessThan(1e-5);

    const g = tensor(expected.shape, randomArray(11520, rand));
    conv.backward(g);
    const before = randomArray(500, rand);
    const pdw = take(500, before);
    engine.conv1WeightGrad(px, take(11520, toHwc(g.data, 20, 24, 24)), pdw);
    const dw = new Float32Array(500);
    toEngineLayout(0, conv.dw, dw);
    expect(
      relativeError(
        read(pdw, 500),
        dw.map((v, k) => v + before[k]),
      ),
    ).toBeLessThan(1e-5);
  });

  it('conv1: the input gradient (one GEMM of taps, then shifted adds)', () => {
    const rand = seededRandom(23);
    const { engine, take, read } = engineBench();
    const conv = randomConv(1, 20, 5, rand);
    const x = tensor([1, 1, 28, 28], randomArray(784, rand, 50));
    const out = conv.forward(x);
    const g = tensor(out.shape, randomArray(11520, rand));
    const expected = conv.backward(g).data;
    const w = new Float32Array(500);
    toEngineLayout(0, conv.w, w);
    const dx = take(784, randomArray(784, rand));
    engine.conv1InputGrad(
      take(500, w),
      take(11520, toHwc(g.data, 20, 24, 24)),
      take(576 * 25),
      dx,
      take(engine.packedWorkBytes() / 4),
    );
    expect(relativeError(read(dx, 784), expected)).toBeLessThan(1e-5);
  });

  it("conv1's input gradient from the pooled gradient: the same bits as routing it back and then the GEMM", () => {
    const rand = seededRandom(25);
    const { engine, take, read } = engineBench();
    const w = take(500, randomArray(500, rand, 0.1));
    const bias = take(20, randomArray(20, rand, 0.1));
    // a real pooling pattern: conv1 of an image, then its 2×2 max pooling's winners
    const out1 = take(11520);
    engine.conv1Forward(take(784, randomArray(784, rand, 50)), w, bias, out1);
    const pooled = take(2880);
    const arg = take(2880);
    engine.maxPoolForward(out1, 24, 24, 20, pooled, arg);
    const g = take(2880, randomArray(2880, rand));
    const routed = take(11520);
    engine.maxPoolBackward(g, arg, 144, 20, routed);
    const work = take(engine.packedWorkBytes() / 4);
    const viaGemm = take(784, randomArray(784, rand));
    engine.conv1InputGrad(w, routed, take(576 * 25), viaGemm, work);
    const pooledWay = take(784, randomArray(784, rand));
    engine.conv1PooledInputGrad(w, g, arg, take(576 * 25), pooledWay, work);
    expect(read(pooledWay, 784)).toEqual(read(viaGemm, 784));
  });

  it('the GEMM on an operand packed once gives the same bits as packing it per product', () => {
    const rand = seededRandom(24);
    const { engine, take, read } = engineBench(32);
    // fc1's shapes both ways (800 inputs, 500 units), with a ragged row count
    for (const [m, n, k, rsB, csB] of [
      [37, 500, 800, 1, 800],
      [37, 800, 500, 800, 1],
    ]) {
      const a = take(m * k, randomArray(m * k, rand));
      const b = take(500 * 800, randomArray(500 * 800, rand));
      const work = take(engine.packedWorkBytes() / 4);
      const c0 = randomArray(m * n, rand);
      const once = take(m * n, c0);
      const each = take(m * n, c0);
      const packed = take(engine.prepackedFloats(n, k));
      engine.prepackB(n, k, b, rsB, csB, packed);
      engine.sgemmPrepacked(m, n, k, a, k, 1, packed, once, n, work);
      engine.sgemmPacked(m, n, k, a, k, 1, b, rsB, csB, each, n, work);
      expect(read(once, m * n)).toEqual(read(each, m * n));
    }
  });

  it('conv2: forward on packed filters, and both gradients routed through 2×2 max pooling', () => {
    const rand = seededRandom(22);
    const { engine, take, read } = engineBench();
    const conv = randomConv(20, 50, 5, rand);
    const pool = new MaxPool2x2();
    const x = tensor([1, 20, 12, 12], randomArray(2880, rand));
    const w = new Float32Array(25000);
    toEngineLayout(2, conv.w, w);
    const px = take(2880, toHwc(x.data, 20, 12, 12));
    const pw = take(25000, w);
    const packed = take(engine.packedBytes() / 4);
    engine.packConv2(pw, packed);
    const pb = take(56, conv.b);
    const out = take(3200);
    engine.conv2Forward(px, packed, pb, out);
    const y = conv.forward(x);
    expect(relativeError(read(out, 3200), toHwc(y.data, 50, 8, 8))).toBeLessThan(1e-5);

    // the pooled gradient, with some exact zeros (the weight gradient skips those)
    const pooled = pool.forward(y);
    const g = tensor(
      pooled.shape,
      randomArray(800, rand).map((v, k) => (k % 7 === 0 ? 0 : v)),
    );
    conv.backward(pool.backward(g));
    const pooledOut = take(800);
    const arg = take(800);
    // pool the reference's own output, so that the winners are the reference's
    engine.maxPoolForward(take(3200, toHwc(y.data, 50, 8, 8)), 8, 8, 50, pooledOut, arg);
    expect(read(pooledOut, 800)).toEqual(toHwc(pooled.data, 50, 4, 4));
    const pg = take(800, toHwc(g.data, 50, 4, 4));
    const before = randomArray(25000, rand, 0.01);
    const pdw = take(25000, before);
    const scratch = take(engine.scratchBytes() / 4);
    engine.conv2PooledWeightGrad(px, pg, arg, pdw, scratch);
    const dw = new Float32Array(25000);
    toEngineLayout(2, conv.dw, dw);
    expect(
      relativeError(
        read(pdw, 25000),
        dw.map((v, k) => v + before[k]),
      ),
    ).toBeLessThan(1e-5);
    const pdx = take(2880);
    engine.conv2PooledInputGrad(pw, pg, arg, pdx, scratch);
    expect(
      relativeError(read(pdx, 2880), toHwc(conv.backward(pool.backward(g)).data, 20, 12, 12)),
    ).toBeLessThan(1e-5);
  });

  it('conv2 by Winograd F(2×2, 5×5) fused with its max pooling: pooled values and winners', () => {
    const rand = seededRandom(27);
    const { engine, take, read, i32 } = engineBench();
    const conv = randomConv(20, 50, 5, rand);
    const x = tensor([1, 20, 12, 12], randomArray(2880, rand, 3));
    const w = new Float32Array(25000);
    toEngineLayout(2, conv.w, w);
    const u = take(engine.winogradFilterBytes() / 4);
    engine.conv2WinogradFilters(take(25000, w), take(engine.winogradFilterTmpFloats()), u);
    const pooled = take(800);
    const arg = take(800);
    engine.conv2WinogradPool(
      take(2880, toHwc(x.data, 20, 12, 12)),
      u,
      take(56, conv.b),
      pooled,
      arg,
      take(engine.winogradScratchFloats()),
    );
    const y = conv.forward(x);
    const expected = new MaxPool2x2().forward(y);
    expect(relativeError(read(pooled, 800), toHwc(expected.data, 50, 4, 4))).toBeLessThan(1e-5);
    // each winner holds its window's largest value (up to rounding), and nearly always the reference's own
    const yHwc = toHwc(y.data, 50, 8, 8);
    const scale = Math.max(...yHwc.map(Math.abs));
    let same = 0;
    for (let win = 0; win < 16; win++) {
      for (let o = 0; o < 50; o++) {
        const p = i32[(arg >> 2) + win * 50 + o];
        const best = expected.data[o * 16 + win];
        expect(Math.abs(yHwc[p * 50 + o] - best)).toBeLessThan(1e-5 * scale);
        const [wy, wx] = [win >> 2, win & 3];
        const window = [0, 1, 8, 9].map((d) => (2 * wy * 8 + 2 * wx + d) * 50 + o);
        if (yHwc[p * 50 + o] === Math.max(...window.map((k) => yHwc[k]))) same++;
      }
    }
    expect(same).toBeGreaterThanOrEqual(792);
  });

  it('max pooling: values, ties to the first of the window, the gradient back to the winner (any channel count)', () => {
    const rand = seededRandom(23);
    for (const [c, h] of [
      [20, 24],
      [50, 8],
      [3, 6],
    ]) {
      const { engine, take, read, i32 } = engineBench();
      // small integers: many ties
      const x = tensor(
        [1, c, h, h],
        Float32Array.from({ length: c * h * h }, () => Math.floor(3 * rand())),
      );
      const pool = new MaxPool2x2();
      const y = pool.forward(x);
      const out = take(y.data.length);
      const arg = take(y.data.length);
      engine.maxPoolForward(take(x.data.length, toHwc(x.data, c, h, h)), h, h, c, out, arg);
      expect(read(out, y.data.length)).toEqual(toHwc(y.data, c, h / 2, h / 2));
      const g = tensor(y.shape, randomArray(y.data.length, rand));
      const dx = take(x.data.length);
      engine.maxPoolBackward(take(g.data.length, toHwc(g.data, c, h / 2, h / 2)), arg, (h * h) / 4, c, dx);
      expect(read(dx, x.data.length)).toEqual(toHwc(pool.backward(g).data, c, h, h));
      expect(i32[arg >> 2]).toBeGreaterThanOrEqual(0);
    }
  });

  it('softmax cross-entropy: summed loss, errors and the scaled gradient', () => {
    const rand = seededRandom(24);
    const { engine, take, read, i32, f64 } = engineBench();
    const n = 7;
    const s = randomArray(n * 10, rand, 3);
    const labels = [3, 1, 4, 1, 5, 9, 2];
    const ps = take(n * 10, s);
    const pl = take(n);
    i32.set(labels, pl >> 2);
    const grad = take(n * 10);
    const result = take(4);
    engine.softmaxCrossEntropy(ps, pl, n, 10, 1 / n, grad, result);
    const expected = softmaxCrossEntropy(tensor([n, 10, 1, 1], s), labels);
    expect(f64[result >> 3] / n).toBeCloseTo(expected.loss, 6);
    expect(relativeError(read(grad, n * 10), expected.grad.data)).toBeLessThan(1e-5);
    let errors = 0;
    for (let b = 0; b < n; b++) {
      const row = Array.from(s.subarray(b * 10, b * 10 + 10));
      if (row.indexOf(Math.max(...row)) !== labels[b]) errors++;
    }
    expect(i32[(result >> 2) + 2]).toBe(errors);
  });

  it("the momentum step on two threads' gradients equals MomentumSgd on their sum", () => {
    const rand = seededRandom(25);
    const { engine, take, read } = engineBench();
    const count = 64;
    const w = randomArray(count, rand);
    const v = randomArray(count, rand);
    const g0 = randomArray(count, rand);
    const g1 = randomArray(count, rand);
    const pw = take(count, w);
    const pv = take(count, v);
    const pg0 = take(count, g0);
    const pg1 = take(count, g1);
    engine.sgdUpdate(pw, pv, pg0, pg1 - pg0, 2, count, 0.05, 0.9, 0.1);
    const sgd = new MomentumSgd([{ w, dw: g0.map((x, k) => x + g1[k]), decay: true }], {
      learningRate: 0.05,
      momentum: 0.9,
      weightDecay: 0.1,
    });
    sgd.velocity[0].set(v);
    sgd.step();
    expect(relativeError(read(pv, count), sgd.velocity[0])).toBeLessThan(1e-6);
    expect(relativeError(read(pw, count), w)).toBeLessThan(1e-6);
  });

  it('ReLU forward and backward, bias rows and column sums', () => {
    const rand = seededRandom(26);
    const { engine, take, read } = engineBench();
    const x = randomArray(24, rand);
    const px = take(24, x);
    engine.reluForward(px, 24);
    const y = x.map((v) => Math.max(v, 0));
    expect(read(px, 24)).toEqual(y);
    const g = randomArray(24, rand);
    const pg = take(24, g);
    engine.reluBackward(pg, px, 24);
    expect(read(pg, 24)).toEqual(g.map((v, k) => (y[k] > 0 ? v : 0)));
    const rows = 5;
    const cols = 7;
    const m = randomArray(rows * cols, rand);
    const sums = take(cols, new Float32Array(cols).fill(1));
    engine.addColumnSums(take(rows * cols, m), rows, cols, sums);
    const expected = Array.from({ length: cols }, (_, j) => {
      let s = 1;
      for (let i = 0; i < rows; i++) s += m[i * cols + j];
      return s;
    });
    expect(relativeError(read(sums, cols), expected)).toBeLessThan(1e-6);
    const c = take(rows * cols);
    engine.fillRows(c, rows, cols, take(cols, m.subarray(0, cols)));
    expect(read(c, rows * cols)).toEqual(Float32Array.from({ length: rows * cols }, (_, k) => m[k % cols]));
  });
});
