import type { CredentialKind } from '@seren/contracts';
import type { ApplicationContext } from '@seren/service-kit';

/** A credential as every read answers it: its secrets only masked (`sk_…1234`), never in clear. */
export interface CredentialView {
  id: string;
  locationId: string;
  name: string;
  kind: CredentialKind;
  values: { key: string; masked: string }[];
  version: number;
  createdAt: string;
  updatedAt: string;
  rotatedAt: string | null;
}

interface CredentialRow {
  id: string;
  location_id: string;
  name: string;
  kind: CredentialKind;
  masked_values: { key: string; masked: string }[];
  version: number;
  created_at: Date;
  updated_at: Date;
  rotated_at: Date | null;
}

const toView = (row: CredentialRow): CredentialView => ({
  id: row.id,
  locationId: row.location_id,
  name: row.name,
  kind: row.kind,
  values: row.masked_values,
  version: row.version,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  rotatedAt: row.rotated_at?.toISOString() ?? null,
});

export async function credentialsOf(app: ApplicationContext, locationId: string): Promise<CredentialView[]> {
  const rows: CredentialRow[] = await app.dataSource.query(
    `select * from credentials where location_id = $1 order by lower(name), id`,
    [locationId],
  );
  return rows.map(toView);
}

export async function findCredential(
  app: ApplicationContext,
  locationId: string,
  credentialId: string,
): Promise<CredentialView | undefined> {
  const rows: CredentialRow[] = await app.dataSource.query(
    `select * from credentials where id = $1 and location_id = $2`,
    [credentialId, locationId],
  );
  return rows[0] && toView(rows[0]);
}

export async function credentialByName(
  app: ApplicationContext,
  locationId: string,
  name: string,
): Promise<CredentialView | undefined> {
  const rows: CredentialRow[] = await app.dataSource.query(
    `select * from credentials where location_id = $1 and lower(name) = lower($2)`,
    [locationId, name],
  );
  return rows[0] && toView(rows[0]);
}
