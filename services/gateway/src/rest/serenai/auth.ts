import { z } from 'zod';
import { route, dataResponse, dataResponseSchema } from './route.js';
import {
  ORGANIZATION_FIELDS,
  noOrganizationAs400,
  organizationBody,
  organizationSchema,
  orgParams,
} from './organizations.js';

// SerenAI "Auth" and "agent" (identity): agent registration, email verification, password reset,
// the current user, and organization API keys (incl. the `default` organization shortcuts).

export const USER_FIELDS = /* GraphQL */ `
  fragment UserFields on User {
    id
    email
    name
    kind
    emailVerified
    createdAt
    updatedAt
  }
`;

export const userSchema = z.object({
  id: z.string(),
  email: z.string().nullable(),
  name: z.string(),
  email_verified: z.boolean(),
  is_agent: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});

interface UserData {
  id: string;
  email: string | null;
  name: string;
  kind: string;
  emailVerified: boolean;
  createdAt: string;
  updatedAt: string;
}

export const userBody = (u: UserData) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  email_verified: u.emailVerified,
  is_agent: u.kind === 'AGENT',
  created_at: u.createdAt,
  updated_at: u.updatedAt,
});

const API_KEY_FIELDS = /* GraphQL */ `
  fragment ApiKeyFields on ApiKey {
    id
    organizationId
    name
    prefix
    createdBy
    createdAt
    expiresAt
    lastUsedAt
    revokedAt
  }
`;

const apiKeySchema = z.object({
  id: z.string(),
  organization_id: z.string(),
  name: z.string(),
  key_prefix: z.string(),
  created_by: z.string().nullable(),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

interface ApiKeyData {
  id: string;
  organizationId: string;
  name: string;
  prefix: string;
  createdBy: string | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export const apiKeyBody = (k: ApiKeyData) => ({
  id: k.id,
  organization_id: k.organizationId,
  name: k.name,
  key_prefix: k.prefix,
  created_by: k.createdBy,
  created_at: k.createdAt,
  expires_at: k.expiresAt,
  last_used_at: k.lastUsedAt,
  revoked_at: k.revokedAt,
});

export const apiKeyCreatedSchema = apiKeySchema.extend({
  key: z.string().describe('the full API key, shown once'),
});

const loginResultSchema = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int(),
  user: userSchema,
});

const message = (text: string) => z.object({ message: z.string().meta({ examples: [text] }) });

const createKeyBody = z.object({
  name: z.string(),
  expires_in_days: z.number().int().nullish(),
});

// The same three API key operations serve `/organizations/default/...` and `/organizations/{id}/...`.
const listKeys = /* GraphQL */ `
  query SerenaiListApiKeys($org: ID!) {
    apiKeys(organizationId: $org) {
      ...ApiKeyFields
    }
  }
  ${API_KEY_FIELDS}
`;
const createKey = /* GraphQL */ `
  mutation SerenaiCreateApiKey($org: ID!, $name: String!, $days: Int) {
    createApiKey(organizationId: $org, name: $name, expiresInDays: $days) {
      key
      apiKey {
        ...ApiKeyFields
      }
    }
  }
  ${API_KEY_FIELDS}
`;
const revokeKey = /* GraphQL */ `
  mutation SerenaiRevokeApiKey($org: ID!, $key: ID!) {
    revokeApiKey(organizationId: $org, keyId: $key) {
      ...ApiKeyFields
    }
  }
  ${API_KEY_FIELDS}
`;

function apiKeyRoutes(prefix: '/organizations/default' | '/organizations/{organization_id}') {
  const isDefault = prefix === '/organizations/default';
  const org = (params: { organization_id?: string }) => (isDefault ? 'default' : params.organization_id!);
  const params = isDefault ? z.object({}) : orgParams;
  const where = isDefault ? "the user's default organization" : 'a specific organization';
  return [
    route.operation({
      method: 'GET',
      path: `${prefix}/api-keys`,
      section: 'auth',
      summary: `List API keys of ${where}`,
      auth: 'required',
      rateLimit: 'general',
      request: { params },
      operation: listKeys,
      variables: ({ params }) => ({ org: org(params as { organization_id?: string }) }),
      response: {
        status: 200,
        description: 'List of API keys',
        schema: dataResponseSchema(z.array(apiKeySchema)),
        body: (data) => dataResponse(data.apiKeys.map(apiKeyBody)),
      },
      mapError: noOrganizationAs400,
      errors: isDefault ? [400] : [404],
    }),
    route.operation({
      method: 'POST',
      path: `${prefix}/api-keys`,
      section: 'auth',
      summary: `Create an API key for ${where}`,
      description: 'The full key is in this response only; save it.',
      auth: 'required',
      rateLimit: 'general',
      request: { params, body: createKeyBody },
      operation: createKey,
      variables: ({ params, body }) => ({
        org: org(params as { organization_id?: string }),
        name: body.name,
        days: body.expires_in_days ?? null,
      }),
      response: {
        status: 201,
        description: 'API key created',
        schema: dataResponseSchema(apiKeyCreatedSchema),
        body: (data) => dataResponse({ ...apiKeyBody(data.createApiKey.apiKey), key: data.createApiKey.key }),
      },
      mapError: noOrganizationAs400,
      errors: isDefault ? [400] : [400, 404],
    }),
    route.operation({
      method: 'DELETE',
      path: `${prefix}/api-keys/{key_id}`,
      section: 'auth',
      summary: `Revoke an API key of ${where}`,
      auth: 'required',
      rateLimit: 'general',
      request: {
        params: isDefault
          ? z.object({ key_id: z.string().min(1) })
          : orgParams.extend({ key_id: z.string().min(1) }),
      },
      operation: revokeKey,
      variables: ({ params }) => ({
        org: org(params as { organization_id?: string }),
        key: (params as { key_id: string }).key_id,
      }),
      response: {
        status: 200,
        description: 'API key revoked',
        schema: dataResponseSchema(apiKeySchema),
        body: (data) => dataResponse(apiKeyBody(data.revokeApiKey)),
      },
      mapError: noOrganizationAs400,
      errors: isDefault ? [400, 404] : [404],
    }),
  ];
}

export const authRoutes = [
  route.operation({
    method: 'POST',
    path: '/auth/agent',
    section: 'auth',
    summary: 'Register a new AI agent account',
    description:
      'No email verification; a personal organization is created and an API key named "agent" is returned once. ' +
      'Without a name, a unique celestial display name is drawn.',
    auth: 'none',
    rateLimit: 'sensitive',
    request: { body: z.object({ name: z.string().nullish() }) },
    operation: /* GraphQL */ `
      mutation SerenaiRegisterAgent($name: String) {
        registerAgent(name: $name) {
          user {
            ...UserFields
          }
          organization {
            ...OrganizationFields
          }
          apiKey {
            key
            apiKey {
              id
              name
              prefix
              createdAt
              expiresAt
            }
          }
        }
      }
      ${USER_FIELDS}
      ${ORGANIZATION_FIELDS}
    `,
    variables: ({ body }) => ({ name: body.name ?? null }),
    response: {
      status: 201,
      description: 'Agent registered successfully',
      schema: z.object({
        data: z.object({
          user: userSchema,
          organization: organizationSchema,
          api_key: z.string().describe('shown once'),
          api_key_id: z.string(),
          api_key_prefix: z.string(),
        }),
      }),
      body: ({ registerAgent: r }) => ({
        data: {
          user: userBody(r.user),
          organization: organizationBody(r.organization),
          api_key: r.apiKey.key,
          api_key_id: r.apiKey.apiKey.id,
          api_key_prefix: r.apiKey.apiKey.prefix,
        },
      }),
    },
    errors: [400],
  }),
  route.operation({
    method: 'PATCH',
    path: '/auth/agent',
    section: 'auth',
    summary: "Update an agent's profile (set a real email address)",
    description: 'A changed email becomes unverified and a verification link is mailed to it.',
    auth: 'required',
    rateLimit: 'general',
    request: { body: z.object({ email: z.string() }) },
    operation: /* GraphQL */ `
      mutation SerenaiUpdateAgent($email: String!) {
        updateAgent(email: $email) {
          ...UserFields
        }
      }
      ${USER_FIELDS}
    `,
    variables: ({ body }) => ({ email: body.email }),
    response: {
      status: 200,
      description: 'Agent updated',
      schema: dataResponseSchema(userSchema),
      body: (data) => dataResponse(userBody(data.updateAgent)),
    },
    errors: [400],
  }),
  route.operation({
    method: 'POST',
    path: '/auth/forgot-password',
    section: 'auth',
    summary: 'Request a password reset email',
    description: 'Answers alike whether or not the account exists.',
    auth: 'none',
    rateLimit: 'sensitive',
    request: { body: z.object({ email: z.string() }) },
    operation: 'mutation SerenaiForgotPassword($email: String!) { forgotPassword(email: $email) }',
    variables: ({ body }) => ({ email: body.email }),
    response: {
      status: 200,
      description: 'Password reset email sent if account exists',
      schema: dataResponseSchema(
        message('If an account exists for this email, a password reset link has been sent.'),
      ),
      body: () =>
        dataResponse({
          message: 'If an account exists for this email, a password reset link has been sent.',
        }),
    },
    errors: [400],
  }),
  route.operation({
    method: 'GET',
    path: '/auth/me',
    section: 'auth',
    summary: 'Current authenticated user with default organization',
    auth: 'required',
    rateLimit: 'general',
    operation: /* GraphQL */ `
      query SerenaiMe {
        me {
          ...UserFields
          defaultOrganization {
            ...OrganizationFields
          }
        }
      }
      ${USER_FIELDS}
      ${ORGANIZATION_FIELDS}
    `,
    response: {
      status: 200,
      description: 'Current user information with default organization',
      schema: dataResponseSchema(userSchema.extend({ default_organization: organizationSchema.nullable() })),
      body: ({ me }) =>
        dataResponse({
          ...userBody(me),
          default_organization: me.defaultOrganization ? organizationBody(me.defaultOrganization) : null,
        }),
    },
  }),
  route.operation({
    method: 'POST',
    path: '/auth/resend-verification',
    section: 'auth',
    summary: 'Resend the email verification link',
    description: 'Answers alike whether or not the account exists.',
    auth: 'none',
    rateLimit: 'sensitive',
    request: { body: z.object({ email: z.string() }) },
    operation: 'mutation SerenaiResendVerification($email: String!) { resendVerification(email: $email) }',
    variables: ({ body }) => ({ email: body.email }),
    response: {
      status: 200,
      description: 'Verification email sent if account exists',
      schema: dataResponseSchema(
        message(
          'If an account exists for this email and is not verified, a verification link has been sent.',
        ),
      ),
      body: () =>
        dataResponse({
          message:
            'If an account exists for this email and is not verified, a verification link has been sent.',
        }),
    },
    errors: [400],
  }),
  route.operation({
    method: 'POST',
    path: '/auth/reset-password',
    section: 'auth',
    summary: 'Reset password using a valid token',
    auth: 'none',
    rateLimit: 'sensitive',
    request: { body: z.object({ token: z.string(), new_password: z.string() }) },
    operation:
      'mutation SerenaiResetPassword($token: String!, $password: String!) { resetPassword(token: $token, newPassword: $password) }',
    variables: ({ body }) => ({ token: body.token, password: body.new_password }),
    response: {
      status: 200,
      description: 'Password reset successfully',
      schema: dataResponseSchema(message('Password reset successfully')),
      body: () => dataResponse({ message: 'Password reset successfully' }),
    },
    errors: [400, 404],
  }),
  route.operation({
    method: 'POST',
    path: '/auth/verify-email',
    section: 'auth',
    summary: 'Verify an email address and log in',
    auth: 'none',
    rateLimit: 'sensitive',
    request: { body: z.object({ token: z.string() }) },
    operation: /* GraphQL */ `
      mutation SerenaiVerifyEmail($token: String!) {
        verifyEmail(token: $token) {
          accessToken
          refreshToken
          tokenType
          expiresIn
          user {
            ...UserFields
          }
        }
      }
      ${USER_FIELDS}
    `,
    variables: ({ body }) => ({ token: body.token }),
    response: {
      status: 200,
      description: 'Email verified and user logged in',
      schema: dataResponseSchema(loginResultSchema),
      body: ({ verifyEmail: v }) =>
        dataResponse({
          access_token: v.accessToken,
          refresh_token: v.refreshToken,
          token_type: v.tokenType,
          expires_in: v.expiresIn,
          user: userBody(v.user),
        }),
    },
    errors: [400],
  }),
  ...apiKeyRoutes('/organizations/default'),
  ...apiKeyRoutes('/organizations/{organization_id}'),
];
