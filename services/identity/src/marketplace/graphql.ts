import { resolver, type Resolvers } from '@seren/service-kit';
import type { Identity } from '../platform/app.js';
import {
  deleteApp,
  getApp,
  listApps,
  registerApp,
  rotateAppSecret,
  updateApp,
  type AppView,
} from './apps.js';
import type { AppInput } from './decide.js';
import {
  installedLocations,
  type InstalledLocationsQuery,
  listInstallsOfApp,
  listInstallsOfOrganization,
  uninstallApp,
} from './installs.js';
import { createPit, listPits, revokePit, rotatePit } from './pits.js';

type Org = { organizationId: string };

export function marketplaceResolvers(identity: Identity): Resolvers {
  return {
    // enum values are the convention's UPPER_CASE in GraphQL, the contracts' values inside
    MarketplaceDistribution: { AGENCY: 'agency', LOCATION: 'location' },
    SerebroUserType: { LOCATION: 'Location', COMPANY: 'Company' },
    Query: {
      marketplaceApps: resolver<Org>(identity, (i, request, args) =>
        listApps(i, request, args.organizationId),
      ),
      marketplaceApp: resolver<Org & { appId: string }>(identity, (i, request, args) =>
        getApp(i, request, args.organizationId, args.appId),
      ),
      appInstalls: resolver<Org>(identity, (i, request, args) =>
        listInstallsOfOrganization(i, request, args.organizationId),
      ),
      installedLocations: resolver<InstalledLocationsQuery>(identity, async (i, request, args) => {
        const answer = await installedLocations(i, request, args);
        return { ...answer, locations: answer.locations.map(({ _id, ...rest }) => ({ id: _id, ...rest })) };
      }),
      privateIntegrations: resolver<Org>(identity, (i, request, args) =>
        listPits(i, request, args.organizationId),
      ),
    },
    MarketplaceApp: {
      installs: resolver<{ active?: boolean | null; companyId?: string | null }, AppView>(
        identity,
        (i, request, args, app) => listInstallsOfApp(i, request, app.organizationId, app.id, args),
      ),
    },
    Mutation: {
      registerMarketplaceApp: resolver<Org & AppInput>(identity, (i, request, { organizationId, ...input }) =>
        registerApp(i, request, organizationId, input),
      ),
      updateMarketplaceApp: resolver<Org & { appId: string } & AppInput>(
        identity,
        (i, request, { organizationId, appId, ...input }) =>
          updateApp(i, request, organizationId, appId, input),
      ),
      rotateMarketplaceAppSecret: resolver<Org & { appId: string; graceSeconds?: number | null }>(
        identity,
        (i, request, args) => rotateAppSecret(i, request, args.organizationId, args.appId, args.graceSeconds),
      ),
      deleteMarketplaceApp: resolver<Org & { appId: string }>(identity, (i, request, args) =>
        deleteApp(i, request, args.organizationId, args.appId),
      ),
      uninstallApp: resolver<{ installId: string }>(identity, (i, request, args) =>
        uninstallApp(i, request, args.installId),
      ),
      createPrivateIntegration: resolver<Org & { name: string; scopes: string[] }>(
        identity,
        (i, request, args) =>
          createPit(i, request, args.organizationId, { name: args.name, scopes: args.scopes }),
      ),
      rotatePrivateIntegration: resolver<Org & { id: string; overlapSeconds?: number | null }>(
        identity,
        (i, request, args) => rotatePit(i, request, args.organizationId, args.id, args.overlapSeconds),
      ),
      revokePrivateIntegration: resolver<Org & { id: string }>(identity, (i, request, args) =>
        revokePit(i, request, args.organizationId, args.id),
      ),
    },
  };
}
