import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The read side of a service database: what its consumers processed, where their feeds stand, and dead letters. */
export class CreateConsumerTables1795305600001 implements MigrationInterface {
  name = 'CreateConsumerTables1795305600001';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per (consumer group, event): inserted in the handler's transaction, so a redelivered
    // event finds its row and has no second effect.
    await queryRunner.query(`
      create table processed_events (
        group_id text not null,
        event_id uuid not null,
        processed_at timestamptz not null default now(),
        primary key (group_id, event_id)
      )`);
    // Where a consumer group stands in each source database when fed from PostgreSQL (no Kafka).
    await queryRunner.query(`
      create table feed_checkpoints (
        group_id text not null,
        source text not null,
        transaction_id xid8 not null,
        position bigint not null,
        updated_at timestamptz not null default now(),
        primary key (group_id, source)
      )`);
    // Dead letters of the PostgreSQL-fed mode (with Kafka they go to the topic dlq.<group id>).
    await queryRunner.query(`
      create table dead_letters (
        id bigint generated always as identity primary key,
        group_id text not null,
        event_id uuid,
        topic text not null,
        event jsonb not null,
        error text not null,
        attempts int not null,
        failed_at timestamptz not null default now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table dead_letters`);
    await queryRunner.query(`drop table feed_checkpoints`);
    await queryRunner.query(`drop table processed_events`);
  }
}
