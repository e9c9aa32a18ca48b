// Child processes: detached servers tracked by pid files, and short commands run to completion.
import { spawn, type SpawnOptions } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Raised when a program the infra needs is not installed; its message says what to install. */
export class MissingTool extends Error {}

export interface Detached {
  command: string;
  args: readonly string[];
  cwd: string;
  logFile: string;
  pidFile: string;
  env?: NodeJS.ProcessEnv;
  /** run as this user (postgres refuses to run as root) */
  uid?: number;
  gid?: number;
}

/**
 * Starts a server in its own session with output appended to its log file, so it outlives the
 * CLI and a Ctrl-C in the terminal does not reach it. Resolves with its pid once it is running.
 */
export async function spawnDetached(options: Detached): Promise<number> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const out = openSync(options.logFile, 'a');
  try {
    writeFileSync(
      out,
      `\n--- started ${new Date().toISOString()}: ${options.command} ${options.args.join(' ')}\n`,
    );
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', out, out],
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid }),
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    // While this CLI still runs (it waits for readiness), an early death is written where the
    // server's own output goes: a signal leaves no message of its own.
    child.once('exit', (code, signal) => {
      appendFileSync(options.logFile, `--- exited ${new Date().toISOString()}: code ${code}, signal ${signal}\n`);
    });
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new Error(`${options.command} started without a pid`);
    writeFileSync(options.pidFile, `${pid}\n`);
    return pid;
  } finally {
    closeSync(out);
  }
}

export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when `pid` is alive and its command line contains `marker`. Guards against a stale pid
 * file whose pid the system has since given to an unrelated process. Without /proc (macOS) a
 * live pid is trusted.
 */
export function isOurProcess(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(marker);
  } catch {
    return !existsSync('/proc/self');
  }
}

/** The pid recorded in `pidFile` if that process is still our server; removes a stale file. */
export function runningPid(pidFile: string, marker: string): number | undefined {
  const pid = readPid(pidFile);
  if (pid !== undefined && isOurProcess(pid, marker)) return pid;
  rmSync(pidFile, { force: true });
  return undefined;
}

/** Asks a process to stop, waits up to `graceMs`, then kills it. */
export async function stopProcess(
  pid: number,
  signal: NodeJS.Signals,
  graceMs: number,
): Promise<'stopped' | 'killed'> {
  signalIfAlive(pid, signal);
  if (await exited(pid, graceMs)) return 'stopped';
  signalIfAlive(pid, 'SIGKILL');
  if (await exited(pid, 5_000)) return 'killed';
  throw new Error(`pid ${pid} survived SIGKILL`);
}

function signalIfAlive(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function exited(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid) || isZombie(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}

// A detached child whose parent is still this CLI stays a zombie until reaped; it is gone all the same.
function isZombie(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export interface RunOptions extends Pick<SpawnOptions, 'cwd' | 'env' | 'uid' | 'gid'> {
  /** what to tell the user when the command does not exist */
  missingHint?: string;
}

/** Runs a command to completion; rejects with the tail of its output when it fails. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const { missingHint, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' && missingHint ? new MissingTool(missingHint) : error);
    });
    child.once('close', (code, signal) => {
      if (code === 0) resolve(output);
      else
        reject(
          new Error(
            `${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${lastLines(output, 30)}`,
          ),
        );
    });
  });
}

export function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

export function tailFile(file: string, count = 20): string {
  return existsSync(file) ? lastLines(readFileSync(file, 'utf8'), count) : '(no log yet)';
}
