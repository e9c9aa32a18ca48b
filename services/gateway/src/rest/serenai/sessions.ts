import { z } from 'zod';
import { route, dataResponse, dataResponseSchema } from './route.js';

// SerenAI "Sessions" (identity): the caller's login sessions. A revoked session's tokens stop
// working at the edge within the authentication cache's 5 s.

const sessionSchema = z.object({
  id: z.string(),
  ip_address: z.string().nullable(),
  user_agent: z.string().nullable(),
  created_at: z.string(),
  last_active_at: z.string(),
  expires_at: z.string(),
  is_current: z.boolean(),
});

const revokedSchema = dataResponseSchema(z.object({ revoked_count: z.number().int() }));
const revoked = (count: number) => dataResponse({ revoked_count: count });
const sessionParams = z.object({ session_id: z.string().min(1) });

export const sessionsRoutes = [
  route.operation({
    method: 'GET',
    path: '/sessions',
    section: 'sessions',
    summary: 'List all active sessions for the current user',
    auth: 'required',
    rateLimit: 'general',
    operation:
      'query SerenaiListSessions { sessions { id ipAddress userAgent createdAt lastActiveAt expiresAt isCurrent } }',
    response: {
      status: 200,
      description: 'Sessions (a plain array, as the spec shows)',
      schema: z.array(sessionSchema),
      body: (data) =>
        data.sessions.map(
          (s: {
            id: string;
            ipAddress: string | null;
            userAgent: string | null;
            createdAt: string;
            lastActiveAt: string;
            expiresAt: string;
            isCurrent: boolean;
          }) => ({
            id: s.id,
            ip_address: s.ipAddress,
            user_agent: s.userAgent,
            created_at: s.createdAt,
            last_active_at: s.lastActiveAt,
            expires_at: s.expiresAt,
            is_current: s.isCurrent,
          }),
        ),
    },
  }),
  route.operation({
    method: 'POST',
    path: '/sessions/revoke-all',
    section: 'sessions',
    summary: 'Revoke all sessions (logout everywhere)',
    auth: 'required',
    rateLimit: 'general',
    operation: 'mutation SerenaiRevokeAllSessions { revokeAllSessions { revokedCount } }',
    response: {
      status: 200,
      description: 'All sessions revoked',
      schema: revokedSchema,
      body: (data) => revoked(data.revokeAllSessions.revokedCount),
    },
  }),
  route.operation({
    method: 'DELETE',
    path: '/sessions/{session_id}',
    section: 'sessions',
    summary: 'Revoke a specific session',
    auth: 'required',
    rateLimit: 'general',
    request: { params: sessionParams },
    operation: 'mutation SerenaiRevokeSession($id: ID!) { revokeSession(sessionId: $id) { revokedCount } }',
    variables: ({ params }) => ({ id: params.session_id }),
    response: {
      status: 200,
      description: 'Session revoked',
      schema: revokedSchema,
      body: (data) => revoked(data.revokeSession.revokedCount),
    },
    errors: [404],
  }),
  route.operation({
    method: 'POST',
    path: '/sessions/{session_id}/revoke-others',
    section: 'sessions',
    summary: 'Revoke all sessions except the given one',
    auth: 'required',
    rateLimit: 'general',
    request: { params: sessionParams },
    operation:
      'mutation SerenaiRevokeOtherSessions($id: ID!) { revokeOtherSessions(sessionId: $id) { revokedCount } }',
    variables: ({ params }) => ({ id: params.session_id }),
    response: {
      status: 200,
      description: 'Other sessions revoked',
      schema: revokedSchema,
      body: (data) => revoked(data.revokeOtherSessions.revokedCount),
    },
    errors: [404],
  }),
];
