import { startRestSuite, type RestSuite } from '../../test-support/rest-suite';
import { restUser } from '../../test-support/rest-flows';

// Serelo "Projects", "Internal Links" and "Jobs" through the gateway, written from the spec: bodies,
// statuses, {"detail": {"code", "message"}} errors, and another user's resources as 404.

describe('Serelo REST (projects, internal links, jobs) through the gateway', () => {
  let s: RestSuite;
  beforeAll(async () => {
    s = await startRestSuite();
  });
  afterAll(() => s?.close());

  const detail = (code: string) => ({ detail: { code, message: expect.any(String) } });
  const projectBody = {
    id: expect.any(String),
    user_id: expect.any(String),
    name: 'Tech Blog Q4 2025',
    description: 'Blog posts for technology audience',
    created_at: expect.any(String),
    updated_at: expect.any(String),
  };

  it('creates (201), gets, lists newest first with total, updates (PUT) and deletes (204) a project', async () => {
    const user = await restUser(s);
    const created = await s.serelo('POST', '/api/v1/projects', {
      token: user.token,
      body: { name: 'Tech Blog Q4 2025', description: 'Blog posts for technology audience' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ ...projectBody, user_id: user.id });
    const id = created.body.id as string;

    const got = await s.serelo('GET', `/api/v1/projects/${id}`, { token: user.token });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);

    const second = await s.serelo('POST', '/api/v1/projects', {
      token: user.token,
      body: { name: 'Second' },
    });
    expect(second.body.description).toBeNull();
    const list = await s.serelo('GET', '/api/v1/projects', { token: user.token });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(2);
    expect(list.body.projects.map((p: { id: string }) => p.id)).toEqual([second.body.id, id]);
    const page = await s.serelo('GET', '/api/v1/projects?limit=1&offset=1', { token: user.token });
    expect(page.body).toEqual({ projects: [created.body], total: 2 });

    const updated = await s.serelo('PUT', `/api/v1/projects/${id}`, {
      token: user.token,
      body: { name: 'Tech Blog Q4 2025 - Updated', description: 'Updated description' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      id,
      name: 'Tech Blog Q4 2025 - Updated',
      description: 'Updated description',
    });
    expect(updated.body.created_at).toBe(created.body.created_at);
    const renamedOnly = await s.serelo('PUT', `/api/v1/projects/${id}`, {
      token: user.token,
      body: { name: 'Renamed' },
    });
    expect(renamedOnly.body).toMatchObject({ name: 'Renamed', description: 'Updated description' });

    const deleted = await s.serelo('DELETE', `/api/v1/projects/${id}`, { token: user.token });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await s.serelo('GET', `/api/v1/projects/${id}`, { token: user.token })).status).toBe(404);
    expect((await s.serelo('DELETE', `/api/v1/projects/${id}`, { token: user.token })).status).toBe(404);
  });

  it('validates names (1-200), descriptions (≤ 1000) and pages with 400 VALIDATION_ERROR; 401 without a token', async () => {
    const user = await restUser(s);
    for (const body of [
      { name: '' },
      { name: '   ' },
      { name: 'x'.repeat(201) },
      { name: 'ok', description: 'd'.repeat(1001) },
      { description: 'no name' },
      { name: 42 },
    ]) {
      const r = await s.serelo('POST', '/api/v1/projects', { token: user.token, body });
      expect(r.status).toBe(400);
      expect(r.body).toEqual(detail('VALIDATION_ERROR'));
    }
    expect(
      (await s.serelo('POST', '/api/v1/projects', { token: user.token, body: { name: 'x'.repeat(200) } }))
        .status,
    ).toBe(201);
    for (const query of ['limit=0', 'limit=101', 'offset=-1', 'limit=abc']) {
      const r = await s.serelo('GET', `/api/v1/projects?${query}`, { token: user.token });
      expect(r.status).toBe(400);
      expect(r.body).toEqual(detail('VALIDATION_ERROR'));
    }
    const anonymous = await s.serelo('GET', '/api/v1/projects');
    expect(anonymous.status).toBe(401);
  });

  it("answers another user's project, links and job as 404 NOT_FOUND, never 403, and lists none of them", async () => {
    const owner = await restUser(s, 'owner');
    const other = await restUser(s, 'other');
    const project = await s.serelo('POST', '/api/v1/projects', {
      token: owner.token,
      body: { name: 'Mine' },
    });
    const id = project.body.id as string;
    const link = await s.serelo('POST', `/api/v1/links/projects/${id}/opportunities`, {
      token: owner.token,
      body: { target_url: 'https://yourblog.com/seo-guide', keywords: ['SEO'] },
    });
    for (const [method, path, body] of [
      ['GET', `/api/v1/projects/${id}`, undefined],
      ['PUT', `/api/v1/projects/${id}`, { name: 'stolen' }],
      ['DELETE', `/api/v1/projects/${id}`, undefined],
      ['GET', `/api/v1/links/projects/${id}/opportunities`, undefined],
      [
        'POST',
        `/api/v1/links/projects/${id}/opportunities`,
        { target_url: 'https://x.com', keywords: ['x'] },
      ],
      ['DELETE', `/api/v1/links/opportunities/${link.body.id}`, undefined],
    ] as const) {
      const r = await s.serelo(method, path, { token: other.token, body });
      expect([method, path, r.status]).toEqual([method, path, 404]);
      expect(r.body).toEqual(detail('NOT_FOUND'));
    }
    expect((await s.serelo('GET', '/api/v1/projects', { token: other.token })).body).toEqual({
      projects: [],
      total: 0,
    });
    expect((await s.serelo('GET', `/api/v1/projects/${id}`, { token: owner.token })).body.name).toBe('Mine');
    const job = await s.serelo('GET', '/api/v1/jobs/no-such-job', { token: owner.token });
    expect(job.status).toBe(404);
    expect(job.body).toEqual(detail('NOT_FOUND'));
  });

  it('the same over GraphQL through the gateway: User.projects, Project.owner (identity) and its link opportunities', async () => {
    const user = await restUser(s);
    const created = await s.client.graphql<{ createProject: { id: string } }>(
      `mutation { createProject(name: "Graph", description: "over GraphQL") { id } }`,
      {},
      user,
    );
    const id = created.data!.createProject.id;
    await s.client.graphql(
      `mutation($p: ID!) { createLinkOpportunity(projectId: $p, targetUrl: "https://yourblog.com/a", keywords: ["a"]) { id } }`,
      { p: id },
      user,
    );
    const read = await s.client.graphql<{
      me: {
        projects: {
          total: number;
          items: { id: string; owner: { email: string }; linkOpportunities: { targetUrl: string }[] }[];
        };
      };
    }>(
      `{ me { projects { total items { id owner { email } linkOpportunities { targetUrl } } } } }`,
      {},
      user,
    );
    expect(read.errors).toBeUndefined();
    expect(read.data!.me.projects).toEqual({
      total: 1,
      items: [
        { id, owner: { email: user.email }, linkOpportunities: [{ targetUrl: 'https://yourblog.com/a' }] },
      ],
    });
    const tooLong = await s.client.graphql(
      `mutation { createProject(name: "${'x'.repeat(201)}") { id } }`,
      {},
      user,
    );
    expect(tooLong.errors?.[0]?.extensions?.code).toBe('VALIDATION_ERROR');
  });

  it('link opportunities: create 201 as documented, list with total, delete 204; bad URLs and no keywords are 400', async () => {
    const user = await restUser(s);
    const project = await s.serelo('POST', '/api/v1/projects', {
      token: user.token,
      body: { name: 'Links' },
    });
    const base = `/api/v1/links/projects/${project.body.id}/opportunities`;
    const created = await s.serelo('POST', base, {
      token: user.token,
      body: {
        target_url: 'https://yourblog.com/seo-guide',
        keywords: ['SEO', 'search engine optimization', 'search rankings'],
        anchor_text: 'our complete SEO guide',
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      project_id: project.body.id,
      target_url: 'https://yourblog.com/seo-guide',
      keywords: ['SEO', 'search engine optimization', 'search rankings'],
      anchor_text: 'our complete SEO guide',
      created_at: expect.any(String),
    });
    const plain = await s.serelo('POST', base, {
      token: user.token,
      body: { target_url: 'https://yourblog.com/content', keywords: ['content marketing'] },
    });
    expect(plain.body.anchor_text).toBeNull();
    const list = await s.serelo('GET', base, { token: user.token });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ opportunities: [created.body, plain.body], total: 2 });
    for (const body of [
      { target_url: 'yourblog.com/seo', keywords: ['SEO'] },
      { target_url: 'ftp://yourblog.com/seo', keywords: ['SEO'] },
      { target_url: 'https://yourblog.com/seo', keywords: [] },
      { target_url: 'https://yourblog.com/seo', keywords: ['  '] },
      { target_url: 'https://yourblog.com/seo' },
    ]) {
      const r = await s.serelo('POST', base, { token: user.token, body });
      expect(r.status).toBe(400);
      expect(r.body).toEqual(detail('VALIDATION_ERROR'));
    }
    const missing = await s.serelo('POST', '/api/v1/links/projects/nope/opportunities', {
      token: user.token,
      body: { target_url: 'https://x.com', keywords: ['x'] },
    });
    expect(missing.status).toBe(404);
    const deleted = await s.serelo('DELETE', `/api/v1/links/opportunities/${created.body.id}`, {
      token: user.token,
    });
    expect(deleted.status).toBe(204);
    expect((await s.serelo('GET', base, { token: user.token })).body.total).toBe(1);
    expect(
      (await s.serelo('DELETE', `/api/v1/links/opportunities/${created.body.id}`, { token: user.token }))
        .status,
    ).toBe(404);

    // a deleted project takes its links with it
    await s.serelo('DELETE', `/api/v1/projects/${project.body.id}`, { token: user.token });
    expect(
      (await s.serelo('DELETE', `/api/v1/links/opportunities/${plain.body.id}`, { token: user.token }))
        .status,
    ).toBe(404);
  });
});
