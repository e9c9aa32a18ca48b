import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// `npm start` as a newcomer runs it: the whole suite comes up, prints its base URLs, every one
// answers, and Ctrl-C stops it cleanly. Spare ports keep it clear of a suite already running.
const root = resolve(__dirname, '..', '..', '..');
const ports = {
  GATEWAY_PORT: 14000,
  SERENAI_PORT: 14001,
  SEREBRO_PORT: 14002,
  SERELO_PORT: 14003,
  IDENTITY_PORT: 14101,
  CRM_PORT: 14102,
  CONTENT_PORT: 14103,
  COMMERCE_PORT: 14104,
};

describe('npm start', () => {
  let child: ChildProcess;
  let output = '';

  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('brings up all five services, prints the base URLs, and stops cleanly on Ctrl-C', async () => {
    const env = {
      ...process.env,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      IDENTITY_URL: `http://127.0.0.1:${ports.IDENTITY_PORT}`,
      CRM_URL: `http://127.0.0.1:${ports.CRM_PORT}`,
      CONTENT_URL: `http://127.0.0.1:${ports.CONTENT_PORT}`,
      COMMERCE_URL: `http://127.0.0.1:${ports.COMMERCE_PORT}`,
      IDENTITY_DATABASE: 'start_test_identity',
      CRM_DATABASE: 'start_test_crm',
      CONTENT_DATABASE: 'start_test_content',
      COMMERCE_DATABASE: 'start_test_commerce',
      GATEWAY_DATABASE: 'start_test_gateway',
      LOG_DIR: mkdtempSync(join(tmpdir(), 'seren-start-')),
      KAFKA_BROKERS: '', // the embedded default: events through PostgreSQL
    };
    child = spawn(process.execPath, [join(root, 'scripts', 'start.ts')], { cwd: root, env });
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));

    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`not ready in time:\n${output}`)), 170_000);
      const check = () => {
        if (output.includes('Ctrl-C stops everything')) {
          clearTimeout(timer);
          ready();
        }
      };
      child.stdout!.on('data', check);
      child.once('exit', (code) => fail(new Error(`npm start exited early (${code}):\n${output}`)));
    });

    expect(output).toContain(`http://localhost:${ports.GATEWAY_PORT}/graphql`);
    expect(output).toContain(`http://localhost:${ports.SERENAI_PORT}/`);
    expect(output).toContain(`http://localhost:${ports.SEREBRO_PORT}/v2/`);
    expect(output).toContain(`http://localhost:${ports.SERELO_PORT}/api/v1/`);
    // the local chain x402 deposits settle on, with its USDC (infra/lib/anvil.ts)
    expect(output).toMatch(/Chain \(x402\)\s+http:\/\/127\.0\.0\.1:\d+ chain id 84532, USDC 0x[0-9a-fA-F]{40}/);
    expect(output).toMatch(/RPC_URL=http:\/\/127\.0\.0\.1:\d+/);
    for (const port of Object.values(ports)) {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect({ port, status: response.status }).toEqual({ port, status: 200 });
    }
    const identity = (await (await fetch(`http://127.0.0.1:${ports.IDENTITY_PORT}/readyz`)).json()) as {
      checks: Record<string, string>;
    };
    expect(identity.checks.events).toBe('up'); // embedded event mode, no Kafka

    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${ports.GATEWAY_PORT}/healthz`)).rejects.toThrow();
  }, 200_000);
});
