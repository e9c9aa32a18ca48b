import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../../../..');

/** A TypeScript script of this package in its own Node process (compiled on the fly by register.js). */
export interface Child {
  process: ChildProcess;
  /** Lines printed on stdout so far. */
  lines: string[];
  /** Resolves with the first line (counting from now) that matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

export function runScript(script: string, env: Record<string, string>): Child {
  const child = spawn(
    process.execPath,
    ['--require', resolve(__dirname, 'register.js'), resolve(__dirname, script)],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      lines.push(line);
      for (const waiter of waiters.splice(0)) {
        if (waiter.pattern.test(line)) waiter.resolve(line);
        else waiters.push(waiter);
      }
    }
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    process: child,
    lines,
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolvePromise, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${script}: no line matching ${pattern} in ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolvePromise(line);
          },
        });
      });
    },
  };
}

/** Runs `node infra/cli.ts <command>` with INFRA_PARTS, as a developer would; rejects on failure. */
export function infra(command: 'up' | 'down' | 'status', parts: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['infra/cli.ts', command], {
      cwd: repoRoot,
      env: { ...process.env, INFRA_PARTS: parts },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('exit', (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`infra ${command} (${parts}) exited with ${code}`)),
    );
  });
}
