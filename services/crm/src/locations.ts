import { requireAuthenticated, type RequestOrigin } from '@seren/service-kit';
import { domainErrorsOf } from '@seren/service-kit/errors';

export type LocationReason = 'LOCATION_REQUIRED';
const errors = domainErrorsOf<LocationReason>();

/**
 * The location (HighLevel's sub-account) a crm command or query acts in: the caller's
 * `organizationId`, which the edge resolved (a location credential's own location, or the
 * `locationId` an agency credential named and identity allowed). An agency credential that named
 * no location still stands in its agency, which holds no records: 403 LOCATION_REQUIRED, as every
 * crm record lives in exactly one location.
 *
 * Limit: a caller without a Serebro credential (a user's session on /graphql) acts in its
 * organization as identity signed it; the crm does not check that it is a location.
 */
export function locationOf(request: RequestOrigin): string {
  const { caller } = request;
  requireAuthenticated(caller);
  const agencyWithoutLocation =
    caller.authClass === 'Company' && (!caller.resourceId || caller.organizationId === caller.resourceId);
  if (!caller.organizationId || agencyWithoutLocation)
    throw errors.forbidden('an agency credential must name the location (locationId)', {
      reason: 'LOCATION_REQUIRED',
    });
  return caller.organizationId;
}

/**
 * Whether the request acts in `organizationId` (for the crm's fields on identity's Organization:
 * only the caller's own location answers with its records; any other organization, or a caller
 * acting in none, answers empty).
 */
export function callerActsIn(request: RequestOrigin, organizationId: string): boolean {
  try {
    return locationOf(request) === organizationId;
  } catch {
    return false;
  }
}
