// npm test: the real servers (infra/, started if not running), the static checks (every package's
// typecheck, tests included, and lint), then every package's tests through turbo, then one summary
// line for the whole suite. Exits non-zero on any failure (a failed static check too, after the tests
// ran), on a test suite that could not run, and on a run that executed no test at all.
//
// The package suites run in two lanes side by side: the gateway's (the longest: every file starts
// the four services and a gateway) and every other package's, one package at a time in each lane, so
// the second core does work while a suite waits on PostgreSQL, Kafka or Temporal. TEST_LANES=1 runs
// them one after another as before; arguments (e.g. `-- --filter=@seren/crm`) go to a single lane.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, '.data', 'test-results');

function run(command: string, args: string[]): number {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  return result.status ?? 1;
}

function runAside(command: string, args: string[]): Promise<number> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: process.env });
    child.once('error', () => done(1));
    child.once('exit', (code) => done(code ?? 1));
  });
}

if (run(process.execPath, [join(root, 'infra', 'cli.ts'), 'up']) !== 0) {
  console.error('[test] the real servers did not come up; integration tests cannot run');
  process.exit(1);
}

const turbo = join(root, 'node_modules', '.bin', 'turbo');
const staticStartedAt = Date.now();
const staticStatus = run(turbo, ['run', 'typecheck', 'lint', '--continue']);
const staticMs = Date.now() - staticStartedAt;

rmSync(resultsDir, { recursive: true, force: true });
const extra = process.argv.slice(2);
const testsStartedAt = Date.now();
const lanes =
  extra.length > 0 || process.env.TEST_LANES === '1'
    ? [extra]
    : [['--filter=@seren/gateway'], ['--filter=!@seren/gateway']];
let turboStatus: number;
if (lanes.length === 1) {
  turboStatus = run(turbo, ['run', 'test', '--concurrency=1', '--continue', ...lanes[0]!]);
} else {
  // the builds the tests depend on first, once; then each lane runs its test tasks only (--only), so
  // two turbo runs never build the same package at once
  const buildStatus = run(turbo, ['run', 'build', '--continue']);
  const laneStatuses = await Promise.all(
    lanes.map((filters) =>
      runAside(turbo, ['run', 'test', '--only', '--concurrency=1', '--continue', ...filters]),
    ),
  );
  turboStatus = [buildStatus, ...laneStatuses].find((status) => status !== 0) ?? 0;
}
const testsMs = Date.now() - testsStartedAt;

interface PackageResult {
  package: string;
  passed: number;
  failed: number;
  skipped: number;
  failedSuites: string[];
  suitesFailedToRun: number;
  /** jest's wall time in that package, and each test file's own time, slowest first */
  wallMs?: number;
  files?: { file: string; ms: number }[];
}
let results: PackageResult[] = [];
try {
  results = readdirSync(resultsDir).map((f) => JSON.parse(readFileSync(join(resultsDir, f), 'utf8')));
} catch {
  // no package reported: counted as no tests below
}
const sum = (key: 'passed' | 'failed' | 'skipped') => results.reduce((n, r) => n + r[key], 0);
const passed = sum('passed');
const failed = sum('failed');
const skipped = sum('skipped');

const secs = (ms: number) => `${Math.round(ms / 1000)} s`;
console.log('\n[test] per package (wall time; slowest files):');
for (const r of results.sort((a, b) => a.package.localeCompare(b.package))) {
  const broken = r.failedSuites.length ? `  failing: ${r.failedSuites.join(', ')}` : '';
  const wall = r.wallMs === undefined ? '' : ` in ${secs(r.wallMs)}`;
  const slowest = (r.files ?? [])
    .slice(0, 3)
    .map((f) => `${f.file} ${secs(f.ms)}`)
    .join(', ');
  console.log(
    `  ${r.package.padEnd(28)} ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped${wall}${broken}`,
  );
  if (slowest) console.log(`  ${''.padEnd(28)} ${slowest}`);
}
console.log(`\n[test] static checks ${secs(staticMs)}, package tests ${secs(testsMs)}`);
console.log(`\nStatic checks (typecheck, lint): ${staticStatus === 0 ? 'passed' : 'FAILED (see above)'}`);
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);

const suitesBroken = results.some((r) => r.suitesFailedToRun > 0 || r.failedSuites.length > 0);
if (staticStatus !== 0 || turboStatus !== 0 || failed > 0 || suitesBroken || passed === 0) process.exit(1);
