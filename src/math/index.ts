// The pure-maths layer: no I/O, usable in Node and in the browser.
export * from './geometry.js';
export * from './losses.js';
export * from './statistics.js';
export type * from './types.js';
export * from './vector.js';
