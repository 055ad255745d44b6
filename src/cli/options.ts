// Parsing and checking of option values shared by several commands: each failure is one UsageError line
// naming the flag and what was expected.
import { type Stats, statSync } from 'node:fs';
import { epsilonGrid } from '../article.js';
import { UsageError } from '../errors.js';

/** Parses `--pair I,J`: two different digits, the smaller first (class I, y = −1). */
export function parsePair(text: string): [number, number] {
  const match = /^\s*(\d)\s*[,-]\s*(\d)\s*$/.exec(text);
  if (!match) {
    throw new UsageError(`--pair ${text}: expected two digits 0..9 separated by a comma, e.g. --pair 7,9`);
  }
  const a = Number(match[1]);
  const b = Number(match[2]);
  if (a === b) throw new UsageError(`--pair ${text}: the two classes must differ`);
  if (a > b) {
    throw new UsageError(
      `--pair ${text}: give the smaller digit first (it is class I, y = −1), e.g. --pair ${b},${a}`,
    );
  }
  return [a, b];
}

/** Parses a positive integer flag value, at most `most` (a bound that catches typos like 1e9 epochs). */
export function parsePositiveInt(flag: string, text: string, most = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < 1 || value > most) {
    const range = most === Number.MAX_SAFE_INTEGER ? 'a positive integer' : `an integer from 1 to ${most}`;
    throw new UsageError(`${flag} ${text}: expected ${range}`);
  }
  return value;
}

/** Plain decimal notation, with an optional exponent: no 0x10, 0b1, Infinity or empty text. */
const DECIMAL = /^\s*\+?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

/** Whether the text is a number in plain decimal notation. */
export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

/** Parses a decimal number flag value ≥ `least` (strictly above it when `strict`). */
function parseDecimal(flag: string, text: string, least: number, strict: boolean, example: string): number {
  const value = Number(text);
  if (!DECIMAL.test(text) || !Number.isFinite(value) || (strict ? value <= least : value < least)) {
    throw new UsageError(
      `${flag} ${text}: expected a decimal number ${strict ? '>' : '≥'} ${least}, e.g. ${flag} ${example}`,
    );
  }
  return value;
}

/** Parses a positive finite number flag value (e.g. λ). */
export function parsePositiveNumber(flag: string, text: string): number {
  return parseDecimal(flag, text, 0, true, '1e-4');
}

/** Parses a non-negative finite number flag value (a weight decay may be 0). */
export function parseNonNegative(flag: string, text: string): number {
  return parseDecimal(flag, text, 0, false, '1e-4');
}

/** Checks `--results`: a folder, or a path that does not exist yet (not a file). */
export function checkResultsFolder(path: string): void {
  let stats: Stats | undefined;
  try {
    stats = statSync(path);
  } catch {
    return;
  }
  if (!stats.isDirectory()) {
    throw new UsageError(
      `--results ${path}: this is a file, expected a folder (or a path that does not exist yet)`,
    );
  }
}

/** The most threads or workers a command starts (the LeNet engine's own limit). */
export const MOST_THREADS = 64;

/** The most epochs a training command accepts. */
export const MOST_EPOCHS = 10_000;

/** Checks that a value is one of a fixed set. */
export function parseChoice<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) {
    throw new UsageError(`${flag} ${text}: expected one of ${choices.join(', ')}`);
  }
  return text as T;
}

/** Parses `--seed`: an integer (negative allowed). */
export function parseSeed(text: string): number {
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`--seed ${text}: expected an integer`);
  }
  return Number(text);
}

/** The most ε values `--epsilons` may ask for (each is an exact solve). */
export const MOST_EPSILONS = 10_000;

/**
 * Parses `--epsilons`: START:STEP:STOP (inclusive, e.g. 0:0.05:2) or a comma list (0,0.1,0.5), giving
 * ascending values ≥ 0.
 */
export function parseEpsilons(text: string): number[] {
  const flag = '--epsilons';
  const example = 'e.g. --epsilons 0:0.05:2 or --epsilons 0,0.1,0.5';
  const number = (part: string): number => {
    if (!isDecimal(part))
      throw new UsageError(`${flag} ${text}: "${part}" is not a decimal number ≥ 0; ${example}`);
    return Number(part);
  };
  let values: number[];
  const parts = text.split(':');
  if (parts.length === 3) {
    const [start, step, stop] = parts.map(number);
    if (!(step > 0)) throw new UsageError(`${flag} ${text}: the step must be positive; ${example}`);
    if (stop < start) throw new UsageError(`${flag} ${text}: STOP must not be below START; ${example}`);
    if ((stop - start) / step >= MOST_EPSILONS)
      throw new UsageError(`${flag} ${text}: more than ${MOST_EPSILONS} values; take a larger step`);
    values = epsilonGrid(start, step, stop);
  } else if (parts.length === 1) {
    values = text.split(',').map((part) => number(part.trim()));
    if (values.length > MOST_EPSILONS)
      throw new UsageError(`${flag} ${text}: more than ${MOST_EPSILONS} values`);
  } else {
    throw new UsageError(`${flag} ${text}: expected START:STEP:STOP or a comma list; ${example}`);
  }
  for (let k = 1; k < values.length; k++) {
    if (!(values[k] > values[k - 1]))
      throw new UsageError(`${flag} ${text}: the values must be ascending and distinct; ${example}`);
  }
  return values;
}
