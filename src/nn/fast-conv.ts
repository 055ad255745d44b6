// The convolution as matrix products on the wasm SIMD GEMM (im2col): the same layer as the reference
// Conv2d, with the same parameters, checked against it in the tests.
//   forward   O = W · cols          (cout × K)(K × P)
//   backward  dW += G · colsᵀ, dcols = Wᵀ · G, then col2im
// with K = cin·k·k and P = n·oh·ow (one column per output position of every image of the batch).
import { type Kernels, loadKernels, type WasmMatrix } from './kernels.js';
import { Conv2d, lenet, type Sequential, sizeOf, type Tensor } from './layers.js';

let shared: Kernels | undefined;

/** The process's kernels, compiled on first use. */
function kernels(): Kernels {
  shared ??= loadKernels();
  return shared;
}

interface Buffers {
  n: number;
  cols: WasmMatrix;
  dcols: WasmMatrix;
  weights: WasmMatrix;
  dweights: WasmMatrix;
  out: WasmMatrix;
  grad: WasmMatrix;
}

/** A convolution (valid, stride 1) whose arithmetic runs in the wasm SIMD GEMM. */
export class FastConv2d extends Conv2d {
  private buffers: Buffers | undefined;
  private saved: Tensor | undefined;

  /** Work matrices for a batch of n, allocated once (wasm memory only grows, so they are reused). */
  private buffersFor(n: number, oh: number, ow: number): Buffers {
    if (this.buffers?.n === n) return this.buffers;
    const kk = this.inChannels * this.kernel * this.kernel;
    const p = n * oh * ow;
    const km = kernels();
    this.buffers = {
      n,
      cols: km.matrix(kk, p),
      dcols: km.matrix(kk, p),
      weights: km.matrix(this.outChannels, kk),
      dweights: km.matrix(this.outChannels, kk),
      out: km.matrix(this.outChannels, p),
      grad: km.matrix(this.outChannels, p),
    };
    return this.buffers;
  }

  override forward(input: Tensor): Tensor {
    const shape = this.outputShape(input.shape);
    const [n, cin, h, wd] = input.shape;
    const [, cout, oh, ow] = shape;
    const k = this.kernel;
    const buf = this.buffersFor(n, oh, ow);
    const p = n * oh * ow;
    const cols = buf.cols.view();
    const x = input.data;
    for (let i = 0; i < cin; i++) {
      for (let ky = 0; ky < k; ky++) {
        for (let kx = 0; kx < k; kx++) {
          const row = ((i * k + ky) * k + kx) * p;
          for (let b = 0; b < n; b++) {
            for (let oy = 0; oy < oh; oy++) {
              const src = ((b * cin + i) * h + oy + ky) * wd + kx;
              const dst = row + (b * oh + oy) * ow;
              for (let ox = 0; ox < ow; ox++) cols[dst + ox] = x[src + ox];
            }
          }
        }
      }
    }
    buf.weights.view().set(this.w);
    buf.out.view().fill(0);
    kernels().gemm(buf.weights, buf.cols, buf.out);
    const o = buf.out.view();
    const out = new Float32Array(sizeOf(shape));
    const plane = oh * ow;
    for (let c = 0; c < cout; c++) {
      const bias = this.b[c];
      for (let b = 0; b < n; b++) {
        const src = c * p + b * plane;
        const dst = (b * cout + c) * plane;
        for (let t = 0; t < plane; t++) out[dst + t] = o[src + t] + bias;
      }
    }
    this.saved = input;
    return { data: out, shape };
  }

  override backward(gradOutput: Tensor): Tensor {
    const input = this.saved;
    if (!input) throw new Error('FastConv2d: backward called before forward');
    const [n, cin, h, wd] = input.shape;
    const [, cout, oh, ow] = gradOutput.shape;
    const k = this.kernel;
    const buf = this.buffersFor(n, oh, ow);
    const p = n * oh * ow;
    const plane = oh * ow;
    const g = gradOutput.data;
    const gm = buf.grad.view();
    for (let c = 0; c < cout; c++) {
      let bias = 0;
      for (let b = 0; b < n; b++) {
        const src = (b * cout + c) * plane;
        const dst = c * p + b * plane;
        for (let t = 0; t < plane; t++) {
          gm[dst + t] = g[src + t];
          bias += g[src + t];
        }
      }
      this.db[c] += bias;
    }
    const km = kernels();
    buf.dweights.view().fill(0);
    km.gemmPacked(buf.grad, false, buf.cols, true, buf.dweights);
    const dw = buf.dweights.view();
    for (let t = 0; t < dw.length; t++) this.dw[t] += dw[t];
    buf.dcols.view().fill(0);
    km.gemmPacked(buf.weights, true, buf.grad, false, buf.dcols);
    const dcols = buf.dcols.view();
    const dx = new Float32Array(input.data.length);
    for (let i = 0; i < cin; i++) {
      for (let ky = 0; ky < k; ky++) {
        for (let kx = 0; kx < k; kx++) {
          const row = ((i * k + ky) * k + kx) * p;
          for (let b = 0; b < n; b++) {
            for (let oy = 0; oy < oh; oy++) {
              const dst = ((b * cin + i) * h + oy + ky) * wd + kx;
              const src = row + (b * oh + oy) * ow;
              for (let ox = 0; ox < ow; ox++) dx[dst + ox] += dcols[src + ox];
            }
          }
        }
      }
    }
    return { data: dx, shape: input.shape };
  }
}

/** The article's LeNet with its convolutions on the wasm GEMM (same initial weights as lenet(seed)). */
export function fastLenet(seed = 0): Sequential {
  return lenet(seed, (i, o, k) => new FastConv2d(i, o, k));
}
