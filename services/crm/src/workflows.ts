// Every workflow crm's worker runs: the worker bundles this module (workflow code only; activities
// are registered separately in activities.ts). None yet: Serebro's workflow executions (spec §3.4)
// will be the first; each feature's workflows.ts is re-exported here.
export * from './payments/workflows.js';
export * from './automation/workflows.js';
