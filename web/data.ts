// The page's only source of data: the status document (which artifacts exist, how far each computation is)
// and the artifacts themselves, fetched with relative URLs and validated with the project's schemas.
// Both a live server and a static site answer status.json; its `mode` says which. Live: then server-sent
// events on api/events. Static: that document is all there is.
import type { z } from 'zod';
import { type ArtifactKind, type artifactSchemas, validateArtifact } from '../src/schema/artifacts.js';
import { type JobStatus, type ServerStatus, serverStatusSchema } from '../src/schema/status.js';

/** How the page learns about results: a computing server, a static site, or nothing (no status found). */
export type DataMode = 'live' | 'static' | 'none';

/** What the page knows about one artifact. */
export type Availability =
  /** the artifact exists: fetch it */
  | { state: 'ready' }
  /** not there yet; `job` is the computation that will write it, when the status names one */
  | { state: 'pending'; job: JobStatus | undefined }
  /** no status document: the page cannot tell, it may try to fetch */
  | { state: 'unknown' };

/** Reads an artifact's parsed JSON into its type, or throws an error naming the file and the problem. */
export type ArtifactParser<T> = (value: unknown, source: string) => T;

/** A parser for one of the registered artifact kinds (`src/schema/artifacts.ts`). */
export function registered<K extends ArtifactKind>(
  kind: K,
): ArtifactParser<z.infer<(typeof artifactSchemas)[K]>> {
  return (value, source) => validateArtifact(kind, value, source);
}

/** A parser for any zod schema (for artifacts defined outside the registry). */
export function withSchema<S extends z.ZodType>(schema: S, kind: string): ArtifactParser<z.infer<S>> {
  return (value, source) => {
    const result = schema.safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
      throw new Error(`${source}: not a valid ${kind} artifact: ${where}: ${issue.message}`);
    }
    return result.data;
  };
}

/** Big artifacts kept in memory at once (an SVM path is ~2.4 MB of JSON). */
const CACHE_LIMIT = 8;

/** Status, availability and validated, cached artifacts. */
export class ResultsClient {
  private current: ServerStatus | undefined;
  private modeValue: DataMode = 'none';
  private started = false;
  private readonly listeners = new Set<(status: ServerStatus | undefined) => void>();
  private readonly cache = new Map<string, Promise<unknown>>();

  /** Whether `start` has finished looking for a status (until then, availability is not known). */
  get ready(): boolean {
    return this.started;
  }

  /** How the page gets its data. */
  get mode(): DataMode {
    return this.modeValue;
  }

  /** The latest status document, if any. */
  get status(): ServerStatus | undefined {
    return this.current;
  }

  /** Reads status.json (a live server and a static site both answer it; `mode` says which), else none. */
  async start(): Promise<void> {
    const found = await fetchStatus('status.json');
    if (found) {
      this.modeValue = found.mode;
      this.accept(found);
      if (found.mode === 'live') this.follow();
      return;
    }
    this.modeValue = 'none';
    this.started = true;
    this.emit();
  }

  /** Calls `listener` whenever the status changes (and once now); returns the unsubscribe function. */
  onStatus(listener: (status: ServerStatus | undefined) => void): () => void {
    this.listeners.add(listener);
    listener(this.current);
    return () => this.listeners.delete(listener);
  }

  /** The jobs of a study (an id of the studies' registry), in the order they run. */
  jobsOf(study: string): JobStatus[] {
    return (this.current?.jobs ?? []).filter((job) => job.study === study);
  }

  /** Whether an artifact exists, and if not, which job will write it. */
  availability(path: string): Availability {
    if (!this.current) return { state: 'unknown' };
    if (this.current.results.includes(path)) return { state: 'ready' };
    return { state: 'pending', job: this.jobFor(path) };
  }

  /** The job of the status that writes `path`, if the status names one. */
  jobFor(path: string): JobStatus | undefined {
    return this.current?.jobs.find((job) => job.artifacts.includes(path));
  }

  /** Fetches, parses and validates an artifact once (later calls share the result). */
  load<T>(path: string, parse: ArtifactParser<T>): Promise<T> {
    const hit = this.cache.get(path);
    if (hit) {
      // most recently used last, so the oldest is evicted first
      this.cache.delete(path);
      this.cache.set(path, hit);
      return hit as Promise<T>;
    }
    const promise = fetchJson(`results/${path}`).then((value) => parse(value, path));
    promise.catch(() => this.cache.delete(path));
    this.cache.set(path, promise);
    while (this.cache.size > CACHE_LIMIT) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
    return promise;
  }

  /** Whether an artifact is already fetched (or being fetched). */
  isCached(path: string): boolean {
    return this.cache.has(path);
  }

  /** Forgets a cached artifact (one that is rewritten while it grows, like a training record). */
  invalidate(path: string): void {
    this.cache.delete(path);
  }

  private follow(): void {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource('api/events');
    source.addEventListener('status', (event) => {
      try {
        const parsed = serverStatusSchema.safeParse(JSON.parse((event as MessageEvent<string>).data));
        if (parsed.success) this.accept(parsed.data);
      } catch {
        // a malformed event is skipped; the next one carries the whole status again
      }
    });
  }

  private accept(status: ServerStatus): void {
    this.started = true;
    this.current = status;
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.current);
  }
}

async function fetchStatus(url: string): Promise<ServerStatus | undefined> {
  try {
    const response = await fetch(url, { cache: 'no-store' });
    if (!response.ok) return undefined;
    const parsed = serverStatusSchema.safeParse(await response.json());
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

/** A job's progress in words: "1 234 / 3 483 (35 %), about 4 min left". */
export function describeJob(job: JobStatus): string {
  if (job.state === 'failed') return `failed: ${job.error ?? 'unknown error'}`;
  if (job.state === 'waiting') return 'queued';
  if (job.state === 'done') return 'done';
  const parts: string[] = [];
  if (job.total > 0) {
    parts.push(`${job.done} / ${job.total} (${Math.floor((100 * job.done) / job.total)} %)`);
  }
  if (job.status) parts.push(job.status);
  if (job.etaSeconds !== undefined) parts.push(`about ${formatDuration(job.etaSeconds)} left`);
  return parts.join(' · ') || 'starting';
}

/** Seconds as "45 s", "4 min", "1 h 20 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
