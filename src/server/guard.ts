// What keeps the article server from being turned against its user: a Host check against DNS rebinding,
// security headers the page satisfies, limits on connections per client address and on header time, and a
// listing of the results folder that never follows links, never throws and stops at a bounded size.
import { type Dirent, readdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { isIP } from 'node:net';
import { join } from 'node:path';

/** The headers every response carries. The page loads only its own scripts, styles, data and fonts. */
export const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // KaTeX's HTML and D3 set style attributes; pictures are drawn into canvases and data: URLs
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'none'; " +
    "frame-ancestors 'none'",
};

/** Limits of one server. */
export interface ServerLimits {
  /** clients of /api/events at once; past it the server answers 503 */
  maxEventClients: number;
  /** bytes an event client may leave unread before it is dropped */
  maxEventBacklog: number;
  /** open connections from one client address; past it new ones are closed at once */
  maxConnectionsPerAddress: number;
  /** ms a client has to send its request headers */
  headersTimeoutMs: number;
  /** entries of the results folder listed at most */
  maxListedEntries: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxEventClients: 64,
  maxEventBacklog: 1 << 20,
  maxConnectionsPerAddress: 64,
  headersTimeoutMs: 10_000,
  maxListedEntries: 50_000,
};

/** Whether the address binds every interface (then the server is reachable from the network). */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/**
 * Whether a request's Host header names this server: localhost, an IP literal (a DNS-rebinding page reaches
 * the server under a domain name of its own, never under an address), or the host it was bound to.
 */
export function hostAllowed(header: string | undefined, boundHost: string): boolean {
  if (!header) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${header}`).hostname;
  } catch {
    return false;
  }
  const bare = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || isIP(bare) !== 0) return true;
  return bare === boundHost.replace(/^\[|\]$/g, '').toLowerCase();
}

/** Bounds header time and connections per client address. */
export function limitConnections(server: Server, limits: ServerLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = Math.max(limits.headersTimeoutMs, 30_000);
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? '';
    const count = (open.get(address) ?? 0) + 1;
    if (count > limits.maxConnectionsPerAddress) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

/**
 * Every finished artifact of the results folder, relative with forward slashes: JSON files only, no temp
 * or partial files, nothing under a dot-folder or superseded/, no symbolic links followed; unreadable
 * folders are skipped and the walk stops after `most` entries.
 */
export function listArtifacts(root: string, most = DEFAULT_LIMITS.maxListedEntries): string[] {
  const out: string[] = [];
  let seen = 0;
  const walk = (dir: string, prefix: string, depth: number) => {
    if (depth > 8) return;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (++seen > most) return;
      const name = entry.name;
      if (name.startsWith('.')) continue;
      const relative = prefix === '' ? name : `${prefix}/${name}`;
      if (entry.isDirectory()) {
        if (relative !== 'superseded') walk(join(dir, name), relative, depth + 1);
      } else if (
        entry.isFile() &&
        name.endsWith('.json') &&
        !name.includes('.tmp-') &&
        !name.endsWith('.partial.json')
      ) {
        out.push(relative);
      }
    }
  };
  walk(root, '', 0);
  return out.sort();
}
