import { buildPdf } from '../../../../content/src/sources/test-support/documents';
import { startRestSuite, type RestSuite } from '../../test-support/rest-suite';
import { restUser } from '../../test-support/rest-flows';

// Serelo "Sources" through the gateway, from the spec: the multipart upload is forwarded (streamed)
// to content's internal route; the rest are GraphQL rows. Bodies, statuses and {"detail"} errors.

describe('Serelo REST (sources) through the gateway', () => {
  let s: RestSuite;
  beforeAll(async () => {
    s = await startRestSuite();
  });
  afterAll(() => s?.close());

  const detail = (code: string) => ({ detail: { code, message: expect.any(String) } });

  async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function upload(token: string, projectId: string, filename: string, bytes: Buffer) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)]), filename);
    const response = await fetch(
      `${s.gateway.listeners.serelo.url}/api/v1/sources/projects/${projectId}/sources`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      },
    );
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
  }

  async function project(token: string) {
    const r = await s.serelo('POST', '/api/v1/projects', {
      token,
      body: { name: 'Tech Blog', description: 'Technical tutorials and guides' },
    });
    return r.body.id as string;
  }

  it('the walkthrough: upload research-paper.pdf (201 uploaded), poll the source until parsed with its text', async () => {
    const user = await restUser(s);
    const projectId = await project(user.token);
    const pdf = buildPdf({ pages: [['How to Build a REST API with FastAPI'], ['Async patterns in depth.']] });
    const r = await upload(user.token, projectId, 'research-paper.pdf', pdf);
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      id: expect.any(String),
      project_id: projectId,
      user_id: user.id,
      filename: 'research-paper.pdf',
      file_type: 'pdf',
      file_size: pdf.length,
      s3_key: expect.stringMatching(/^sources\/.+-research-paper\.pdf$/),
      status: 'uploaded',
      job_id: expect.any(String),
      created_at: expect.any(String),
    });
    const id = r.body.id as string;
    const parsed = await eventually(
      () => s.serelo('GET', `/api/v1/sources/sources/${id}`, { token: user.token }),
      (got) => got.body.status === 'parsed',
    );
    expect(parsed.status).toBe(200);
    expect(parsed.body).toMatchObject({
      id,
      status: 'parsed',
      error_message: null,
      page_count: 2,
      parsed_text: expect.stringContaining('Async patterns in depth.'),
    });
    const job = await eventually(
      () => s.serelo('GET', `/api/v1/jobs/${r.body.job_id as string}`, { token: user.token }),
      (got) => got.body.status === 'completed',
    );
    expect(job.body).toMatchObject({ job_type: 'document_parsing', status: 'completed', progress: 100 });
  });

  it('lists with filters (status, file_type, limit, offset), updates the filename (PUT) and deletes (204, then 404)', async () => {
    const user = await restUser(s);
    const projectId = await project(user.token);
    const csv = await upload(
      user.token,
      projectId,
      'topics.csv',
      Buffer.from(
        'topic,voice,custom_instructions\n"SEO Best Practices for 2025","professional","Include examples"\n',
      ),
    );
    const md = await upload(user.token, projectId, 'notes.md', Buffer.from('# Notes\n\nSome notes.\n'));
    expect([csv.status, md.status]).toEqual([201, 201]);
    await eventually(
      () =>
        s.serelo('GET', `/api/v1/sources/projects/${projectId}/sources?status=parsed`, { token: user.token }),
      (got) => got.body.total === 2,
    );
    const list = await s.serelo('GET', `/api/v1/sources/projects/${projectId}/sources`, {
      token: user.token,
    });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(2);
    expect(list.body.sources.map((x: { id: string }) => x.id)).toEqual([md.body.id, csv.body.id]);
    const onlyCsv = await s.serelo(
      'GET',
      `/api/v1/sources/projects/${projectId}/sources?file_type=csv&limit=1&offset=0`,
      {
        token: user.token,
      },
    );
    expect(onlyCsv.body).toMatchObject({ total: 1, sources: [{ id: csv.body.id, file_type: 'csv' }] });
    const badType = await s.serelo('GET', `/api/v1/sources/projects/${projectId}/sources?file_type=exe`, {
      token: user.token,
    });
    expect(badType.status).toBe(400);
    expect(badType.body).toEqual(detail('VALIDATION_ERROR'));

    const put = await s.serelo('PUT', `/api/v1/sources/sources/${md.body.id as string}`, {
      token: user.token,
      body: { filename: 'updated-notes.md' },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      id: md.body.id,
      filename: 'updated-notes.md',
      file_type: 'md',
      status: 'parsed',
    });

    const del = await s.serelo('DELETE', `/api/v1/sources/sources/${md.body.id as string}`, {
      token: user.token,
    });
    expect(del.status).toBe(204);
    const gone = await s.serelo('GET', `/api/v1/sources/sources/${md.body.id as string}`, {
      token: user.token,
    });
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual(detail('NOT_FOUND'));
  });

  it("deleting the project removes its sources' stored files and extracted text", async () => {
    const user = await restUser(s);
    const projectId = await project(user.token);
    const md = await upload(user.token, projectId, 'notes.md', Buffer.from('# Notes\n\nSome notes.\n'));
    expect(md.status).toBe(201);
    await eventually(
      () => s.serelo('GET', `/api/v1/sources/sources/${md.body.id as string}`, { token: user.token }),
      (got) => got.body.status === 'parsed',
    );
    const rows = (await s.content.dataSource.query('select storage_key from sources where id = $1', [
      md.body.id,
    ])) as { storage_key: string }[];
    const key = rows[0]!.storage_key;
    const objects = s.content.application.objects;
    expect(await objects.exists(key)).toBe(true);
    expect(await objects.exists(`${key}.parsed.json`)).toBe(true);

    const del = await s.serelo('DELETE', `/api/v1/projects/${projectId}`, { token: user.token });
    expect(del.status).toBe(204);
    expect(await objects.exists(key)).toBe(false);
    expect(await objects.exists(`${key}.parsed.json`)).toBe(false);
  });

  it("refuses: another user's project (404), an unsupported type (400), a file over 20 MB (400 from content, 413 at the edge)", async () => {
    const [alice, bob] = [await restUser(s), await restUser(s)];
    const projectId = await project(alice.token);
    const theirs = await upload(bob.token, projectId, 'a.md', Buffer.from('# a'));
    expect(theirs).toEqual({ status: 404, body: detail('NOT_FOUND') });
    const exe = await upload(
      alice.token,
      projectId,
      'setup.exe',
      Buffer.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0]),
    );
    expect(exe).toEqual({ status: 400, body: detail('UNSUPPORTED_FILE_TYPE') });
    const over = await upload(alice.token, projectId, 'big.txt', Buffer.alloc(20 * 1024 * 1024 + 1, 'a'));
    expect(over).toEqual({ status: 400, body: detail('FILE_TOO_LARGE') });
    const huge = await upload(alice.token, projectId, 'huge.txt', Buffer.alloc(21 * 1024 * 1024, 'a'));
    expect(huge).toEqual({ status: 413, body: detail('FILE_TOO_LARGE') });
    const anonymous = await fetch(
      `${s.gateway.listeners.serelo.url}/api/v1/sources/projects/${projectId}/sources`,
      {
        method: 'POST',
        body: new FormData(),
      },
    );
    expect(anonymous.status).toBe(401);
  });

  it('counts a chunked body (no Content-Length) and stops it past the limit with 413', async () => {
    const user = await restUser(s);
    const projectId = await project(user.token);
    const boundary = 'seren-boundary';
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0)
          controller.enqueue(
            Buffer.from(
              `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n\r\n`,
            ),
          );
        if (sent >= 30) {
          controller.enqueue(Buffer.from(`\r\n--${boundary}--\r\n`));
          controller.close();
          return;
        }
        sent += 1;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(
      `${s.gateway.listeners.serelo.url}/api/v1/sources/projects/${projectId}/sources`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${user.token}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
        },
        body,
        duplex: 'half',
      } as RequestInit & { duplex: 'half' },
    );
    // content stops reading at 20 MB (its own 400) or the edge's count trips first (413)
    expect([400, 413]).toContain(response.status);
    expect(await response.json()).toEqual(detail('FILE_TOO_LARGE'));
  });
});
