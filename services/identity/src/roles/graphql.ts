import { resolver, type Resolvers } from '@seren/service-kit';
import type { Identity } from '../platform/app.js';
import {
  checkPermission,
  createRole,
  deleteRole,
  getRole,
  listPermissions,
  listRoles,
  myPermissions,
  updateRole,
} from './service.js';

export function rolesResolvers(identity: Identity): Resolvers {
  return {
    Query: {
      roles: resolver<{ organizationId: string }>(identity, (i, request, args) =>
        listRoles(i, request, args.organizationId),
      ),
      role: resolver<{ organizationId: string; roleId: string }>(identity, (i, request, args) =>
        getRole(i, request, args.organizationId, args.roleId),
      ),
      permissions: resolver(identity, (_i, request) => listPermissions(request)),
      checkPermission: resolver<{ organizationId: string; permission: string }>(
        identity,
        (i, request, args) => checkPermission(i, request, args.organizationId, args.permission),
      ),
      myPermissions: resolver<{ organizationId: string }>(identity, (i, request, args) =>
        myPermissions(i, request, args.organizationId),
      ),
    },
    Mutation: {
      createRole: resolver<{
        organizationId: string;
        name: string;
        description?: string | null;
        permissions: string[];
      }>(identity, (i, request, args) => createRole(i, request, args.organizationId, args)),
      updateRole: resolver<{
        organizationId: string;
        roleId: string;
        name?: string | null;
        description?: string | null;
        permissions?: string[] | null;
      }>(identity, (i, request, args) => updateRole(i, request, args.organizationId, args.roleId, args)),
      deleteRole: resolver<{ organizationId: string; roleId: string }>(identity, async (i, request, args) => {
        await deleteRole(i, request, args.organizationId, args.roleId);
        return true;
      }),
    },
  };
}
