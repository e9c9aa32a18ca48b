import { defineProjection } from '@seren/event-store';
import type { ChargeEvent } from './charge.js';

// `publishers` (the publisher record charges are made under) is the catalog's read model:
// publishers/projection.ts.

/** `charges`: what charge queries read, written in each append's transaction. */
export const chargesProjection = defineProjection<ChargeEvent>({
  name: 'charges',
  handles: ['ChargeCreated', 'ChargeRefunded', 'ChargeSlashed'],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'ChargeCreated': {
        // the same writer as charge_create's (charge-function.ts)
        await manager.query(`select charge_created_apply($1::jsonb)`, [JSON.stringify(event.data)]);
        return;
      }
      case 'ChargeRefunded': {
        const d = event.data;
        await manager.query(
          `update charges set status = 'refunded', refunded_atomic = $2, refund_reason = $3, refunded_at = $4,
             updated_at = $4 where id = $1`,
          [d.chargeId, d.refundedAtomic, d.reason, d.refundedAt],
        );
        return;
      }
      case 'ChargeSlashed': {
        const d = event.data;
        await manager.query(
          `update charges set slashed_atomic = slashed_atomic + $2, updated_at = $3 where id = $1`,
          [d.chargeId, d.slashAtomic, d.slashedAt],
        );
        return;
      }
      default: {
        const unknown: never = event;
        return unknown;
      }
    }
  },
});
