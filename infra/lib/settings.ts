// Where infra/ keeps its downloads and its servers' state, read once from the environment.
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { portsFromEnv, type Ports } from './endpoints.ts';

export const PART_NAMES = ['postgres', 'kafka', 'temporal', 'stripe-mock', 's3', 'anvil'] as const;
export type PartName = (typeof PART_NAMES)[number];

export interface Settings {
  readonly repoRoot: string;
  /** downloads and builds, shared by every checkout on the machine */
  readonly cacheDir: string;
  /** data, pid and log files of this checkout's servers */
  readonly dataDir: string;
  readonly ports: Ports;
  readonly parts: readonly PartName[];
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function loadSettings(env: Readonly<Record<string, string | undefined>> = process.env): Settings {
  return {
    repoRoot,
    cacheDir: resolve(env.INFRA_CACHE_DIR || join(homedir(), '.cache', 'seren-suite')),
    dataDir: resolve(env.INFRA_DATA_DIR || join(repoRoot, '.infra')),
    ports: portsFromEnv(env),
    parts: partsFromEnv(env.INFRA_PARTS),
    env,
  };
}

function partsFromEnv(value: string | undefined): PartName[] {
  if (!value || value.trim() === '') return [...PART_NAMES];
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(PART_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `INFRA_PARTS names unknown part(s) ${unknown.join(', ')}; known: ${PART_NAMES.join(', ')}`,
    );
  }
  return PART_NAMES.filter((name) => names.includes(name));
}
