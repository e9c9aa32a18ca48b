import {
  apiKeyNameInput,
  emailInput,
  expiresInDaysInput,
  passwordInput,
  personNameInput,
} from '@seren/contracts';
import { z } from 'zod';
import { graphql } from '../graphql.js';
import { present } from '../mapping.js';
import { route, dataResponse, dataResponseSchema } from './route.js';
import {
  ApiKeyFields,
  apiKeySchema,
  apiKeyToRest,
  CreatedApiKeyFields,
  createdApiKeySchema,
  createdApiKeyToRest,
} from './shapes/api-key.js';
import {
  OrganizationFields,
  organizationParams as orgParams,
  organizationSchema,
  organizationToRest,
} from './shapes/organization.js';
import {
  LoginResultFields,
  loginResultSchema,
  loginResultToRest,
  UserFields,
  userSchema,
  userToRest,
} from './shapes/user.js';

// SerenAI "Auth" and "agent" (identity): agent registration, email verification, password reset,
// the current user, and organization API keys (incl. the `default` organization shortcuts).

const message = (text: string) => z.object({ message: z.string().meta({ examples: [text] }) });

// identity's input schemas: OpenAPI documents the limits identity enforces
const createKeyBody = z.object({
  name: apiKeyNameInput,
  expires_in_days: expiresInDaysInput.nullish(),
});

// The same three API key operations serve `/organizations/default/...` and `/organizations/{id}/...`.
const listKeys = graphql(
  `
    query SerenaiListApiKeys($org: ID!) {
      apiKeys(organizationId: $org) {
        ...ApiKeyFields
      }
    }
  `,
  [ApiKeyFields],
);
const createKey = graphql(
  `
    mutation SerenaiCreateApiKey($org: ID!, $name: String!, $days: Int) {
      createApiKey(organizationId: $org, name: $name, expiresInDays: $days) {
        ...CreatedApiKeyFields
      }
    }
  `,
  [CreatedApiKeyFields],
);
const revokeKey = graphql(
  `
    mutation SerenaiRevokeApiKey($org: ID!, $key: ID!) {
      revokeApiKey(organizationId: $org, keyId: $key) {
        ...ApiKeyFields
      }
    }
  `,
  [ApiKeyFields],
);

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
        body: (data) => dataResponse(data.apiKeys.map(apiKeyToRest)),
      },
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
        schema: dataResponseSchema(createdApiKeySchema),
        body: (data) => dataResponse(createdApiKeyToRest(data.createApiKey)),
      },
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
        body: (data) => dataResponse(apiKeyToRest(data.revokeApiKey)),
      },
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
    rateLimit: 'registerAgent',
    request: { body: z.object({ name: personNameInput.nullish() }) },
    operation: graphql(
      `
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
                prefix
              }
            }
          }
        }
      `,
      [UserFields, OrganizationFields],
    ),
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
          user: userToRest(r.user),
          organization: organizationToRest(r.organization),
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
    description:
      'Agents only (403 AGENT_ONLY for people). The new address is pending until the link mailed to it is followed: ' +
      'until then the login and reset address is unchanged, and the old address is told. The answer is the same ' +
      'whether or not another account uses the address (its owner is told by mail).',
    auth: 'required',
    rateLimit: 'updateAgent',
    request: { body: z.object({ email: emailInput }) },
    operation: graphql(
      `
        mutation SerenaiUpdateAgent($email: String!) {
          updateAgent(email: $email) {
            ...UserFields
          }
        }
      `,
      [UserFields],
    ),
    variables: ({ body }) => ({ email: body.email }),
    response: {
      status: 200,
      description: 'Agent updated',
      schema: dataResponseSchema(userSchema),
      body: (data) => dataResponse(userToRest(data.updateAgent)),
    },
    errors: [400, 403],
  }),
  route.operation({
    method: 'POST',
    path: '/auth/forgot-password',
    section: 'auth',
    summary: 'Request a password reset email',
    description: 'Answers alike whether or not the account exists.',
    auth: 'none',
    rateLimit: 'forgotPassword',
    request: { body: z.object({ email: emailInput }) },
    operation: graphql('mutation SerenaiForgotPassword($email: String!) { forgotPassword(email: $email) }'),
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
    operation: graphql(
      `
        query SerenaiMe {
          me {
            ...UserFields
            defaultOrganization {
              ...OrganizationFields
            }
          }
        }
      `,
      [UserFields, OrganizationFields],
    ),
    response: {
      status: 200,
      description: 'Current user information with default organization',
      schema: dataResponseSchema(userSchema.extend({ default_organization: organizationSchema.nullable() })),
      body: (data) => {
        const me = present(data.me, 'me of an authenticated caller');
        return dataResponse({
          ...userToRest(me),
          default_organization: me.defaultOrganization ? organizationToRest(me.defaultOrganization) : null,
        });
      },
    },
  }),
  route.operation({
    method: 'POST',
    path: '/auth/resend-verification',
    section: 'auth',
    summary: 'Resend the email verification link',
    description: 'Answers alike whether or not the account exists.',
    auth: 'none',
    rateLimit: 'resendVerification',
    request: { body: z.object({ email: emailInput }) },
    operation: graphql(
      'mutation SerenaiResendVerification($email: String!) { resendVerification(email: $email) }',
    ),
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
    rateLimit: 'resetPassword',
    request: { body: z.object({ token: z.string(), new_password: passwordInput }) },
    operation: graphql(
      'mutation SerenaiResetPassword($token: String!, $password: String!) { resetPassword(token: $token, newPassword: $password) }',
    ),
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
    rateLimit: 'verifyEmail',
    request: { body: z.object({ token: z.string() }) },
    operation: graphql(
      `
        mutation SerenaiVerifyEmail($token: String!) {
          verifyEmail(token: $token) {
            ...LoginResultFields
          }
        }
      `,
      [LoginResultFields],
    ),
    variables: ({ body }) => ({ token: body.token }),
    response: {
      status: 200,
      description: 'Email verified and user logged in',
      schema: dataResponseSchema(loginResultSchema),
      body: (data) => dataResponse(loginResultToRest(data.verifyEmail)),
    },
    errors: [400],
  }),
  ...apiKeyRoutes('/organizations/default'),
  ...apiKeyRoutes('/organizations/{organization_id}'),
];
