import Fastify from 'fastify';
import { Agent } from 'undici';
import { EdgeDataSource } from './data-source';

describe('subgraph data source', () => {
  it('forwards the caller token, request id, trace context and client over the keep-alive pool', async () => {
    const seen: Record<string, unknown>[] = [];
    const subgraph = Fastify();
    subgraph.post('/graphql', async (request) => {
      seen.push({ headers: request.headers, body: request.body });
      return { data: { me: { id: 'user_1' } } };
    });
    const url = await subgraph.listen({ host: '127.0.0.1', port: 0 });
    const dispatcher = new Agent({ connections: 2 });
    try {
      const source = new EdgeDataSource({ url: `${url}/graphql`, dispatcher });
      const response = await source.process({
        kind: 'health check' as never,
        request: { query: '{ me { id } }' },
        context: {
          internalToken: 'signed.internal.token',
          requestId: 'req-7',
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
          clientIp: '203.0.113.9',
          userAgent: 'curl/8',
        },
      } as never);
      expect(response.data).toEqual({ me: { id: 'user_1' } });
      expect(seen[0]!.headers).toMatchObject({
        'x-internal-token': 'signed.internal.token',
        'x-request-id': 'req-7',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        'x-forwarded-for': '203.0.113.9',
        'user-agent': 'curl/8',
        'content-type': 'application/json',
      });
      expect(seen[0]!.body).toEqual({ query: '{ me { id } }' });

      // A subgraph that answers without a GraphQL body is an error naming the status.
      const broken = new EdgeDataSource({ url: `${url}/nowhere`, dispatcher });
      await expect(broken.process({ request: { query: '{ x }' }, context: {} } as never)).rejects.toThrow(
        /^404: /,
      );
    } finally {
      await subgraph.close();
      await dispatcher.close();
    }
  });
});
