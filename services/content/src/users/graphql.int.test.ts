import { signInternalToken } from '@seren/service-kit';
import { TEST_INTERNAL_TOKEN_SECRET, testServiceEnv } from '@seren/testing';
import { startContentService, type ContentService } from '../service';

// The content subgraph resolves the User entities the gateway asks it for (by id) with their plan.
describe('content subgraph: User plan and quota', () => {
  let service: ContentService;

  beforeAll(async () => {
    service = await startContentService(testServiceEnv('content'));
  });
  afterAll(() => service?.close());

  it('resolves a User reference with the free plan and its monthly quota', async () => {
    const token = await signInternalToken(
      { kind: 'anonymous', scopes: [], permissions: [] },
      TEST_INTERNAL_TOKEN_SECRET,
    );
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-internal-token': token },
      body: JSON.stringify({
        query: `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id subscriptionTier quota { postsUsed postsLimit resetDate } } } }`,
        variables: { r: [{ __typename: 'User', id: 'user_42' }] },
      }),
    });
    const body = (await response.json()) as { data: { _entities: unknown[] }; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([
      {
        id: 'user_42',
        subscriptionTier: 'free',
        quota: {
          postsUsed: 0,
          postsLimit: 10,
          resetDate: expect.stringMatching(/^\d{4}-\d{2}-01T00:00:00\.000Z$/),
        },
      },
    ]);
  });
});
