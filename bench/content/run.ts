// Content benchmark (bench/README.md, "Content: sources"): one run on this machine, loopback only.
//
//   parse   a 20 MB PDF and a 20 MB DOCX: unpdf / mammoth called directly in this process, vs the
//           platform: uploaded to content, parsed by the parseSource workflow on content's worker
//           (read from the store, parsed, text stored, events appended), timed from the upload's
//           201 to the source reading `parsed`. MB/s = file MB / seconds; median of the rounds.
//   upload  20 MB through the gateway (Serelo's POST .../sources, a streamed forward) vs straight to
//           content's internal route; MB/s from the request's start to its 201; median of the rounds.
//
// Processes: identity and content in one child (bench/gateway/subgraphs.ts), the gateway in its own
// (bench/gateway/gateway.ts tuned), the measuring client and the direct parsers here.
// Run: npm run bench --workspace @seren/content (builds first). BENCH_ROUNDS tunes it.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import mammoth from 'mammoth';
import { extractText, getDocumentProxy } from 'unpdf';
import { signInternalToken } from '@seren/service-kit';
import { TEST_INTERNAL_TOKEN_SECRET } from '@seren/testing';
import { parseDocument } from '@seren/content/dist/sources/parsers.js';
import { largeDocx, largePdf } from '@seren/content/dist/sources/test-support/documents.js';

const here = import.meta.dirname;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** `parse` or `upload`: run one half (the table then holds that half's rows) */
const ONLY = process.env.BENCH_ONLY;
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 200);
const MB = 1024 * 1024;
const children: ChildProcess[] = [];

function child(script: string, args: string[], env: Record<string, string>): Promise<Record<string, string>> {
  const proc = spawn(process.execPath, [join(here, '..', 'gateway', script), ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(proc);
  proc.on('exit', (code, signal) => console.error(`[bench] ${script} exited (${code ?? signal})`));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in 90 s`)), 90_000);
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (!line.startsWith('BENCH_READY ')) {
        // the services' own log lines, shown when BENCH_LOG_LEVEL asks for them (e.g. `debug`)
        if (process.env.BENCH_LOG_LEVEL) console.error(line);
        return;
      }
      clearTimeout(timer);
      resolve(JSON.parse(line.slice('BENCH_READY '.length)));
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

async function main() {
  const pdf = largePdf(20 * MB - 256 * 1024);
  const docx = await largeDocx(20 * MB - 256 * 1024);
  console.error(`[bench] PDF ${(pdf.length / MB).toFixed(1)} MB, DOCX ${(docx.length / MB).toFixed(1)} MB`);

  const subgraphs = await child('subgraphs.ts', [], {});
  const gateway = await child('gateway.ts', ['tuned'], {
    IDENTITY_URL: subgraphs.identity!,
    CONTENT_URL: subgraphs.content!,
    LOG_LEVEL: 'warn',
    INTERNAL_TOKEN_SECRET: TEST_INTERNAL_TOKEN_SECRET,
    RATE_LIMITS_ENABLED: 'false',
  });
  const serelo = gateway.serelo!;
  const content = subgraphs.content!;

  // a user, their bearer token (for the gateway) and the internal token the gateway would sign (direct)
  const email = `bench-${Date.now()}@example.com`;
  const password = 'Bench-Password-123!';
  const registered = await post(`${serelo}/api/v1/auth/register`, { email, password, name: 'Bench' });
  const login = await post(`${serelo}/api/v1/auth/login`, { email, password });
  const bearer = { authorization: `Bearer ${login.access_token as string}` };
  const internal = {
    'x-internal-token': await signInternalToken(
      { kind: 'user', subject: registered.id as string, scopes: [], permissions: [] },
      TEST_INTERNAL_TOKEN_SECRET,
      3600,
    ),
  };
  const project = await post(`${serelo}/api/v1/projects`, { name: 'Bench' }, bearer);
  const projectId = project.id as string;

  const upload = async (
    base: string,
    path: string,
    headers: Record<string, string>,
    name: string,
    bytes: Buffer,
  ) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)]), name);
    const started = process.hrtime.bigint();
    const response = await fetch(`${base}${path}`, { method: 'POST', headers, body: form });
    const body = (await response.json()) as Record<string, unknown>;
    if (response.status !== 201) throw new Error(`upload ${response.status}: ${JSON.stringify(body)}`);
    return {
      id: body.id as string,
      seconds: seconds(started),
      uploadedAt: process.hrtime.bigint(),
      uploadedAtMs: Date.now(),
    };
  };
  const direct = (name: string, bytes: Buffer) =>
    upload(content, `/internal/sources/projects/${projectId}/sources`, internal, name, bytes);
  const viaGateway = (name: string, bytes: Buffer) =>
    upload(serelo, `/api/v1/sources/projects/${projectId}/sources`, bearer, name, bytes);

  // The time to `parsed` as the source records it (its updated_at, written by the SourceParsed step,
  // against the wall clock at the upload's 201: one machine, one clock), and as a client polling
  // every POLL_MS sees it. Polling every 25 ms took a fifth of a core from the parse on 2 cores.
  const parsedAfter = async (id: string, up: { uploadedAt: bigint; uploadedAtMs: number }) => {
    for (;;) {
      const r = await fetch(`${serelo}/api/v1/sources/sources/${id}`, { headers: bearer });
      const body = (await r.json()) as { status: string; error_message: string | null; updated_at: string };
      if (body.status === 'parsed')
        return {
          recorded: (Date.parse(body.updated_at) - up.uploadedAtMs) / 1000,
          polled: seconds(up.uploadedAt),
        };
      if (body.status === 'failed') throw new Error(`parse failed: ${body.error_message}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };

  const rows: Record<string, number[]> = {};
  const record = (name: string, value: number) => (rows[name] ??= []).push(value);

  for (let round = 0; ONLY !== 'upload' && round < ROUNDS; round++) {
    console.error(`[bench] parse round ${round + 1}/${ROUNDS}`);
    let t = process.hrtime.bigint();
    await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
    record('pdf direct (unpdf extractText)', seconds(t));
    t = process.hrtime.bigint();
    await parseDocument('pdf', pdf);
    record('pdf parseDocument (in process)', seconds(t));
    const pdfUp = await direct('large.pdf', pdf);
    const pdfParsed = await parsedAfter(pdfUp.id, pdfUp);
    record('pdf platform (upload 201 → parsed)', pdfParsed.recorded);
    record(`pdf platform, as a client polling every ${POLL_MS} ms sees it`, pdfParsed.polled);

    t = process.hrtime.bigint();
    await mammoth.convertToHtml({ buffer: docx });
    record('docx direct (mammoth convertToHtml)', seconds(t));
    t = process.hrtime.bigint();
    await mammoth.extractRawText({ buffer: docx });
    record('docx direct (mammoth extractRawText)', seconds(t));
    t = process.hrtime.bigint();
    await parseDocument('docx', docx);
    record('docx parseDocument (in process)', seconds(t));
    const docxUp = await direct('large.docx', docx);
    const docxParsed = await parsedAfter(docxUp.id, docxUp);
    record('docx platform (upload 201 → parsed)', docxParsed.recorded);
    record(`docx platform, as a client polling every ${POLL_MS} ms sees it`, docxParsed.polled);
    console.error(`[bench] so far: ${JSON.stringify(rows)}`);
  }

  // Uploads: a 20 MB text file (its parse is cheap, so background parsing disturbs the next upload least).
  const text = Buffer.alloc(20 * MB - 64 * 1024, 'lorem ipsum dolor sit amet ');
  if (ONLY !== 'parse') await direct('warm.txt', text);
  if (ONLY !== 'parse') await viaGateway('warm.txt', text);
  for (let round = 0; ONLY !== 'parse' && round < ROUNDS + 2; round++) {
    record('upload direct to content', (await direct('upload.txt', text)).seconds);
    record('upload through the gateway', (await viaGateway('upload.txt', text)).seconds);
  }

  const mbps = (bytes: number, name: string) => bytes / MB / median(rows[name]!);
  const table = (
    [
      ['pdf direct (unpdf extractText)', pdf.length],
      ['pdf parseDocument (in process)', pdf.length],
      ['pdf platform (upload 201 → parsed)', pdf.length],
      [`pdf platform, as a client polling every ${POLL_MS} ms sees it`, pdf.length],
      ['docx direct (mammoth convertToHtml)', docx.length],
      ['docx direct (mammoth extractRawText)', docx.length],
      ['docx parseDocument (in process)', docx.length],
      ['docx platform (upload 201 → parsed)', docx.length],
      [`docx platform, as a client polling every ${POLL_MS} ms sees it`, docx.length],
      ['upload direct to content', text.length],
      ['upload through the gateway', text.length],
    ] as const
  ).filter(([name]) => rows[name]);
  const ratio = (a: string, b: string, bytes: number) =>
    rows[a] && rows[b] ? `${(mbps(bytes, a) / mbps(bytes, b)).toFixed(2)}x` : 'not run';
  const lines = [
    `One run, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, on this machine (${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB), Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the end; ${ROUNDS} rounds (uploads: ${ROUNDS + 2}), medians.`,
    '',
    '| scenario | MB | median s | MB/s | all rounds (s) |',
    '| --- | ---: | ---: | ---: | --- |',
    ...table.map(
      ([name, bytes]) =>
        `| ${name} | ${(bytes / MB).toFixed(1)} | ${median(rows[name]!).toFixed(2)} | ${mbps(bytes, name).toFixed(2)} | ${rows[name]!.map((v) => v.toFixed(2)).join(', ')} |`,
    ),
    '',
    '| comparison | figure | goal |',
    '| --- | --- | --- |',
    `| PDF: platform vs unpdf directly | ${ratio('pdf platform (upload 201 → parsed)', 'pdf direct (unpdf extractText)', pdf.length)} | ≥ 0.8x |`,
    `| DOCX: platform vs mammoth directly (convertToHtml, the call parseDocument makes) | ${ratio('docx platform (upload 201 → parsed)', 'docx direct (mammoth convertToHtml)', docx.length)} | ≥ 0.8x |`,
    `| DOCX: platform vs mammoth extractRawText | ${ratio('docx platform (upload 201 → parsed)', 'docx direct (mammoth extractRawText)', docx.length)} | reported |`,
    `| upload 20 MB: through the gateway vs directly to content | ${ratio('upload through the gateway', 'upload direct to content', text.length)} | ≥ 0.8x |`,
  ];
  console.log(lines.join('\n'));
  if (process.env.BENCH_WRITE_README !== '0' && !ONLY) writeReadme(lines.join('\n'));
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (response.status >= 300) throw new Error(`${url}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

function writeReadme(figures: string) {
  const file = join(here, '..', 'README.md');
  const readme = readFileSync(file, 'utf8');
  const start = '<!-- content-bench:start -->';
  const end = '<!-- content-bench:end -->';
  const [before, rest] = readme.includes(start) ? readme.split(start) : [readme.trimEnd() + '\n\n', end];
  const after = rest!.split(end)[1] ?? '\n';
  const section = `${start}\n## Content: sources (parsing and upload)\n\n${figures}\n\n${DESCRIPTION}\n${end}`;
  writeFileSync(file, `${before}${section}${after}`);
}

const DESCRIPTION = `The PDF is 20 MB of text pages (Helvetica, uncompressed content streams) and the DOCX 20 MB of
paragraphs stored uncompressed (the same prose deflated would be ~100× smaller), both built in code
(services/content/src/sources/test-support/documents.ts). "platform" is the time from the
upload's 201 until the source records \`parsed\` (its \`updated_at\`, written by the SourceParsed
step; one machine, one clock): the workflow's start, the activity reading the file from the store,
the parse on a parser thread, the text written back, the events and projections. "as a client
polling sees it" adds up to one poll interval (BENCH_POLL_MS, default 200; polling every 25 ms, as
earlier runs did, took a fifth of a core from the parse on 2 cores). "direct" calls the library in
the bench process; "parseDocument" is content's parser module called in the bench process. Uploads are
20 MB text files, multipart, over loopback; the gateway forwards the body as a stream (it never
holds it whole) after authenticating the bearer token. Reproduce:
\`npm run bench --workspace @seren/content\` (after \`npm run infra:up\`; BENCH_ROUNDS=3).`;

try {
  await main();
} finally {
  for (const proc of children) proc.stdin?.end();
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const proc of children) if (proc.exitCode === null) proc.kill('SIGTERM');
}
