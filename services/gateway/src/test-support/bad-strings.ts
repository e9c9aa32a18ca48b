// The bad-string fuzz step: walks a product's served OpenAPI document and sends, into every path
// parameter, every query parameter, every string field of every JSON body and every part of every
// multipart body (a file part's filename) of every operation, each of the strings below. The product passes when no answer is a 5xx, every status is one the
// operation documents, and every error body matches the document's `Error` schema exactly.
import { STRONG_PASSWORD, uniqueEmail } from './suite';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = Record<string, unknown>;

/** A bad value as it travels in a JSON body: a JS string (JSON.stringify escapes what must be), or raw bytes. */
interface BodyValue {
  name: string;
  value: string | Buffer;
}

/** A bad value as it travels in a URL: already percent-encoded (or deliberately not). */
interface UrlValue {
  name: string;
  encoded: string;
}

export const BODY_VALUES: readonly BodyValue[] = [
  { name: 'NUL', value: 'a\u0000b' },
  { name: 'lone surrogate \\ud800', value: 'a\ud800b' },
  { name: 'overlong (100,000 chars)', value: 'a'.repeat(100_000) },
  { name: 'control character \\u0007', value: 'a\u0007b' },
  { name: 'bidi override U+202E', value: 'a\u202eb' },
  // 0xC3 starts a two-byte sequence that 0x28 does not continue: not UTF-8.
  { name: 'invalid UTF-8 bytes C3 28', value: Buffer.from([0x61, 0xc3, 0x28, 0x62]) },
];

export const URL_VALUES: readonly UrlValue[] = [
  { name: 'NUL %00', encoded: 'a%00b' },
  { name: 'lone surrogate %ED%A0%80', encoded: 'a%ED%A0%80b' },
  { name: 'overlong (2,048 chars)', encoded: 'a'.repeat(2048) },
  { name: 'control character %07', encoded: 'a%07b' },
  { name: 'bidi override %E2%80%AE', encoded: 'a%E2%80%AEb' },
  { name: 'truncated percent-encoding %E0%A4%A', encoded: 'a%E0%A4%A' },
  { name: 'not percent-encoding %ZZ', encoded: 'a%ZZb' },
];

export interface BadStringCase {
  method: string;
  /** the documented path, e.g. /organizations/{organization_id}/roles; none for a path no operation has */
  operation?: string;
  /** what was bad and where: `path.organization_id = NUL %00` */
  what: string;
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface BadStringFailure {
  case: BadStringCase;
  problem: string;
}

interface Operation {
  method: string;
  path: string;
  op: Schema;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

export function operationsOf(document: Schema): Operation[] {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Schema>>;
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
}

/**
 * Every case for every operation of the document. `base` is the product's origin (the document's
 * paths are absolute, its server is `/`); `authorization` goes with operations that take a
 * credential, so the bad value reaches the handler instead of a 401. `known` gives the values of
 * parameters and body fields by name (`project_id`: a project the credential owns), so a request
 * reaches the resource rather than a 404 before its bad value is read.
 */
export function badStringCases(
  document: Schema,
  base: string,
  authorization: string,
  known: Known = {},
): BadStringCase[] {
  return operationsOf(document).flatMap((operation) => casesOf(operation, base, authorization, known));
}

type Known = Readonly<Record<string, string>>;

function casesOf(
  { method, path, op }: Operation,
  base: string,
  authorization: string,
  known: Known,
): BadStringCase[] {
  const parameters = (op.parameters ?? []) as {
    name: string;
    in: string;
    schema?: Schema;
    required?: boolean;
  }[];
  const pathParams = parameters.filter((p) => p.in === 'path');
  const queryParams = parameters.filter((p) => p.in === 'query');
  const security = op.security as unknown[] | undefined;
  const needsCredential = Array.isArray(security) && security.length > 0 && !security.some(isEmptyObject);
  const bodySchema = jsonBodySchema(op);
  const validBody = bodySchema ? (sample(bodySchema, '', known) as Json) : undefined;
  const formSchema = multipartSchema(op);

  const validPath: Record<string, string> = Object.fromEntries(
    pathParams.map((p) => [p.name, encodeURIComponent(String(sample(p.schema ?? {}, p.name, known)))]),
  );
  const validQuery: Record<string, string> = Object.fromEntries(
    queryParams
      .filter((p) => p.required)
      .map((p) => [p.name, encodeURIComponent(String(sample(p.schema ?? {}, p.name, known)))]),
  );
  const urlOf = (pathValues: Record<string, string>, query: Record<string, string>) => {
    const filled = path.replace(/\{(\w+)\}/g, (_m, name: string) => pathValues[name] ?? 'x');
    const search = Object.entries(query)
      .map(([name, value]) => `${encodeURIComponent(name)}=${value}`)
      .join('&');
    return `${base}${filled}${search ? `?${search}` : ''}`;
  };
  const credential: Record<string, string> = needsCredential ? { authorization } : {};
  const json: Record<string, string> = { 'content-type': 'application/json', ...credential };
  // What path and query cases send as their (valid) body, if the operation takes one.
  const validForm = formSchema ? multipartBody(formSchema, known) : undefined;
  const validRequest: Pick<BadStringCase, 'headers' | 'body'> =
    validBody !== undefined
      ? { headers: json, body: Buffer.from(JSON.stringify(validBody)) }
      : validForm
        ? { headers: { 'content-type': validForm.contentType, ...credential }, body: validForm.body }
        : { headers: credential };

  const cases: BadStringCase[] = [];
  for (const param of pathParams) {
    for (const bad of URL_VALUES) {
      cases.push({
        method,
        operation: path,
        what: `path.${param.name} = ${bad.name}`,
        url: urlOf({ ...validPath, [param.name]: bad.encoded }, validQuery),
        ...validRequest,
      });
    }
  }
  for (const param of queryParams) {
    for (const bad of URL_VALUES) {
      cases.push({
        method,
        operation: path,
        what: `query.${param.name} = ${bad.name}`,
        url: urlOf(validPath, { ...validQuery, [param.name]: bad.encoded }),
        ...validRequest,
      });
    }
  }
  if (bodySchema && validBody !== undefined) {
    for (const field of stringFields(bodySchema, [])) {
      for (const bad of BODY_VALUES) {
        cases.push({
          method,
          operation: path,
          what: `body.${field.join('.')} = ${bad.name}`,
          url: urlOf(validPath, validQuery),
          headers: json,
          body: bodyWith(validBody, field, bad.value),
        });
      }
    }
  }
  for (const [name, property] of Object.entries((formSchema?.properties ?? {}) as Record<string, Schema>)) {
    const where = property.format === 'binary' ? `the filename of part ${name}` : `part ${name}`;
    for (const bad of BODY_VALUES) {
      const form = multipartBody(formSchema!, known, { part: name, value: bad.value });
      cases.push({
        method,
        operation: path,
        what: `multipart: ${where} = ${bad.name}`,
        url: urlOf(validPath, validQuery),
        headers: { 'content-type': form.contentType, ...credential },
        body: form.body,
      });
    }
  }
  return cases;
}

function multipartSchema(op: Schema): Schema | undefined {
  const content = (op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)?.content;
  return content?.['multipart/form-data']?.schema;
}

/**
 * A multipart/form-data body with a part per property: a small text file for `format: binary`
 * parts, a plausible value for the others; `bad` replaces one part's value (a file part's filename).
 * Written byte by byte, so a NUL or an encoded lone surrogate reaches the server as sent.
 */
function multipartBody(
  schema: Schema,
  known: Known,
  bad?: { part: string; value: string | Buffer },
): { contentType: string; body: Buffer } {
  const boundary = `fuzz${Math.random().toString(36).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
    const value = bad?.part === name ? bytesOf(bad.value) : undefined;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"`));
    if (property.format === 'binary') {
      chunks.push(Buffer.from('; filename="'), value ?? Buffer.from('fuzz.txt'), Buffer.from('"\r\n'));
      chunks.push(Buffer.from('Content-Type: text/plain\r\n\r\nFuzz text.\n\r\n'));
    } else {
      chunks.push(
        Buffer.from('\r\n\r\n'),
        value ?? Buffer.from(String(sample(property, name, known))),
        Buffer.from('\r\n'),
      );
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

/** UTF-8, except that a lone surrogate is written as its three-byte form (ED A0 80), not replaced. */
function bytesOf(value: string | Buffer): Buffer {
  if (typeof value !== 'string') return value;
  const chunks: Buffer[] = [];
  for (const char of value) {
    const unit = char.charCodeAt(0);
    chunks.push(
      char.length === 1 && unit >= 0xd800 && unit <= 0xdfff
        ? Buffer.from([0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)])
        : Buffer.from(char),
    );
  }
  return Buffer.concat(chunks);
}

const isEmptyObject = (value: unknown) =>
  typeof value === 'object' && value !== null && Object.keys(value).length === 0;

function jsonBodySchema(op: Schema): Schema | undefined {
  const content = (op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)?.content;
  return content?.['application/json']?.schema;
}

/** The schema's types, with `anyOf`/`oneOf` alternatives and type lists flattened. */
function typesOf(schema: Schema): Set<string> {
  const types = new Set<string>();
  const type = schema.type;
  if (typeof type === 'string') types.add(type);
  if (Array.isArray(type)) for (const t of type) types.add(String(t));
  for (const key of ['anyOf', 'oneOf'] as const) {
    for (const alternative of (schema[key] as Schema[] | undefined) ?? []) {
      for (const t of typesOf(alternative)) types.add(t);
    }
  }
  if (schema.enum) types.add('string');
  return types;
}

/** The alternative of a union that is an object (or an array), to descend into. */
function branch(schema: Schema, type: 'object' | 'array'): Schema | undefined {
  if (typesOf({ type: schema.type }).has(type)) return schema;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const found = ((schema[key] as Schema[] | undefined) ?? []).find((alt) => typesOf(alt).has(type));
    if (found) return branch(found, type);
  }
  return undefined;
}

/** Paths to every string in a body schema: `['name']`, `['permissions', 0]`, nested objects too. */
function stringFields(schema: Schema, at: (string | number)[]): (string | number)[][] {
  const fields: (string | number)[][] = [];
  if (typesOf(schema).has('string')) fields.push(at);
  const object = branch(schema, 'object');
  for (const [name, property] of Object.entries((object?.properties ?? {}) as Record<string, Schema>)) {
    fields.push(...stringFields(property, [...at, name]));
  }
  const array = branch(schema, 'array');
  if (array?.items) fields.push(...stringFields(array.items as Schema, [...at, 0]));
  return fields.filter((field) => field.length > 0);
}

/**
 * A plausible valid value, so the bad value is the only thing wrong with the request: the
 * schema's own example or default, else one chosen from the field's name and type.
 */
function sample(schema: Schema, name: string, known: Known): Json {
  if (known[name] !== undefined) return known[name];
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0] as Json;
  if (schema.default !== undefined) return schema.default as Json;
  if (Array.isArray(schema.enum)) return schema.enum[0] as Json;
  const types = typesOf(schema);
  if (types.has('object')) {
    const object = branch(schema, 'object')!;
    const properties = (object.properties ?? {}) as Record<string, Schema>;
    return Object.fromEntries(
      Object.entries(properties).map(([key, property]) => [key, sample(property, key, known)]),
    );
  }
  if (types.has('string')) return sampleString(name);
  if (types.has('array')) {
    const items = branch(schema, 'array')!.items as Schema | undefined;
    return items ? [sample(items, name, known)] : [];
  }
  if (types.has('integer') || types.has('number'))
    return typeof schema.minimum === 'number' ? schema.minimum : 1;
  if (types.has('boolean')) return false;
  return null;
}

function sampleString(name: string): string {
  if (/email/.test(name)) return uniqueEmail('fuzz');
  if (/password/.test(name)) return STRONG_PASSWORD;
  if (name === 'organization_id') return 'default';
  if (name === 'permissions' || name === 'permission') return 'org.read';
  if (/_id$|^id$|token|code/.test(name)) return 'fuzz-0000';
  if (/date/.test(name)) return '2026-01-01T00:00:00Z';
  return 'Fuzz value';
}

/** The valid body with one string replaced by the bad value, encoded; raw bytes are spliced in. */
function bodyWith(valid: Json, field: (string | number)[], bad: string | Buffer): Buffer {
  const marker = `bad-value-${Math.random().toString(36).slice(2)}`;
  const body = structuredClone(valid);
  setAt(body, field, typeof bad === 'string' ? bad : marker);
  const text = JSON.stringify(body);
  if (typeof bad === 'string') return Buffer.from(text);
  const [before, after] = text.split(marker) as [string, string];
  return Buffer.concat([Buffer.from(before), bad, Buffer.from(after)]);
}

function setAt(body: Json, field: (string | number)[], value: string): void {
  let target = body as Record<string | number, Json>;
  for (const key of field.slice(0, -1)) {
    target[key] ??= typeof key === 'number' ? [] : {};
    target = target[key] as Record<string | number, Json>;
  }
  target[field[field.length - 1]!] = value;
}

/**
 * Requests no operation documents, answered by the edge itself: bad strings in a path no route
 * has (404 or 400), a URL past Node's 16 KiB request-head limit and a 17 KB header (431). Every
 * answer of a product's port must be in its error shape all the same.
 */
export function edgeCases(base: string, prefix: string): BadStringCase[] {
  const unknownPath = URL_VALUES.map((bad) => ({
    method: 'GET',
    what: `an unknown path with ${bad.name}`,
    url: `${base}${prefix}/no-such-resource/${bad.encoded}`,
    headers: {},
  }));
  return [
    ...unknownPath,
    {
      method: 'GET',
      what: 'a 20,000-character URL',
      url: `${base}${prefix}/no-such-resource/${'a'.repeat(20_000)}`,
      headers: {},
    },
    {
      method: 'GET',
      what: 'a 17 KB header',
      url: `${base}${prefix}/no-such-resource`,
      headers: { 'x-fuzz-padding': 'a'.repeat(17_000) },
    },
  ];
}

export interface Answer {
  status: number;
  contentType: string | null;
  text: string;
}

/** Sends one case; a connection dropped without an answer is reported as such. */
export async function send(c: BadStringCase): Promise<Answer | { error: string }> {
  try {
    const response = await fetch(c.url, {
      method: c.method,
      headers: c.headers,
      body: c.body ? new Uint8Array(c.body) : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(15_000),
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      text: await response.text(),
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { error: `no answer: ${cause?.code ?? cause?.message ?? (error as Error).message}` };
  }
}

/** What is wrong with an answer to a case of `operation`, or undefined when it is fine. */
export function problemOf(
  document: Schema,
  c: BadStringCase,
  answer: Answer | { error: string },
): string | undefined {
  if ('error' in answer) return answer.error;
  const shown = `${answer.status} ${excerpt(answer.text)}`;
  if (answer.status >= 500) return `server error: ${shown}`;
  const op = operationsOf(document).find((o) => o.method === c.method && o.path === c.operation);
  if (op) {
    const responses = (op.op.responses ?? {}) as Record<string, Schema>;
    const documented = responses[String(answer.status)] ?? responses[`${String(answer.status)[0]}XX`];
    if (!documented) return `status ${answer.status} is not documented for this operation: ${shown}`;
  }
  if (answer.status < 400) return op ? undefined : `a path no operation has answered ${shown}`;
  // an operation may document a status's error body of its own (a forward's `serviceErrors`),
  // besides the product's Error for the edge's own refusals
  const own = op && ownErrorBody(op.op, answer.status);
  const errorSchema = (document.components as { schemas?: Record<string, Schema> } | undefined)?.schemas
    ?.Error;
  if (!errorSchema) return 'the document has no Error schema';
  if (own && !answer.contentType?.startsWith('application/json')) {
    return answer.contentType?.startsWith(own.type)
      ? undefined
      : `error body is not ${own.type} (content-type ${answer.contentType ?? 'none'}): ${shown}`;
  }
  if (!answer.contentType?.startsWith('application/json')) {
    return `error body is not JSON (content-type ${answer.contentType ?? 'none'}): ${shown}`;
  }
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `error body does not parse as JSON: ${shown}`;
  }
  const mismatch = mismatchOf(body, errorSchema, '$');
  if (mismatch && own?.schema && own.type.includes('json')) {
    const wrong = mismatchOf(body, own.schema, '$');
    return wrong
      ? `error body is neither the product's Error (${mismatch}) nor the operation's (${wrong}): ${shown}`
      : undefined;
  }
  return mismatch ? `error body is not the product's Error shape (${mismatch}): ${shown}` : undefined;
}

/** The error body an operation documents for a status when it is not the product's Error. */
function ownErrorBody(op: Schema, status: number): { type: string; schema?: Schema } | undefined {
  const responses = (op.responses ?? {}) as Record<string, Schema>;
  const content = responses[String(status)]?.content as Record<string, { schema?: Schema }> | undefined;
  const isError = (schema?: Schema) =>
    (schema as { $ref?: string } | undefined)?.$ref === '#/components/schemas/Error';
  for (const [type, media] of Object.entries(content ?? {})) {
    const schemas = (media.schema?.oneOf as Schema[] | undefined) ?? [media.schema];
    const others = schemas.filter((schema) => !isError(schema));
    if (others.length > 0) return { type, schema: others[0] };
  }
  return undefined;
}

const IGNORED_KEYWORDS = new Set(['description', 'examples', 'title', 'minimum', 'maximum']);
const CHECKED_KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'propertyNames',
]);

/**
 * Where a value breaks the Error schema, for the subset of JSON Schema the error schemas use; a
 * keyword outside it is reported rather than skipped, so a schema it cannot judge never passes.
 */
export function mismatchOf(value: unknown, schema: Schema, at: string): string | undefined {
  const unknownKeyword = Object.keys(schema).find(
    (k) => !IGNORED_KEYWORDS.has(k) && !CHECKED_KEYWORDS.has(k),
  );
  if (unknownKeyword) return `${at}: the check does not know the keyword ${unknownKeyword}`;
  const type = schema.type as string | undefined;
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  if (type === 'integer') {
    if (!Number.isInteger(value)) return `${at} is ${actual}, not an integer`;
  } else if (type && type !== actual) return `${at} is ${actual}, not ${type}`;
  if (type === 'array' && schema.items) {
    for (const [index, item] of (value as unknown[]).entries()) {
      const inner = mismatchOf(item, schema.items as Schema, `${at}[${index}]`);
      if (inner) return inner;
    }
  }
  if (type !== 'object') return undefined;
  const object = value as Record<string, unknown>;
  for (const name of (schema.required as string[] | undefined) ?? []) {
    if (!(name in object)) return `${at}.${name} is missing`;
  }
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  for (const [name, property] of Object.entries(object)) {
    if (properties[name]) {
      const inner = mismatchOf(property, properties[name], `${at}.${name}`);
      if (inner) return inner;
    } else if (schema.additionalProperties === false) return `${at}.${name} is not in the schema`;
    else if (typeof schema.additionalProperties === 'object') {
      const inner = mismatchOf(property, schema.additionalProperties as Schema, `${at}.${name}`);
      if (inner) return inner;
    }
    if (schema.propertyNames) {
      const inner = mismatchOf(name, schema.propertyNames as Schema, `${at} key ${name}`);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** Runs every case, a few at a time: what went wrong, and how many answers had each status. */
export async function fuzzBadStrings(
  document: Schema,
  cases: BadStringCase[],
  concurrency = 4,
): Promise<{ failures: BadStringFailure[]; statuses: Record<string, number>; answered: string[] }> {
  const problems: (string | undefined)[] = [];
  const statuses: Record<string, number> = {};
  const answered: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const index = next++;
      const answer = await send(cases[index]!);
      const status = 'error' in answer ? 'no answer' : String(answer.status);
      statuses[status] = (statuses[status] ?? 0) + 1;
      answered[index] =
        `${status.padEnd(9)} ${cases[index]!.method} ${cases[index]!.operation ?? '(no operation)'} ${cases[index]!.what}`;
      problems[index] = problemOf(document, cases[index]!, answer);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const failures = cases.flatMap((c, index) =>
    problems[index] ? [{ case: c, problem: problems[index] }] : [],
  );
  return { failures, statuses, answered };
}

/** One line per failure, with the exact request: method, URL (long values shortened), body. */
export function describeFailure({ case: c, problem }: BadStringFailure, base: string): string {
  const body = c.body ? ` body ${excerpt(c.body.toString('latin1'), 120)}` : '';
  return `${c.method} ${c.operation ?? '(no operation)'} ${c.what}: ${problem}\n    ${c.method} ${excerpt(c.url.replace(base, ''), 160)}${body}`;
}

function excerpt(text: string, max = 200): string {
  const shown = JSON.stringify(text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text);
  return shown.slice(1, -1);
}
