import { PERMISSIONS } from '@seren/contracts';

/**
 * The built-in roles over the permission catalog. The catalog itself (`PERMISSIONS`, names
 * `<resource_type>.<action>`) is in @seren/contracts, so the gateway documents the same list that
 * roles are checked against. Built-in roles have fixed ids (their names), are shared by all
 * organizations, and can be neither edited nor deleted.
 */
export { PERMISSIONS, PERMISSION_NAMES, type PermissionDefinition } from '@seren/contracts';

/** When the catalog was first published (its entries' created_at). */
export const CATALOG_CREATED_AT = '2025-01-01T00:00:00.000Z';

export interface BuiltinRole {
  id: string;
  name: string;
  description: string;
  permissions: readonly string[];
}

const all = PERMISSIONS.map((x) => x.name);
const reads = all.filter((n) => n.endsWith('.read') || n === 'org.view_audit_logs');
const editorExtra = [
  'publisher.manage',
  'webhook.manage',
  'agent_task.manage',
  'template.manage',
  'database.manage',
  'contact.manage',
  'workflow.manage',
  'project.manage',
  'wallet.manage',
];

export const BUILTIN_ROLES: readonly BuiltinRole[] = [
  {
    id: 'owner',
    name: 'owner',
    description: 'Full control, including deleting the organization',
    permissions: all,
  },
  {
    id: 'admin',
    name: 'admin',
    description: 'Everything but deleting the organization',
    permissions: all.filter((n) => n !== 'org.delete'),
  },
  {
    id: 'editor',
    name: 'editor',
    description: 'Read everything and manage resources, not members, roles or keys',
    permissions: [...reads, ...editorExtra],
  },
  { id: 'viewer', name: 'viewer', description: 'Read-only access', permissions: reads },
];

const builtinById = new Map(BUILTIN_ROLES.map((r) => [r.id, r]));

export function builtinRole(id: string): BuiltinRole | undefined {
  return builtinById.get(id.toLowerCase());
}

export const isBuiltinRoleName = (name: string) => builtinById.has(name.trim().toLowerCase());

/** The role invitees get when none is named ("member" in the spec's words; `member` is accepted as its alias). */
export const DEFAULT_MEMBER_ROLE = 'editor';
