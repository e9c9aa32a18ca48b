import { z } from 'zod';
import { triggerTypes } from './triggers.js';

// A workflow definition's trigger and its ordered steps, as GraphQL and REST take them and the
// events hold them. Pure: decide.ts validates with it, activities run it. Steps run in order; an
// if/else that does not hold jumps to its `elseStep` (or ends), `go_to` jumps, `end` ends.

const contactField = z.string().min(1).max(100);

export const conditionOperators = [
  'eq',
  'not_eq',
  'contains',
  'not_contains',
  'exists',
  'not_exists',
  'has_tag',
  'not_has_tag',
] as const;

const condition = z.object({
  /** a contact field (`email`, `firstName`, `tags`, `customFields.<key>`) or `trigger.<field>` */
  field: contactField,
  operator: z.enum(conditionOperators),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
});
export type Condition = z.infer<typeof condition>;

const httpMethods = ['GET', 'POST', 'PUT', 'DELETE'] as const;
const header = z.object({ name: z.string().min(1).max(200), value: z.string().max(4096) });

export const stepSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('wait'),
    /** ISO 8601 duration-free form: seconds to wait (1 s .. 365 days) */
    seconds: z.number().int().min(1).max(31_536_000).optional(),
    /** or an instant to wait until (ISO 8601 with a zone); a past instant does not wait */
    until: z.iso.datetime({ offset: true }).optional(),
  }),
  z.object({
    type: z.literal('if_else'),
    conditions: z.array(condition).min(1).max(20),
    /** all (default) or any */
    match: z.enum(['all', 'any']).default('all'),
    /** the step to go to when the conditions do not hold; absent: the execution ends */
    elseStep: z.number().int().min(0).optional(),
  }),
  z.object({ type: z.literal('add_tag'), tags: z.array(z.string().min(1).max(100)).min(1).max(100) }),
  z.object({ type: z.literal('remove_tag'), tags: z.array(z.string().min(1).max(100)).min(1).max(100) }),
  z.object({
    type: z.literal('update_contact_field'),
    /** a contact field (firstName, lastName, name, email, phone, companyName, address1, city, state, postalCode, country, website, timezone, source, assignedTo, dnd) or `customFields.<key>` */
    field: contactField,
    /** templated (`{{contact.email}}`, `{{trigger.tag}}`) */
    value: z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]),
  }),
  z.object({
    type: z.literal('create_opportunity'),
    name: z.string().min(1).max(500),
    pipelineId: z.string().min(1).optional(),
    pipelineStageId: z.string().min(1).optional(),
    monetaryValue: z.number().min(0).max(1e12).optional(),
    status: z.enum(['open', 'won', 'lost', 'abandoned']).optional(),
  }),
  z.object({
    type: z.literal('move_opportunity'),
    /** the contact's newest open opportunity in this pipeline (else in any) moves */
    pipelineId: z.string().min(1).optional(),
    pipelineStageId: z.string().min(1).optional(),
    status: z.enum(['open', 'won', 'lost', 'abandoned']).optional(),
  }),
  z.object({
    type: z.literal('send_webhook'),
    url: z.string().min(1).max(2048),
    method: z.enum(['POST', 'GET']).default('POST'),
    headers: z.array(header).max(20).default([]),
  }),
  z.object({
    type: z.literal('custom_webhook'),
    method: z.enum(httpMethods),
    /** templated */
    url: z.string().min(1).max(2048),
    headers: z.array(header).max(20).default([]),
    /** a credential of the location: bearer → Authorization: Bearer <token>; basic → Basic; api_key/header → `name: value` (or `header` + `key`); other: only as `{{credential.<key>}}` in headers */
    credentialId: z.string().min(1).optional(),
    /** json (default), form (application/x-www-form-urlencoded) or none */
    bodyType: z.enum(['json', 'form', 'none']).default('json'),
    /** the body: static, with `{{...}}` templates in its string values */
    body: z.record(z.string(), z.unknown()).optional(),
    /** save the response onto a contact field (`customFields.<key>` or a contact field): the whole body, or one JSON path (`data.id`) of it */
    saveResponse: z.object({ field: contactField, path: z.string().max(200).optional() }).optional(),
    timeoutSeconds: z.number().int().min(1).max(30).default(10),
  }),
  z.object({ type: z.literal('go_to'), step: z.number().int().min(0) }),
  z.object({ type: z.literal('end') }),
]);
export type Step = z.infer<typeof stepSchema>;
export type StepType = Step['type'];

export const triggerSchema = z.object({
  type: z.enum(triggerTypes),
  /** filters on the trigger's data, all of which must match: e.g. `{tag: "vip"}`, `{pipelineStageId: "…"}`, `{status: "won"}` */
  filters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});
export type Trigger = z.infer<typeof triggerSchema>;

export interface DefinitionProblem {
  field: string;
  message: string;
}

const pathOf = (prefix: string, path: readonly PropertyKey[]) =>
  [prefix, ...path.map(String)].join('.').replace(/\.(\d+)(?=\.|$)/g, '[$1]');

/** The trigger parsed, or its problems (field paths as `trigger.type`). */
export function parseTrigger(raw: unknown): { trigger?: Trigger; problems: DefinitionProblem[] } {
  const result = triggerSchema.safeParse(raw ?? {});
  if (result.success) return { trigger: result.data, problems: [] };
  return {
    problems: result.error.issues.map((issue) => ({
      field: pathOf('trigger', issue.path),
      message: issue.message,
    })),
  };
}

/** The steps parsed, or their problems (`steps[2].url`); jumps must land on a step; at most 100 steps. */
export function parseSteps(raw: unknown): { steps?: Step[]; problems: DefinitionProblem[] } {
  const result = z
    .array(stepSchema)
    .max(100)
    .safeParse(raw ?? []);
  if (!result.success)
    return {
      problems: result.error.issues.map((issue) => ({
        field: pathOf('steps', issue.path),
        message: issue.message,
      })),
    };
  const steps = result.data;
  const problems: DefinitionProblem[] = [];
  steps.forEach((step, index) => {
    const target = step.type === 'go_to' ? step.step : step.type === 'if_else' ? step.elseStep : undefined;
    if (target !== undefined && target >= steps.length)
      problems.push({
        field: `steps[${index}]`,
        message: `goes to step ${target}, past the last (${steps.length - 1})`,
      });
    if (step.type === 'wait' && (step.seconds === undefined) === (step.until === undefined))
      problems.push({ field: `steps[${index}]`, message: 'a wait takes seconds or until, one of them' });
  });
  return problems.length ? { problems } : { steps, problems };
}

// ---- templates and conditions (pure) ------------------------------------------------------------

export interface TemplateContext {
  contact: Record<string, unknown>;
  trigger: Record<string, unknown>;
  /** a custom action's credential values (headers only) */
  credential?: Record<string, string>;
}

function lookup(source: unknown, path: string[]): unknown {
  let value = source;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** `{{contact.email}}`, `{{trigger.tag}}`, `{{contact.customFields.shoe_size}}`: unknown names give ''. */
export function renderTemplate(template: string, context: TemplateContext): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g, (_all, name: string) => {
    const [root, ...path] = name.split('.');
    const source =
      root === 'contact'
        ? context.contact
        : root === 'trigger'
          ? context.trigger
          : root === 'credential'
            ? context.credential
            : undefined;
    const value = lookup(source, path);
    if (value === undefined || value === null) return '';
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  });
}

/** Every string inside a JSON value rendered (keys as given). */
export function renderValue(value: unknown, context: TemplateContext): unknown {
  if (typeof value === 'string') return renderTemplate(value, context);
  if (Array.isArray(value)) return value.map((v) => renderValue(v, context));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, context)]));
  return value;
}

function fieldValue(field: string, context: TemplateContext): unknown {
  const [root, ...path] = field.split('.');
  if (root === 'trigger') return lookup(context.trigger, path);
  return lookup(context.contact, [root!, ...path]);
}

const text = (value: unknown) => (value === undefined || value === null ? '' : String(value).toLowerCase());

export function conditionHolds(condition: Condition, context: TemplateContext): boolean {
  const actual = fieldValue(condition.field, context);
  const expected = text(condition.value);
  switch (condition.operator) {
    case 'eq':
      return Array.isArray(actual) ? actual.map(text).includes(expected) : text(actual) === expected;
    case 'not_eq':
      return Array.isArray(actual) ? !actual.map(text).includes(expected) : text(actual) !== expected;
    case 'contains':
      return text(Array.isArray(actual) ? actual.join(',') : actual).includes(expected);
    case 'not_contains':
      return !text(Array.isArray(actual) ? actual.join(',') : actual).includes(expected);
    case 'exists':
      return (
        actual !== undefined &&
        actual !== null &&
        actual !== '' &&
        !(Array.isArray(actual) && actual.length === 0)
      );
    case 'not_exists':
      return !conditionHolds({ ...condition, operator: 'exists' }, context);
    case 'has_tag':
      return ((context.contact.tags as string[] | undefined) ?? []).map(text).includes(expected);
    case 'not_has_tag':
      return !((context.contact.tags as string[] | undefined) ?? []).map(text).includes(expected);
    default: {
      const unknown: never = condition.operator;
      return unknown;
    }
  }
}

export function conditionsHold(step: Extract<Step, { type: 'if_else' }>, context: TemplateContext): boolean {
  const results = step.conditions.map((c) => conditionHolds(c, context));
  return step.match === 'any' ? results.some(Boolean) : results.every(Boolean);
}

/** Whether a trigger's filters match what fired (every filter equal, any case). */
export function triggerMatches(trigger: Trigger, data: Record<string, unknown>): boolean {
  return Object.entries(trigger.filters).every(([key, value]) => {
    const actual = data[key];
    if (Array.isArray(actual)) return actual.map(text).includes(text(value));
    return text(actual) === text(value);
  });
}
