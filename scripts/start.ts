// npm start: the whole suite on its embedded defaults, from a fresh clone.
//
// 1. infra: embedded PostgreSQL, the Temporal dev server, stripe-mock and anvil (provisioned on first run,
//    cached after). No Kafka: without KAFKA_BROKERS the services feed consumers from PostgreSQL.
// 2. build: `tsc -b` (incremental, so later runs are quick).
// 3. the five services as child processes, each awaited on its /readyz; then the base URLs.
// Ctrl-C stops the services, then the infra parts this run started.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chainEnv } from '../infra/lib/anvil.ts';
import { endpointsFromEnv } from '../infra/lib/endpoints.ts';
import { loadSettings } from '../infra/lib/settings.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The services connect where infra/ put the servers (INFRA_*_PORT moves them), or where the
// caller's DATABASE_URL / TEMPORAL_ADDRESS / STRIPE_API_BASE point. KAFKA_BROKERS passes through
// only when the caller set it: without it the services run in the embedded event mode.
const endpoints = endpointsFromEnv(process.env);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: endpoints.databaseUrl,
  TEMPORAL_ADDRESS: endpoints.temporalAddress,
  STRIPE_API_BASE: endpoints.stripeApiBase,
  // the chain x402 deposits settle on (anvil with its USDC, or the caller's RPC_URL and its settings)
  RPC_URL: endpoints.rpcUrl,
  ...chainEnv(loadSettings(process.env)),
};
const host = env.HOST || '127.0.0.1';
const logDir = resolve(env.LOG_DIR || join(root, '.data', 'logs'));
const READY_TIMEOUT_MS = 120_000;

// Kafka is left out on purpose: the embedded default carries events through PostgreSQL.
const INFRA_PARTS = ['postgres', 'temporal', 'stripe-mock', 'anvil'];

const services = [
  { name: 'identity', port: Number(env.IDENTITY_PORT || 4101) },
  { name: 'crm', port: Number(env.CRM_PORT || 4102) },
  { name: 'content', port: Number(env.CONTENT_PORT || 4103) },
  { name: 'commerce', port: Number(env.COMMERCE_PORT || 4104) },
  { name: 'gateway', port: Number(env.GATEWAY_PORT || 4000) },
];

const say = (message: string) => console.log(`[start] ${message}`);

/** How each domain service carries its events, from its own 'configuration' log line (`events`). */
const eventModes = new Map<string, string>();

function eventsSummary(): string {
  const modes = [...new Set(eventModes.values())];
  if (modes.length === 0) return 'Events: unknown (no service logged its configuration).';
  if (modes.length === 1) {
    const [mode] = modes;
    return mode!.startsWith('kafka')
      ? `Events: ${mode} (KAFKA_BROKERS).`
      : `Events: ${mode}; set KAFKA_BROKERS for Kafka.`;
  }
  return `Events: ${[...eventModes].map(([name, mode]) => `${name} ${mode}`).join('; ')}.`;
}

function infra(command: 'up' | 'down' | 'status', parts: string[], quiet = false): boolean {
  const result = spawnSync(process.execPath, [join(root, 'infra', 'cli.ts'), command], {
    cwd: root,
    env: { ...env, INFRA_PARTS: parts.join(',') },
    stdio: quiet ? 'ignore' : 'inherit',
  });
  return result.status === 0;
}

function build(): void {
  say('building (tsc -b, incremental)...');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-b'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('the build failed; see the TypeScript errors above');
}

function startService(name: string): ChildProcess {
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, [join(root, 'services', name, 'dist', 'main.js')], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  // Errors reach the terminal as well as the log file, so a failing service is never silent.
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[${name}] ${chunk}`));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.includes('"msg":"configuration"')) return;
    try {
      const events = (JSON.parse(line) as { events?: unknown }).events;
      if (typeof events === 'string') eventModes.set(name, events);
    } catch {
      // not a JSON log line
    }
  });
  child.stdout!.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (/"level":"(error|fatal)"/.test(line)) process.stderr.write(`[${name}] ${line}\n`);
    }
  });
  return child;
}

async function waitReady(name: string, port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with code ${child.exitCode}; see ${logDir}/${name}.log`);
    try {
      const response = await fetch(`http://${host}:${port}/readyz`, { signal: AbortSignal.timeout(3_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} was not ready within ${READY_TIMEOUT_MS / 1000} s; see ${logDir}/${name}.log`);
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const alreadyUp = INFRA_PARTS.filter((part) => infra('status', [part], true));
  const startedHere = INFRA_PARTS.filter((part) => !alreadyUp.includes(part));
  if (!infra('up', INFRA_PARTS)) throw new Error('infrastructure did not come up; see the messages above');

  const children = new Map<string, ChildProcess>();
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping services...');
    await Promise.all(
      [...children.values()].map(
        (child) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      ),
    );
    if (startedHere.length > 0) {
      say(`stopping ${startedHere.join(', ')} (started by this run)...`);
      infra('down', startedHere);
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    build();
    for (const { name } of services) children.set(name, startService(name));
    await Promise.all(services.map(({ name, port }) => waitReady(name, port, children.get(name)!)));
  } catch (error) {
    console.error(`[start] ${(error as Error).message}`);
    await stop(1);
    return;
  }
  for (const [name, child] of children) {
    child.once('exit', (code) => {
      if (!stopping) {
        console.error(`[start] ${name} exited unexpectedly (code ${code}); see ${logDir}/${name}.log`);
        void stop(1);
      }
    });
  }

  const port = (name: string, fallback: number) => Number(env[name] || fallback);
  say(`all services ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (logs in ${logDir})`);
  console.log(`
  GraphQL gateway   http://localhost:${port('GATEWAY_PORT', 4000)}/graphql
  SerenAI REST      http://localhost:${port('SERENAI_PORT', 4001)}/
  Serebro REST      http://localhost:${port('SEREBRO_PORT', 4002)}/ (v1)  http://localhost:${port('SEREBRO_PORT', 4002)}/v2/ (v2)
  Serelo REST       http://localhost:${port('SERELO_PORT', 4003)}/api/v1/
  Chain (x402)      ${env.RPC_URL} chain id ${env.CHAIN_ID ?? '(CHAIN_ID unset)'}, USDC ${env.USDC_ADDRESS ?? '(USDC_ADDRESS unset)'}

  ${eventsSummary()} Ctrl-C stops everything.
`);
}

await main();
