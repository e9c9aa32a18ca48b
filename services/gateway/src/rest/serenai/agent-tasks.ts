import { z } from 'zod';
import { graphql } from '../graphql.js';
import { dataResponse, dataResponseSchema, route } from './route.js';
import {
  AgentTaskEventFields,
  AgentTaskFields,
  agentTaskEventSchema,
  agentTaskEventToRest,
  agentTaskSchema,
  agentTaskToRest,
} from './shapes/agent-task.js';

// SerenAI "Agent Tasks" (commerce): the tasks a call to an agent publisher started (POST
// /publishers/{slug} answers 202 with one). `{organization_id}` is `default` or the caller's own
// organization; another is 403 on the list, 404 on a task. The stream is a forward (server-sent
// events are not GraphQL's to carry): each event once, in order, with `id:`; `Last-Event-ID` resumes.

const organizationParam = z.object({
  organization_id: z.string().min(1).describe("Organization ID, or 'default'"),
});
const taskParams = organizationParam.extend({ task_id: z.string().min(1) });

export const agentTasksRoutes = [
  route.operation({
    method: 'GET',
    path: '/organizations/{organization_id}/agents/tasks',
    section: 'agent-tasks',
    summary: "List the organization's agent tasks, newest first",
    description: '`limit` 1-100 (default 50), `offset` ≥ 0.',
    auth: 'required',
    rateLimit: 'general',
    request: {
      params: organizationParam,
      query: z.object({
        limit: z.coerce.number().int().optional(),
        offset: z.coerce.number().int().optional(),
      }),
    },
    operation: graphql(
      `
        query SerenaiListAgentTasks($organizationId: ID!, $limit: Int, $offset: Int) {
          agentTasks(organizationId: $organizationId, limit: $limit, offset: $offset) {
            total
            limit
            offset
            tasks {
              ...AgentTaskFields
            }
          }
        }
      `,
      [AgentTaskFields],
    ),
    variables: ({ params, query }) => ({
      organizationId: params.organization_id,
      limit: query.limit ?? null,
      offset: query.offset ?? null,
    }),
    response: {
      status: 200,
      description: 'Tasks retrieved',
      schema: dataResponseSchema(z.array(agentTaskSchema)),
      body: (data) =>
        dataResponse(data.agentTasks.tasks.map(agentTaskToRest), {
          total: data.agentTasks.total,
          limit: data.agentTasks.limit,
          offset: data.agentTasks.offset,
        }),
    },
    errors: [400, 403],
  }),
  route.operation({
    method: 'GET',
    path: '/organizations/{organization_id}/agents/tasks/{task_id}',
    section: 'agent-tasks',
    summary: 'Get an agent task',
    auth: 'required',
    rateLimit: 'general',
    request: { params: taskParams },
    operation: graphql(
      `
        query SerenaiGetAgentTask($organizationId: ID!, $taskId: ID!) {
          agentTask(organizationId: $organizationId, taskId: $taskId) {
            ...AgentTaskFields
          }
        }
      `,
      [AgentTaskFields],
    ),
    variables: ({ params }) => ({ organizationId: params.organization_id, taskId: params.task_id }),
    response: {
      status: 200,
      description: 'Task retrieved',
      schema: dataResponseSchema(agentTaskSchema),
      body: (data) => dataResponse(agentTaskToRest(data.agentTask)),
    },
    errors: [404],
  }),
  route.operation({
    method: 'POST',
    path: '/organizations/{organization_id}/agents/tasks/{task_id}/cancel',
    section: 'agent-tasks',
    summary: 'Cancel an agent task (and the remote agent task)',
    description:
      'The task ends `canceled` and pays for the time it ran (at least the minimum charge); the agent is sent A2A CancelTask. 400 ALREADY_TERMINAL when the task already ended.',
    auth: 'required',
    rateLimit: 'general',
    request: { params: taskParams },
    operation: graphql(
      `
        mutation SerenaiCancelAgentTask($organizationId: ID!, $taskId: ID!) {
          cancelAgentTask(organizationId: $organizationId, taskId: $taskId) {
            ...AgentTaskFields
          }
        }
      `,
      [AgentTaskFields],
    ),
    variables: ({ params }) => ({ organizationId: params.organization_id, taskId: params.task_id }),
    response: {
      status: 200,
      description: 'Task canceled',
      schema: dataResponseSchema(agentTaskSchema),
      body: (data) => dataResponse(agentTaskToRest(data.cancelAgentTask)),
    },
    errors: [400, 404],
  }),
  route.operation({
    method: 'GET',
    path: '/organizations/{organization_id}/agents/tasks/{task_id}/events',
    section: 'agent-tasks',
    summary: "List an agent task's events, in order",
    auth: 'required',
    rateLimit: 'general',
    request: { params: taskParams },
    operation: graphql(
      `
        query SerenaiListAgentTaskEvents($organizationId: ID!, $taskId: ID!) {
          agentTaskEvents(organizationId: $organizationId, taskId: $taskId) {
            ...AgentTaskEventFields
          }
        }
      `,
      [AgentTaskEventFields],
    ),
    variables: ({ params }) => ({ organizationId: params.organization_id, taskId: params.task_id }),
    response: {
      status: 200,
      description: 'Events retrieved',
      schema: dataResponseSchema(z.array(agentTaskEventSchema)),
      body: (data) => dataResponse(data.agentTaskEvents.map(agentTaskEventToRest)),
    },
    errors: [404],
  }),
  route.forward({
    method: 'GET',
    path: '/organizations/{organization_id}/agents/tasks/{task_id}/stream',
    section: 'agent-tasks',
    summary: "Stream an agent task's events (server-sent events)",
    description:
      'Each event once, in order: `id:` its sequence, `event:` its type (created, status, artifact, finished), `data:` the AgentTaskEvent as JSON. A client reconnecting with `Last-Event-ID` (or `?last_event_id=`) gets what came after it. A `: heartbeat` comment every 15 s; the stream ends after the `finished` event.',
    auth: 'required',
    rateLimit: 'general',
    forward: {
      service: 'commerce',
      path: '/internal/organizations/{organization_id}/agents/tasks/{task_id}/stream',
      headers: ['last-event-id'],
    },
    request: { params: taskParams, query: z.object({ last_event_id: z.string().optional() }) },
    response: { status: 200, description: 'SSE event stream', contentType: 'text/event-stream' },
    errors: [404],
  }),
];
