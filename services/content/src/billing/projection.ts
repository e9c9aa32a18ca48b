import { defineProjection } from '@seren/event-store';
import type { SubscriptionEvent } from './subscription.js';

const handled: SubscriptionEvent['type'][] = [
  'SubscriptionCheckoutStarted',
  'SubscriptionActivated',
  'PaystackSubscriptionLinked',
  'SubscriptionDowngradeScheduled',
  'SubscriptionDowngradeCancelled',
  'SubscriptionCycleStarted',
  'SubscriptionCancelled',
  'SubscriptionPaymentFailed',
  'SubscriptionPaymentRecovered',
  'SubscriptionEnded',
];

/** `subscriptions` (one row per user who ever started a checkout) and `subscription_checkouts`. */
export const subscriptionsProjection = defineProjection<SubscriptionEvent>({
  name: 'subscriptions',
  handles: handled,
  async apply(event, { manager }) {
    const at = event.recordedAt.toISOString();
    switch (event.type) {
      case 'SubscriptionCheckoutStarted': {
        const d = event.data;
        await manager.query(
          `insert into subscriptions (user_id, plan, status, updated_at) values ($1, 'free', 'free', $2)
           on conflict (user_id) do nothing`,
          [d.userId, at],
        );
        await manager.query(
          `insert into subscription_checkouts (reference, user_id, subscription_id, plan, amount_cents, status, created_at)
           values ($1, $2, $3, $4, $5, 'open', $6) on conflict (reference) do nothing`,
          [d.reference, d.userId, d.subscriptionId, d.plan, d.amountCents, d.startedAt],
        );
        return;
      }
      case 'SubscriptionActivated': {
        const d = event.data;
        await manager.query(
          `update subscriptions set subscription_id = $2, plan = $3, status = 'active', cycle_start = $4, cycle_end = $5,
             pending_plan = null, paystack_subscription_code = $8, customer_code = coalesce($6, customer_code),
             grace_ends_at = null, updated_at = $7
           where user_id = $1`,
          [
            d.userId,
            d.subscriptionId,
            d.plan,
            d.cycleStart,
            d.cycleEnd,
            d.customerCode,
            at,
            d.subscriptionCode,
          ],
        );
        await manager.query(`update subscription_checkouts set status = 'paid' where reference = $1`, [
          d.reference,
        ]);
        return;
      }
      case 'PaystackSubscriptionLinked':
        // a code reported before its charge waits in the stream until SubscriptionActivated carries it
        await manager.query(
          `update subscriptions set paystack_subscription_code = $2, updated_at = $3
           where user_id = $1 and subscription_id = $4`,
          [event.data.userId, event.data.subscriptionCode, at, event.data.subscriptionId],
        );
        return;
      case 'SubscriptionDowngradeScheduled':
        await manager.query(
          `update subscriptions set pending_plan = $2, updated_at = $3 where user_id = $1`,
          [event.data.userId, event.data.toPlan, at],
        );
        return;
      case 'SubscriptionDowngradeCancelled':
        await manager.query(
          `update subscriptions set pending_plan = null, updated_at = $2 where user_id = $1`,
          [event.data.userId, at],
        );
        return;
      case 'SubscriptionCycleStarted': {
        const d = event.data;
        await manager.query(
          `update subscriptions set plan = $2, cycle_start = $3, cycle_end = $4, pending_plan = null, updated_at = $5
           where user_id = $1`,
          [d.userId, d.plan, d.cycleStart, d.cycleEnd, at],
        );
        return;
      }
      case 'SubscriptionCancelled':
        await manager.query(
          `update subscriptions set status = 'cancelled', cycle_end = $3, pending_plan = null, updated_at = $2
           where user_id = $1`,
          [event.data.userId, at, event.data.endDate],
        );
        return;
      case 'SubscriptionPaymentFailed':
        await manager.query(
          `update subscriptions set status = 'past_due', grace_ends_at = $2, updated_at = $3 where user_id = $1`,
          [event.data.userId, event.data.graceEndsAt, at],
        );
        return;
      case 'SubscriptionPaymentRecovered':
        await manager.query(
          `update subscriptions set status = 'active', grace_ends_at = null, updated_at = $2 where user_id = $1`,
          [event.data.userId, at],
        );
        return;
      case 'SubscriptionEnded':
        await manager.query(
          `update subscriptions set plan = 'free', status = 'free', cycle_start = null, cycle_end = null, free_since = $2,
             pending_plan = null, paystack_subscription_code = null, grace_ends_at = null, updated_at = $3
           where user_id = $1`,
          [event.data.userId, event.data.endedAt, at],
        );
        return;
      default: {
        const unknown: never = event;
        return unknown;
      }
    }
  },
});

/** What each change means for the user: its plan and status after it, and when it took effect. */
function changeOf(event: SubscriptionEvent): { plan: string; status: string; occurredAt: string } {
  switch (event.type) {
    case 'SubscriptionCheckoutStarted':
      return { plan: event.data.plan, status: 'pending', occurredAt: event.data.startedAt };
    case 'SubscriptionActivated':
      return { plan: event.data.plan, status: 'active', occurredAt: event.data.activatedAt };
    case 'PaystackSubscriptionLinked':
      return { plan: event.data.plan, status: 'active', occurredAt: event.data.linkedAt };
    case 'SubscriptionDowngradeScheduled':
      return { plan: event.data.toPlan, status: 'active', occurredAt: event.data.scheduledAt };
    case 'SubscriptionDowngradeCancelled':
      return { plan: event.data.plan, status: 'active', occurredAt: event.data.cancelledAt };
    case 'SubscriptionCycleStarted':
      return { plan: event.data.plan, status: 'active', occurredAt: event.data.cycleStart };
    case 'SubscriptionCancelled':
      return { plan: event.data.plan, status: 'cancelled', occurredAt: event.data.cancelledAt };
    case 'SubscriptionPaymentFailed':
      return { plan: event.data.plan, status: 'past_due', occurredAt: event.data.failedAt };
    case 'SubscriptionPaymentRecovered':
      return { plan: event.data.plan, status: 'active', occurredAt: event.data.recoveredAt };
    case 'SubscriptionEnded':
      return { plan: 'free', status: 'active', occurredAt: event.data.endedAt };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** `subscription_history`: every state change of a user's subscription, in order (GraphQL `subscriptionHistory`). */
export const subscriptionHistoryProjection = defineProjection<SubscriptionEvent>({
  name: 'subscription_history',
  handles: handled,
  async apply(event, { manager }) {
    const change = changeOf(event);
    const { userId, subscriptionId, ...detail } = event.data as { userId: string; subscriptionId: string };
    const plan = change.plan;
    await manager.query(
      `insert into subscription_history (event_id, user_id, subscription_id, change, plan, status, detail, occurred_at, position)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (event_id) do nothing`,
      [
        event.id,
        userId,
        subscriptionId,
        event.type,
        plan,
        change.status,
        JSON.stringify(detail),
        change.occurredAt,
        event.position,
      ],
    );
  },
});
