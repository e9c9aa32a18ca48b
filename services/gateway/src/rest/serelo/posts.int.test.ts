import { handle } from '@seren/service-kit';
import type { Content } from '../../../../content/src/application';
import { quotaDecider } from '../../../../content/src/posts/decide';
import { quotaStream } from '../../../../content/src/posts/post';
import { fastApiGuide } from '../../../../content/src/posts/test-support/fixtures';
import { buildPdf } from '../../../../content/src/sources/test-support/documents';
import { startRestSuite, type RestSuite } from '../../test-support/rest-suite';
import { restUser } from '../../test-support/rest-flows';

// Serelo "Posts" and "Jobs" through the gateway, from the spec, on the real Temporal server with
// the offline composer: the Complete Workflow walkthrough as written (only the host changed),
// the brief's rules, the quota and the concurrent-generation limit, lists, deletes, bulk
// generation from a CSV, and a project deleted under a running job.

describe('Serelo REST (posts, jobs) through the gateway', () => {
  let s: RestSuite;
  beforeAll(async () => {
    s = await startRestSuite();
  });
  afterAll(() => s?.close());

  const detail = (code: string) => ({ detail: { code, message: expect.any(String) } });
  const content = () => s.content.application as Content;

  async function poll<T>(
    read: () => Promise<T>,
    done: (value: T) => boolean,
    timeoutMs = 60_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
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
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function parsedSource(
    token: string,
    projectId: string,
    filename: string,
    bytes: Buffer,
  ): Promise<string> {
    const uploaded = await upload(token, projectId, filename, bytes);
    expect(uploaded.status).toBe(201);
    const id = uploaded.body.id as string;
    const got = await poll(
      () => s.serelo('GET', `/api/v1/sources/sources/${id}`, { token }),
      (r) => r.body.status === 'parsed' || r.body.status === 'failed',
    );
    expect(got.body.status).toBe('parsed');
    return id;
  }

  async function newProject(token: string, name = 'Tech Blog') {
    const r = await s.serelo('POST', '/api/v1/projects', {
      token,
      body: { name, description: 'Technical tutorials and guides' },
    });
    expect(r.status).toBe(201);
    return r.body.id as string;
  }

  /** Polls the job as the spec recommends, recording each progress value seen. */
  async function finished(token: string, jobId: string) {
    const seen: number[] = [];
    const job = await poll(
      () => s.serelo('GET', `/api/v1/jobs/${jobId}`, { token }),
      (r) => {
        if (r.status === 200 && seen.at(-1) !== r.body.progress) seen.push(r.body.progress);
        return r.body.status === 'completed' || r.body.status === 'failed';
      },
    );
    return { job, seen };
  }

  it('the Complete Workflow walkthrough: project, upload, poll the source, generate (202), poll the job to 100, get the post', async () => {
    const user = await restUser(s);
    // Step 1
    const projectId = await newProject(user.token);
    const link = await s.serelo('POST', `/api/v1/links/projects/${projectId}/opportunities`, {
      token: user.token,
      body: { target_url: 'https://yourblog.com/async', keywords: ['event loop'] },
    });
    expect(link.status).toBe(201);
    // Steps 2-3 (the PDF as the walkthrough uploads it, and the guide as Markdown)
    const pdf = buildPdf({
      pages: [
        ['How to Build a REST API with FastAPI. FastAPI validates every request with Pydantic models.'],
      ],
    });
    const pdfId = await parsedSource(user.token, projectId, 'research-paper.pdf', pdf);
    const guideId = await parsedSource(user.token, projectId, 'fastapi-guide.md', Buffer.from(fastApiGuide));
    // Step 4
    const accepted = await s.serelo('POST', '/api/v1/posts/generate', {
      token: user.token,
      body: {
        project_id: projectId,
        topic: 'How to Build a REST API with FastAPI',
        voice: 'technical',
        target_length: 'medium',
        source_ids: [pdfId, guideId],
      },
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({
      job_id: expect.any(String),
      status: 'queued',
      message: 'Content generation started. Poll /api/v1/jobs/{job_id} for status.',
    });
    // Step 5
    const { job, seen } = await finished(user.token, accepted.body.job_id);
    expect(job.status).toBe(200);
    expect(job.body).toEqual({
      id: accepted.body.job_id,
      user_id: user.id,
      project_id: projectId,
      job_type: 'content_generation',
      status: 'completed',
      progress: 100,
      total_items: 1,
      result: {
        post_id: expect.any(String),
        generator: expect.stringContaining('offline-composer'),
        word_count: expect.any(Number),
        notes: [
          expect.stringMatching(/the sources support \d+ words; target_length medium asks for 1500-2000/),
        ],
      },
      error_message: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(seen.at(-1)).toBe(100);
    expect(seen).toEqual([...seen].sort((a, b) => a - b)); // never backwards
    // Step 6
    const post = await s.serelo('GET', `/api/v1/posts/${job.body.result.post_id}`, { token: user.token });
    expect(post.status).toBe(200);
    expect(post.body).toMatchObject({
      id: job.body.result.post_id,
      project_id: projectId,
      user_id: user.id,
      topic: 'How to Build a REST API with FastAPI',
      voice: 'technical',
      status: 'completed',
      generator: expect.stringContaining('offline-composer'),
    });
    const c = post.body.content;
    expect(c.title).toBe('How to Build a REST API with FastAPI');
    expect(c.sections.length).toBeGreaterThanOrEqual(3);
    expect(c.sections.map((x: { heading: string }) => x.heading)).toContain('Async patterns');
    expect(c.word_count).toBe(job.body.result.word_count);
    expect(c.word_count).toBeLessThanOrEqual(2000);
    expect(c.markdown).toMatch(/^# How to Build a REST API with FastAPI/);
    expect(c.markdown).toContain('](https://yourblog.com/async)');
    expect(c.meta_keywords).toEqual(expect.arrayContaining(['fastapi']));
    // the month's quota counts it
    const me = await s.serelo('GET', '/api/v1/users/me', { token: user.token });
    expect(me.body.quota).toMatchObject({ posts_used: 1, posts_limit: 10 });
  });

  it('refuses what the spec refuses: 403 VOICE_NOT_AVAILABLE on free, TOPIC_TOO_LONG, INSTRUCTIONS_TOO_LONG, 404 project or source, 400 INVALID_SOURCE', async () => {
    const user = await restUser(s);
    const projectId = await newProject(user.token);
    const generate = (body: Record<string, unknown>) =>
      s.serelo('POST', '/api/v1/posts/generate', {
        token: user.token,
        body: { project_id: projectId, topic: 'SEO', voice: 'professional', ...body },
      });
    const genZ = await generate({ voice: 'gen_z' });
    expect(genZ.status).toBe(403);
    expect(genZ.body).toEqual(detail('VOICE_NOT_AVAILABLE'));
    expect((await generate({ topic: 'x'.repeat(201) })).body).toEqual(detail('TOPIC_TOO_LONG'));
    expect((await generate({ custom_instructions: 'x'.repeat(2001) })).body).toEqual(
      detail('INSTRUCTIONS_TOO_LONG'),
    );
    for (const body of [{ voice: 'pirate' }, { target_length: 'epic' }, { topic: '' }, { topic: 7 }]) {
      const r = await generate(body);
      expect(r.status).toBe(400);
      expect(r.body).toEqual(detail('VALIDATION_ERROR'));
    }
    const noProject = await generate({ project_id: 'nope' });
    expect(noProject.status).toBe(404);
    expect(noProject.body).toEqual(detail('NOT_FOUND'));
    const other = await restUser(s, 'other');
    const theirProject = await newProject(other.token, 'Theirs');
    const theirSource = await parsedSource(
      other.token,
      theirProject,
      'a.md',
      Buffer.from('# A\n\nSome words about SEO here.\n'),
    );
    expect((await generate({ source_ids: [theirSource] })).status).toBe(404);
    const uploaded = await upload(
      user.token,
      projectId,
      'b.md',
      Buffer.from('# B\n\nText about SEO that parses.\n'),
    );
    const early = await generate({ source_ids: [uploaded.body.id] });
    if (early.status === 400) expect(early.body).toEqual(detail('INVALID_SOURCE'));
    else expect(early.status).toBe(202); // parsing was faster than the request: a parsed source is fine
    expect((await s.serelo('GET', '/api/v1/users/me', { token: user.token })).body.quota.posts_used).toBe(
      early.status === 202 ? 1 : 0,
    );
  });

  it("the plan's concurrent generations: two at once on free, one 202 and one 429 RATE_LIMIT_EXCEEDED with retry_after", async () => {
    const user = await restUser(s);
    const projectId = await newProject(user.token);
    const sourceId = await parsedSource(user.token, projectId, 'guide.md', Buffer.from(fastApiGuide));
    const body = {
      project_id: projectId,
      topic: 'Async patterns in FastAPI',
      voice: 'casual',
      source_ids: [sourceId],
    };
    const both = await Promise.all(
      ['Async patterns in FastAPI', 'Testing FastAPI'].map((topic) =>
        s.serelo('POST', '/api/v1/posts/generate', { token: user.token, body: { ...body, topic } }),
      ),
    );
    expect(both.map((r) => r.status).sort()).toEqual([202, 429]);
    // the same topic again while it generates: 409 ALREADY_GENERATING (checked before the slot)
    const winner = both.find((r) => r.status === 202)!;
    const sameTopic = both[0]!.status === 202 ? 'Async patterns in FastAPI' : 'Testing FastAPI';
    const repeat = await s.serelo('POST', '/api/v1/posts/generate', {
      token: user.token,
      body: { ...body, topic: sameTopic.toUpperCase() },
    });
    expect(repeat.status).toBe(409);
    expect(repeat.body).toEqual(detail('ALREADY_GENERATING'));
    const refused = both.find((r) => r.status === 429)!;
    expect(refused.body).toEqual({
      detail: {
        code: 'RATE_LIMIT_EXCEEDED',
        message: expect.stringMatching(/Try again in 30 seconds/),
        retry_after: 30,
      },
    });
    expect(refused.headers.get('retry-after')).toBe('30');
    const { job } = await finished(user.token, winner.body.job_id);
    expect(job.body.status).toBe('completed');
    // the slot is free again
    const again = await s.serelo('POST', '/api/v1/posts/generate', { token: user.token, body });
    expect(again.status).toBe(202);
    await finished(user.token, again.body.job_id);
    expect((await s.serelo('GET', '/api/v1/users/me', { token: user.token })).body.quota.posts_used).toBe(2);
  });

  it('the last post of the month: two concurrent requests, one wins and the other is 403 QUOTA_EXCEEDED; deleting a post refunds nothing', async () => {
    const user = await restUser(s);
    const projectId = await newProject(user.token);
    // nine posts already generated this month (recorded on the quota stream as generation would)
    for (let i = 0; i < 9; i++) {
      const jobId = `earlier-${i}`;
      const now = new Date().toISOString();
      await handle(
        content(),
        undefined,
        quotaStream(user.id),
        quotaDecider,
        {
          type: 'ReserveGeneration',
          userId: user.id,
          jobId,
          tier: 'free',
          period: now.slice(0, 7),
          posts: 1,
          now,
        },
        { actor: 'test' },
      );
      await handle(
        content(),
        undefined,
        quotaStream(user.id),
        quotaDecider,
        { type: 'ReleaseGeneration', userId: user.id, jobId, refundedPosts: 0, now },
        { actor: 'test' },
      );
    }
    expect((await s.serelo('GET', '/api/v1/users/me', { token: user.token })).body.quota.posts_used).toBe(9);
    const body = { project_id: projectId, topic: 'The last one', voice: 'witty' };
    const both = await Promise.all(
      [0, 1].map(() => s.serelo('POST', '/api/v1/posts/generate', { token: user.token, body })),
    );
    expect(both.map((r) => r.status).sort()).toEqual([202, 403]);
    expect(both.find((r) => r.status === 403)!.body).toEqual(detail('QUOTA_EXCEEDED'));
    const { job } = await finished(user.token, both.find((r) => r.status === 202)!.body.job_id);
    // no source in the project: an honest, empty post that says why
    expect(job.body.result.notes[0]).toMatch(/no parsed source/);
    const postId = job.body.result.post_id as string;

    const list = await s.serelo('GET', `/api/v1/posts/projects/${projectId}/posts`, { token: user.token });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      posts: [
        {
          id: postId,
          project_id: projectId,
          topic: 'The last one',
          voice: 'witty',
          status: 'completed',
          word_count: expect.any(Number),
          created_at: expect.any(String),
        },
      ],
      total: 1,
    });
    expect(
      (
        await s.serelo('GET', `/api/v1/posts/projects/${projectId}/posts?status=failed`, {
          token: user.token,
        })
      ).body,
    ).toEqual({ posts: [], total: 0 });
    expect(
      (await s.serelo('GET', `/api/v1/posts/projects/${projectId}/posts?status=bogus`, { token: user.token }))
        .status,
    ).toBe(400);
    expect(
      (await s.serelo('GET', `/api/v1/posts/projects/${projectId}/posts?limit=101`, { token: user.token }))
        .status,
    ).toBe(400);
    const other = await restUser(s, 'other');
    expect((await s.serelo('GET', `/api/v1/posts/${postId}`, { token: other.token })).status).toBe(404);
    expect((await s.serelo('DELETE', `/api/v1/posts/${postId}`, { token: other.token })).status).toBe(404);
    expect((await s.serelo('GET', `/api/v1/jobs/${job.body.id}`, { token: other.token })).status).toBe(404);
    expect(
      (await s.serelo('GET', `/api/v1/posts/projects/${projectId}/posts`, { token: other.token })).status,
    ).toBe(404);

    const deleted = await s.serelo('DELETE', `/api/v1/posts/${postId}`, { token: user.token });
    expect(deleted.status).toBe(204);
    expect((await s.serelo('GET', `/api/v1/posts/${postId}`, { token: user.token })).status).toBe(404);
    const me = await s.serelo('GET', '/api/v1/users/me', { token: user.token });
    expect(me.body.quota.posts_used).toBe(10);
    const more = await s.serelo('POST', '/api/v1/posts/generate', { token: user.token, body });
    expect(more.status).toBe(403);
    expect(more.body).toEqual(detail('QUOTA_EXCEEDED'));
  });

  it('the Bulk Generation Example: a CSV source, one bulk_generation job, progress over total_items, bad rows recorded, the others generated', async () => {
    const user = await restUser(s);
    const projectId = await newProject(user.token);
    await parsedSource(user.token, projectId, 'guide.md', Buffer.from(fastApiGuide));
    const csv = [
      'topic,voice,custom_instructions',
      '"SEO Best Practices for 2025","professional","Include examples"',
      '"Content Marketing Strategy Guide","professional","Focus on B2B"',
      '"Social Media Optimization Tips","casual","Keep it practical"',
      `"${'x'.repeat(201)}","casual",""`,
      '"Gen Z voices","gen_z",""',
    ].join('\n');
    const csvId = await parsedSource(user.token, projectId, 'topics.csv', Buffer.from(csv));
    const accepted = await s.serelo('POST', '/api/v1/posts/bulk-generate', {
      token: user.token,
      body: { project_id: projectId, csv_source_id: csvId },
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({
      job_id: expect.any(String),
      status: 'queued',
      message: expect.any(String),
      total_items: 3,
    });
    const { job, seen } = await finished(user.token, accepted.body.job_id);
    expect(job.body).toMatchObject({
      job_type: 'bulk_generation',
      status: 'completed',
      progress: 100,
      total_items: 3,
    });
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(job.body.result.post_ids).toHaveLength(3);
    expect(job.body.result.failed_rows).toEqual([
      { row: 5, topic: 'x'.repeat(201), error: expect.stringMatching(/at most 200/) },
      { row: 6, topic: 'Gen Z voices', error: expect.stringMatching(/not available on the free plan/) },
    ]);
    const list = await s.serelo('GET', `/api/v1/posts/projects/${projectId}/posts?status=completed`, {
      token: user.token,
    });
    expect(list.body.posts.map((p: { topic: string }) => p.topic).sort()).toEqual([
      'Content Marketing Strategy Guide',
      'SEO Best Practices for 2025',
      'Social Media Optimization Tips',
    ]);
    // every row wrote from the project's parsed document (guide.md), not from nothing
    expect(list.body.posts.every((p: { word_count: number }) => p.word_count > 100)).toBe(true);
    expect((await s.serelo('GET', '/api/v1/users/me', { token: user.token })).body.quota.posts_used).toBe(3);
    // a text source is not a CSV
    const notCsv = await s.serelo('POST', '/api/v1/posts/bulk-generate', {
      token: user.token,
      body: {
        project_id: projectId,
        csv_source_id: await parsedSource(user.token, projectId, 'x.md', Buffer.from('# X\n\nWords here.\n')),
      },
    });
    expect(notCsv.status).toBe(400);
    expect(notCsv.body).toEqual(detail('INVALID_SOURCE'));
    // more rows than the plan's bulk_limit (free: 10) is the quota's 403, and reserves nothing
    const tooMany = await s.serelo('POST', '/api/v1/posts/bulk-generate', {
      token: user.token,
      body: {
        project_id: projectId,
        csv_source_id: await parsedSource(
          user.token,
          projectId,
          'many.csv',
          Buffer.from(
            ['topic,voice', ...Array.from({ length: 11 }, (_, i) => `"Row ${i}","casual"`)].join('\n'),
          ),
        ),
      },
    });
    expect(tooMany.status).toBe(403);
    expect(tooMany.body).toEqual(detail('QUOTA_EXCEEDED'));
    expect(tooMany.body.detail.message).toMatch(/at most 10 rows per bulk job/);
    expect((await s.serelo('GET', '/api/v1/users/me', { token: user.token })).body.quota.posts_used).toBe(3);
  });

  it('deleting a project cancels its running job: the workflow is cancelled, the slot comes back, the job and posts are gone', async () => {
    const user = await restUser(s);
    const projectId = await newProject(user.token);
    await parsedSource(user.token, projectId, 'guide.md', Buffer.from(fastApiGuide));
    const csv = ['topic,voice', ...Array.from({ length: 10 }, (_, i) => `"Topic ${i}","professional"`)].join(
      '\n',
    );
    const csvId = await parsedSource(user.token, projectId, 'topics.csv', Buffer.from(csv));
    const accepted = await s.serelo('POST', '/api/v1/posts/bulk-generate', {
      token: user.token,
      body: { project_id: projectId, csv_source_id: csvId },
    });
    expect(accepted.status).toBe(202);
    await poll(
      () => s.serelo('GET', `/api/v1/jobs/${accepted.body.job_id}`, { token: user.token }),
      (r) => r.body.status === 'processing',
    );
    expect((await s.serelo('DELETE', `/api/v1/projects/${projectId}`, { token: user.token })).status).toBe(
      204,
    );
    const handle = content().workflows.workflow.getHandle(`bulk-generation-${accepted.body.job_id}`);
    const described = await poll(
      () => handle.describe(),
      (d) => d.status.name !== 'RUNNING',
      30_000,
    );
    expect(described.status.name).toBe('CANCELLED');
    expect(
      (await s.serelo('GET', `/api/v1/jobs/${accepted.body.job_id}`, { token: user.token })).status,
    ).toBe(404);
    // the slot is free: a new generation in another project is accepted
    const next = await newProject(user.token, 'Next');
    const more = await poll(
      () =>
        s.serelo('POST', '/api/v1/posts/generate', {
          token: user.token,
          body: { project_id: next, topic: 'After', voice: 'casual' },
        }),
      (r) => r.status !== 429,
      10_000,
    );
    expect(more.status).toBe(202);
  });
});
