// A contact's custom field values checked against its location's definitions (pure): each value is
// named by the field's id or its key (`contact.favourite_colour` or `favourite_colour`, as HighLevel
// takes either), and must suit the field's dataType. A null (or empty) value clears the field.
import type { FieldProblem } from '../pagination.js';
import { emailOf, phoneOf, dateOf } from '../contacts/fields.js';

export type CustomFieldDataType =
  | 'TEXT'
  | 'LARGE_TEXT'
  | 'NUMERICAL'
  | 'PHONE'
  | 'MONETORY'
  | 'CHECKBOX'
  | 'SINGLE_OPTIONS'
  | 'MULTIPLE_OPTIONS'
  | 'DATE'
  | 'EMAIL';

export interface CustomFieldDefinition {
  id: string;
  fieldKey: string;
  name: string;
  dataType: CustomFieldDataType;
  options: string[];
}

export type CustomFieldValue = string | number | boolean | string[] | null;

/** A value as a request gives it: HighLevel sends `field_value` (v2) or `value`. */
export interface CustomFieldValueInput {
  id?: string | null;
  key?: string | null;
  value?: unknown;
  field_value?: unknown;
}

export const MAX_LARGE_TEXT = 10_000;

/** `contact.favourite_colour` and `favourite_colour` name the same field. */
export const bareKey = (key: string) => key.trim().replace(/^contact\./, '');

function valueOf(
  definition: CustomFieldDefinition,
  raw: unknown,
  field: string,
  problems: FieldProblem[],
): CustomFieldValue {
  if (raw === null || raw === undefined || raw === '') return null;
  const bad = (message: string) => {
    problems.push({ field, message });
    return null;
  };
  switch (definition.dataType) {
    case 'TEXT':
    case 'LARGE_TEXT': {
      if (typeof raw !== 'string' && typeof raw !== 'number') return bad('must be text');
      const text = String(raw).trim();
      const max = definition.dataType === 'TEXT' ? 255 : MAX_LARGE_TEXT;
      if (text.length > max) return bad(`must be at most ${max} characters`);
      return text === '' ? null : text;
    }
    case 'NUMERICAL':
    case 'MONETORY': {
      const number = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : NaN;
      if (!Number.isFinite(number)) return bad('must be a number');
      return number;
    }
    case 'PHONE':
      return typeof raw === 'string'
        ? (phoneOf(raw, null, field, problems) ?? null)
        : bad('must be a phone number');
    case 'EMAIL':
      return typeof raw === 'string' ? (emailOf(raw, field, problems) ?? null) : bad('must be an email');
    case 'DATE':
      return typeof raw === 'string'
        ? (dateOf(raw, field, problems) ?? null)
        : bad('must be a date (YYYY-MM-DD)');
    case 'SINGLE_OPTIONS': {
      if (typeof raw !== 'string') return bad(`must be one of ${definition.options.join(', ')}`);
      const option = definition.options.find((o) => o === raw.trim());
      return option ?? bad(`must be one of ${definition.options.join(', ')}`);
    }
    case 'CHECKBOX':
    case 'MULTIPLE_OPTIONS': {
      const list = Array.isArray(raw) ? raw : [raw];
      if (!list.every((v): v is string => typeof v === 'string'))
        return bad(`must be a list of ${definition.options.join(', ')}`);
      const chosen = [...new Set(list.map((v) => v.trim()))];
      const unknown = chosen.filter((v) => !definition.options.includes(v));
      if (unknown.length > 0)
        return bad(`${unknown.join(', ')} is not one of ${definition.options.join(', ')}`);
      return chosen.length === 0 ? null : chosen;
    }
    default: {
      const never: never = definition.dataType;
      return never;
    }
  }
}

/**
 * The contact's values after `input` is applied to `current`: the named fields set (a null clears
 * one), the others kept. Values of fields no longer defined are dropped.
 */
export function customFieldValuesOf(
  input: readonly CustomFieldValueInput[] | null | undefined,
  definitions: readonly CustomFieldDefinition[],
  problems: FieldProblem[],
  current: readonly { id: string; value: CustomFieldValue }[] = [],
): { id: string; value: CustomFieldValue }[] | undefined {
  if (input === undefined || input === null) return undefined;
  const byId = new Map(definitions.map((d) => [d.id, d]));
  const byKey = new Map(definitions.map((d) => [bareKey(d.fieldKey), d]));
  const values = new Map(current.filter((v) => byId.has(v.id)).map((v) => [v.id, v.value]));
  input.forEach((entry, index) => {
    const field = `customFields.${index}`;
    const definition = entry.id
      ? byId.get(entry.id.trim())
      : entry.key
        ? byKey.get(bareKey(entry.key))
        : undefined;
    if (!definition) {
      problems.push({
        field,
        message: entry.id || entry.key ? 'is not a custom field of this location' : 'needs an id or a key',
      });
      return;
    }
    const raw = entry.field_value !== undefined ? entry.field_value : entry.value;
    const value = valueOf(definition, raw, field, problems);
    if (value === null) values.delete(definition.id);
    else values.set(definition.id, value);
  });
  return [...values].map(([id, value]) => ({ id, value }));
}
