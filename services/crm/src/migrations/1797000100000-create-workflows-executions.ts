// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * Workflow definitions and executions (automation/projection.ts). `workflows` holds the draft and
 * the published version number; `workflow_versions` each published definition (executions run
 * the one they started with); `workflow_executions` the executions read model, listed newest first
 * by keyset; `workflow_execution_steps` each execution's step log.
 */
export class CreateWorkflowsExecutions1797000100000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table workflows (
        id text primary key,
        location_id text not null,
        name text not null,
        status text not null,
        version integer not null default 0,
        trigger jsonb not null,
        steps jsonb not null,
        trigger_type text,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    await runner.query(
      `create index workflows_location on workflows (location_id, created_at desc, id desc)`,
    );
    await runner.query(
      `create index workflows_trigger on workflows (location_id, trigger_type) where status = 'published'`,
    );
    await runner.query(`
      create table workflow_versions (
        workflow_id text not null,
        version integer not null,
        trigger jsonb not null,
        steps jsonb not null,
        published_at timestamptz not null,
        primary key (workflow_id, version)
      )`);
    await runner.query(`
      create table workflow_executions (
        id text primary key,
        workflow_id text not null,
        location_id text not null,
        contact_id text not null,
        workflow_version integer not null,
        status text not null,
        trigger text not null,
        trigger_event_id text,
        trigger_data jsonb not null,
        current_step integer,
        waiting_until timestamptz,
        error text,
        started_at timestamptz not null,
        updated_at timestamptz not null,
        ended_at timestamptz
      )`);
    await runner.query(
      `create index workflow_executions_location on workflow_executions (location_id, started_at desc, id desc)`,
    );
    await runner.query(
      `create index workflow_executions_contact on workflow_executions (workflow_id, contact_id) where ended_at is null`,
    );
    await runner.query(`
      create table workflow_execution_steps (
        execution_id text not null,
        position integer not null,
        step_index integer not null,
        step_type text not null,
        outcome text not null,
        detail jsonb not null,
        recorded_at timestamptz not null,
        primary key (execution_id, position)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['workflow_execution_steps', 'workflow_executions', 'workflow_versions', 'workflows'])
      await runner.query(`drop table if exists ${table}`);
  }
}
