// Finds Debian's Python with the packages a benchmark or cross-check needs, installing them with apt when
// missing (benchmarks and cross-checks only: never a runtime dependency of l2angle).
import { spawnSync } from 'node:child_process';

/** A python3 that can import every module, after `apt-get install` of the Debian packages if needed. */
export function pythonWith(modules: string[], debianPackages: string[]): string {
  const candidates = ['/usr/bin/python3', 'python3'];
  const probe = `import ${modules.join(', ')}`;
  const find = () => candidates.find((py) => spawnSync(py, ['-c', probe], { stdio: 'ignore' }).status === 0);
  const found = find();
  if (found) return found;
  process.stderr.write(
    `installing ${debianPackages.join(' ')} with apt-get (needs root and Debian's archive)…\n`,
  );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  spawnSync('apt-get', ['install', '-y', '-qq', ...debianPackages], { stdio: 'inherit', env });
  const after = find();
  if (!after) {
    throw new Error(
      `no python3 can import ${modules.join(', ')}: install ${debianPackages.join(' ')} with apt-get`,
    );
  }
  return after;
}
