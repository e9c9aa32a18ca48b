import { defineProjection } from '@seren/event-store';
import { agentTaskEventBody, notificationOf } from './events.js';
import type { AgentTaskEvent, AgentTaskStatus } from './task.js';

/** The channel a committed task event is announced on (its body, or `<task id>:<sequence>`); streams listen. */
export const AGENT_TASK_EVENTS_CHANNEL = 'agent_task_events';

/** The task event's type in the REST API, from the domain event. */
const eventTypeOf = {
  AgentTaskCreated: 'created',
  AgentTaskStatusChanged: 'status',
  AgentTaskArtifactReceived: 'artifact',
  AgentTaskFinished: 'finished',
} as const satisfies Record<AgentTaskEvent['type'], string>;

/** What a task event shows of its domain event: the A2A endpoint is the publisher's, not the caller's to see. */
function publicData(event: AgentTaskEvent): Record<string, unknown> {
  if (event.type === 'AgentTaskCreated') {
    const { a2aEndpointUrl: _endpoint, ...rest } = event.data;
    return rest;
  }
  return event.data;
}

const atOf = (event: AgentTaskEvent) =>
  event.type === 'AgentTaskCreated' ? event.data.createdAt : event.data.at;

/**
 * `agent_tasks` (the task) and `agent_task_events` (each event once, its stream version as its
 * sequence), in the append's transaction. The NOTIFY is delivered at commit, so a stream that
 * hears it finds the row. Only task appends notify, and they are few (a task's status changes), so
 * the commit serialisation NOTIFY brings (see the event store's CommitNotifier) stays off the
 * money paths.
 */
export const agentTasksProjection = defineProjection<AgentTaskEvent>({
  name: 'agent_tasks',
  handles: ['AgentTaskCreated', 'AgentTaskStatusChanged', 'AgentTaskArtifactReceived', 'AgentTaskFinished'],
  async apply(event, { manager }) {
    const taskId = event.data.taskId;
    const sequence = event.streamVersion;
    switch (event.type) {
      case 'AgentTaskCreated': {
        const d = event.data;
        await manager.query(
          `insert into agent_tasks (id, organization_id, agent_id, publisher_id, publisher_slug, status, input, asset,
             hourly_rate_atomic, min_charge_atomic, last_sequence, created_at, updated_at)
           values ($1, $2, $3, $4, $5, 'submitted', $6, $7, $8, $9, $10, $11, $11)`,
          [
            d.taskId,
            d.organizationId,
            d.agentId,
            d.publisherId,
            d.publisherSlug,
            JSON.stringify(d.input),
            d.asset,
            d.hourlyRateAtomic,
            d.minChargeAtomic,
            sequence,
            d.createdAt,
          ],
        );
        break;
      }
      case 'AgentTaskStatusChanged': {
        const d = event.data;
        await manager.query(
          `update agent_tasks set status = $2, remote_task_id = $3, context_id = $4, status_message = $5,
             last_sequence = $6, updated_at = $7 where id = $1`,
          [
            taskId,
            d.state,
            d.remoteTaskId,
            d.contextId,
            d.message ? JSON.stringify(d.message) : null,
            sequence,
            d.at,
          ],
        );
        break;
      }
      case 'AgentTaskArtifactReceived': {
        const d = event.data;
        const artifact = {
          artifactId: d.artifactId,
          name: d.name,
          description: d.description,
          parts: d.parts,
        };
        // a chunk (append) adds its parts to the artifact of its id; otherwise the artifact is set anew
        await manager.query(
          `update agent_tasks set
             artifacts = case
               when $3 and exists (select 1 from jsonb_array_elements(artifacts) a where a->>'artifactId' = $4)
                 then (select jsonb_agg(case when a->>'artifactId' = $4
                         then jsonb_set(a, '{parts}', (a->'parts') || ($2::jsonb->'parts')) else a end)
                       from jsonb_array_elements(artifacts) a)
               else coalesce((select jsonb_agg(a) from jsonb_array_elements(artifacts) a where a->>'artifactId' <> $4),
                             '[]'::jsonb) || jsonb_build_array($2::jsonb)
             end,
             last_sequence = $5, updated_at = $6
           where id = $1`,
          [taskId, JSON.stringify(artifact), d.append, d.artifactId, sequence, d.at],
        );
        break;
      }
      case 'AgentTaskFinished': {
        const d = event.data;
        await manager.query(
          `update agent_tasks set status = $2, remote_task_id = coalesce($3, remote_task_id),
             status_message = coalesce($4, status_message), error = $5, canceled_by = $6, duration_ms = $7,
             cost_atomic = $8, shortfall_atomic = $9, entry_id = $10, last_sequence = $11, updated_at = $12,
             finished_at = $12
           where id = $1`,
          [
            taskId,
            d.state,
            d.remoteTaskId,
            d.message ? JSON.stringify(d.message) : null,
            d.error,
            d.canceledBy,
            d.durationMs,
            d.costAtomic,
            d.shortfallAtomic,
            d.entryId,
            sequence,
            d.at,
          ],
        );
        break;
      }
      default: {
        const unknown: never = event;
        return unknown;
      }
    }
    const status =
      event.type === 'AgentTaskFinished'
        ? event.data.state
        : event.type === 'AgentTaskStatusChanged'
          ? event.data.state
          : null;
    const at = atOf(event);
    const [row]: { status: AgentTaskStatus }[] = await manager.query(
      `insert into agent_task_events (task_id, sequence, event_type, status, data, created_at)
       values ($1, $2, $3, coalesce($4, (select status from agent_tasks where id = $1)), $5, $6)
       returning status`,
      [taskId, sequence, eventTypeOf[event.type], status, JSON.stringify(publicData(event)), at],
    );
    // the event itself goes with its announcement (when it fits): the streams send it without a read
    const body = agentTaskEventBody({
      taskId,
      sequence,
      eventType: eventTypeOf[event.type],
      status: row!.status,
      data: publicData(event),
      createdAt: new Date(at).toISOString(),
    });
    await manager.query(`select pg_notify($1, $2)`, [AGENT_TASK_EVENTS_CHANNEL, notificationOf(body)]);
  },
});
