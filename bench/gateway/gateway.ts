// Bench child process: one gateway in front of the bench's subgraphs, printing its URLs as a JSON line.
//   node gateway.ts tuned   the Seren gateway (services/gateway), its production settings
//   node gateway.ts stock   @apollo/gateway + @apollo/server with default options on the same supergraph
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { loadGatewayConfig, startGateway } from '@seren/gateway';

const mode = process.argv[2];

// `cpu` on stdin: this process's CPU time so far (µs), so the parent can charge a run to the gateway.
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'cpu') {
    const { user, system } = process.cpuUsage();
    console.log('BENCH_CPU ' + JSON.stringify({ micros: user + system }));
  }
});
const urls: Record<string, string> = {
  identity: process.env.IDENTITY_URL!,
  content: process.env.CONTENT_URL!,
};

if (mode === 'tuned') {
  const gateway = await startGateway(
    loadGatewayConfig({
      ...process.env,
      GATEWAY_PORT: '0',
      SERENAI_PORT: '0',
      SEREBRO_PORT: '0',
      SERELO_PORT: '0',
    }),
  );
  console.log(
    'BENCH_READY ' +
      JSON.stringify({ graphql: gateway.listeners.graphql.url, serelo: gateway.listeners.serelo.url }),
  );
  process.stdin.resume();
  process.stdin.on('end', async () => {
    await gateway.close();
    process.exit(0);
  });
} else if (mode === 'stock') {
  // Default options throughout; the only additions are addressing each subgraph and passing the
  // caller's token header on, without which the subgraphs would see an anonymous caller.
  const supergraphSdl = readFileSync(
    join(import.meta.dirname, '..', '..', 'services', 'gateway', 'supergraph.graphql'),
    'utf8',
  );
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) =>
      new RemoteGraphQLDataSource<{ token?: string }>({
        url: `${urls[name]}/graphql`,
        willSendRequest({ request, context }) {
          if (context.token) request.http?.headers.set('x-internal-token', context.token);
        },
      }),
  });
  const server = new ApolloServer<{ token?: string }>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { host: '127.0.0.1', port: 0 },
    context: async ({ req }) => ({ token: req.headers['x-internal-token'] as string | undefined }),
  });
  console.log('BENCH_READY ' + JSON.stringify({ graphql: url.replace(/\/$/, '') }));
  process.stdin.resume();
  process.stdin.on('end', async () => {
    await server.stop();
    process.exit(0);
  });
} else {
  console.error('usage: node gateway.ts tuned|stock');
  process.exit(2);
}
