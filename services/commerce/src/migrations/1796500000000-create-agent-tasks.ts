// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * agent-tasks/: the tasks (one row per task, what get and list read) and their events (one row
 * per event of the task's stream, `sequence` its stream version: what `.../events` lists and
 * `.../stream` sends with `id:`). Both written by the inline projection in the append's transaction.
 */
export class CreateAgentTasks1796500000000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table agent_tasks (
        id uuid primary key,
        organization_id text not null,
        agent_id text,
        publisher_id text not null,
        publisher_slug text not null,
        status text not null,
        remote_task_id text,
        context_id text,
        input jsonb not null,
        status_message jsonb,
        artifacts jsonb not null default '[]',
        error text,
        asset text not null,
        hourly_rate_atomic bigint,
        min_charge_atomic bigint,
        cost_atomic bigint not null default 0,
        shortfall_atomic bigint not null default 0,
        entry_id uuid,
        duration_ms bigint,
        canceled_by text,
        last_sequence int not null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        finished_at timestamptz
      )`);
    await runner.query(`create index agent_tasks_by_organization on agent_tasks (organization_id, created_at desc, id)`);
    await runner.query(`
      create table agent_task_events (
        task_id uuid not null,
        sequence int not null,
        event_type text not null,
        status text not null,
        data jsonb not null,
        created_at timestamptz not null,
        primary key (task_id, sequence)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`drop table agent_task_events, agent_tasks`);
  }
}
