// The checkpoint file: an exact round trip, and one clear error for every way a file can be wrong.
import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpoint,
  type TrainingSettings,
} from '../../src/schema/training.js';

const settings: TrainingSettings = {
  seed: 3,
  weightDecay: 1e-4,
  convention: 'matconvnet',
  learningRate: 0.0005,
  momentum: 0.9,
  batchSize: 300,
  trainLimit: null,
};

function sample() {
  const tensor = (n: number, s: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * s) * 1e-3);
  const tensors = {
    mean: tensor(784, 0.1),
    parameters: [tensor(500, 0.2), tensor(20, 0.3), tensor(25000, 0.4), tensor(50, 0.5)],
    velocities: [tensor(500, 0.6), tensor(20, 0.7), tensor(25000, 0.8), tensor(50, 0.9)],
  };
  const history = [
    {
      epoch: 1,
      trainLoss: 0.5,
      trainError: 12.5,
      testLoss: 0.3,
      testError: 5.6,
      weightRms: [0.1, 0.02],
      seconds: 17,
      imagesPerSecond: 3500,
    },
  ];
  const bytes = encodeCheckpoint({ dataset: 'mnist', settings, threads: 2, epoch: 1, history }, tensors);
  return { bytes, tensors, history };
}

describe('checkpoint file', () => {
  it('round-trips every tensor bit for bit, with the settings and the history', () => {
    const { bytes, tensors, history } = sample();
    const { header, tensors: back } = decodeCheckpoint(bytes, 'x.l2net');
    expect(header.settings).toEqual(settings);
    expect(header.history).toEqual(history);
    expect(header.epoch).toBe(1);
    expect(back.mean).toEqual(tensors.mean);
    expect(back.parameters).toEqual(tensors.parameters);
    expect(back.velocities).toEqual(tensors.velocities);
  });

  it('names the file and the problem for a corrupt, truncated or foreign file', () => {
    const { bytes } = sample();
    const flipped = bytes.slice();
    flipped[flipped.length - 5] ^= 0x40;
    expect(() => decodeCheckpoint(flipped, 'run/checkpoint.l2net')).toThrow(
      'run/checkpoint.l2net: not a valid l2angle checkpoint: checksum mismatch (the file is corrupt, or its header or tensors were edited)',
    );
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 100), 'c')).toThrow(/truncated/);
    expect(() => decodeCheckpoint(bytes.subarray(0, 30), 'c')).toThrow(/truncated header/);
    expect(() => decodeCheckpoint(new TextEncoder().encode('{"hello": 1}'), 'c')).toThrow(/wrong magic/);
    expect(() => decodeCheckpoint(new Uint8Array(0), 'c')).toThrow(CheckpointError);
    const badHeader = bytes.slice();
    const text = new TextDecoder().decode(badHeader.subarray(0, 4000));
    const at = text.indexOf('"epoch":1');
    expect(at).toBeGreaterThan(0);
    badHeader[at + 8] = '-'.charCodeAt(0);
    expect(() => decodeCheckpoint(badHeader, 'c')).toThrow(CheckpointError);
  });

  it('covers the header too: an edited setting or history fails the checksum', () => {
    const { bytes } = sample();
    const text = new TextDecoder().decode(bytes.subarray(0, 4000));
    for (const [from, to] of [
      ['"seed":3', '"seed":4'],
      ['"weightDecay":0.0001', '"weightDecay":0.0002'],
    ]) {
      const at = text.indexOf(from);
      expect(at, from).toBeGreaterThan(0);
      const edited = bytes.slice();
      edited.set(new TextEncoder().encode(to), at);
      expect(() => decodeCheckpoint(edited, 'run/checkpoint.l2net'), from).toThrow(/checksum mismatch/);
    }
  });
});
