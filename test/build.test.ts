// `npm run build` builds only what changed: with nothing changed it runs no step, so a second `npm start`
// goes straight to the server.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const build = () => execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });

describe('the incremental build', () => {
  it('runs no step when nothing changed since the last build', () => {
    build();
    expect(build()).toBe('');
  }, 180_000);
});
