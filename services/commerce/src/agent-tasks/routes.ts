import type { FastifyInstance } from 'fastify';
import { clientOf } from '@seren/service-kit';
import type { Commerce } from '../application.js';
import { sendDomainError } from '../http.js';
import { agentTaskEventBody, frameOf, type AgentTaskEventBody } from './events.js';
import { agentTaskEventsOf } from './queries.js';
import { getAgentTask } from './service.js';
import { isTerminal } from './task.js';

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

      const send = (body: AgentTaskEventBody) => {
        res.write(frameOf(body));
        last = body.sequence;
        if (body.event_type === 'finished') close();
      };

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
              send(agentTaskEventBody(event));
            }
          } while (again && open);
        } catch (error) {
          commerce.logger.warn({ err: error, taskId: task.id }, 'agent task stream failed');
          close();
        } finally {
          reading = false;
        }
      };

      // the next event, carried by its notification, goes out at once; anything else (a gap, an
      // event too big to carry, a read under way) is read from the table past the last one sent
      const wake = (body: AgentTaskEventBody | null) => {
        if (!open) return;
        if (body && body.sequence <= last) return;
        if (body && !reading && body.sequence === last + 1) return send(body);
        void read();
      };
      unsubscribe = await commerce.agentTasks.hub.subscribe(task.id, wake);
      if (!open) return unsubscribe();
      // a task that ended before what the client has seen: nothing more will come
      if (isTerminal(task.status) && last >= task.lastSequence) return close();
      await read();
    });
  };
}
