import { topicFor, UserProfileUpdated, UserRegistered } from '@seren/contracts';
import type { ConsumerDefinition } from '@seren/service-kit';

/**
 * Paystack needs the customer's email, which is identity's. Content learns it from identity's event
 * stream (UserRegistered, and UserProfileUpdated when the email changes) into `billing_customers`,
 * the way commerce learns of wallet recovery: services do not call each other's internals, and a
 * federated field cannot feed a mutation. The price is a short delay: a checkout in the instant
 * after registering, before the event arrived, is refused with 409 and can be retried.
 */
export const BILLING_CUSTOMERS_GROUP = 'content.billing-customers';

export const billingCustomersConsumer = (groupId = BILLING_CUSTOMERS_GROUP): ConsumerDefinition => ({
  groupId,
  topics: [topicFor(UserRegistered)],
  events: [UserRegistered, UserProfileUpdated],
  pollIntervalMs: 250,
  handler: async (event, { manager }) => {
    if (event.type === 'UserRegistered') {
      const { userId, email, registeredAt } = event.data as {
        userId: string;
        email: string | null;
        registeredAt: string;
      };
      if (!email) return; // agents may have none; they have no Serelo plan to pay for
      await manager.query(
        `insert into billing_customers (user_id, email, updated_at) values ($1, $2, $3)
         on conflict (user_id) do update set email = excluded.email, updated_at = excluded.updated_at
         where billing_customers.updated_at <= excluded.updated_at`,
        [userId, email, registeredAt],
      );
    } else if (event.type === 'UserProfileUpdated') {
      const { userId, email, updatedAt } = event.data as {
        userId: string;
        email?: string;
        updatedAt: string;
      };
      if (!email) return;
      await manager.query(
        `insert into billing_customers (user_id, email, updated_at) values ($1, $2, $3)
         on conflict (user_id) do update set email = excluded.email, updated_at = excluded.updated_at
         where billing_customers.updated_at <= excluded.updated_at`,
        [userId, email, updatedAt],
      );
    }
  },
});
