import { webhookPurgeIndexSql } from '@seren/webhooks';

// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * The index the delivery log's retention purge (webhooks/delivery.ts, CRM_WEBHOOK_DELIVERY_RETENTION_DAYS)
 * finds finished deliveries by: `webhook_deliveries (updated_at)` where delivered, failed or rejected.
 * Built in the migration's transaction (not `concurrently`): deliveries' writes wait while it builds.
 */
export class WebhookDeliveriesPurgeIndex1797300500000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(webhookPurgeIndexSql('webhook'));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`drop index if exists webhook_deliveries_finished`);
  }
}
