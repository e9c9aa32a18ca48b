import { resolver, type Resolvers } from '@seren/service-kit';
import type { Identity } from '../platform/app.js';
import {
  listSessions,
  refreshSession,
  revokeAllSessions,
  revokeOtherSessions,
  revokeSession,
} from './service.js';

export function sessionsResolvers(identity: Identity): Resolvers {
  return {
    Query: {
      sessions: resolver(identity, (i, request) => listSessions(i, request)),
    },
    Mutation: {
      refreshTokens: resolver<{ refreshToken: string }>(identity, (i, request, args) =>
        refreshSession(i, request, args.refreshToken),
      ),
      revokeSession: resolver<{ sessionId: string }>(identity, async (i, request, args) => ({
        revokedCount: await revokeSession(i, request, args.sessionId),
      })),
      revokeAllSessions: resolver(identity, async (i, request) => ({
        revokedCount: await revokeAllSessions(i, request),
      })),
      revokeOtherSessions: resolver<{ sessionId: string }>(identity, async (i, request, args) => ({
        revokedCount: await revokeOtherSessions(i, request, args.sessionId),
      })),
    },
  };
}
