// Parsing and checking of option values shared by several commands: each failure is one UsageError line
// naming the flag and what was expected.
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

/** Parses a positive integer flag value. */
export function parsePositiveInt(flag: string, text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) {
    throw new UsageError(`${flag} ${text}: expected a positive integer`);
  }
  return Number(text);
}

/** Parses a positive finite number flag value (e.g. λ). */
export function parsePositiveNumber(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new UsageError(`${flag} ${text}: expected a positive number`);
  }
  return value;
}

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
