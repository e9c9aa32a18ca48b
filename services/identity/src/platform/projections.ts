import { apiKeysProjection } from '../api-keys/projection.js';
import { revocationNoticesProjection } from '../authentication/revocations.js';
import { organizationsProjection } from '../organizations/projection.js';
import { sessionsProjection } from '../sessions/projection.js';
import { usersProjection } from '../users/projection.js';
import { marketplaceProjection, marketplaceRevocationsProjection } from '../marketplace/projection.js';
import { vaultProjection } from '../vault/projection.js';
import {
  oauthConnectionsProjection,
  oauthProvidersProjection,
  socialAccountsProjection,
} from '../connections/projection.js';

/** Identity's inline projections: the read tables every query uses, updated in each append's transaction. */
export const identityProjections = [
  usersProjection,
  organizationsProjection,
  sessionsProjection,
  apiKeysProjection,
  // after the read tables: it reads api_keys, and notifies the gateways on commit
  revocationNoticesProjection,
  marketplaceProjection,
  // after marketplace_installs: it reads them, revokes the install's OAuth grants and notifies the gateways
  marketplaceRevocationsProjection,
  vaultProjection,
  oauthProvidersProjection,
  oauthConnectionsProjection,
  socialAccountsProjection,
];
