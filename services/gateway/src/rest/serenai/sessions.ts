import { z } from 'zod';
import { graphql } from '../graphql.js';
import { route, dataResponse, dataResponseSchema } from './route.js';
import { revokedSchema, SessionFields, sessionSchema, sessionToRest } from './shapes/session.js';

// SerenAI "Sessions" (identity): the caller's login sessions. A revoked session's tokens stop
// working at the edge within the authentication cache's 5 s.

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
    operation: graphql(
      `
        query SerenaiListSessions {
          sessions {
            ...SessionFields
          }
        }
      `,
      [SessionFields],
    ),
    response: {
      status: 200,
      description: 'Sessions (a plain array, as the spec shows)',
      schema: z.array(sessionSchema),
      body: (data) => data.sessions.map(sessionToRest),
    },
  }),
  route.operation({
    method: 'POST',
    path: '/sessions/revoke-all',
    section: 'sessions',
    summary: 'Revoke all sessions (logout everywhere)',
    auth: 'required',
    rateLimit: 'general',
    operation: graphql('mutation SerenaiRevokeAllSessions { revokeAllSessions { revokedCount } }'),
    response: {
      status: 200,
      description: 'All sessions revoked',
      schema: dataResponseSchema(revokedSchema),
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
    operation: graphql(
      'mutation SerenaiRevokeSession($id: ID!) { revokeSession(sessionId: $id) { revokedCount } }',
    ),
    variables: ({ params }) => ({ id: params.session_id }),
    response: {
      status: 200,
      description: 'Session revoked',
      schema: dataResponseSchema(revokedSchema),
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
    operation: graphql(
      'mutation SerenaiRevokeOtherSessions($id: ID!) { revokeOtherSessions(sessionId: $id) { revokedCount } }',
    ),
    variables: ({ params }) => ({ id: params.session_id }),
    response: {
      status: 200,
      description: 'Other sessions revoked',
      schema: dataResponseSchema(revokedSchema),
      body: (data) => revoked(data.revokeOtherSessions.revokedCount),
    },
    errors: [404],
  }),
];
