import type Provider from 'oidc-provider';
import { SEREBRO_SCOPES, parseSerebroScopes } from '@seren/contracts';
import { isDomainError } from '@seren/service-kit';
import type { Identity } from '../platform/app.js';
import type { RequestInfo } from '../platform/request.js';
import { membershipOf } from '../organizations/access.js';
import { MANAGE_INTEGRATIONS, recordInstall, type AppClient } from '../marketplace/apps.js';
import { recordGrant } from './grants.js';
import type { ConsentChoice } from './pages.js';
import type { SerebroAuthorizationServer } from './provider.js';

/** The organization kinds an app installs on: agency apps on agencies (Company) and locations. */
export const installableKinds = (client: AppClient): ('agency' | 'location')[] =>
  client.distribution === 'agency' ? ['agency', 'location'] : ['location'];

/** HighLevel's class of the tokens an install on an organization of this kind gets. */
export const userTypeOf = (kind: 'agency' | 'location'): 'Location' | 'Company' =>
  kind === 'location' ? 'Location' : 'Company';

export function consentScopes(scope: string): { name: string; description: string }[] {
  const wanted = new Set(parseSerebroScopes(scope).scopes);
  return SEREBRO_SCOPES.filter((s) => wanted.has(s.name)).map((s) => ({
    name: s.name,
    description: s.description,
  }));
}

/**
 * Where the user may install the app: the agencies (agency apps) and locations he is a member of —
 * a location also through its agency — with the permission to manage integrations there.
 */
export async function consentChoices(
  identity: Identity,
  userId: string,
  kinds: ('agency' | 'location')[],
): Promise<ConsentChoice[]> {
  const rows: { id: string; name: string; kind: 'agency' | 'location'; parent_name: string | null }[] =
    await identity.dataSource.query(
      `select o.id, o.name, o.kind, p.name as parent_name
       from organizations o left join organizations p on p.id = o.parent_id
       where o.kind = any($2::text[])
         and exists (select 1 from members m where m.user_id = $1 and m.organization_id in (o.id, o.parent_id))
       order by o.kind, o.name, o.id limit 500`,
      [userId, kinds],
    );
  const allowed = await Promise.all(
    rows.map(async (row) =>
      (await membershipOf(identity, userId, row.id))?.permissions.includes(MANAGE_INTEGRATIONS),
    ),
  );
  return rows
    .filter((_, i) => allowed[i])
    .map((row) => ({
      id: row.id,
      name: row.name,
      kind: row.kind,
      ...(row.parent_name && { parentName: row.parent_name }),
    }));
}

/**
 * The user's approval: the install is recorded (the marketplace's `recordInstall`, which publishes
 * INSTALL), then an oidc-provider grant of the consented scopes on the Serebro API, and what the
 * grant was given for (`oauth_grants`, read into every token it issues).
 */
export async function approveInstall(
  identity: Identity,
  server: SerebroAuthorizationServer,
  provider: Provider,
  request: RequestInfo,
  input: { client: AppClient; userId: string; organizationId: string; scope: string },
): Promise<{ grantId: string } | { error: string }> {
  const { client, userId } = input;
  const choice = (await consentChoices(identity, userId, installableKinds(client))).find(
    (c) => c.id === input.organizationId,
  );
  if (!choice) return { error: 'Pick one of the places offered.' };
  const userType = userTypeOf(choice.kind);
  const scopes = parseSerebroScopes(input.scope).scopes.filter((s) => client.scopes.includes(s));
  const parents: { parent_id: string | null }[] = await identity.dataSource.query(
    `select parent_id from organizations where id = $1`,
    [choice.id],
  );
  let installId: string;
  try {
    ({ installId } = await recordInstall(
      identity,
      { appId: client.appId, clientId: client.clientId, organizationId: choice.id, userId, scopes, userType },
      { ...request, caller: { ...request.caller, kind: 'user', subject: userId } },
    ));
  } catch (error) {
    if (isDomainError(error)) return { error: error.message };
    throw error;
  }
  const grant = new provider.Grant({ accountId: userId, clientId: client.clientId });
  grant.addResourceScope(server.audience, scopes.join(' '));
  const grantId = await grant.save();
  await recordGrant(identity, {
    grantId,
    clientId: client.clientId,
    appId: client.appId,
    installId,
    userId,
    authClass: userType,
    organizationId: choice.id,
    companyId: userType === 'Company' ? choice.id : (parents[0]?.parent_id ?? null),
    locationId: userType === 'Location' ? choice.id : null,
    scopes,
  });
  return { grantId };
}
