// The data layer: idx files, named datasets, and the binary pair problems built from them (Node only).
export * from './dataset.js';
export * from './idx.js';
export * from './pairs.js';
export * from './sources.js';
