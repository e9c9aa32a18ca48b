import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Lets a consumer group prune its processed-event rows by age without scanning the table. */
export class IndexProcessedEventsByAge1795338000000 implements MigrationInterface {
  name = 'IndexProcessedEventsByAge1795338000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `create index processed_events_group_age on processed_events (group_id, processed_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop index processed_events_group_age`);
  }
}
