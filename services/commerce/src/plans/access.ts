import { forbidden, notFound, requireAuthenticated, type RequestOrigin } from '@seren/service-kit';

export interface OrganizationAccess {
  organizationId: string;
  /** the user or agent acting */
  subject: string;
}

/**
 * The caller's organization, as the gateway established it: an API key's own organization, else
 * the user's default one. Commerce holds no memberships (identity does), so it acts only in that
 * organization.
 */
export function callerOrganization(request: RequestOrigin): OrganizationAccess {
  requireAuthenticated(request.caller);
  const organizationId = request.caller.organizationId;
  if (!organizationId) throw notFound('organization');
  return { organizationId, subject: request.caller.subject };
}

/**
 * The organization a path names (`default` allowed). Only the caller's own organization is found:
 * another one answers 404 "Organization not found" (the spec's status for these routes), never
 * whether it exists.
 */
export function organizationInPath(request: RequestOrigin, idOrDefault: string): OrganizationAccess {
  const access = callerOrganization(request);
  if (idOrDefault !== 'default' && idOrDefault !== access.organizationId) throw notFound('organization');
  return access;
}

/** Changing billing (payment methods, the plan) takes the organization's `billing.manage` permission. */
export function requireBillingManage(request: RequestOrigin): void {
  if (!request.caller.permissions.includes('billing.manage'))
    throw forbidden('requires billing.manage permission', { permission: 'billing.manage' });
}
