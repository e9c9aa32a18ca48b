import { isDomainError } from '@seren/service-kit/errors';
import type { ChargeEvent, ChargeState } from './charge';
import { chargeDecider, decideCharge, splitReturn, type ChargeCommand } from './decide';

const T0 = '2026-01-01T00:00:00.000Z';
const create = (amount: bigint, balances: { funded: bigint; promotional: bigint }): ChargeCommand => ({
  type: 'CreateCharge',
  chargeId: 'c1',
  publisherId: 'p1',
  agentOrganizationId: 'o1',
  agentWallet: '0xabc',
  amount,
  description: 'forecast',
  idempotencyKey: null,
  balances,
  entryId: 'e1',
  now: T0,
});

/** The state after `events`, as the store would fold them. */
const given = (...events: ChargeEvent[]): ChargeState =>
  events.reduce(
    (state, event) => chargeDecider.evolve(state, event as never),
    chargeDecider.initialState() as ChargeState,
  );
const reasonOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return isDomainError(error) ? `${error.code}/${error.reason ?? ''}` : String(error);
  }
  return 'no error';
};

describe('charges', () => {
  it('a charge spends promotional credit first, then funded credit', () => {
    const [event] = decideCharge(create(1_500n, { funded: 10_000n, promotional: 1_000n }), given());
    expect(event).toMatchObject({
      type: 'ChargeCreated',
      data: { amountAtomic: '1500', fromPromotionalAtomic: '1000', fromFundedAtomic: '500' },
    });
  });

  it('refuses with 402 a charge above funded plus promotional, and a non-positive amount with 400', () => {
    expect(reasonOf(() => decideCharge(create(1_001n, { funded: 500n, promotional: 500n }), given()))).toBe(
      'PAYMENT_REQUIRED/INSUFFICIENT_FUNDS',
    );
    expect(reasonOf(() => decideCharge(create(0n, { funded: 500n, promotional: 0n }), given()))).toBe(
      'VALIDATION_ERROR/',
    );
  });

  const charged = () => decideCharge(create(2_000n, { funded: 5_000n, promotional: 500n }), given());

  it('a refund returns what is left, funded credit first (it was spent last); a second refund is nothing', () => {
    const created = charged();
    const refund: ChargeCommand = { type: 'RefundCharge', reason: 'failed', entryId: 'e2', now: T0 };
    const [refunded] = decideCharge(refund, given(...created));
    expect(refunded).toMatchObject({
      type: 'ChargeRefunded',
      data: { refundedAtomic: '2000', toFundedAtomic: '1500', toPromotionalAtomic: '500' },
    });
    expect(decideCharge(refund, given(...created, refunded!))).toEqual([]);
  });

  it('slashes and the refund together never return more than the charge', () => {
    const created = charged();
    const slash = (amount: bigint): ChargeCommand => ({
      type: 'SlashCharge',
      amount,
      reason: 'bad',
      entryId: 'e3',
      now: T0,
    });
    const [first] = decideCharge(slash(1_600n), given(...created));
    expect(first).toMatchObject({
      data: { slashAtomic: '1600', toFundedAtomic: '1500', toPromotionalAtomic: '100' },
    });
    expect(reasonOf(() => decideCharge(slash(401n), given(...created, first!)))).toBe(
      'VALIDATION_ERROR/SLASH_EXCEEDS_CHARGE',
    );
    const [refunded] = decideCharge(
      { type: 'RefundCharge', reason: 'rest', entryId: 'e4', now: T0 },
      given(...created, first!),
    );
    expect(refunded).toMatchObject({
      data: { refundedAtomic: '400', toFundedAtomic: '0', toPromotionalAtomic: '400' },
    });
    expect(reasonOf(() => decideCharge(slash(1n), given(...created, first!, refunded!)))).toBe(
      'VALIDATION_ERROR/SLASH_EXCEEDS_CHARGE',
    );
  });

  it('refunding or slashing a charge that does not exist is 404', () => {
    expect(
      reasonOf(() => decideCharge({ type: 'RefundCharge', reason: 'x', entryId: 'e', now: T0 }, given())),
    ).toBe('NOT_FOUND/');
  });

  it('splitReturn gives funded credit back first, up to what was funded', () => {
    expect(splitReturn({ fromFunded: 100n, returned: 0n }, 150n)).toEqual({
      toFunded: 100n,
      toPromotional: 50n,
    });
    expect(splitReturn({ fromFunded: 100n, returned: 100n }, 50n)).toEqual({
      toFunded: 0n,
      toPromotional: 50n,
    });
    expect(splitReturn({ fromFunded: 100n, returned: 40n }, 30n)).toEqual({
      toFunded: 30n,
      toPromotional: 0n,
    });
  });
});
