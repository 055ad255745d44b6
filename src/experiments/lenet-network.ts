// A trained LeNet loaded from its checkpoint, for predictions and input gradients (the adversarial
// attacks, the page's figures, your own analyses).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { argmax } from '../math/vector.js';
import { fastLenet } from '../nn/fast-conv.js';
import { type Sequential, softmaxCrossEntropy, type Tensor } from '../nn/layers.js';
import { CheckpointError, type CheckpointHeader, decodeCheckpoint } from '../schema/training.js';
import { CHECKPOINT_FILE } from './lenet-training.js';

/** A trained network with what its inputs need. */
export interface LoadedLenet {
  /** the network (convolutions on the wasm GEMM); its input is 0..255 pixels minus `mean` */
  network: Sequential;
  /** training-set mean image, 0..255 scale */
  mean: Float32Array;
  header: CheckpointHeader;
}

/** Loads a checkpoint file, or DIR/checkpoint.l2net when given a folder; errors name the file. */
export function loadLenet(path: string): LoadedLenet {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, CHECKPOINT_FILE) : path;
  if (!existsSync(file))
    throw new InputError(`${file}: no such checkpoint (train one with \`l2angle train lenet\`)`);
  let decoded: ReturnType<typeof decodeCheckpoint>;
  try {
    decoded = decodeCheckpoint(new Uint8Array(readFileSync(file)), file);
  } catch (error) {
    if (error instanceof CheckpointError) throw new InputError(error.message);
    throw error;
  }
  const network = fastLenet(decoded.header.settings.seed);
  const parameters = network.parameters();
  const saved = decoded.tensors.parameters;
  if (saved.length !== parameters.length || saved.some((p, i) => p.length !== parameters[i].w.length)) {
    throw new InputError(`${file}: the tensors do not have LeNet's shapes`);
  }
  for (const [i, p] of parameters.entries()) p.w.set(saved[i]);
  return { network, mean: decoded.tensors.mean, header: decoded.header };
}

/** The network's input for images of 0..255 bytes or floats: x − mean, as an n×1×28×28 tensor. */
export function networkInput(images: ArrayLike<number>, n: number, mean: Float32Array): Tensor {
  const size = mean.length;
  if (images.length !== n * size)
    throw new RangeError(`networkInput: ${images.length} values for ${n} images of ${size}`);
  const data = new Float32Array(n * size);
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < size; k++) data[b * size + k] = images[b * size + k] - mean[k];
  }
  return { data, shape: [n, 1, 28, 28] };
}

/** Class scores (logits) of n images given as 0..255 pixels: n×10, row-major. */
export function lenetLogits(net: LoadedLenet, images: ArrayLike<number>, n: number): Float32Array {
  return net.network.forward(networkInput(images, n, net.mean)).data.slice();
}

/** The most probable class of each image. */
export function lenetPredict(net: LoadedLenet, images: ArrayLike<number>, n: number): Uint8Array {
  const logits = lenetLogits(net, images, n);
  const out = new Uint8Array(n);
  const classes = logits.length / n;
  for (let b = 0; b < n; b++) out[b] = argmax(logits, b * classes, classes);
  return out;
}

/**
 * ∇ₓ of the loss −log softmax(s/t)_label for each image (on the 0..255 pixel scale, n×784): the direction
 * that increases the loss of `labels`; with a target class as label, −∇ points towards the target.
 */
export function lenetInputGradient(
  net: LoadedLenet,
  images: ArrayLike<number>,
  n: number,
  labels: ArrayLike<number>,
  temperature = 1,
): Float32Array {
  const { network } = net;
  const gradient = network.inputGradient(networkInput(images, n, net.mean), (output) => {
    // the loss is a batch mean; scale by n so each image's gradient is its own loss's gradient
    const { grad } = softmaxCrossEntropy(output, labels, temperature);
    for (let k = 0; k < grad.data.length; k++) grad.data[k] *= n;
    return grad;
  });
  network.zeroGrad();
  return gradient.data.slice();
}
