// Bench child process: the Seren gateway (its production settings, rate limits on) in front of the
// bench's identity and crm, printing its Serebro URL as a JSON line; stops when stdin closes.
import { createInterface } from 'node:readline';
import { profileCommand } from './profiler.ts';
import { loadGatewayConfig, startGateway } from '@seren/gateway';

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'cpu') {
    const { user, system } = process.cpuUsage();
    console.log('BENCH_CPU ' + JSON.stringify({ micros: user + system }));
  } else if (line.startsWith('profile ')) void profileCommand(line.slice('profile '.length));
});
const gateway = await startGateway(
  loadGatewayConfig({
    ...process.env,
    // the gateway's settings as a development run's (the process runs NODE_ENV=production for its
    // libraries, see run.ts; production settings would refuse the bench's development secrets)
    NODE_ENV: 'development',
    GATEWAY_PORT: '0',
    SERENAI_PORT: '0',
    SEREBRO_PORT: '0',
    SERELO_PORT: '0',
  }),
);
console.log('BENCH_READY ' + JSON.stringify({ serebro: gateway.listeners.serebro.url }));
process.stdin.resume();
process.stdin.on('end', async () => {
  await gateway.close();
  process.exit(0);
});
