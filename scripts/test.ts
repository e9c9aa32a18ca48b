// npm test: the real servers (infra/, started if not running), the static checks (every package's
// typecheck, tests included, and lint) and every package's tests through turbo, then one summary
// line for the whole suite. Exits non-zero on any failure (a failed static check too, after the tests
// ran), on a test suite that could not run, and on a run that executed no test at all.
//
// The package suites run in TEST_LANES lanes side by side (default 2; 1 runs them one after another,
// as arguments such as `-- --filter=@seren/crm` do): each lane takes the next package from one
// queue, longest expected first, the gateway's suite (the longest: every file starts the four
// services and a gateway) as two jest shards, so the second core works while a suite waits on
// PostgreSQL, Kafka or Temporal. The static checks run beside the lanes, once the builds they need
// are made. Service instances that run at once never share a Kafka consumer group: the tests give
// every instance fresh groups (@seren/testing's freshConsumerGroupEnv). A package whose tests stop
// a shared server (ALONE: event-store's broker outage) runs after the lanes, alone.
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

interface TestJob {
  /** the package's name (turbo's --filter) */
  name: string;
  /** jest's --shard, for the gateway's suite, which is split in two */
  shard?: string;
  /** how long it is expected to take, relative: test files, an integration test file counting 3 */
  weight: number;
  /** its tests stop a shared server (ALONE): it runs after the lanes, with nothing beside it */
  alone?: boolean;
}

/** Test files under `dir` (src/ and test/), integration ones (`.int.test.ts`) weighing 3. */
function weightOf(dir: string): number {
  let weight = 0;
  for (const top of ['src', 'test']) {
    let entries: string[] = [];
    try {
      entries = readdirSync(join(dir, top), { recursive: true }) as string[];
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (entry.includes('node_modules')) continue;
      if (entry.endsWith('.int.test.ts')) weight += 3;
      else if (entry.endsWith('.test.ts')) weight += 1;
    }
  }
  return weight;
}

/**
 * Packages whose tests stop and restart a shared server: event-store's faults.int.test.ts takes
 * Kafka down (a broker outage) and brings it back, which would fail any other package's service
 * starting or publishing at that moment (it did: a content service's start in CI). They run on
 * their own after the lanes.
 */
const ALONE = new Set(['@seren/event-store']);

/**
 * Every workspace package with a test script, longest expected first, so the lanes that take the
 * next job when they finish one end at about the same time; the gateway's suite as two shards.
 */
function testJobs(): TestJob[] {
  const workspaces = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] }
  ).workspaces;
  const jobs: TestJob[] = [];
  for (const pattern of workspaces) {
    const parent = join(root, pattern.replace(/\/\*$/, ''));
    for (const entry of readdirSync(parent, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = join(parent, entry.name);
      let manifest: { name?: string; scripts?: Record<string, string> };
      try {
        manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      } catch {
        continue;
      }
      if (!manifest.name || !manifest.scripts?.test) continue;
      // each of the gateway's integration files starts the four services and a gateway: twice as long
      const weight = weightOf(dir) * (manifest.name === '@seren/gateway' ? 2 : 1);
      if (manifest.name === '@seren/gateway')
        for (const shard of ['1/2', '2/2']) jobs.push({ name: manifest.name, shard, weight: weight / 2 });
      else jobs.push({ name: manifest.name, weight, alone: ALONE.has(manifest.name) });
    }
  }
  return jobs.sort((a, b) => b.weight - a.weight);
}

if (run(process.execPath, [join(root, 'infra', 'cli.ts'), 'up']) !== 0) {
  console.error('[test] the real servers did not come up; integration tests cannot run');
  process.exit(1);
}

const turbo = join(root, 'node_modules', '.bin', 'turbo');
rmSync(resultsDir, { recursive: true, force: true });
const extra = process.argv.slice(2);
const laneCount = extra.length > 0 ? 1 : Math.max(1, Number(process.env.TEST_LANES ?? 2) || 1);
let staticMs = 0;
const staticChecks = async () => {
  const startedAt = Date.now();
  const status = await runAside(turbo, ['run', 'typecheck', 'lint', '--continue']);
  staticMs = Date.now() - startedAt;
  return status;
};
let staticStatus: number;
let turboStatus: number;
let testsStartedAt = Date.now();
if (laneCount === 1) {
  staticStatus = await staticChecks();
  testsStartedAt = Date.now();
  turboStatus = run(turbo, ['run', 'test', '--concurrency=1', '--continue', ...extra]);
} else {
  // the builds the tests and the static checks depend on first, once; then each job runs its
  // package's test task only (--only), so two turbo runs never build the same package at once
  const buildStatus = run(turbo, ['run', 'build', '--continue']);
  const jobs = testJobs();
  const runJob = (job: TestJob) =>
    runAside(turbo, [
      'run',
      'test',
      '--only',
      `--filter=${job.name}`,
      ...(job.shard ? ['--', `--shard=${job.shard}`] : []),
    ]);
  const queue = jobs.filter((job) => !job.alone);
  const lane = async (): Promise<number> => {
    let status = 0;
    for (let job = queue.shift(); job; job = queue.shift()) {
      const code = await runJob(job);
      if (code !== 0) status = code;
    }
    return status;
  };
  const [checks, ...laneStatuses] = await Promise.all([
    staticChecks(),
    ...Array.from({ length: laneCount }, lane),
  ]);
  for (const job of jobs.filter((j) => j.alone)) laneStatuses.push(await runJob(job));
  staticStatus = checks!;
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
  /** how many jest shards reported it */
  shards?: number;
}
let results: PackageResult[] = [];
try {
  const reports: PackageResult[] = readdirSync(resultsDir).map((f) =>
    JSON.parse(readFileSync(join(resultsDir, f), 'utf8')),
  );
  // a package's shards (the gateway's) as one result; its wall time is the shards' summed
  const byPackage = new Map<string, PackageResult>();
  for (const report of reports) {
    const seen = byPackage.get(report.package);
    if (!seen) {
      byPackage.set(report.package, { ...report, files: [...(report.files ?? [])] });
      continue;
    }
    seen.passed += report.passed;
    seen.failed += report.failed;
    seen.skipped += report.skipped;
    seen.failedSuites.push(...report.failedSuites);
    seen.suitesFailedToRun += report.suitesFailedToRun;
    seen.wallMs = (seen.wallMs ?? 0) + (report.wallMs ?? 0);
    seen.files = [...(seen.files ?? []), ...(report.files ?? [])].sort((a, b) => b.ms - a.ms);
    seen.shards = (seen.shards ?? 1) + 1;
  }
  results = [...byPackage.values()];
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
  const wall =
    r.wallMs === undefined ? '' : ` in ${secs(r.wallMs)}${r.shards ? ` (${r.shards} shards together)` : ''}`;
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
