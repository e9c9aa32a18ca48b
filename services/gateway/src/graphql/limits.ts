import { Kind, parse, type DocumentNode, type FieldNode, type SelectionSetNode } from 'graphql';
import type { RateWindow } from '../config.js';
import {
  CREDENTIAL_LIMITS,
  credentialHits,
  windowHits,
  type CredentialAction,
  type LimitSubject,
} from '../edge/limits.js';
import type { WindowHit } from '../edge/rate-limit.js';

/**
 * Limits of `/graphql`. The specs define limits for their REST APIs only; the graph gets the same
 * protection so it is no way around them:
 * - credential mutations (login, register, password reset, wallet recovery, ...) count in the same
 *   counters as the REST routes that do the same (CREDENTIAL_LIMITS in ../edge/limits.ts): GraphQL
 *   `login` and Serelo's REST login share one counter per IP and one per account. A request may
 *   call at most one of them: aliases would otherwise try many passwords in one request.
 * - `general`: every request, 600/min per caller (per IP when anonymous).
 * Overridable with RATE_LIMIT_OVERRIDES (`graphql.general`, `credential.<action>.<per>`).
 */
export const GRAPHQL_LIMITS: Record<'general', RateWindow[]> = {
  general: [{ limit: 600, windowMs: 60_000 }],
};

export const CREDENTIAL_MUTATIONS: ReadonlySet<string> = new Set(
  Object.keys(CREDENTIAL_LIMITS) satisfies string[],
);

/** One credential mutation a request calls, with the arguments its counters read (literals or variables). */
export interface CredentialCall {
  action: CredentialAction;
  args: Record<string, unknown>;
}

/**
 * The credential mutations a request calls (top-level fields of its mutation operations, through
 * fragments; aliases do not hide the field name). Only documents that mention `mutation` are
 * parsed; one that does not parse calls nothing here, and Apollo answers its syntax error.
 */
export function credentialCallsOf(body: unknown, search: string): CredentialCall[] {
  const query = queryOf(body, search);
  if (!query || !query.includes('mutation')) return [];
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return [];
  }
  const variables = variablesOf(body);
  const fragments = new Map(
    document.definitions.flatMap((d) =>
      d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [],
    ),
  );
  const found: CredentialCall[] = [];
  const visit = (set: SelectionSetNode, seen: Set<string>) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (CREDENTIAL_MUTATIONS.has(selection.name.value))
          found.push({
            action: selection.name.value as CredentialAction,
            args: argumentsOf(selection, variables),
          });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, seen);
      } else if (!seen.has(selection.name.value)) {
        const fragment = fragments.get(selection.name.value);
        if (fragment) visit(fragment.selectionSet, new Set([...seen, selection.name.value]));
      }
    }
  };
  for (const definition of document.definitions)
    if (definition.kind === Kind.OPERATION_DEFINITION && definition.operation === 'mutation')
      visit(definition.selectionSet, new Set());
  return found;
}

/** The names of the credential mutations a request calls. */
export const credentialMutationsOf = (body: unknown, search: string): string[] =>
  credentialCallsOf(body, search).map((call) => call.action);

/** A field's string arguments, from literals or the request's variables (others are left out). */
function argumentsOf(field: FieldNode, variables: Record<string, unknown>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const argument of field.arguments ?? []) {
    const value = argument.value;
    if (value.kind === Kind.STRING) args[argument.name.value] = value.value;
    else if (value.kind === Kind.VARIABLE) args[argument.name.value] = variables[value.name.value];
  }
  return args;
}

function variablesOf(body: unknown): Record<string, unknown> {
  const variables = (body as { variables?: unknown } | undefined)?.variables;
  return variables && typeof variables === 'object' ? (variables as Record<string, unknown>) : {};
}

/** Whether a request may change state: it names a mutation, or its document is not in the request. */
export function mayWrite(body: unknown, search: string): boolean {
  const query = queryOf(body, search);
  return query === undefined || query.includes('mutation');
}

function queryOf(body: unknown, search: string): string | undefined {
  if (body && typeof body === 'object' && typeof (body as { query?: unknown }).query === 'string')
    return (body as { query: string }).query;
  if (!search) return undefined;
  return new URLSearchParams(search).get('query') ?? undefined;
}

/**
 * The counters a GraphQL request bumps: the graph's general window, and when it calls a credential
 * mutation (`credentialCalls` > 0), that mutation's counters, shared with REST.
 */
export function graphqlHits(
  subject: LimitSubject,
  credentialCalls: number,
  overrides: Record<string, RateWindow[]> = {},
): WindowHit[] {
  const who = subject.caller.subject ? `user:${subject.caller.subject}` : `ip:${subject.ip}`;
  const hits = windowHits('graphql', 'general', who, GRAPHQL_LIMITS.general, overrides);
  if (credentialCalls > 0) {
    const call = credentialCallsOf(subject.body, '')[0];
    // a GET names its mutation in the query string, which Apollo refuses: count it as the strictest
    const action: CredentialAction = call?.action ?? 'login';
    hits.push(...credentialHits(action, { ...subject, body: call?.args ?? {} }, overrides));
  }
  return hits;
}
