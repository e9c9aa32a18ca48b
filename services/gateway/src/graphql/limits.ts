import { Kind, parse, type DocumentNode, type SelectionSetNode } from 'graphql';
import type { RateWindow } from '../config.js';
import { windowHits, type LimitSubject } from '../edge/limits.js';
import type { WindowHit } from '../edge/rate-limit.js';

/**
 * Limits of `/graphql`. The specs define limits for their REST APIs only; the graph gets the same
 * protection so it is no way around them:
 * - `credentials`: mutations that check or mint a credential, send mail or create an account
 *   (login, register, password reset, wallet recovery, ...), 10/min per IP, like SerenAI's
 *   credential routes. A request may call at most one of them: aliases would otherwise try many
 *   passwords in one request.
 * - `general`: every request, 600/min per caller (per IP when anonymous).
 * Overridable with RATE_LIMIT_OVERRIDES (`graphql.general`, `graphql.credentials`).
 */
export const GRAPHQL_LIMITS: Record<'general' | 'credentials', RateWindow[]> = {
  general: [{ limit: 600, windowMs: 60_000 }],
  credentials: [{ limit: 10, windowMs: 60_000 }],
};

export const CREDENTIAL_MUTATIONS: ReadonlySet<string> = new Set([
  'register',
  'login',
  'refreshTokens',
  'registerAgent',
  'changePassword',
  'forgotPassword',
  'resendVerification',
  'resetPassword',
  'verifyEmail',
  'acceptInvite',
  'recoverWallet',
]);

/**
 * The credential mutations a request calls (top-level fields of its mutation operations, through
 * fragments; aliases do not hide the field name). Only documents that mention `mutation` are
 * parsed; one that does not parse calls nothing here, and Apollo answers its syntax error.
 */
export function credentialMutationsOf(body: unknown, search: string): string[] {
  const query = queryOf(body, search);
  if (!query || !query.includes('mutation')) return [];
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return [];
  }
  const fragments = new Map(
    document.definitions.flatMap((d) =>
      d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [],
    ),
  );
  const found: string[] = [];
  const visit = (set: SelectionSetNode, seen: Set<string>) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (CREDENTIAL_MUTATIONS.has(selection.name.value)) found.push(selection.name.value);
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

/** The counters a GraphQL request bumps. */
export function graphqlHits(
  subject: LimitSubject,
  credentialCalls: number,
  overrides: Record<string, RateWindow[]> = {},
): WindowHit[] {
  const who = subject.caller.subject ? `user:${subject.caller.subject}` : `ip:${subject.ip}`;
  const hits = windowHits('graphql', 'general', who, GRAPHQL_LIMITS.general, overrides);
  if (credentialCalls > 0)
    hits.push(
      ...windowHits('graphql', 'credentials', `ip:${subject.ip}`, GRAPHQL_LIMITS.credentials, overrides),
    );
  return hits;
}
