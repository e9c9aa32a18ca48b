import { specOf } from '@seren/testing';
import type { CredentialEvent } from './credential';
import { credentialDecider } from './decide';

const given = specOf(credentialDecider);
const now = '2026-12-02T07:00:00.000Z';
const created: CredentialEvent = {
  type: 'CredentialCreated',
  data: {
    credentialId: 'cr1',
    locationId: 'loc1',
    name: 'Billing API',
    kind: 'bearer',
    values: [{ key: 'token', masked: 'sk_…1234' }],
    createdAt: now,
  },
};

describe('credentials', () => {
  it('stores a credential with only the masked form of each secret in its event', () =>
    given([])
      .when({
        type: 'CreateCredential',
        credentialId: 'cr1',
        locationId: 'loc1',
        input: { name: ' Billing API ', kind: 'Bearer', values: { token: 'sk_live_abcdef1234' } },
        now,
      })
      .then([created]));

  it('refuses a blank name, an unknown kind, no secrets and a bad key, in one answer', () =>
    given([])
      .when({
        type: 'CreateCredential',
        credentialId: 'cr1',
        locationId: 'loc1',
        input: { name: ' ', kind: 'password', values: {} },
        now,
      })
      .thenThrows({
        code: 'VALIDATION_ERROR',
        details: {
          fields: [
            { field: 'name', message: expect.any(String) },
            { field: 'kind', message: expect.any(String) },
            { field: 'values', message: expect.any(String) },
          ],
        },
      }));

  it('rotates to the next version, naming the keys that changed and masking the merged set', () =>
    given([created])
      .when({
        type: 'RotateCredential',
        values: { token: 'sk_live_zzzzzz9999' },
        merged: { token: 'sk_live_zzzzzz9999', account: 'acct-0001' },
        now,
      })
      .then([
        {
          type: 'CredentialRotated',
          data: {
            credentialId: 'cr1',
            locationId: 'loc1',
            version: 2,
            rotatedKeys: ['token'],
            values: [
              { key: 'account', masked: '…01' },
              { key: 'token', masked: 'sk_…9999' },
            ],
            rotatedAt: now,
          },
        },
      ]));

  it('deletes once; a deleted credential cannot rotate', () => {
    const deleted: CredentialEvent = {
      type: 'CredentialDeleted',
      data: { credentialId: 'cr1', locationId: 'loc1', deletedAt: now },
    };
    given([created]).when({ type: 'DeleteCredential', now }).then([deleted]);
    given([created, deleted]).when({ type: 'DeleteCredential', now }).thenThrows({ code: 'NOT_FOUND' });
    given([created, deleted])
      .when({ type: 'RotateCredential', values: { token: 'x' }, merged: { token: 'x' }, now })
      .thenThrows({ code: 'NOT_FOUND' });
  });
});
