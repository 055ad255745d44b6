// A trained LeNet's forward and input-gradient passes on the wasm SIMD engine (assembly/engine.ts), on this
// thread: what the attacks need, at the engine's speed. Any number of images up to the capacity per pass, so
// an attack passes only the images still moving. Each image's scores and gradient depend on its own input
// only (the convolutions run image by image, the GEMMs keep one summation order per row).
import { LENET_PARAMETER_LENGTHS, toEngineLayout } from './engine/lenet-layout.js';
import { CLASSES, contextLayout, IMAGE, layout, writeContexts } from './engine/memory-layout.js';
import { type EngineExports, engineModule, instantiateEngine, sharedMemory } from './engine/module.js';

function align(value: number, to = 64): number {
  return Math.ceil(value / to) * to;
}

/** LeNet's class scores and their input gradients, batched, on one thread. */
export class LenetEngine {
  /** class scores per image */
  readonly classes = CLASSES;
  private readonly f32: Float32Array;
  private readonly i32: Int32Array;

  private constructor(
    private readonly engine: EngineExports,
    memory: WebAssembly.Memory,
    private readonly ctx: number,
    private readonly fields: ReturnType<typeof contextLayout>,
    private readonly x: number,
    private readonly logits: number,
    private readonly gs: number,
    private readonly dx: number,
    private readonly fc1: number,
    private readonly fc1T: number,
    /** most images per pass */
    readonly capacity: number,
  ) {
    this.f32 = new Float32Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
  }

  /**
   * The engine holding a LeNet's weights, given in the order and layout of lenet(seed).parameters(), for
   * passes of up to `capacity` images.
   */
  static create(parameters: readonly Float32Array[], capacity: number): LenetEngine {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 100_000) {
      throw new RangeError(`LenetEngine: capacity ${capacity}, expected an integer from 1 to 100000`);
    }
    if (
      parameters.length !== LENET_PARAMETER_LENGTHS.length ||
      parameters.some((p, i) => !(p instanceof Float32Array) || p.length !== LENET_PARAMETER_LENGTHS[i])
    ) {
      throw new RangeError(`LenetEngine: the weights do not have LeNet's shapes`);
    }
    const module = engineModule();
    const probe = instantiateEngine(sharedMemory(65536), module);
    // whole blocks of 4 images keep every block of the arena 16-byte aligned
    const rounded = Math.ceil(capacity / 4) * 4;
    const map = layout(probe, 1, rounded);
    const gs = align(map.bytes);
    const dx = align(gs + rounded * CLASSES * 4);
    // fc1's weights packed once for both products (800 inputs, 500 hidden units)
    const fc1 = align(dx + rounded * IMAGE * 4);
    const fc1T = align(fc1 + probe.prepackedFloats(500, 800) * 4);
    const memory = sharedMemory(align(fc1T + probe.prepackedFloats(800, 500) * 4));
    const engine = instantiateEngine(memory, module);
    const fields = contextLayout(engine);
    writeContexts(memory, map, fields, 1, { eta: 0, mu: 0, decay: 0, biasDecay: 0 });
    const f32 = new Float32Array(memory.buffer);
    for (const [i, w] of parameters.entries()) {
      const at = (map.params >> 2) + engine.paramOffset(i);
      toEngineLayout(i, w, f32.subarray(at, at + w.length));
    }
    const i32 = new Int32Array(memory.buffer);
    const c = map.contexts[0] >> 2;
    i32[c + fields.X] = map.x;
    i32[c + fields.LABELS] = map.labels;
    i32[c + fields.LOGITS] = map.logits;
    engine.lenetPrepare(map.contexts[0], fc1, fc1T);
    return new LenetEngine(
      engine,
      memory,
      map.contexts[0],
      fields,
      map.x,
      map.logits,
      gs,
      dx,
      fc1,
      fc1T,
      capacity,
    );
  }

  /** Where a pass's inputs go: capacity × 784 values (0..255 pixels minus the mean image). */
  input(): Float32Array {
    return this.f32.subarray(this.x >> 2, (this.x >> 2) + this.capacity * IMAGE);
  }

  /** The class scores of the first n inputs (n × 10; a view, valid until the next pass). */
  scores(n: number): Float32Array {
    this.checkCount(n);
    const c = this.ctx >> 2;
    this.i32[c + this.fields.N] = n;
    this.i32[c + this.fields.TOTAL] = n;
    this.engine.lenetScores(this.ctx, this.fc1);
    return this.f32.subarray(this.logits >> 2, (this.logits >> 2) + n * CLASSES);
  }

  /**
   * After scores(n), on the same inputs: the gradient with respect to each input of Σ_k g[b·10 + k] s_k
   * (n × 784; a view, valid until the next pass).
   */
  inputGradient(n: number, g: Float32Array): Float32Array {
    this.checkCount(n);
    if (this.i32[(this.ctx >> 2) + this.fields.N] !== n) {
      throw new RangeError(
        `LenetEngine.inputGradient: ${n} images, but the last scores() pass had another count`,
      );
    }
    if (g.length < n * CLASSES) {
      throw new RangeError(`LenetEngine.inputGradient: ${g.length} score gradients for ${n} images`);
    }
    this.f32.set(g.subarray(0, n * CLASSES), this.gs >> 2);
    this.engine.lenetInputGrad(this.ctx, this.gs, this.dx, this.fc1T);
    return this.f32.subarray(this.dx >> 2, (this.dx >> 2) + n * IMAGE);
  }

  private checkCount(n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > this.capacity) {
      throw new RangeError(`LenetEngine: ${n} images in a pass, expected 1 to ${this.capacity}`);
    }
  }
}
