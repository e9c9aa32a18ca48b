import { startDomainService, type DomainService } from '@seren/service-kit';

// The identity service: users (humans and agents), credentials, sessions, organizations, members, invites, API keys, roles and permissions, the audit log and the OAuth 2.0 server.
export function startIdentityService(env?: Record<string, string | undefined>): Promise<DomainService> {
  return startDomainService({ name: 'identity', defaultPort: 4101, env });
}
