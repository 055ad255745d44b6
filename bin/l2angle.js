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
process.exitCode = await runCli(process.argv.slice(2));
