import type { Step } from './steps.js';
import type { TriggerType } from './triggers.js';

// What an execution's Temporal workflow is started with: the published version's steps travel in
// the workflow's input (its history), so an execution keeps the version it started with whatever
// is published after. Types only: the workflow bundle imports this file.

export interface ExecutionInput {
  executionId: string;
  workflowId: string;
  workflowVersion: number;
  locationId: string;
  contactId: string;
  trigger: TriggerType;
  triggerEventId: string | null;
  triggerData: Record<string, unknown>;
  steps: Step[];
  /** a delayed start (HighLevel's eventStartTime), ISO 8601 */
  startAt: string | null;
}

/** What running one step decided: the next step (null: the end), or a wait first. */
export interface StepOutcome {
  next: number | null;
  /** a wait step: sleep until then (ISO 8601), then go on to `next` */
  waitUntil?: string;
}

/** Steps one execution may run in all: a go_to loop ends as failed rather than running forever. */
export const MAX_STEPS_PER_EXECUTION = 500;
