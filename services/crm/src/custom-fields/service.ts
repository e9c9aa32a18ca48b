import { randomUUID } from 'node:crypto';
import { eventMetadataOf, handle, type RequestOrigin } from '@seren/service-kit';
import type { Crm } from '../application.js';
import { locationOf } from '../locations.js';
import { invalidFields } from '../pagination.js';
import { uniqueViolationOf } from '../unique.js';
import {
  customFieldDecider,
  customFieldErrors,
  fieldKeyOf,
  type CustomFieldCommand,
  type CustomFieldInput,
} from './decide.js';
import { customFieldStream } from './custom-field.js';
import { customFieldByKey, customFieldsOf, findCustomField, type CustomFieldView } from './queries.js';

async function handleCustomField(
  crm: Crm,
  request: RequestOrigin,
  customFieldId: string,
  command: CustomFieldCommand,
) {
  return handle(
    crm,
    undefined,
    customFieldStream(customFieldId),
    customFieldDecider,
    command,
    eventMetadataOf(request),
  );
}

async function found(crm: Crm, locationId: string, customFieldId: string): Promise<CustomFieldView> {
  const field = await findCustomField(crm, locationId, customFieldId);
  if (!field) throw customFieldErrors.notFound('custom field');
  return field;
}

const duplicateName = (existing: CustomFieldView) =>
  invalidFields([
    { field: 'name', message: `a custom field with the key ${existing.fieldKey} exists (${existing.id})` },
  ]);

/** Defines a contact custom field in the caller's location; its key comes from its name and is unique there. */
export async function createCustomField(
  crm: Crm,
  request: RequestOrigin,
  input: CustomFieldInput,
): Promise<CustomFieldView> {
  const locationId = locationOf(request);
  const existing = input.name
    ? await customFieldByKey(crm, locationId, fieldKeyOf(input.name.trim()))
    : undefined;
  if (existing) throw duplicateName(existing);
  const customFieldId = randomUUID();
  try {
    await handleCustomField(crm, request, customFieldId, {
      type: 'CreateCustomField',
      customFieldId,
      locationId,
      input,
      now: crm.now().toISOString(),
    });
  } catch (error) {
    // a concurrent create of the same key lost the race at the unique index
    if (uniqueViolationOf(error)) {
      const winner = await customFieldByKey(crm, locationId, fieldKeyOf(input.name!.trim()));
      if (winner) throw duplicateName(winner);
    }
    throw error;
  }
  return found(crm, locationId, customFieldId);
}

export function listCustomFields(crm: Crm, request: RequestOrigin): Promise<CustomFieldView[]> {
  return customFieldsOf(crm, locationOf(request));
}

export function getCustomField(
  crm: Crm,
  request: RequestOrigin,
  customFieldId: string,
): Promise<CustomFieldView> {
  return found(crm, locationOf(request), customFieldId);
}

/** Renames, re-places or changes the options of a field; its key and type stay (contacts' values depend on them). */
export async function updateCustomField(
  crm: Crm,
  request: RequestOrigin,
  customFieldId: string,
  input: CustomFieldInput,
): Promise<CustomFieldView> {
  const locationId = locationOf(request);
  await found(crm, locationId, customFieldId);
  await handleCustomField(crm, request, customFieldId, {
    type: 'UpdateCustomField',
    input,
    now: crm.now().toISOString(),
  });
  return found(crm, locationId, customFieldId);
}

export async function deleteCustomField(
  crm: Crm,
  request: RequestOrigin,
  customFieldId: string,
): Promise<boolean> {
  const locationId = locationOf(request);
  await found(crm, locationId, customFieldId);
  await handleCustomField(crm, request, customFieldId, {
    type: 'DeleteCustomField',
    now: crm.now().toISOString(),
  });
  return true;
}
