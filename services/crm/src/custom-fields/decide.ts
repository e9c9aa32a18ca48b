import { customFieldDataTypes } from '@seren/contracts';
import { domainErrorsOf } from '@seren/service-kit/errors';
import { invalidFields, type FieldProblem } from '../pagination.js';
import {
  evolveCustomField,
  initialCustomFieldState,
  type CustomFieldEvent,
  type CustomFieldState,
} from './custom-field.js';
import type { CustomFieldDataType } from './values.js';

export interface CustomFieldInput {
  name?: string | null;
  dataType?: string | null;
  placeholder?: string | null;
  options?: string[] | null;
  position?: number | null;
}

export type CustomFieldCommand =
  | {
      type: 'CreateCustomField';
      customFieldId: string;
      locationId: string;
      input: CustomFieldInput;
      now: string;
    }
  | { type: 'UpdateCustomField'; input: CustomFieldInput; now: string }
  | { type: 'DeleteCustomField'; now: string };

export type CustomFieldReason = 'CUSTOM_FIELD_EXISTS';
export const customFieldErrors = domainErrorsOf<CustomFieldReason>();

const OPTION_TYPES: readonly CustomFieldDataType[] = ['SINGLE_OPTIONS', 'MULTIPLE_OPTIONS', 'CHECKBOX'];

/** HighLevel's key of a field named `Favourite Colour`: `contact.favourite_colour`. */
export function fieldKeyOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `contact.${slug || 'field'}`;
}

function nameOf(raw: string | null | undefined, problems: FieldProblem[]): string | undefined {
  if (raw === undefined) return undefined;
  const name = (raw ?? '').trim();
  if (name === '' || name.length > 100) problems.push({ field: 'name', message: 'must be 1-100 characters' });
  return name;
}

function optionsOf(raw: string[] | null | undefined, problems: FieldProblem[]): string[] | undefined {
  if (raw === undefined) return undefined;
  const options = [...new Set((raw ?? []).map((o) => o.trim()).filter((o) => o !== ''))];
  if (options.length > 500 || options.some((o) => o.length > 255))
    problems.push({ field: 'options', message: 'at most 500 options of at most 255 characters' });
  return options;
}

function positionOf(raw: number | null | undefined, problems: FieldProblem[]): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Number.isInteger(raw) || raw < 0 || raw > 100_000)
    problems.push({ field: 'position', message: 'must be a non-negative integer' });
  return raw;
}

export function decideCustomField(command: CustomFieldCommand, state: CustomFieldState): CustomFieldEvent[] {
  switch (command.type) {
    case 'CreateCustomField': {
      if (state.status !== 'none')
        throw customFieldErrors.conflict('custom field already exists', { reason: 'CUSTOM_FIELD_EXISTS' });
      const problems: FieldProblem[] = [];
      const name = nameOf(command.input.name ?? null, problems) ?? '';
      const dataType = (command.input.dataType ?? '').trim().toUpperCase() as CustomFieldDataType;
      if (!(customFieldDataTypes as readonly string[]).includes(dataType))
        problems.push({ field: 'dataType', message: `must be one of ${customFieldDataTypes.join(', ')}` });
      const options = optionsOf(command.input.options, problems) ?? [];
      if (OPTION_TYPES.includes(dataType) && options.length === 0)
        problems.push({ field: 'options', message: `a ${dataType} field needs options` });
      const placeholder = command.input.placeholder?.trim() || null;
      const position = positionOf(command.input.position, problems) ?? 0;
      if (problems.length > 0) throw invalidFields(problems);
      return [
        {
          type: 'CustomFieldCreated',
          data: {
            customFieldId: command.customFieldId,
            locationId: command.locationId,
            name,
            fieldKey: fieldKeyOf(name),
            dataType,
            placeholder,
            options: OPTION_TYPES.includes(dataType) ? options : [],
            position,
            createdAt: command.now,
          },
        },
      ];
    }
    case 'UpdateCustomField': {
      const field = active(state);
      const problems: FieldProblem[] = [];
      const name = nameOf(command.input.name, problems);
      const options = optionsOf(command.input.options, problems);
      if (options !== undefined && OPTION_TYPES.includes(field.dataType) && options.length === 0)
        problems.push({ field: 'options', message: `a ${field.dataType} field needs options` });
      const position = positionOf(command.input.position, problems);
      if (problems.length > 0) throw invalidFields(problems);
      const data: Extract<CustomFieldEvent, { type: 'CustomFieldUpdated' }>['data'] = {
        customFieldId: field.customFieldId,
        locationId: field.locationId,
        updatedAt: command.now,
      };
      if (name !== undefined && name !== field.name) data.name = name;
      if (command.input.placeholder !== undefined) {
        const placeholder = command.input.placeholder?.trim() || null;
        if (placeholder !== field.placeholder) data.placeholder = placeholder;
      }
      if (
        options !== undefined &&
        OPTION_TYPES.includes(field.dataType) &&
        options.join('\n') !== field.options.join('\n')
      )
        data.options = options;
      if (position !== undefined && position !== field.position) data.position = position;
      if (Object.keys(data).length === 3) return [];
      return [{ type: 'CustomFieldUpdated', data }];
    }
    case 'DeleteCustomField': {
      const field = active(state);
      return [
        {
          type: 'CustomFieldDeleted',
          data: { customFieldId: field.customFieldId, locationId: field.locationId, deletedAt: command.now },
        },
      ];
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

function active(state: CustomFieldState) {
  if (state.status !== 'active') throw customFieldErrors.notFound('custom field');
  return state;
}

export const customFieldDecider = {
  streamType: 'custom_field',
  initialState: initialCustomFieldState,
  evolve: evolveCustomField,
  decide: decideCustomField,
};
