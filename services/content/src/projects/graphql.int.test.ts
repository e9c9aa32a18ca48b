import { signInternalToken } from '@seren/service-kit';
import { TEST_INTERNAL_TOKEN_SECRET, testServiceEnv } from '@seren/testing';
import { startContentService, type ContentService } from '../service';

// Project.linkOpportunities goes through the request's DataLoader: a page of projects reads its
// link opportunities with one query, and each project gets its own, in the order they were added.
describe('content subgraph: projects with their link opportunities', () => {
  let service: ContentService;
  let token: string;

  const graphql = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-internal-token': token },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as {
      data: Record<string, { id: string; items: unknown[] }>;
      errors?: unknown[];
    };
    expect(body.errors).toBeUndefined();
    return body.data;
  };

  beforeAll(async () => {
    service = await startContentService(testServiceEnv('content'));
    token = await signInternalToken(
      { kind: 'user', subject: `user-${Date.now()}`, scopes: [], permissions: [] },
      TEST_INTERNAL_TOKEN_SECRET,
    );
  });
  afterAll(() => service?.close());

  it('reads the link opportunities of a page of projects in one query', async () => {
    const ids: string[] = [];
    for (const name of ['First', 'Second', 'Third']) {
      const { createProject } = await graphql(
        `
          mutation ($n: String!) {
            createProject(name: $n) {
              id
            }
          }
        `,
        { n: name },
      );
      ids.push(createProject!.id);
    }
    const add = (projectId: string, url: string) =>
      graphql(
        `
          mutation ($p: ID!, $u: String!) {
            createLinkOpportunity(projectId: $p, targetUrl: $u, keywords: ["k"]) {
              id
            }
          }
        `,
        { p: projectId, u: url },
      );
    await add(ids[0]!, 'https://example.com/a');
    await add(ids[0]!, 'https://example.com/b');
    await add(ids[2]!, 'https://example.com/c');

    const query = jest.spyOn(service.application.dataSource, 'query');
    const { projects } = await graphql(`
      {
        projects(limit: 10) {
          items {
            id
            linkOpportunities {
              targetUrl
            }
          }
        }
      }
    `);
    const linkQueries = query.mock.calls.filter(([sql]) => String(sql).includes('from link_opportunities'));
    query.mockRestore();

    const byId = new Map(
      (projects!.items as { id: string; linkOpportunities: unknown[] }[]).map((p) => [p.id, p]),
    );
    expect(byId.get(ids[0]!)!.linkOpportunities).toEqual([
      { targetUrl: 'https://example.com/a' },
      { targetUrl: 'https://example.com/b' },
    ]);
    expect(byId.get(ids[1]!)!.linkOpportunities).toEqual([]);
    expect(byId.get(ids[2]!)!.linkOpportunities).toEqual([{ targetUrl: 'https://example.com/c' }]);
    expect(linkQueries).toHaveLength(1);
  });
});
