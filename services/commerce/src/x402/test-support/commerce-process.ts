import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startServiceChild } from '@seren/testing';

/** Starts commerce in a child process (@seren/testing's startServiceChild) with `env`; resolves once it listens. The caller kills it. */
export function startCommerceChild(
  env: Record<string, string | undefined>,
): Promise<{ child: ChildProcess; url: string }> {
  return startServiceChild({
    name: 'commerce',
    module: join(__dirname, '../../service.ts'),
    start: 'startCommerceService',
    env,
  });
}
