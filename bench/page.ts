// `npm run bench -- page [--runs 5] [--results DIR]`: the article as a reader meets it. The real server over a
// results folder (default results/), Debian's chromium with an empty cache for every load, and as medians:
// the time from navigation to the first figure drawn, to the opening figure (the first one drawn from real
// data: the 7-9 path is fetched, validated and drawn), and to every figure above the fold; then the bytes
// transferred, by kind, as the browser saw them (gzip where the server compresses). No peer: the original
// article is an online page reading precomputed CSV files, which this machine cannot reach.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ResultsStore } from '../src/experiments/store.js';
import { svmPathFile } from '../src/schema/artifacts.js';
import { createArticleServer, defaultWebRoot, listen } from '../src/server/server.js';
import { median } from './stats.js';

const CHROMIUM = process.env.L2ANGLE_CHROMIUM ?? '/usr/bin/chromium';

/** Records, per figure, the first moment (ms since navigation) an svg or canvas exists inside it. */
const RECORDER = `
window.__drawn = {};
const look = () => {
  for (const el of Array.from(document.querySelectorAll('[data-figure]'))) {
    const name = el.getAttribute('data-figure');
    if (name in window.__drawn || !el.querySelector('svg, canvas')) continue;
    window.__drawn[name] = Number.NaN;
    // the next frame is painted before a message posted from its animation callback arrives
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => { window.__drawn[name] = performance.now(); };
      channel.port2.postMessage(0);
    });
  }
};
new MutationObserver(look).observe(document, { subtree: true, childList: true });
`;

interface Load {
  firstPaint: number;
  first: number;
  opening: number;
  aboveFold: number;
  bytes: Record<string, number>;
}

function kindOf(url: string): string {
  const path = new URL(url).pathname;
  if (path.startsWith('/results/')) return 'results (JSON)';
  if (/\.(woff2?|ttf)$/.test(path)) return 'fonts';
  if (path.endsWith('.js')) return 'JavaScript';
  if (path.endsWith('.css')) return 'CSS';
  if (path.endsWith('.json')) return 'status';
  return 'HTML';
}

export async function benchPage(runs: number, results: string): Promise<void> {
  const store = new ResultsStore(results);
  const needed = [
    [join(defaultWebRoot(), 'index.html'), 'npm run build'],
    [store.pathOf(svmPathFile('mnist', 7, 9, 'hinge')), 'npx l2angle svm --pair 7,9'],
    [CHROMIUM, 'node scripts/ensure-chromium.mjs'],
  ];
  for (const [file, remedy] of needed) {
    if (!existsSync(file)) {
      console.error(`bench page: ${file} is missing (${remedy} makes it)`);
      process.exit(2);
    }
  }
  const server = createArticleServer({ store });
  await listen(server, 0, '127.0.0.1');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const loads: Load[] = [];
  try {
    for (let r = 0; r < runs; r++) {
      // a fresh context: empty cache, as for a first visit
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.addInitScript(RECORDER);
      await page.goto(base, { waitUntil: 'load' });
      await page.waitForFunction(
        () => 'opening' in (window as unknown as { __drawn: object }).__drawn,
        null,
        {
          timeout: 60_000,
        },
      );
      await page.waitForLoadState('networkidle');
      const measured = await page.evaluate(() => {
        const drawn = (window as unknown as { __drawn: Record<string, number> }).__drawn;
        const visible = Array.from(document.querySelectorAll('[data-figure]'))
          .filter(
            (el) => el.getBoundingClientRect().top < window.innerHeight && el.querySelector('svg, canvas'),
          )
          .map((el) => drawn[el.getAttribute('data-figure') ?? ''] ?? Number.NaN);
        const entries = [
          ...performance.getEntriesByType('navigation'),
          ...performance.getEntriesByType('resource'),
        ] as PerformanceResourceTiming[];
        const paint = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN;
        return {
          firstPaint: paint,
          first: Math.min(...Object.values(drawn)),
          opening: drawn.opening,
          aboveFold: Math.max(...visible),
          resources: entries.map((e) => ({ url: e.name, bytes: e.transferSize })),
        };
      });
      const bytes: Record<string, number> = {};
      for (const { url, bytes: b } of measured.resources) bytes[kindOf(url)] = (bytes[kindOf(url)] ?? 0) + b;
      loads.push({ ...measured, bytes });
      await context.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  const ms = (pick: (l: Load) => number) => `${median(loads.map(pick)).toFixed(0)} ms`;
  console.log(
    `the article from ${defaultWebRoot()} and ${store.root}, chromium 1280×800, ${runs} cold loads, medians:`,
  );
  console.log(`  first contentful paint       ${ms((l) => l.firstPaint)}`);
  console.log(`  first figure painted         ${ms((l) => l.first)}`);
  console.log(`  opening figure (7-9 path)    ${ms((l) => l.opening)}`);
  console.log(`  every figure above the fold  ${ms((l) => l.aboveFold)}`);
  console.log('  transferred (first load, with compression):');
  const kinds = Object.keys(loads[0].bytes).sort();
  let total = 0;
  for (const kind of kinds) {
    const kb = median(loads.map((l) => l.bytes[kind] ?? 0)) / 1024;
    total += kb;
    console.log(`    ${kind.padEnd(16)} ${kb.toFixed(0).padStart(6)} KiB`);
  }
  console.log(`    ${'total'.padEnd(16)} ${total.toFixed(0).padStart(6)} KiB`);
}
