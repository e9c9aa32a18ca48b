import type { FastifyInstance } from 'fastify';
import { clientOf } from '@seren/service-kit';
import type { Commerce } from '../application.js';
import { sendDomainError } from '../http.js';
import { agentTaskEventsOf, type AgentTaskEventView } from './queries.js';
import { getAgentTask } from './service.js';
import { isTerminal } from './task.js';

/** A task event as the REST API shows it (the same body `.../events` lists). */
export function agentTaskEventBody(event: AgentTaskEventView) {
  return {
    task_id: event.taskId,
    sequence: event.sequence,
    event_type: event.eventType,
    status: event.status,
    data: snakeKeys(event.data) as Record<string, unknown>,
    created_at: event.createdAt,
  };
}

/** The event's data in the REST API's spelling (snake_case keys, at every depth). */
export function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
      key === 'data' ? inner : snakeKeys(inner),
    ]),
  );
}

const frame = (event: AgentTaskEventView) =>
  `id: ${event.sequence}\nevent: ${event.eventType}\ndata: ${JSON.stringify(agentTaskEventBody(event))}\n\n`;

/**
 * `GET /organizations/{organization_id}/agents/tasks/{task_id}/stream`, forwarded by the gateway
 * (server-sent events are not GraphQL's to carry). Each task event once, in order, `id:` its
 * sequence; a client reconnecting with `Last-Event-ID` gets what came after it, so nothing is lost
 * or repeated; a comment every heartbeat keeps proxies from closing a quiet stream; the stream
 * ends after the task's last event. It subscribes before it reads, so an event committed between
 * the read and the subscription is not missed (and its sequence keeps it from being sent twice).
 */
export function agentTaskRoutes(commerce: Commerce) {
  return async (server: FastifyInstance) => {
    server.get<{
      Params: { organizationId: string; taskId: string };
      Querystring: { last_event_id?: string };
    }>('/internal/organizations/:organizationId/agents/tasks/:taskId/stream', async (request, reply) => {
      const origin = {
        caller: request.caller,
        requestId: request.id,
        traceparent: request.traceparent,
        ...clientOf(request),
      };
      let task;
      try {
        task = await getAgentTask(commerce, origin, request.params.organizationId, request.params.taskId);
      } catch (error) {
        return sendDomainError(reply, error);
      }
      const header = request.headers['last-event-id'] ?? request.query.last_event_id;
      const resumeFrom = Number.parseInt(String(Array.isArray(header) ? header[0] : (header ?? '0')), 10);
      let last = Number.isFinite(resumeFrom) && resumeFrom > 0 ? resumeFrom : 0;

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.flushHeaders();

      let open = true;
      let reading = false;
      let again = false;
      let unsubscribe = () => {};
      const heartbeat = setInterval(() => {
        if (open) res.write(': heartbeat\n\n');
      }, commerce.agentTasks.heartbeatMs);
      const close = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        unsubscribe();
        res.end();
      };
      res.on('close', close);

      const read = async () => {
        if (reading) {
          again = true;
          return;
        }
        reading = true;
        try {
          do {
            again = false;
            const events = await agentTaskEventsOf(commerce.dataSource.manager, task.id, last);
            for (const event of events) {
              if (!open) return;
              res.write(frame(event));
              last = event.sequence;
              if (event.eventType === 'finished') return close();
            }
          } while (again && open);
        } catch (error) {
          commerce.logger.warn({ err: error, taskId: task.id }, 'agent task stream failed');
          close();
        } finally {
          reading = false;
        }
      };

      unsubscribe = await commerce.agentTasks.hub.subscribe(task.id, () => void read());
      if (!open) return unsubscribe();
      // a task that ended before what the client has seen: nothing more will come
      if (isTerminal(task.status) && last >= task.lastSequence) return close();
      await read();
    });
  };
}
