import { z } from 'zod';

/**
 * Rules for the text the suite accepts, shared by the edge (every REST and GraphQL input), the
 * service kit (every subgraph and internal route) and the services' input schemas.
 *
 * - Anywhere: no NUL (PostgreSQL `text` and `jsonb` cannot hold U+0000) and no lone surrogate (not
 *   a Unicode scalar value: it cannot be encoded as UTF-8, and `jsonb` refuses its `\ud800` escape).
 *   Refused once at the edge and in the service kit, so no route needs to remember it.
 * - In names (a user's, an organization's, a role's, a key's): no control character at all (C0, DEL,
 *   C1; a name is one line) and no bidirectional override or isolate (U+202A–U+202E, U+2066–U+2069),
 *   which can make a name display as something else ("Trojan Source").
 * - Multi-line text (descriptions): control characters refused except tab, line feed and carriage return.
 */

/** What is wrong with a string anywhere in an input, or undefined when it is fine. */
export function unsafeTextProblem(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0) return 'must not contain a NUL character (U+0000)';
    if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return 'must not contain a lone surrogate (not valid Unicode)';
    }
  }
  return undefined;
}

// Matching control characters is the point of these patterns.
/* eslint-disable no-control-regex */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ud800-\udfff]/g;
/* eslint-enable no-control-regex */

/** What is wrong with a name (one line of display text), or undefined when it is fine. */
export function nameProblem(text: string): string | undefined {
  return (
    unsafeTextProblem(text) ??
    (CONTROL.test(text)
      ? 'must not contain control characters'
      : BIDI_CONTROL.test(text)
        ? 'must not contain bidirectional override characters'
        : undefined)
  );
}

/** What is wrong with multi-line text (tabs and line breaks allowed), or undefined when it is fine. */
export function multilineTextProblem(text: string): string | undefined {
  return (
    unsafeTextProblem(text) ??
    (CONTROL_BUT_LINES.test(text)
      ? 'must not contain control characters other than tab and newline'
      : undefined)
  );
}

/** The first string (or object key) of a JSON-like value that breaks {@link unsafeTextProblem}. */
export interface UnsafeText {
  /** where it is: `['body', 'members', '0', 'name']` */
  path: string[];
  problem: string;
}

/**
 * Walks a parsed JSON value (objects, arrays, strings) and answers the first string or key that is
 * not safe text. Nesting deeper than 64 levels (no real input has it) is refused as such, so a NUL
 * cannot hide below the walk and the walk's recursion stays shallow.
 */
export function findUnsafeText(value: unknown, path: string[] = []): UnsafeText | undefined {
  if (typeof value === 'string') {
    const problem = unsafeTextProblem(value);
    return problem ? { path, problem } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (path.length > 64) return { path, problem: 'is nested more than 64 levels deep' };
  if (!Array.isArray(value)) {
    // Raw bytes (a Buffer) and streams are not parsed input: not walked.
    if (ArrayBuffer.isView(value) || typeof (value as { pipe?: unknown }).pipe === 'function')
      return undefined;
  } else {
    for (let i = 0; i < value.length; i++) {
      const found = findUnsafeText(value[i], [...path, String(i)]);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const keyProblem = unsafeTextProblem(key);
    if (keyProblem) return { path: [...path, safeLabel(key)], problem: `key ${keyProblem}` };
    const found = findUnsafeText(item, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/** A field name fit for an error message: unsafe characters shown as `\uXXXX`, at most 64 characters. */
export function safeLabel(name: string): string {
  const shown = name.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return shown.length > 64 ? `${shown.slice(0, 61)}...` : shown;
}

/** `a.b.0.c` of a path, each part made safe to print. */
export const describePath = (path: string[]) => path.map(safeLabel).join('.');

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The bytes as UTF-8 text, or undefined when they are not valid UTF-8 (never silently U+FFFD). */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export interface SafeNameOptions {
  /** the field as messages name it (default `name`) */
  field?: string;
  min?: number;
  max?: number;
}

/**
 * A name as every service takes it: trimmed, `min`–`max` characters (default 1–100), one line, no
 * control characters, no bidirectional overrides. Messages name the field: `name must be 1 to 100
 * characters`, `name must not contain control characters`.
 */
export function safeName(options: SafeNameOptions = {}) {
  const { field = 'name', min = 1, max = 100 } = options;
  const length = `${field} must be ${min} to ${max} characters`;
  return z
    .string(`${field} must be a string`)
    .trim()
    .min(min, length)
    .max(max, length)
    .superRefine((text, ctx) => {
      const problem = nameProblem(text);
      if (problem) ctx.addIssue({ code: 'custom', message: `${field} ${problem}` });
    });
}

/** Multi-line text (a description): up to `max` characters, no control characters but tab and newlines. */
export function safeMultilineText(options: { field?: string; max?: number } = {}) {
  const { field = 'text', max = 1000 } = options;
  return z
    .string(`${field} must be a string`)
    .max(max, `${field} must be at most ${max} characters`)
    .superRefine((text, ctx) => {
      const problem = multilineTextProblem(text);
      if (problem) ctx.addIssue({ code: 'custom', message: `${field} ${problem}` });
    });
}
