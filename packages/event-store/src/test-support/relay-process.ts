// A relay in a process of its own, for the fault tests to SIGKILL. It prints one line per event of
// interest on stdout: "active" once it holds the lock, "acked <count> <last position>" after the
// broker acknowledged a batch (before the checkpoint is stored).
// Environment: RELAY_DATABASE_URL, RELAY_TOPIC, KAFKA_BROKERS, RELAY_BATCH_SIZE (default 500),
// RELAY_PAUSE_AFTER_ACK_MS (sleep between acknowledgement and checkpoint, to be killed there).
import pino from 'pino';
import { DataSource } from 'typeorm';
import { Relay } from '../relay.js';

async function main() {
  const env = process.env;
  const dataSource = new DataSource({ type: 'postgres', url: env.RELAY_DATABASE_URL });
  await dataSource.initialize();
  const pause = Number(env.RELAY_PAUSE_AFTER_ACK_MS ?? 0);
  const relay = new Relay({
    dataSource,
    source: 'producer',
    kafka: { brokers: (env.KAFKA_BROKERS || '127.0.0.1:19092').split(',') },
    topicFor: () => env.RELAY_TOPIC,
    batchSize: Number(env.RELAY_BATCH_SIZE ?? 500),
    lockRetryMs: 100,
    logger: pino({ level: 'warn' }, pino.destination(2)),
    afterSend: async (events) => {
      process.stdout.write(`acked ${events.length} ${events.at(-1)!.position}\n`);
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    },
  });
  relay.start();
  const announce = setInterval(() => {
    if (!relay.active) return;
    process.stdout.write('active\n');
    clearInterval(announce);
  }, 20);
  process.once('SIGTERM', async () => {
    clearInterval(announce);
    await relay.stop();
    await dataSource.destroy();
    process.exit(0);
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
