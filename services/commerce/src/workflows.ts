// Every workflow commerce's worker runs: the worker bundles this module (workflow code only; activities
// are registered separately in activities.ts).
export * from './plans/workflows.js';
export * from './agent-tasks/workflows.js';
