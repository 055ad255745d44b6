// Errors that reach the user as one clear line instead of a stack trace.

/** A wrong command line (unknown flag, bad value): the CLI prints the message and exits with status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Bad or missing input data (a truncated idx file, a label count that does not match): exit status 1. */
export class InputError extends Error {
  override name = 'InputError';
}

/** An artifact that fails validation: the message names the file and the field (schema/artifacts.ts). */
export class ArtifactError extends Error {
  override name = 'ArtifactError';
}
