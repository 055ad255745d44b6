// The artifacts' format version, in its own module so every schema file can import it without a cycle.

/** Bumped when an artifact's shape changes; older files are then recomputed rather than misread. */
export const ARTIFACT_VERSION = 2;
