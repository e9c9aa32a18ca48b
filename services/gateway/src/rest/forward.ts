import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { request, type Dispatcher } from 'undici';
import { INTERNAL_TOKEN_HEADER } from '@seren/service-kit';
import type { SubgraphName } from '../config.js';
import { productCodeOf } from './errors.js';
import type { ProductPolicy } from './products.js';
import type { ForwardRoute } from './types.js';

/** Response headers that belong to one hop, or that the edge sets itself. */
const dropResponseHeaders = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'x-request-id',
  'date',
]);

/** Request headers an `allHeaders` forward still keeps: one hop's, the caller's credential, and what the edge sets. */
const neverForwarded = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'expect',
  'content-length',
  'authorization',
  'cookie',
  INTERNAL_TOKEN_HEADER,
  'x-request-id',
  'x-forwarded-for',
]);

export interface ForwardContext {
  route: ForwardRoute;
  params: Record<string, string>;
  /** the raw query string, `?` included, or '' */
  search: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
  /** the bytes read, or the request stream itself for a `streamBody` route */
  body: Buffer | Readable | undefined;
  internalToken: string;
  requestId: string;
  clientIp: string;
}

/**
 * Sends a forwarded route to the owning service's internal endpoint and streams the answer back:
 * body and query string verbatim, plus the edge's caller token, request id and trace context.
 */
export class Forwarder {
  constructor(
    private readonly urls: Record<SubgraphName, string>,
    private readonly dispatcher: Dispatcher,
    /** for rows answering `text/event-stream`: open streams never take the pool GraphQL uses */
    private readonly streams: Dispatcher = dispatcher,
  ) {}

  async forward(context: ForwardContext, reply: FastifyReply, policy: ProductPolicy): Promise<FastifyReply> {
    const { route } = context;
    const greedy = /\{(\w+)\}$/.exec(route.path)?.[1] === 'path' ? 'path' : undefined;
    const path = route.forward.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = context.params[name] ?? '';
      // A greedy tail keeps its slashes, segment by segment; no segment may climb out of the target.
      if (name === greedy)
        return value
          .split('/')
          .map((s) => encodeURIComponent(s === '..' || s === '.' ? '' : s))
          .join('/');
      return encodeURIComponent(value);
    });
    const headers: Record<string, string> = {
      [INTERNAL_TOKEN_HEADER]: context.internalToken,
      'x-request-id': context.requestId,
      'x-forwarded-for': context.clientIp,
    };
    const pass = [
      'content-type',
      'accept',
      'user-agent',
      'traceparent',
      'tracestate',
      ...(route.forward.headers ?? []),
    ];
    for (const name of pass) {
      const value = context.headers[name.toLowerCase()];
      if (typeof value === 'string') headers[name.toLowerCase()] = value;
    }
    if (route.forward.allHeaders)
      for (const [name, value] of Object.entries(context.headers))
        if (value !== undefined && !neverForwarded.has(name) && !(name in headers))
          headers[name] = Array.isArray(value) ? value.join(', ') : value;
    // a streamed body of known length goes on with that length (not re-chunked)
    const length = context.headers['content-length'];
    if (context.body && !Buffer.isBuffer(context.body) && typeof length === 'string')
      headers['content-length'] = length;
    const response = await request(new URL(path + context.search, this.urls[route.forward.service]), {
      method: context.method as Dispatcher.HttpMethod,
      headers,
      body: Buffer.isBuffer(context.body)
        ? context.body.length > 0
          ? context.body
          : undefined
        : context.body,
      dispatcher: route.response.contentType === 'text/event-stream' ? this.streams : this.dispatcher,
      // Server-sent events stay open: no body timeout on the stream.
      bodyTimeout: 0,
      headersTimeout: 30_000,
    });

    const contentType = String(response.headers['content-type'] ?? '');
    if (response.statusCode >= 400 && !route.forward.passThroughErrors && contentType.includes('json')) {
      // service-kit answers {code, message}: render it in the product's error shape.
      const text = await response.body.text();
      const parsed = safeJson(text) as { code?: unknown; message?: unknown } | undefined;
      if (parsed && typeof parsed.code === 'string' && typeof parsed.message === 'string') {
        const error = policy.errorOf(
          parsed.code,
          parsed.message,
          productCodeOf(parsed as Record<string, unknown>),
        );
        return reply
          .status(response.statusCode)
          .send(policy.errorBody({ ...error, status: response.statusCode }));
      }
      copyHeaders(response.headers, reply);
      return reply.status(response.statusCode).send(text);
    }
    copyHeaders(response.headers, reply);
    reply.status(response.statusCode);
    return reply.send(response.body);
  }
}

function copyHeaders(headers: Record<string, string | string[] | undefined>, reply: FastifyReply) {
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || dropResponseHeaders.has(name) || name.startsWith('x-ratelimit-')) continue;
    reply.header(name, value);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
