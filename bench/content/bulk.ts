// Bulk generation benchmark (issue 14): 100 rows with the offline composer, on the real PostgreSQL
// and Temporal (content in this process, its own worker, Kafka off: the embedded event feed).
//
//   BENCH_USERS (default 10) sets how many jobs run at once; BENCH_USERS=1 times one job alone.
//   The free plan's bulk limit is 10 rows and 1 concurrent generation, and every user is on free
//   until subscriptions exist, so the 100 rows are 10 users × one 10-row CSV each, started at once:
//   10 bulk jobs in parallel, each generating its rows one after another (the plan's concurrency).
//   Each project holds the same parsed Markdown guide (~700 words) that the rows compose from.
//
//   rows/s        100 rows / (first request → last job completed)
//   composing     the offline composer on the same brief and source, in this process, per row
//                 (outline + sections + assembly: the writer's work alone)
//   overhead/row  per job: (queued → completed) / rows − composing per row: what the platform adds
//                 per row (child workflow, activities, events, projections, reads of the source)
//
// Run: npx tsc -b services/content && node bench/content/bulk.ts   (BENCH_ROUNDS tunes it)
import { randomUUID } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { asCaller, graphql, testServiceEnv } from '@seren/testing';
import { startContentService } from '@seren/content';
import { offlineWriter } from '@seren/content/dist/posts/writer.js';
import { countWords } from '@seren/content/dist/posts/lengths.js';
import { fastApiGuide } from '@seren/content/dist/posts/test-support/fixtures.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const USERS = Number(process.env.BENCH_USERS ?? 10);
const ROWS = 10;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

const service = await startContentService(
  testServiceEnv('content', {
    embedded: true,
    env: { LOG_LEVEL: 'warn', CONTENT_STORAGE_DIR: `.data/bench-objects-${randomUUID()}` },
  }),
);

async function upload(headers: Record<string, string>, projectId: string, name: string, text: string) {
  const form = new FormData();
  form.append('file', new Blob([text]), name);
  const response = await fetch(`${service.url}/internal/sources/projects/${projectId}/sources`, {
    method: 'POST',
    headers,
    body: form,
  });
  if (response.status !== 201) throw new Error(`upload ${name}: ${response.status} ${await response.text()}`);
  const { id } = (await response.json()) as { id: string };
  for (;;) {
    const r = await graphql<{ source: { status: string } }>(
      service.url,
      `
        query ($id: ID!) {
          source(id: $id) {
            status
          }
        }
      `,
      { id },
      headers,
    );
    if (r.data?.source.status === 'parsed') return id;
    if (r.data?.source.status === 'failed') throw new Error(`${name} failed to parse`);
    await sleep(50);
  }
}

interface Prepared {
  subject: string;
  projectId: string;
  csvId: string;
}

async function prepare(round: number, user: number): Promise<Prepared> {
  const subject = `bench-${randomUUID()}`;
  const headers = await asCaller({ subject });
  const project = await graphql<{ createProject: { id: string } }>(
    service.url,
    `mutation { createProject(name: "Bench ${round}-${user}") { id } }`,
    {},
    headers,
  );
  const projectId = project.data!.createProject.id;
  await upload(headers, projectId, 'fastapi-guide.md', fastApiGuide);
  const csv = [
    'topic,voice,custom_instructions',
    ...Array.from(
      { length: ROWS },
      (_, i) => `"FastAPI topic ${i}: async patterns and testing","technical",""`,
    ),
  ].join('\n');
  return { subject, projectId, csvId: await upload(headers, projectId, 'topics.csv', csv) };
}

async function runBulk(p: Prepared): Promise<{ elapsedMs: number; completed: number }> {
  // internal tokens live 60 s: a fresh one per call
  const headers = () => asCaller({ subject: p.subject });
  const start = process.hrtime.bigint();
  const accepted = await graphql<{ bulkGeneratePosts: { jobId: string } }>(
    service.url,
    `
      mutation ($p: ID!, $c: ID!) {
        bulkGeneratePosts(projectId: $p, csvSourceId: $c) {
          jobId
        }
      }
    `,
    { p: p.projectId, c: p.csvId },
    await headers(),
  );
  if (!accepted.data) throw new Error(JSON.stringify(accepted.errors));
  for (;;) {
    const r = await graphql<{ job: { status: string; result: { completed: number } | null } }>(
      service.url,
      `
        query ($id: ID!) {
          job(id: $id) {
            status
            result
          }
        }
      `,
      { id: accepted.data.bulkGeneratePosts.jobId },
      await headers(),
    );
    if (!r.data) throw new Error(JSON.stringify(r.errors));
    const job = r.data.job;
    if (job.status === 'completed' || job.status === 'failed')
      return { elapsedMs: ms(start), completed: job.result?.completed ?? 0 };
    await sleep(25);
  }
}

/** The composer's own work per row: the same brief and source, in this process, no platform. */
async function composingPerRowMs(): Promise<number> {
  const headings = [...fastApiGuide.matchAll(/^(#+) (.+)$/gm)].map((m) => ({
    depth: m[1]!.length,
    text: m[2]!,
  }));
  const source = {
    sourceId: 's',
    filename: 'fastapi-guide.md',
    fileType: 'md' as const,
    status: 'parsed' as const,
    text: fastApiGuide,
    headings,
    wordCount: countWords(fastApiGuide),
    rows: null,
  };
  const brief = {
    topic: 'FastAPI topic 1: async patterns and testing',
    voice: 'technical' as const,
    targetLength: 'medium' as const,
    customInstructions: null,
  };
  const samples: number[] = [];
  for (let i = 0; i < 200; i++) {
    const start = process.hrtime.bigint();
    const outline = await offlineWriter.outline(brief, [source]);
    const sections = [];
    for (let s = 0; s < outline.sections.length; s++)
      sections.push(await offlineWriter.section(brief, [source], outline, s));
    await offlineWriter.assemble(brief, [source], outline, sections, []);
    samples.push(ms(start));
  }
  return median(samples.slice(20));
}

const composing = await composingPerRowMs();
const rounds: { rowsPerSecond: number; jobMs: number; overheadMs: number }[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const prepared = await Promise.all(Array.from({ length: USERS }, (_, u) => prepare(round, u)));
  const start = process.hrtime.bigint();
  const results = await Promise.all(prepared.map(runBulk));
  const wall = ms(start);
  const rows = results.reduce((sum, r) => sum + r.completed, 0);
  if (rows !== USERS * ROWS) throw new Error(`only ${rows} of ${USERS * ROWS} rows completed`);
  const jobMs = median(results.map((r) => r.elapsedMs));
  rounds.push({ rowsPerSecond: rows / (wall / 1000), jobMs, overheadMs: jobMs / ROWS - composing });
  console.error(`[bench] round ${round + 1}: ${rows} rows in ${(wall / 1000).toFixed(2)} s`);
}
await service.close();

const r = {
  rowsPerSecond: median(rounds.map((x) => x.rowsPerSecond)),
  jobMs: median(rounds.map((x) => x.jobMs)),
  overheadMs: median(rounds.map((x) => x.overheadMs)),
};
console.log(
  `Bulk generation, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${loadavg()[0]!.toFixed(2)}; median of ${ROUNDS} rounds`,
);
console.log('');
console.log('| figure | value |');
console.log('| --- | ---: |');
console.log(
  `| rows/s (${USERS * ROWS} rows: ${USERS} free users × ${ROWS} rows, all at once) | ${r.rowsPerSecond.toFixed(1)} |`,
);
console.log(`| one 10-row bulk job, queued → completed | ${(r.jobMs / 1000).toFixed(2)} s |`);
console.log(
  `| composing per row (offline composer alone, medium, one ~700-word source) | ${composing.toFixed(2)} ms |`,
);
console.log(`| platform overhead per row (job time / rows − composing) | ${r.overheadMs.toFixed(0)} ms |`);
process.exit(0);
