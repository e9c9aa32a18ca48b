import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Gateway } from '../gateway';
import { gatewayEnv, graphql, startTestGateway } from '../test-support/suite';

// A subgraph outside production (as in `npm start`) puts its stack, with file paths, into
// `extensions.stacktrace`; @apollo/gateway passes extensions through. The gateway strips it unless
// GRAPHQL_DEBUG=true. The subgraph here answers every fetch with such an error.
describe('/graphql error responses', () => {
  let subgraph: Server;
  let url: string;
  const gateways: Gateway[] = [];

  beforeAll(async () => {
    subgraph = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.setHeader('content-type', 'application/json');
        response.end(
          JSON.stringify({
            data: null,
            errors: [
              {
                message: 'API keys cannot create agencies',
                path: ['me'],
                extensions: {
                  code: 'FORBIDDEN',
                  reason: 'API_KEY_NOT_ALLOWED',
                  stacktrace: ['DomainError: API keys cannot', '    at /work/services/identity/src/x.ts:1:1'],
                  exception: { stacktrace: ['at /work/services/identity/src/x.ts:1:1'] },
                },
              },
            ],
          }),
        );
      });
    });
    await new Promise<void>((resolve) => subgraph.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(subgraph.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
    await new Promise((resolve) => subgraph.close(resolve));
  });

  const start = async (env: Record<string, string> = {}) => {
    const gateway = await startTestGateway(
      gatewayEnv({ identity: { url }, content: { url } }, { GRAPHQL_INTROSPECTION: 'false', ...env }),
    );
    gateways.push(gateway);
    return gateway;
  };

  it('carry no stack trace from a subgraph, and keep its code and reason', async () => {
    const gateway = await start();
    const { body } = await graphql(gateway, '{ me { id } }');
    expect(body.errors?.[0]).toMatchObject({
      message: 'API keys cannot create agencies',
      extensions: { code: 'FORBIDDEN', reason: 'API_KEY_NOT_ALLOWED' },
    });
    expect(JSON.stringify(body)).not.toMatch(/stacktrace|exception|x\.ts/);
  });

  it('keep it with GRAPHQL_DEBUG=true', async () => {
    const gateway = await start({ GRAPHQL_DEBUG: 'true' });
    const { body } = await graphql(gateway, '{ me { id } }');
    expect(JSON.stringify(body)).toContain('/work/services/identity/src/x.ts');
  });
});
