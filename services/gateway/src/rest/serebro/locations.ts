import { z } from 'zod';
import { fail } from '../errors.js';
import { graphql } from '../graphql.js';
import { present } from '../mapping.js';
import { route } from './route.js';
import { LocationFields, locationSchema, locationToRest } from './shapes/location.js';

// Locations (HighLevel's sub-accounts). Serebro's spec lists no location endpoint; HighLevel's
// `GET /locations/{locationId}` is what every integrator calls first to learn where its token
// works, so it is served on both versions (v1 with a location or agency API key, v2 with an OAuth
// token or PIT carrying `locations:read`). The edge resolves the location: a location credential
// reads only its own, an agency credential any of its locations (else 403).

export const locationsRoutes = [
  route.operation({
    method: 'GET',
    path: '/locations/{locationId}',
    section: 'locations',
    summary: 'Get a location (sub-account)',
    description:
      "HighLevel's `GET /locations/{locationId}`. A location credential reads its own location; an agency credential any of its locations. Other locations are 403.",
    beyondSpec: "HighLevel's Get Sub-Account, which Serebro's integrators call (not in Serebro's spec)",
    auth: 'required',
    rateLimit: 'api',
    scope: 'locations:read',
    request: { params: z.object({ locationId: z.string().min(1) }) },
    operation: graphql(
      `
        query SerebroGetLocation($id: ID!) {
          organization(id: $id) {
            ...LocationFields
          }
        }
      `,
      [LocationFields],
    ),
    variables: ({ params }) => ({ id: params.locationId }),
    response: {
      status: 200,
      description: 'The location',
      schema: z.object({ location: locationSchema }),
      body: (data) => ({
        location:
          locationToRest(present(data.organization, 'organization')) ??
          fail(404, 'NOT_FOUND', 'Location not found'),
      }),
    },
    errors: [403, 404],
  }),
];
