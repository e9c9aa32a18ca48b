import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startServiceChild } from '@seren/testing';

/**
 * Starts content in a child process (@seren/testing's startServiceChild) with `env`, for tests that
 * SIGKILL a worker mid-job; resolves once it listens. The caller kills it.
 */
export function startContentChild(
  env: Record<string, string | undefined>,
): Promise<{ child: ChildProcess; url: string }> {
  return startServiceChild({
    name: 'content',
    module: join(__dirname, '../service.ts'),
    start: 'startContentService',
    env,
  });
}
