import { z } from 'zod';
import { safeName } from '../text.js';
import { PERMISSIONS } from './permissions.js';

/**
 * Identity's input rules, one schema per field, in one dependency-free place. Identity validates
 * its inputs with them (a 400 VALIDATION_ERROR naming the field, over GraphQL and REST alike), and
 * the gateway's REST rows build their request schemas from the same schemas, so each product's
 * OpenAPI document states the limits the service enforces and fuzzing exercises the real contract.
 *
 * Only rules about one value live here. Rules across fields (role_id or role_name), rules that need
 * state (an unknown custom role, a duplicate name) and status decisions stay in identity.
 */

/** Surrounding spaces are forgiven: every input that takes an email trims it here, once. */
export const emailInput = z
  .string('email must be a valid address')
  .trim()
  .email('email must be a valid address')
  .max(255, 'email must be at most 255 characters')
  // RFC 5321 caps the local part at 64; JSON Schema's `email` format (what OpenAPI promises) does too.
  .refine((e) => e.lastIndexOf('@') <= 64, 'the part of an email before @ must be at most 64 characters');

const uppercase = /\p{Lu}/u;
const lowercase = /\p{Ll}/u;
const digit = /\p{Nd}/u;
// Unicode-aware: an accented letter is a letter, not the "special character" (a symbol or punctuation).
const special = /[^\p{L}\p{N}\s]/u;

/**
 * The password policy. The character classes are refinements rather than `pattern`s: JSON Schema
 * tools (and the fuzzer's regex engine) do not all read `\p{...}`, so the document states them in
 * words and keeps the length bounds.
 */
export const passwordInput = z
  .string('password must be a string')
  .min(8, 'password must be at least 8 characters')
  // argon2 of a megabyte would be a cheap denial of service
  .max(128, 'password must be at most 128 characters')
  .refine((p) => uppercase.test(p), 'password must contain an uppercase letter')
  .refine((p) => lowercase.test(p), 'password must contain a lowercase letter')
  .refine((p) => digit.test(p), 'password must contain a number')
  .refine((p) => special.test(p), 'password must contain a special character')
  .describe(
    '8 to 128 characters, with an uppercase letter, a lowercase letter, a digit and a symbol or punctuation mark',
  );

/** A user's or an agent's display name. */
export const personNameInput = safeName({ field: 'name' });
/** An organization's name. */
export const organizationNameInput = safeName({ field: 'name', max: 200 });
/** A custom role's name (built-in names are refused by identity, which knows them). */
export const roleNameInput = safeName({ field: 'name' });
/** An API key's name. */
export const apiKeyNameInput = safeName({ field: 'name' });

export const MAX_EXPIRES_IN_DAYS = 3650;
const expiresMessage = `expires_in_days must be an integer from 1 to ${MAX_EXPIRES_IN_DAYS}`;
/** An API key's lifetime in days; absent or null: the key does not expire. */
export const expiresInDaysInput = z
  .number(expiresMessage)
  .int(expiresMessage)
  .min(1, expiresMessage)
  .max(MAX_EXPIRES_IN_DAYS, expiresMessage);

const permissionNames = PERMISSIONS.map((p) => p.name) as [string, ...string[]];
/** The permissions a custom role grants: names from the catalog. */
export const permissionsInput = z.array(
  z.enum(permissionNames, { error: (issue) => `unknown permission: ${String(issue.input)}` }),
  'permissions must be an array of permission names',
);

export const DEFAULT_AUDIT_LOG_LIMIT = 50;
export const MAX_AUDIT_LOG_LIMIT = 100;
const limitMessage = `limit must be an integer from 1 to ${MAX_AUDIT_LOG_LIMIT}`;
/** A page of the audit log: coerced, since REST carries it in the query string. */
export const auditLogLimitInput = z.coerce
  .number(limitMessage)
  .int(limitMessage)
  .min(1, limitMessage)
  .max(MAX_AUDIT_LOG_LIMIT, limitMessage)
  .describe(`entries per page, 1 to ${MAX_AUDIT_LOG_LIMIT} (default ${DEFAULT_AUDIT_LOG_LIMIT})`);
const offsetMessage = 'offset must be a non-negative integer';
export const auditLogOffsetInput = z.coerce
  .number(offsetMessage)
  .int(offsetMessage)
  .min(0, offsetMessage)
  .max(Number.MAX_SAFE_INTEGER, offsetMessage);
