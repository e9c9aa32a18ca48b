import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { FastifyInstance } from 'fastify';
import { GraphQLError, Kind, visit, type DocumentNode, type ValueNode } from 'graphql';
import { decodeUtf8, describePath, findUnsafeText, unsafeTextProblem } from '@seren/contracts';

/**
 * Input hardening every service (and the gateway's /graphql) inherits: text PostgreSQL cannot store
 * (a NUL, a lone surrogate; see @seren/contracts' text rules) is refused where input is parsed, as
 * a client error naming the field, so no resolver or route needs to remember it.
 */

/** A request id from a client (or the gateway) is kept only when it is a sane token; else a new one. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

/** A literal can only hold a NUL or lone surrogate through an escape or the raw character. */
// eslint-disable-next-line no-control-regex
const MAY_HOLD_UNSAFE_LITERAL = /\\u|[\u0000\ud800-\udfff]/;

/** The first unsafe string of a GraphQL request: in its variables or in a literal of its document. */
export function unsafeGraphQLInput(
  variables: Record<string, unknown> | undefined,
  document: DocumentNode,
  /** the document's text, when known: one without escapes or raw NUL/surrogates skips the walk */
  source?: string,
): string | undefined {
  for (const [name, value] of Object.entries(variables ?? {})) {
    const found = findUnsafeText(value);
    if (found) {
      const at = found.path.length ? ` at ${describePath(found.path)}` : '';
      return `Variable "$${name}"${at} ${found.problem}`;
    }
  }
  if (source !== undefined && !MAY_HOLD_UNSAFE_LITERAL.test(source)) return undefined;
  let problem: string | undefined;
  const literal = (node: ValueNode, path: string[]): string | undefined => {
    switch (node.kind) {
      case Kind.STRING: {
        const p = unsafeTextProblem(node.value);
        return p ? `${path.join('.')} ${p}` : undefined;
      }
      case Kind.LIST:
        for (const [i, item] of node.values.entries()) {
          const p = literal(item, [...path, String(i)]);
          if (p) return p;
        }
        return undefined;
      case Kind.OBJECT:
        for (const field of node.fields) {
          const p = literal(field.value, [...path, field.name.value]);
          if (p) return p;
        }
        return undefined;
      default:
        return undefined;
    }
  };
  visit(document, {
    Argument(node) {
      problem ??= literal(node.value, [`Argument "${node.name.value}"`]);
    },
    VariableDefinition(node) {
      if (node.defaultValue)
        problem ??= literal(node.defaultValue, [`Default of "$${node.variable.name.value}"`]);
    },
  });
  return problem;
}

/**
 * An Apollo Server plugin refusing unsafe text in variables and literals before execution:
 * `BAD_USER_INPUT` with HTTP 400, naming the variable or argument.
 */
export function safeInputPlugin<Context extends BaseContext>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const problem = unsafeGraphQLInput(request.variables, document, request.query);
          if (problem)
            throw new GraphQLError(problem, {
              extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
            });
        },
      };
    },
  };
}

/**
 * On a service's fastify app: JSON bodies are decoded as strict UTF-8 (invalid bytes are a 400,
 * never silently U+FFFD), and a NUL or lone surrogate in the path, the query or any string of a
 * JSON body is a 400 `{code: 'VALIDATION_ERROR', message}` naming it. `/graphql` is left to
 * {@link safeInputPlugin}, which answers in GraphQL's shape.
 */
export function refuseUnsafeInput(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const text = decodeUtf8(body as Buffer);
    if (text === undefined) {
      const error = Object.assign(new Error('body is not valid UTF-8'), { statusCode: 400 });
      return done(error, undefined);
    }
    return parseJson(request, text, done);
  });
  app.addHook('preValidation', async (request, reply) => {
    if (request.routeOptions.url === '/graphql') return;
    const found =
      findUnsafeText(request.params, ['params']) ??
      findUnsafeText(request.query, ['query']) ??
      findUnsafeText(request.body, ['body']);
    if (found)
      return reply
        .status(400)
        .send({ code: 'VALIDATION_ERROR', message: `${describePath(found.path)} ${found.problem}` });
  });
}
