import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { apiSchemaOf } from './compose.js';

export interface SchemaDiff {
  breaking: Change[];
  dangerous: Change[];
  safe: Change[];
}

/** Changes of the client-facing schema between two supergraphs, by criticality. */
export async function diffSupergraphs(before: string, after: string): Promise<SchemaDiff> {
  const changes = await diff(apiSchemaOf(before), apiSchemaOf(after));
  const of = (level: CriticalityLevel) => changes.filter((c) => c.criticality.level === level);
  return {
    breaking: of(CriticalityLevel.Breaking),
    dangerous: of(CriticalityLevel.Dangerous),
    safe: of(CriticalityLevel.NonBreaking),
  };
}

export function describeChanges(changes: Change[]): string {
  return changes
    .map((c) => `  - [${c.criticality.level}] ${c.message}${c.path ? ` (${c.path})` : ''}`)
    .join('\n');
}
