// Bench child process: identity and content on the real PostgreSQL and Temporal (embedded event
// mode, no Kafka), each with a fresh database. Prints their URLs as one JSON line; stops when stdin closes.
import { createInterface } from 'node:readline';
import { startContentService } from '@seren/content';
import { startIdentityService } from '@seren/identity';
import { testServiceEnv } from '@seren/testing';

const quiet = { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', MAIL_DIR: '.data/bench-mail' };
const identity = await startIdentityService(testServiceEnv('identity', { embedded: true, env: quiet }));
const content = await startContentService(testServiceEnv('content', { embedded: true, env: quiet }));
console.log('BENCH_READY ' + JSON.stringify({ identity: identity.url, content: content.url }));
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'cpu') {
    const { user, system } = process.cpuUsage();
    console.log('BENCH_CPU ' + JSON.stringify({ micros: user + system }));
  }
});
process.stdin.on('end', async () => {
  await Promise.all([identity.close(), content.close()]);
  process.exit(0);
});
