/**
 * The permission catalog. Names are `<resource_type>.<action>`; every route of every service checks
 * one of these. Identity owns it (roles grant these names); it lives here, dependency-free, so the
 * edge documents the list in OpenAPI and input schemas accept only these names.
 */
export interface PermissionDefinition {
  name: string;
  resourceType: string;
  action: string;
  description: string;
}

const p = (name: string, description: string): PermissionDefinition => {
  const [resourceType, action] = name.split('.') as [string, string];
  return { name, resourceType, action, description };
};

export const PERMISSIONS: readonly PermissionDefinition[] = [
  p('org.read', 'View the organization, its members and invites'),
  p('org.update', 'Rename the organization and change its settings'),
  p('org.delete', 'Delete the organization'),
  p('org.manage_members', 'Invite members and change their roles'),
  p('org.manage_roles', 'Create, update and delete custom roles'),
  p('org.manage_api_keys', 'Create and revoke API keys'),
  p('org.view_audit_logs', 'Read the audit log'),
  p('org.manage_locations', 'Create and manage locations of an agency'),
  p('org.manage_integrations', 'Manage marketplace apps, app installs, private integration tokens and vault credentials'),
  p('billing.read', 'View invoices, usage and payment methods'),
  p('billing.manage', 'Manage plans, payment methods and invoices'),
  p('wallet.read', 'View wallet balance and transactions'),
  p('wallet.manage', 'Deposit funds and manage the wallet'),
  p('publisher.read', 'View publishers, earnings and analytics'),
  p('publisher.manage', 'Create, update and delete publishers and pricing'),
  p('payout.manage', 'Request publisher payouts'),
  p('webhook.read', 'View webhooks and deliveries'),
  p('webhook.manage', 'Create, update and delete webhooks'),
  p('agent_task.read', 'View agent tasks'),
  p('agent_task.manage', 'Cancel agent tasks'),
  p('template.manage', 'Publish agent templates'),
  p('database.read', 'View databases'),
  p('database.manage', 'Manage databases and VPC endpoints'),
  p('contact.read', 'View CRM contacts, opportunities and appointments'),
  p('contact.manage', 'Manage CRM contacts, opportunities and appointments'),
  p('workflow.manage', 'Manage CRM workflows'),
  p('project.read', 'View content projects, sources and posts'),
  p('project.manage', 'Manage content projects, sources and posts'),
];

export const PERMISSION_NAMES: ReadonlySet<string> = new Set(PERMISSIONS.map((x) => x.name));
