#!/usr/bin/env node
// The command-line entry point: runs the compiled CLI (built by `npm ci` through the prepare script).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error(
    'l2angle: the compiled CLI is missing (dist/cli/main.js); run `npm run build` in the project root.',
  );
  process.exit(2);
}
const { runCli } = await import(main.href);
const code = await runCli(process.argv.slice(2));
// a failed command has printed its one line: exit now, whatever timers or worker threads are still alive
if (code !== 0) process.exit(code);
process.exitCode = code;
