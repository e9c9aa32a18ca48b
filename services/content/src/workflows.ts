// Every workflow content's worker runs: the worker bundles this module (workflow code only; activities
// are registered separately in activities.ts).
export * from './billing/workflows.js';
export * from './posts/workflows.js';
export * from './sources/workflows.js';
