import { z } from 'zod';
import { graphql } from '../graphql.js';
import { route } from './route.js';

// Marketplace apps (identity's src/marketplace/). Serebro's spec names OAuth apps but no endpoint
// of them; HighLevel's `GET /oauth/installedLocations` is what an app calls with its agency token
// to learn where it is installed, so it is served at the same path on v2. Apps, installs and PITs
// are otherwise managed over GraphQL (identity's README, "Marketplace").

const installedLocationSchema = z.object({
  _id: z.string(),
  name: z.string(),
  address: z.string().nullable(),
  isInstalled: z.boolean(),
});

const booleanQuery = z
  .enum(['true', 'false'])
  .transform((value) => value === 'true')
  .optional();

export const appsRoutes = [
  route.operation({
    method: 'GET',
    path: '/oauth/installedLocations',
    section: 'oauth',
    summary: 'Get the locations where the app is installed',
    description:
      "HighLevel's `GET /oauth/installedLocations`: the agency's locations with whether the app is installed on each. An agency (Company) OAuth access token of the app (`oauth:read`, alias `oauth.readonly`); `appId` must be the token's app and `companyId` its agency; private integration tokens are refused (403), as HighLevel does.",
    beyondSpec:
      "HighLevel's Get Location where app is installed (the spec names OAuth apps, not this endpoint)",
    versions: ['v2'],
    auth: 'required',
    rateLimit: 'api',
    scope: 'oauth:read',
    request: {
      query: z.object({
        companyId: z.string().min(1),
        appId: z.string().min(1),
        isInstalled: booleanQuery,
        query: z.string().max(200).optional(),
        skip: z.coerce.number().int().min(0).optional(),
        limit: z.coerce.number().int().min(1).max(100).optional(),
      }),
    },
    operation: graphql(`
      query SerebroInstalledLocations(
        $companyId: ID!
        $appId: ID!
        $isInstalled: Boolean
        $query: String
        $skip: Int
        $limit: Int
      ) {
        installedLocations(
          companyId: $companyId
          appId: $appId
          isInstalled: $isInstalled
          query: $query
          skip: $skip
          limit: $limit
        ) {
          count
          installToFutureLocations
          locations {
            id
            name
            address
            isInstalled
          }
        }
      }
    `),
    variables: ({ query }) => ({
      companyId: query.companyId,
      appId: query.appId,
      isInstalled: query.isInstalled ?? null,
      query: query.query ?? null,
      skip: query.skip ?? null,
      limit: query.limit ?? null,
    }),
    response: {
      status: 200,
      description: 'The locations, the total matching, and whether new locations get the app',
      schema: z.object({
        locations: z.array(installedLocationSchema),
        count: z.number().int(),
        installToFutureLocations: z.boolean(),
      }),
      body: (data) => ({
        locations: data.installedLocations.locations.map((l) => ({
          _id: l.id,
          name: l.name,
          address: l.address ?? null,
          isInstalled: l.isInstalled,
        })),
        count: data.installedLocations.count,
        installToFutureLocations: data.installedLocations.installToFutureLocations,
      }),
    },
    errors: [403, 404],
  }),
];
