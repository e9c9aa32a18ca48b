// Every workflow content's worker runs: the worker bundles this module (workflow code only; activities
// are registered separately in activities.ts).
export * from './posts/workflows.js';
export * from './sources/workflows.js';
