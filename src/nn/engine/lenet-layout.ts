// The engine keeps LeNet's weights in the layouts its kernels stream (channels last, see assembly/engine.ts);
// the reference layers and checkpoints use [out][in][kh][kw]. These permutations convert exactly (no
// arithmetic), in the order of lenet(seed).parameters().

/** Values of each LeNet parameter tensor, in the order of lenet(seed).parameters(). */
export const LENET_PARAMETER_LENGTHS: readonly number[] = [500, 20, 25000, 50, 400000, 500, 5000, 10];

/** Names of LeNet's parameter tensors, for messages. */
export const LENET_PARAMETER_NAMES: readonly string[] = [
  'conv1 weights',
  'conv1 biases',
  'conv2 weights',
  'conv2 biases',
  'fc1 weights',
  'fc1 biases',
  'fc2 weights',
  'fc2 biases',
];

/** For parameter i: where the reference element r lives in the engine's layout (undefined: same place). */
function permutationOf(i: number): Int32Array | undefined {
  if (i === 0) {
    // [c][ky][kx] → [tap][c]
    const p = new Int32Array(500);
    for (let c = 0; c < 20; c++) for (let t = 0; t < 25; t++) p[c * 25 + t] = t * 20 + c;
    return p;
  }
  if (i === 2) {
    // [o][ci][ky][kx] → [o][ky][kx][ci]
    const p = new Int32Array(25000);
    for (let o = 0; o < 50; o++)
      for (let ci = 0; ci < 20; ci++)
        for (let t = 0; t < 25; t++) p[o * 500 + ci * 25 + t] = o * 500 + t * 20 + ci;
    return p;
  }
  if (i === 4) {
    // [j][c][y][x] → [j][(y·4 + x)·50 + c]
    const p = new Int32Array(400000);
    for (let j = 0; j < 500; j++)
      for (let c = 0; c < 50; c++)
        for (let s = 0; s < 16; s++) p[j * 800 + c * 16 + s] = j * 800 + s * 50 + c;
    return p;
  }
  return undefined;
}

const permutations = LENET_PARAMETER_LENGTHS.map((_, i) => permutationOf(i));

/** Writes reference-layout tensor i into the engine's layout (`out` has the same length). */
export function toEngineLayout(i: number, reference: Float32Array, out: Float32Array): void {
  const p = permutations[i];
  if (!p) {
    out.set(reference);
    return;
  }
  for (let r = 0; r < p.length; r++) out[p[r]] = reference[r];
}

/** Reads engine-layout tensor i back into the reference layout. */
export function fromEngineLayout(i: number, engine: Float32Array, out: Float32Array): void {
  const p = permutations[i];
  if (!p) {
    out.set(engine);
    return;
  }
  for (let r = 0; r < p.length; r++) out[r] = engine[p[r]];
}
