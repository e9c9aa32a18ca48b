import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { asCaller, graphql, testServiceEnv } from '@seren/testing';
import { startContentService, type ContentService } from '../service';
import { buildDocx, buildPdf } from './test-support/documents';
import { sourceTextsFor } from './queries';

// Sources on the real PostgreSQL and Temporal, through content's internal upload route (what the
// gateway forwards to) and its subgraph; files in a folder store of the test's own.

interface Uploaded {
  id: string;
  status: string;
  file_type: string;
  file_size: number;
  s3_key: string;
  job_id: string;
}

describe('sources (upload, parsing workflow, list, get, update, delete)', () => {
  let service: ContentService;
  let storage: string;
  const alice = randomUUID();
  const bob = randomUUID();

  beforeAll(async () => {
    storage = mkdtempSync(join(tmpdir(), 'content-objects-'));
    service = await startContentService(testServiceEnv('content', { env: { CONTENT_STORAGE_DIR: storage } }));
  });
  afterAll(async () => {
    await service?.close();
    rmSync(storage, { recursive: true, force: true });
  });

  const gql = async <T>(user: string, query: string, variables: Record<string, unknown> = {}) =>
    graphql<T>(service.url, query, variables, await asCaller({ subject: user }));

  async function project(user: string): Promise<string> {
    const r = await gql<{ createProject: { id: string } }>(
      user,
      `mutation { createProject(name: "Tech Blog") { id } }`,
    );
    return r.data!.createProject.id;
  }

  async function upload(user: string, projectId: string, filename: string, bytes: Buffer, field = 'file') {
    const form = new FormData();
    form.append(field, new Blob([new Uint8Array(bytes)]), filename);
    const response = await fetch(`${service.url}/internal/sources/projects/${projectId}/sources`, {
      method: 'POST',
      headers: await asCaller({ subject: user }),
      body: form,
    });
    return { status: response.status, body: (await response.json()) as Uploaded & Record<string, unknown> };
  }

  const SOURCE = `id status fileType fileSize wordCount pageCount parsedText errorMessage rowCount
    headings { depth text } metadata { key value } filename storageKey jobId`;

  async function settled(user: string, id: string) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = await gql<{ source: Record<string, unknown> }>(
        user,
        `query($id: ID!) { source(id: $id) { ${SOURCE} } }`,
        {
          id,
        },
      );
      const status = r.data?.source.status;
      if (status === 'parsed' || status === 'failed' || Date.now() > deadline) return r.data!.source;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The source settles first: its job's last event is appended by the same activity, just after. */
  async function jobSettled(user: string, id: string) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const r = await gql<{ job: Record<string, unknown> }>(
        user,
        `query($id: ID!) { job(id: $id) { jobType status progress errorMessage } }`,
        { id },
      );
      const status = r.data?.job.status;
      if (status === 'completed' || status === 'failed' || Date.now() > deadline) return r.data!.job;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('uploads a PDF (201 uploaded), parses it on the workflow to parsed with text, pages and outline', async () => {
    const projectId = await project(alice);
    const pdf = buildPdf({
      pages: [['FastAPI builds REST APIs.'], ['Async handlers scale.']],
      outline: [{ title: 'Basics', page: 0 }],
    });
    const r = await upload(alice, projectId, 'research-paper.pdf', pdf);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      project_id: projectId,
      user_id: alice,
      filename: 'research-paper.pdf',
      file_type: 'pdf',
      file_size: pdf.length,
      status: 'uploaded',
    });
    expect(r.body.s3_key).toMatch(new RegExp(`^sources/${projectId}/${r.body.id}-research-paper\\.pdf$`));
    expect(await service.application.objects.exists(r.body.s3_key)).toBe(true);

    const source = await settled(alice, r.body.id);
    expect(source).toMatchObject({ status: 'parsed', pageCount: 2, wordCount: 7, errorMessage: null });
    expect(source.parsedText).toMatch(/^FastAPI builds REST APIs\.\s+Async handlers scale\.$/);
    expect(source.headings).toEqual([{ depth: 1, text: 'Basics' }]);

    const { events } = await service.eventStore.readStream(`source-${r.body.id}`);
    expect(events.map((e) => e.type)).toEqual(['SourceUploaded', 'SourceParsingStarted', 'SourceParsed']);
    expect(await jobSettled(alice, r.body.job_id)).toMatchObject({
      jobType: 'document_parsing',
      status: 'completed',
      progress: 100,
      errorMessage: null,
    });
  });

  it('parses DOCX, Markdown, text and CSV; sourceTextsFor gives generation their text and the CSV rows', async () => {
    const projectId = await project(alice);
    const docx = await upload(
      alice,
      projectId,
      'notes.docx',
      await buildDocx({ paragraphs: [{ text: 'Guide', heading: 1 }, { text: 'Use async.' }] }),
    );
    const md = await upload(alice, projectId, 'readme.md', Buffer.from('# Title\n\nBody text.\n\n## Two\n'));
    const txt = await upload(alice, projectId, 'plain.txt', Buffer.from('just words here'));
    const csv = await upload(
      alice,
      projectId,
      'topics.csv',
      Buffer.from(
        'topic,voice,custom_instructions\n"SEO Best Practices for 2025","professional","Include examples"\n',
      ),
    );
    expect([docx, md, txt, csv].map((u) => [u.status, u.body.file_type])).toEqual([
      [201, 'docx'],
      [201, 'md'],
      [201, 'txt'],
      [201, 'csv'],
    ]);
    expect(await settled(alice, docx.body.id)).toMatchObject({
      status: 'parsed',
      parsedText: 'Guide\n\nUse async.',
      headings: [{ depth: 1, text: 'Guide' }],
      pageCount: null,
    });
    expect(await settled(alice, md.body.id)).toMatchObject({
      headings: [
        { depth: 1, text: 'Title' },
        { depth: 2, text: 'Two' },
      ],
    });
    expect(await settled(alice, txt.body.id)).toMatchObject({ status: 'parsed', wordCount: 3 });
    expect(await settled(alice, csv.body.id)).toMatchObject({ status: 'parsed', rowCount: 1 });

    const texts = await sourceTextsFor(service.application, projectId, [md.body.id, csv.body.id], alice);
    expect(texts.map((t) => [t.fileType, t.headings.length, t.rows])).toEqual([
      ['md', 2, null],
      [
        'csv',
        0,
        [
          {
            topic: 'SEO Best Practices for 2025',
            voice: 'professional',
            custom_instructions: 'Include examples',
          },
        ],
      ],
    ]);
    await expect(sourceTextsFor(service.application, projectId, [md.body.id], bob)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('fails a corrupt and an encrypted PDF cleanly with the parser message; generation refuses them (INVALID_SOURCE)', async () => {
    const projectId = await project(alice);
    const corrupt = await upload(
      alice,
      projectId,
      'broken.pdf',
      Buffer.from('%PDF-1.7\nthis is not a PDF at all'),
    );
    const encrypted = await upload(
      alice,
      projectId,
      'locked.pdf',
      buildPdf({ pages: [['secret']], encrypted: true }),
    );
    expect([corrupt.status, encrypted.status]).toEqual([201, 201]);
    const failed = await settled(alice, corrupt.body.id);
    expect(failed.status).toBe('failed');
    expect(failed.errorMessage).toMatch(/PDF/);
    expect(await settled(alice, encrypted.body.id)).toMatchObject({
      status: 'failed',
      errorMessage: 'the PDF is encrypted (password-protected) and cannot be read',
      parsedText: null,
    });
    expect(await jobSettled(alice, encrypted.body.job_id)).toMatchObject({
      status: 'failed',
      errorMessage: 'the PDF is encrypted (password-protected) and cannot be read',
    });
    await expect(
      sourceTextsFor(service.application, projectId, [encrypted.body.id], alice),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR', reason: 'INVALID_SOURCE' });
  });

  it('refuses types by content (UNSUPPORTED_FILE_TYPE), a missing part, and files over 20 MB (FILE_TOO_LARGE), storing nothing', async () => {
    const projectId = await project(alice);
    const elf = await upload(alice, projectId, 'tool.md', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1]));
    expect(elf).toEqual({
      status: 400,
      body: { code: 'VALIDATION_ERROR', message: expect.any(String), reason: 'UNSUPPORTED_FILE_TYPE' },
    });
    const renamed = await upload(alice, projectId, 'paper.pdf', Buffer.from('plain text in disguise'));
    expect(renamed.body.reason).toBe('UNSUPPORTED_FILE_TYPE');
    const wrongField = await upload(alice, projectId, 'a.md', Buffer.from('# x'), 'document');
    expect([wrongField.status, wrongField.body.reason]).toEqual([400, 'FILE_MISSING']);
    const big = Buffer.alloc(20 * 1024 * 1024 + 1, 'a');
    const tooLarge = await upload(alice, projectId, 'big.txt', big);
    expect([tooLarge.status, tooLarge.body.reason]).toEqual([400, 'FILE_TOO_LARGE']);
    const exactly = await upload(alice, projectId, 'limit.txt', big.subarray(0, 20 * 1024 * 1024));
    expect([exactly.status, exactly.body.file_size]).toEqual([201, 20 * 1024 * 1024]);
    const list = await gql<{ sources: { total: number } }>(
      alice,
      `query($p: ID!) { sources(projectId: $p) { total } }`,
      {
        p: projectId,
      },
    );
    expect(list.data?.sources.total).toBe(1);
  });

  it('answers 400 FILE_MISSING to a multipart body without a boundary', async () => {
    const projectId = await project(alice);
    const url = `${service.url}/internal/sources/projects/${projectId}/sources`;
    const headers = await asCaller({ subject: alice });
    const noBoundary = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'multipart/form-data' },
      body: 'x',
    });
    expect(noBoundary.status).toBe(400);
    expect(await noBoundary.json()).toMatchObject({ code: 'VALIDATION_ERROR', reason: 'FILE_MISSING' });
  });

  it("answers 404 for another user's project, and hides another user's sources", async () => {
    const projectId = await project(alice);
    const r = await upload(bob, projectId, 'a.md', Buffer.from('# x'));
    expect([r.status, r.body.code]).toEqual([404, 'NOT_FOUND']);
    const mine = await upload(alice, projectId, 'a.md', Buffer.from('# x'));
    const theirs = await gql(bob, `query($id: ID!) { source(id: $id) { id } }`, { id: mine.body.id });
    expect(theirs.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const list = await gql(bob, `query($p: ID!) { sources(projectId: $p) { total } }`, { p: projectId });
    expect(list.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('lists newest first with status and type filters and pages; updates filename and metadata; deletes the file too', async () => {
    const projectId = await project(alice);
    const a = await upload(alice, projectId, 'a.md', Buffer.from('# A'));
    const b = await upload(alice, projectId, 'b.txt', Buffer.from('bee'));
    await settled(alice, a.body.id);
    await settled(alice, b.body.id);
    const page = await gql<{ sources: { items: { id: string }[]; total: number } }>(
      alice,
      `query($p: ID!) { all: sources(projectId: $p) { items { id } total }
        md: sources(projectId: $p, fileType: "md") { items { id } total }
        second: sources(projectId: $p, limit: 1, offset: 1) { items { id } total } }`,
      { p: projectId },
    );
    const data = page.data as unknown as Record<string, { items: { id: string }[]; total: number }>;
    expect(data.all!.items.map((s) => s.id)).toEqual([b.body.id, a.body.id]);
    expect(data.md).toEqual({ items: [{ id: a.body.id }], total: 1 });
    expect(data.second).toEqual({ items: [{ id: a.body.id }], total: 2 });
    const bad = await gql(alice, `query($p: ID!) { sources(projectId: $p, limit: 101) { total } }`, {
      p: projectId,
    });
    expect(bad.errors?.[0]?.extensions?.code).toBe('VALIDATION_ERROR');

    const updated = await gql<{ updateSource: { filename: string; metadata: unknown } }>(
      alice,
      `mutation($id: ID!) { updateSource(id: $id, filename: "renamed.md", metadata: [{ key: "topic", value: "api" }]) { filename metadata { key value } } }`,
      { id: a.body.id },
    );
    expect(updated.data?.updateSource).toEqual({
      filename: 'renamed.md',
      metadata: [{ key: 'topic', value: 'api' }],
    });

    const textKey = `${a.body.s3_key}.parsed.json`;
    expect(await service.application.objects.exists(textKey)).toBe(true);
    const deleted = await gql(alice, `mutation($id: ID!) { deleteSource(id: $id) }`, { id: a.body.id });
    expect(deleted.data).toEqual({ deleteSource: true });
    expect(await service.application.objects.exists(a.body.s3_key)).toBe(false);
    expect(await service.application.objects.exists(textKey)).toBe(false);
    const again = await gql(alice, `mutation($id: ID!) { deleteSource(id: $id) }`, { id: a.body.id });
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
