import { credentialKinds, type CredentialKind } from '@seren/contracts';
import { domainErrorsOf } from '@seren/service-kit/errors';
import { mask } from '@seren/service-kit/sealing';
import { invalidFields, type FieldProblem } from '../pagination.js';
import {
  evolveCredential,
  initialCredentialState,
  type CredentialEvent,
  type CredentialState,
} from './credential.js';

/** A credential's secrets: key → clear value (only ever in memory; sealed at rest). */
export type CredentialValues = Record<string, string>;

export interface CredentialInput {
  name?: string | null;
  kind?: string | null;
  values?: CredentialValues | null;
}

export type CredentialCommand =
  | {
      type: 'CreateCredential';
      credentialId: string;
      locationId: string;
      input: CredentialInput;
      now: string;
    }
  /** `values` holds the keys given new values; the others keep theirs */
  | { type: 'RotateCredential'; values: CredentialValues; merged: CredentialValues; now: string }
  | { type: 'DeleteCredential'; now: string };

export type CredentialReason = 'CREDENTIAL_EXISTS';
export const credentialErrors = domainErrorsOf<CredentialReason>();

const KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const MAX_KEYS = 20;
const MAX_VALUE = 8192;

/** Problems of a set of secrets: 1-20 keys (letters, digits, `_.-`, up to 64), values 1-8192 characters. */
export function valueProblems(values: CredentialValues | null | undefined, field = 'values'): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const entries = Object.entries(values ?? {});
  if (entries.length === 0 || entries.length > MAX_KEYS)
    problems.push({ field, message: `must hold 1-${MAX_KEYS} secrets` });
  for (const [key, value] of entries) {
    if (!KEY.test(key))
      problems.push({
        field: `${field}.${key}`,
        message: 'a key is a letter then letters, digits, _ . - (up to 64)',
      });
    else if (typeof value !== 'string' || value.length === 0 || value.length > MAX_VALUE)
      problems.push({ field: `${field}.${key}`, message: `must be 1-${MAX_VALUE} characters` });
  }
  return problems;
}

export const maskedOf = (values: CredentialValues) =>
  Object.keys(values)
    .sort()
    .map((key) => ({ key, masked: mask(values[key]!) }));

export function credentialNameOf(raw: string | null | undefined, problems: FieldProblem[]): string {
  const name = (raw ?? '').trim();
  if (name === '' || name.length > 100) problems.push({ field: 'name', message: 'must be 1-100 characters' });
  return name;
}

export function decideCredential(command: CredentialCommand, state: CredentialState): CredentialEvent[] {
  switch (command.type) {
    case 'CreateCredential': {
      if (state.status !== 'none')
        throw credentialErrors.conflict('credential already exists', { reason: 'CREDENTIAL_EXISTS' });
      const problems: FieldProblem[] = [];
      const name = credentialNameOf(command.input.name, problems);
      const kind = (command.input.kind ?? 'other').trim().toLowerCase() as CredentialKind;
      if (!(credentialKinds as readonly string[]).includes(kind))
        problems.push({ field: 'kind', message: `must be one of ${credentialKinds.join(', ')}` });
      problems.push(...valueProblems(command.input.values));
      if (problems.length > 0) throw invalidFields(problems);
      return [
        {
          type: 'CredentialCreated',
          data: {
            credentialId: command.credentialId,
            locationId: command.locationId,
            name,
            kind,
            values: maskedOf(command.input.values!),
            createdAt: command.now,
          },
        },
      ];
    }
    case 'RotateCredential': {
      const credential = active(state);
      const problems = valueProblems(command.values);
      if (problems.length > 0) throw invalidFields(problems);
      return [
        {
          type: 'CredentialRotated',
          data: {
            credentialId: credential.credentialId,
            locationId: credential.locationId,
            version: credential.version + 1,
            rotatedKeys: Object.keys(command.values).sort(),
            values: maskedOf(command.merged),
            rotatedAt: command.now,
          },
        },
      ];
    }
    case 'DeleteCredential': {
      const credential = active(state);
      return [
        {
          type: 'CredentialDeleted',
          data: {
            credentialId: credential.credentialId,
            locationId: credential.locationId,
            deletedAt: command.now,
          },
        },
      ];
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

function active(state: CredentialState) {
  if (state.status !== 'active') throw credentialErrors.notFound('credential');
  return state;
}

export const credentialDecider = {
  streamType: 'credential',
  initialState: initialCredentialState,
  evolve: evolveCredential,
  decide: decideCredential,
};
