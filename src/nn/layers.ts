// Reference layers for the article's small convnet, written for reading rather than speed (in the style of
// ConvNetJS): each layer keeps what its forward pass saw so that its backward pass can route the gradient back
// to its input and accumulate the gradients of its own weights. Tensors are Float32Array in NCHW layout.

import { gaussian, seededRandom } from '../math/random.js';
import type { Parameter } from './sgd.js';

/** A batch shape: images, channels, height, width. */
export type Shape4 = readonly [n: number, c: number, h: number, w: number];

/** A batch of feature maps (NCHW, row-major). */
export interface Tensor {
  readonly data: Float32Array;
  readonly shape: Shape4;
}

/** One stage of the network: maps a batch forward and a gradient back, accumulating its own gradients. */
export interface Layer {
  /** The shape this layer produces from a batch of `input` shape; throws if it cannot take that input. */
  outputShape(input: Shape4): Shape4;
  /** The layer's output, remembering what backward will need. */
  forward(input: Tensor): Tensor;
  /** Gradient with respect to the last forward input; adds into the parameters' gradients. */
  backward(gradOutput: Tensor): Tensor;
  /** The trainable tensors shared with the optimiser (empty for pooling and ReLU). */
  parameters(): Parameter[];
}

/** Number of values in a batch of this shape. */
export function sizeOf(shape: Shape4): number {
  return shape[0] * shape[1] * shape[2] * shape[3];
}

/** A tensor of the given shape, zero-filled, or wrapping `data` after checking its length. */
export function tensor(shape: Shape4, data?: Float32Array): Tensor {
  const size = sizeOf(shape);
  if (data === undefined) return { data: new Float32Array(size), shape };
  if (data.length !== size) throw new Error(`tensor: ${data.length} values for shape [${shape.join(', ')}]`);
  return { data, shape };
}

function lastInput(saved: Tensor | undefined, layer: string): Tensor {
  if (saved === undefined) throw new Error(`${layer}: backward before forward`);
  return saved;
}

/**
 * Valid convolution with stride 1 (weights [out][in][kh][kw], one bias per output channel); a kernel as large
 * as its input makes it the fully connected layer of LeNet.
 */
export class Conv2d implements Layer {
  readonly w: Float32Array;
  readonly b: Float32Array;
  readonly dw: Float32Array;
  readonly db: Float32Array;
  private input: Tensor | undefined;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernel: number,
  ) {
    if (![inChannels, outChannels, kernel].every((v) => Number.isInteger(v) && v > 0)) {
      throw new Error('Conv2d: channels and kernel must be positive integers');
    }
    const size = outChannels * inChannels * kernel * kernel;
    this.w = new Float32Array(size);
    this.dw = new Float32Array(size);
    this.b = new Float32Array(outChannels);
    this.db = new Float32Array(outChannels);
  }

  /** Draws every weight from N(0, std²) and zeroes the biases, as the article's initialisation does. */
  initGaussian(rand: () => number, std: number): void {
    for (let k = 0; k < this.w.length; k++) this.w[k] = std * gaussian(rand);
    this.b.fill(0);
  }

  outputShape(input: Shape4): Shape4 {
    const [n, c, h, w] = input;
    if (c !== this.inChannels) throw new Error(`Conv2d: expected ${this.inChannels} channels, got ${c}`);
    if (h < this.kernel || w < this.kernel) {
      throw new Error(`Conv2d: ${h}×${w} input is smaller than the ${this.kernel}×${this.kernel} kernel`);
    }
    return [n, this.outChannels, h - this.kernel + 1, w - this.kernel + 1];
  }

  forward(input: Tensor): Tensor {
    const shape = this.outputShape(input.shape);
    const [n, cin, h, wd] = input.shape;
    const [, cout, oh, ow] = shape;
    const k = this.kernel;
    const x = input.data;
    const w = this.w;
    const out = new Float32Array(sizeOf(shape));
    for (let b = 0; b < n; b++) {
      for (let o = 0; o < cout; o++) {
        const ob = (b * cout + o) * oh * ow;
        out.fill(this.b[o], ob, ob + oh * ow);
        for (let i = 0; i < cin; i++) {
          const xb = (b * cin + i) * h * wd;
          const wb = (o * cin + i) * k * k;
          // One kernel tap at a time so the innermost loop walks contiguous rows of input and output.
          for (let ky = 0; ky < k; ky++) {
            for (let kx = 0; kx < k; kx++) {
              const wv = w[wb + ky * k + kx];
              for (let oy = 0; oy < oh; oy++) {
                const xr = xb + (oy + ky) * wd + kx;
                const orow = ob + oy * ow;
                for (let ox = 0; ox < ow; ox++) out[orow + ox] += wv * x[xr + ox];
              }
            }
          }
        }
      }
    }
    this.input = input;
    return { data: out, shape };
  }

  backward(gradOutput: Tensor): Tensor {
    const input = lastInput(this.input, 'Conv2d');
    const [n, cin, h, wd] = input.shape;
    const [, cout, oh, ow] = gradOutput.shape;
    const k = this.kernel;
    const x = input.data;
    const g = gradOutput.data;
    const w = this.w;
    const dw = this.dw;
    const dx = new Float32Array(x.length);
    for (let b = 0; b < n; b++) {
      for (let o = 0; o < cout; o++) {
        const gb = (b * cout + o) * oh * ow;
        let bias = 0;
        for (let t = 0; t < oh * ow; t++) bias += g[gb + t];
        this.db[o] += bias;
        for (let i = 0; i < cin; i++) {
          const xb = (b * cin + i) * h * wd;
          const wb = (o * cin + i) * k * k;
          for (let ky = 0; ky < k; ky++) {
            for (let kx = 0; kx < k; kx++) {
              const wi = wb + ky * k + kx;
              const wv = w[wi];
              let acc = 0;
              for (let oy = 0; oy < oh; oy++) {
                const xr = xb + (oy + ky) * wd + kx;
                const grow = gb + oy * ow;
                for (let ox = 0; ox < ow; ox++) {
                  const gv = g[grow + ox];
                  acc += gv * x[xr + ox];
                  dx[xr + ox] += wv * gv;
                }
              }
              dw[wi] += acc;
            }
          }
        }
      }
    }
    return { data: dx, shape: input.shape };
  }

  parameters(): Parameter[] {
    return [
      { w: this.w, dw: this.dw, decay: true },
      { w: this.b, dw: this.db, decay: false },
    ];
  }
}

/** Max pooling over 2×2 windows with stride 2 (an odd last row or column is dropped, as in MatConvNet). */
export class MaxPool2x2 implements Layer {
  private input: Tensor | undefined;
  /** For each output value, the flat input index that won its window; the gradient goes back only there. */
  private argmax = new Int32Array(0);

  outputShape(input: Shape4): Shape4 {
    const [n, c, h, w] = input;
    if (h < 2 || w < 2) throw new Error(`MaxPool2x2: ${h}×${w} input is smaller than the window`);
    return [n, c, Math.floor(h / 2), Math.floor(w / 2)];
  }

  forward(input: Tensor): Tensor {
    const shape = this.outputShape(input.shape);
    const [n, c, h, w] = input.shape;
    const [, , oh, ow] = shape;
    const x = input.data;
    const out = new Float32Array(sizeOf(shape));
    if (this.argmax.length !== out.length) this.argmax = new Int32Array(out.length);
    const arg = this.argmax;
    for (let p = 0; p < n * c; p++) {
      const xb = p * h * w;
      const ob = p * oh * ow;
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          const i0 = xb + 2 * oy * w + 2 * ox;
          // Scan order (0,0), (0,1), (1,0), (1,1) with a strict comparison: ties go to the first.
          let best = i0;
          if (x[i0 + 1] > x[best]) best = i0 + 1;
          if (x[i0 + w] > x[best]) best = i0 + w;
          if (x[i0 + w + 1] > x[best]) best = i0 + w + 1;
          out[ob + oy * ow + ox] = x[best];
          arg[ob + oy * ow + ox] = best;
        }
      }
    }
    this.input = input;
    return { data: out, shape };
  }

  backward(gradOutput: Tensor): Tensor {
    const input = lastInput(this.input, 'MaxPool2x2');
    const dx = new Float32Array(input.data.length);
    const g = gradOutput.data;
    for (let t = 0; t < g.length; t++) dx[this.argmax[t]] += g[t];
    return { data: dx, shape: input.shape };
  }

  parameters(): Parameter[] {
    return [];
  }
}

/** Rectified linear unit max(0, x); the gradient passes where the input was positive. */
export class Relu implements Layer {
  private input: Tensor | undefined;

  outputShape(input: Shape4): Shape4 {
    return input;
  }

  forward(input: Tensor): Tensor {
    const x = input.data;
    const out = new Float32Array(x.length);
    for (let k = 0; k < x.length; k++) out[k] = Math.max(x[k], 0);
    this.input = input;
    return { data: out, shape: input.shape };
  }

  backward(gradOutput: Tensor): Tensor {
    const input = lastInput(this.input, 'Relu');
    const x = input.data;
    const g = gradOutput.data;
    const dx = new Float32Array(x.length);
    for (let k = 0; k < x.length; k++) dx[k] = x[k] > 0 ? g[k] : 0;
    return { data: dx, shape: input.shape };
  }

  parameters(): Parameter[] {
    return [];
  }
}

/**
 * Mean over the batch of −log softmax(s/t)_y, with its gradient with respect to the scores s; every value of
 * an image (c·h·w of them, 10×1×1 for LeNet) is one class score. The temperature t divides the scores, so the
 * gradient is (softmax(s/t) − onehot(y)) / (t·n).
 */
export function softmaxCrossEntropy(
  logits: Tensor,
  labels: ArrayLike<number>,
  temperature = 1,
): { loss: number; grad: Tensor } {
  const [n, c, h, w] = logits.shape;
  const classes = c * h * w;
  if (labels.length !== n) throw new Error(`softmaxCrossEntropy: ${labels.length} labels for ${n} images`);
  if (!(temperature > 0 && Number.isFinite(temperature))) {
    throw new Error('softmaxCrossEntropy: temperature must be positive and finite');
  }
  const s = logits.data;
  const grad = new Float32Array(s.length);
  let total = 0;
  for (let b = 0; b < n; b++) {
    const off = b * classes;
    const y = labels[b];
    if (!Number.isInteger(y) || y < 0 || y >= classes) throw new Error(`softmaxCrossEntropy: bad label ${y}`);
    // Subtracting the largest score keeps exp from overflowing without changing the softmax.
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < classes; k++) max = Math.max(max, s[off + k]);
    let z = 0;
    for (let k = 0; k < classes; k++) z += Math.exp((s[off + k] - max) / temperature);
    total += Math.log(z) - (s[off + y] - max) / temperature;
    const scale = 1 / (temperature * n);
    for (let k = 0; k < classes; k++) {
      const p = Math.exp((s[off + k] - max) / temperature) / z;
      grad[off + k] = (p - (k === y ? 1 : 0)) * scale;
    }
  }
  return { loss: total / n, grad: { data: grad, shape: logits.shape } };
}

/** A chain of layers trained end to end; the network of the article is `lenet()`. */
export class Sequential {
  constructor(readonly layers: readonly Layer[]) {}

  /** The shape after every layer for a batch of `input` shape (the input's shape first). */
  shapes(input: Shape4): Shape4[] {
    const out: Shape4[] = [input];
    for (const layer of this.layers) out.push(layer.outputShape(out[out.length - 1]));
    return out;
  }

  forward(input: Tensor): Tensor {
    let x = input;
    for (const layer of this.layers) x = layer.forward(x);
    return x;
  }

  /** Gradient with respect to the last forward input; adds into every parameter's gradient. */
  backward(gradOutput: Tensor): Tensor {
    let g = gradOutput;
    for (let l = this.layers.length - 1; l >= 0; l--) g = this.layers[l].backward(g);
    return g;
  }

  /** Every weight and bias with its gradient, in layer order; biases have `decay: false`. */
  parameters(): Parameter[] {
    return this.layers.flatMap((layer) => layer.parameters());
  }

  /** Clears the accumulated gradients before the next batch. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.dw.fill(0);
  }

  /**
   * ∇ₓ of a function of the output, for adversarial attacks: `f` maps the output to the gradient of the
   * objective with respect to it. Parameter gradients accumulate as a side effect; zero them before training.
   */
  inputGradient(x: Tensor, f: (output: Tensor) => Tensor): Tensor {
    return this.backward(f(this.forward(x)));
  }
}

/**
 * The article's LeNet for 1×28×28 digits: conv 5×5 1→20, max pool, conv 5×5 20→50, max pool, conv 4×4
 * 50→500 (fully connected), ReLU, conv 1×1 500→10; weights from N(0, 0.01²) for the seed, biases zero.
 */
export function lenet(
  seed = 0,
  makeConv: (inChannels: number, outChannels: number, kernel: number) => Conv2d = (i, o, k) =>
    new Conv2d(i, o, k),
): Sequential {
  const convs = [makeConv(1, 20, 5), makeConv(20, 50, 5), makeConv(50, 500, 4), makeConv(500, 10, 1)];
  const rand = seededRandom(seed);
  for (const conv of convs) conv.initGaussian(rand, 0.01);
  return new Sequential([
    convs[0],
    new MaxPool2x2(),
    convs[1],
    new MaxPool2x2(),
    convs[2],
    new Relu(),
    convs[3],
  ]);
}
