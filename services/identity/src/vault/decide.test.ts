import { specOf } from '@seren/testing';
import { vaultDecider } from './decide';
import type { VaultEvent } from './credential';

const given = specOf(vaultDecider);
const T0 = '2026-01-01T00:00:00.000Z';
const seal = {
  type: 'SealCredential' as const,
  credentialId: 'c1',
  organizationId: 'o1',
  name: ' stripe live ',
  kind: 'api_key',
  masked: 'sk_…1234',
  by: 'u1',
  now: T0,
};
const sealed: VaultEvent = {
  type: 'VaultCredentialSealed',
  data: {
    credentialId: 'c1',
    organizationId: 'o1',
    name: 'stripe live',
    kind: 'api_key',
    masked: 'sk_…1234',
    sealedBy: 'u1',
    sealedAt: T0,
  },
};

describe('vault decider', () => {
  it('seals with a trimmed name and the masked value only; sealing again replaces', () => {
    given([]).when(seal).then([sealed]);
    given([sealed])
      .when({ ...seal, masked: 'sk_…9999' })
      .then([{ ...sealed, data: { ...sealed.data, masked: 'sk_…9999' } }]);
    given([])
      .when({ ...seal, kind: undefined })
      .then([{ ...sealed, data: { ...sealed.data, kind: 'other' } }]);
  });
  it('refuses a bad name or kind', () => {
    given([])
      .when({ ...seal, name: '' })
      .thenThrows({ code: 'VALIDATION_ERROR' });
    given([])
      .when({ ...seal, name: 'x'.repeat(101) })
      .thenThrows({ code: 'VALIDATION_ERROR' });
    given([])
      .when({ ...seal, name: '<script>' })
      .thenThrows({ code: 'VALIDATION_ERROR' });
    given([])
      .when({ ...seal, kind: 'certificate' })
      .thenThrows({ code: 'VALIDATION_ERROR' });
  });
  it('deletes once', () => {
    const deleted: VaultEvent = {
      type: 'VaultCredentialDeleted',
      data: { credentialId: 'c1', organizationId: 'o1', deletedBy: 'u1', deletedAt: T0 },
    };
    given([sealed]).when({ type: 'DeleteCredential', by: 'u1', now: T0 }).then([deleted]);
    given([sealed, deleted])
      .when({ type: 'DeleteCredential', by: 'u1', now: T0 })
      .thenThrows({ code: 'NOT_FOUND' });
    given([]).when({ type: 'DeleteCredential', by: 'u1', now: T0 }).thenThrows({ code: 'NOT_FOUND' });
  });
});
