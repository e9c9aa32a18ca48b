import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const repoRoot = join(__dirname, '..', '..', '..', '..');

/**
 * The Schemathesis executable, from the virtualenv infra/ keeps in its cache (created with the
 * version pinned in infra/lib/python-venv.ts the first time, from PyPI: about 11 s).
 */
export async function schemathesisBinary(): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(repoRoot, 'infra', 'cli.ts'), 'venv', 'schemathesis'],
    { cwd: repoRoot, timeout: 5 * 60_000 },
  );
  return join(stdout.trim(), 'bin', 'schemathesis');
}

/** The checks, workers and generation settings every run uses (the file says why). */
export const CONFIG_FILE = join(__dirname, '..', '..', 'schemathesis.toml');

export interface SchemathesisRun {
  /** URL of the served OpenAPI document */
  schemaUrl: string;
  /** `Authorization` header value sent with every request, if any */
  authorization?: string;
  /** test cases per operation and phase */
  maxExamples: number;
  /** where it keeps its state (`.schemathesis/`: failures found before, replayed first) */
  workDir: string;
  /** extra arguments, e.g. `--exclude-path` with a comment at the call site saying why */
  extraArgs?: readonly string[];
}

export interface SchemathesisResult {
  exitCode: number | null;
  /** everything it printed, colour codes off */
  output: string;
  durationMs: number;
}

/** Runs `schemathesis run` to completion. Exit 0: every check passed on every generated case. */
export async function runSchemathesis(binary: string, options: SchemathesisRun): Promise<SchemathesisResult> {
  const args = [
    '--config-file',
    CONFIG_FILE,
    'run',
    options.schemaUrl,
    '--max-examples',
    String(options.maxExamples),
    ...(options.authorization ? ['--header', `Authorization: ${options.authorization}`] : []),
    ...(options.extraArgs ?? []),
  ];
  const startedAt = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      cwd: options.workDir,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (exitCode) => resolve({ exitCode, output, durationMs: Date.now() - startedAt }));
  });
}
