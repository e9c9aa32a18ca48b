import { eventMetadataOf, handle, type RequestOrigin } from '@seren/service-kit';
import { ApplicationFailure } from '@temporalio/client';
import type { Crm } from '../application.js';
import type { ContactInput } from '../contacts/decide.js';
import { findContact, type ContactView } from '../contacts/queries.js';
import { addContactTags, removeContactTags, updateContact } from '../contacts/service.js';
import { customFieldsOf } from '../custom-fields/queries.js';
import { createOpportunity, listOpportunities, updateOpportunity } from '../opportunities/service.js';
import { sendWebhook } from '../webhooks/send.js';
import { responseValue, sendCustomAction } from './custom-action.js';
import { executionDecider, executionStream, type ExecutionCommand } from './execution.js';
import type { ExecutionInput, StepOutcome } from './run.js';
import { conditionsHold, renderTemplate, renderValue, type Step, type TemplateContext } from './steps.js';

/** Who an execution acts as: the automation itself, in the execution's location. */
const systemRequest = (input: ExecutionInput): RequestOrigin => ({
  caller: {
    kind: 'agent',
    subject: 'crm-automation',
    organizationId: input.locationId,
    scopes: [],
    permissions: [],
  },
  requestId: input.executionId,
});

function record(crm: Crm, input: ExecutionInput, command: ExecutionCommand) {
  return handle(
    crm,
    undefined,
    executionStream(input.executionId),
    executionDecider,
    command,
    eventMetadataOf(systemRequest(input), { actor: `workflow:${input.workflowId}` }),
  );
}

const CONTACT_FIELDS = new Set([
  'firstName',
  'lastName',
  'name',
  'email',
  'phone',
  'companyName',
  'address1',
  'city',
  'state',
  'postalCode',
  'country',
  'website',
  'timezone',
  'source',
  'assignedTo',
  'dnd',
  'dateOfBirth',
]);

/** The contact as templates and conditions read it: its fields, and custom fields by key (`customFields.shoe_size`). */
async function templateContactOf(crm: Crm, contact: ContactView): Promise<Record<string, unknown>> {
  const definitions = await customFieldsOf(crm, contact.locationId);
  const byId = new Map(definitions.map((d) => [d.id, d.fieldKey.replace(/^contact\./, '')]));
  const customFields = Object.fromEntries(
    contact.customFields.filter((f) => byId.has(f.id)).map((f) => [byId.get(f.id)!, f.value]),
  );
  return { ...contact, customFields };
}

/** A contact field update as the contacts service takes it: `email`, or `customFields.<key>`. */
function fieldUpdate(field: string, value: unknown): ContactInput {
  if (field.startsWith('customFields.'))
    return { customFields: [{ key: field.slice('customFields.'.length), field_value: value }] };
  if (!CONTACT_FIELDS.has(field))
    throw ApplicationFailure.nonRetryable(`${field} is not a contact field`, 'UNKNOWN_FIELD');
  return { [field]: field === 'dnd' ? value === true || value === 'true' : value } as ContactInput;
}

const nextOf = (input: ExecutionInput, index: number) => (index + 1 < input.steps.length ? index + 1 : null);

export function automationActivities(crm: Crm) {
  return {
    async recordExecutionStarted(input: ExecutionInput): Promise<void> {
      await record(crm, input, {
        type: 'StartExecution',
        data: {
          executionId: input.executionId,
          workflowId: input.workflowId,
          locationId: input.locationId,
          contactId: input.contactId,
          workflowVersion: input.workflowVersion,
          trigger: input.trigger,
          triggerEventId: input.triggerEventId,
          triggerData: input.triggerData,
          startedAt: crm.now().toISOString(),
        },
      });
    },

    async recordExecutionWait(input: ExecutionInput, at: { seq: number; stepIndex: number; until: string }) {
      await record(crm, input, { type: 'StartWait', ...at, now: crm.now().toISOString() });
    },

    async recordExecutionResumed(input: ExecutionInput, at: { seq: number; stepIndex: number }) {
      await record(crm, input, { type: 'Resume', ...at, now: crm.now().toISOString() });
    },

    async recordExecutionEnded(
      input: ExecutionInput,
      end: { status: 'completed' | 'cancelled' } | { status: 'failed'; stepIndex: number; error: string },
    ) {
      const now = crm.now().toISOString();
      const command: ExecutionCommand =
        end.status === 'failed'
          ? { type: 'FailExecution', stepIndex: end.stepIndex, error: end.error, now }
          : end.status === 'cancelled'
            ? { type: 'CancelExecution', now }
            : { type: 'CompleteExecution', now };
      await record(crm, input, command);
    },

    /** Runs step `stepIndex` and records its outcome once (as the `seq`-th step of the execution). */
    async runExecutionStep(
      input: ExecutionInput,
      at: { seq: number; stepIndex: number },
    ): Promise<StepOutcome> {
      const step = input.steps[at.stepIndex] as Step;
      const request = systemRequest(input);
      const contact = await findContact(crm, input.locationId, input.contactId);
      const recordStep = (
        outcome: 'succeeded' | 'failed' | 'skipped',
        detail: Record<string, unknown> = {},
      ) =>
        record(crm, input, {
          type: 'RecordStep',
          seq: at.seq,
          step: { stepIndex: at.stepIndex, stepType: step.type, outcome, detail },
          now: crm.now().toISOString(),
        });
      if (!contact && step.type !== 'wait' && step.type !== 'go_to' && step.type !== 'end') {
        await recordStep('failed', { error: 'the contact was deleted' });
        throw ApplicationFailure.nonRetryable('the contact was deleted', 'CONTACT_DELETED');
      }
      const context: TemplateContext = {
        contact: contact ? await templateContactOf(crm, contact) : {},
        trigger: input.triggerData,
      };
      const next = nextOf(input, at.stepIndex);
      switch (step.type) {
        case 'wait': {
          const until = step.until
            ? new Date(step.until).toISOString()
            : new Date(crm.now().getTime() + step.seconds! * 1000).toISOString();
          await recordStep('succeeded', { until });
          return { next, waitUntil: until };
        }
        case 'if_else': {
          const holds = conditionsHold(step, context);
          await recordStep('succeeded', { branch: holds ? 'then' : 'else' });
          return { next: holds ? next : (step.elseStep ?? null) };
        }
        case 'add_tag':
          await addContactTags(
            crm,
            request,
            input.contactId,
            step.tags.map((t) => renderTemplate(t, context)),
          );
          await recordStep('succeeded', { tags: step.tags });
          return { next };
        case 'remove_tag':
          await removeContactTags(
            crm,
            request,
            input.contactId,
            step.tags.map((t) => renderTemplate(t, context)),
          );
          await recordStep('succeeded', { tags: step.tags });
          return { next };
        case 'update_contact_field':
          await updateContact(
            crm,
            request,
            input.contactId,
            fieldUpdate(step.field, renderValue(step.value, context)),
          );
          await recordStep('succeeded', { field: step.field });
          return { next };
        case 'create_opportunity': {
          // the opportunity's source names the execution's step, so an activity retried after the
          // create (before its record) finds it instead of opening a second one
          const source = `workflow:${input.executionId}:${at.seq}`;
          const [existing]: { id: string }[] = await crm.dataSource.query(
            `select id from opportunities where location_id = $1 and contact_id = $2 and source = $3`,
            [input.locationId, input.contactId, source],
          );
          const opportunityId =
            existing?.id ??
            (
              await createOpportunity(crm, request, {
                name: renderTemplate(step.name, context),
                contactId: input.contactId,
                pipelineId: step.pipelineId,
                pipelineStageId: step.pipelineStageId,
                monetaryValue: step.monetaryValue,
                status: step.status,
                source,
              })
            ).id;
          await recordStep('succeeded', { opportunityId });
          return { next };
        }
        case 'move_opportunity': {
          const page = await listOpportunities(
            crm,
            request,
            { contactId: input.contactId, pipelineId: step.pipelineId ?? null, status: 'open' },
            { limit: 1 },
          );
          const opportunity = page.items[0];
          if (!opportunity) {
            await recordStep('skipped', { reason: 'the contact has no open opportunity' });
            return { next };
          }
          await updateOpportunity(crm, request, opportunity.id, {
            pipelineId: step.pipelineId,
            pipelineStageId: step.pipelineStageId,
            status: step.status,
          });
          await recordStep('succeeded', { opportunityId: opportunity.id });
          return { next };
        }
        case 'send_webhook': {
          const headers = Object.fromEntries(
            step.headers.map((h) => [h.name, renderTemplate(h.value, context)]),
          );
          const result = await sendWebhook(crm, {
            url: step.url,
            method: step.method,
            headers,
            body: {
              type: 'WorkflowWebhook',
              locationId: input.locationId,
              workflow: {
                id: input.workflowId,
                version: input.workflowVersion,
                executionId: input.executionId,
              },
              contact: context.contact,
              trigger: { type: input.trigger, ...input.triggerData },
            },
          });
          if (result.outcome === 'retry')
            throw new Error(`webhook not delivered: ${result.error ?? result.status}`);
          await recordStep(result.outcome === 'delivered' ? 'succeeded' : 'failed', {
            status: result.status ?? null,
            ...(result.error ? { error: result.error } : {}),
          });
          return { next };
        }
        case 'custom_webhook': {
          const result = await sendCustomAction(crm, input.locationId, step, context);
          let saved: string | undefined;
          if (result.ok && step.saveResponse) {
            await updateContact(
              crm,
              request,
              input.contactId,
              fieldUpdate(step.saveResponse.field, responseValue(result.body, step.saveResponse.path)),
            );
            saved = step.saveResponse.field;
          }
          await recordStep(result.ok ? 'succeeded' : 'failed', {
            status: result.status,
            ...(result.error ? { error: result.error } : {}),
            ...(saved ? { savedTo: saved } : {}),
          });
          return { next };
        }
        case 'go_to':
          await recordStep('succeeded', { step: step.step });
          return { next: step.step };
        case 'end':
          await recordStep('succeeded');
          return { next: null };
        default: {
          const unknown: never = step;
          return unknown;
        }
      }
    },
  };
}

export type AutomationActivities = ReturnType<typeof automationActivities>;
