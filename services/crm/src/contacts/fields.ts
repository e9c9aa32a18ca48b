// Pure checks and normalisation of a contact's fields, as HighLevel stores them: emails trimmed and
// lower case, phones E.164 (libphonenumber-js, read in the contact's country, else the US as
// HighLevel's default), country an ISO 3166 alpha-2 code, tags trimmed, lower case and
// deduplicated, dateOfBirth YYYY-MM-DD, timezone an IANA zone. Each problem names its field, so a
// request with several bad fields hears about all of them.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { FieldProblem } from '../pagination.js';

export const MAX_TEXT = 255;
export const MAX_TAGS = 100;
export const MAX_TAG = 100;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The text of a field: trimmed; empty is none. */
export function textOf(
  value: string | null | undefined,
  field: string,
  problems: FieldProblem[],
  max = MAX_TEXT,
): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  const trimmed = value.trim();
  if (trimmed.length > max) problems.push({ field, message: `must be at most ${max} characters` });
  return trimmed === '' ? null : trimmed;
}

export function emailOf(
  value: string | null | undefined,
  field: string,
  problems: FieldProblem[],
): string | null | undefined {
  const email = textOf(value, field, problems);
  if (!email) return email;
  if (!EMAIL.test(email)) {
    problems.push({ field, message: 'must be an email' });
    return email;
  }
  return email.toLowerCase();
}

export function countryOf(
  value: string | null | undefined,
  field: string,
  problems: FieldProblem[],
): string | null | undefined {
  const country = textOf(value, field, problems);
  if (!country) return country;
  const code = country.toUpperCase();
  if (!/^[A-Z]{2}$/.test(code))
    problems.push({ field, message: 'must be an ISO 3166 alpha-2 code (US, GB, ...)' });
  return code;
}

/** A phone as E.164, read in `country` when it has no international prefix. */
export function phoneOf(
  value: string | null | undefined,
  country: string | null | undefined,
  field: string,
  problems: FieldProblem[],
): string | null | undefined {
  const phone = textOf(value, field, problems);
  if (!phone) return phone;
  const region = (country && /^[A-Z]{2}$/.test(country) ? country : 'US') as CountryCode;
  const parsed = parsePhoneNumberFromString(phone, region);
  if (!parsed || !parsed.isPossible()) {
    problems.push({ field, message: 'must be a phone number (E.164, e.g. +14155550123)' });
    return phone;
  }
  return parsed.number;
}

export function timezoneOf(
  value: string | null | undefined,
  field: string,
  problems: FieldProblem[],
): string | null | undefined {
  const zone = textOf(value, field, problems);
  if (!zone) return zone;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    problems.push({ field, message: 'must be an IANA time zone (e.g. America/New_York)' });
    return zone;
  }
}

/** YYYY-MM-DD, from that form or an ISO 8601 date-time (its date). */
export function dateOf(
  value: string | null | undefined,
  field: string,
  problems: FieldProblem[],
): string | null | undefined {
  const text = textOf(value, field, problems);
  if (!text) return text;
  const match = /^(\d{4})-(\d{2})-(\d{2})(T.*)?$/.exec(text);
  const date = match && new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00Z`);
  if (
    !match ||
    !date ||
    Number.isNaN(date.getTime()) ||
    date.toISOString().slice(0, 10) !== text.slice(0, 10)
  ) {
    problems.push({ field, message: 'must be a date (YYYY-MM-DD)' });
    return text;
  }
  return text.slice(0, 10);
}

export function tagsOf(
  value: readonly string[] | null | undefined,
  field: string,
  problems: FieldProblem[],
): string[] | undefined {
  if (value === undefined) return undefined;
  if (value === null) return [];
  const tags: string[] = [];
  for (const raw of value) {
    const tag = raw.trim().toLowerCase();
    if (tag === '') continue;
    if (tag.length > MAX_TAG)
      problems.push({ field, message: `each tag must be at most ${MAX_TAG} characters` });
    if (!tags.includes(tag)) tags.push(tag);
  }
  if (tags.length > MAX_TAGS) problems.push({ field, message: `at most ${MAX_TAGS} tags` });
  return tags;
}

/** HighLevel's contact name: "first last" of whichever parts there are, else none. */
export function fullNameOf(firstName: string | null, lastName: string | null): string | null {
  const name = [firstName, lastName].filter(Boolean).join(' ');
  return name === '' ? null : name;
}
