// What other commerce features use of agent-tasks/: the proxy's root call to an agent publisher
// (`POST /publishers/{slug}` answers 202 with the task) and GraphQL's startAgentTask start a task
// here and read it back.
export {
  getAgentTask,
  startAgentTask,
  type AgentTaskPublisher,
  type StartAgentTaskInput,
} from './service.js';
export { agentTaskOf, type AgentTaskView } from './queries.js';
