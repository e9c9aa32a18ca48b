import { Writable } from 'node:stream';
import { startContentService } from '@seren/content';
import { loadGatewayConfig, startGateway, type Gateway } from '@seren/gateway';
import type { DomainService } from '@seren/service-kit';
import { testServiceEnv } from '@seren/testing';
import { startIdentityService, type IdentityService } from '../service';
import { IdentityClient, startMailCatcher, type MailCatcher } from './harness';

/** Every log line identity wrote, to look for secrets in. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, callback: () => void) {
    this.lines.push(chunk.toString());
    callback();
  }
  get text() {
    return this.lines.join('');
  }
}

export interface RestSuite {
  identity: IdentityService;
  content: DomainService;
  gateway: Gateway;
  mail: MailCatcher;
  logs: LogCapture;
  client: IdentityClient;
  serenai: (
    method: string,
    path: string,
    options?: { body?: unknown; token?: string; headers?: Record<string, string> },
  ) => Promise<RestResponse>;
  serelo: (
    method: string,
    path: string,
    options?: { body?: unknown; token?: string; headers?: Record<string, string> },
  ) => Promise<RestResponse>;
  close(): Promise<void>;
}

export interface RestResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
  text: string;
}

/** identity (logging at debug into a capture), content and the gateway, on the real servers. */
export async function startRestSuite(options: { rateLimits?: boolean } = {}): Promise<RestSuite> {
  const mail = await startMailCatcher();
  const logs = new LogCapture();
  const [identity, content] = await Promise.all([
    startIdentityService(
      testServiceEnv('identity', {
        env: { SMTP_URL: mail.url, CONSOLE_URL: 'http://console.test', LOG_LEVEL: 'debug' },
      }),
      {
        logDestination: logs,
      },
    ),
    startContentService(testServiceEnv('content')),
  ]);
  const gateway = await startGateway(
    loadGatewayConfig({
      ...testServiceEnv('gateway'),
      GATEWAY_PORT: '0',
      SERENAI_PORT: '0',
      SEREBRO_PORT: '0',
      SERELO_PORT: '0',
      IDENTITY_URL: identity.url,
      CONTENT_URL: content.url,
      RATE_LIMITS_ENABLED: options.rateLimits ? 'true' : 'false',
    }),
  );
  const call =
    (base: string) =>
    async (
      method: string,
      path: string,
      opts: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
    ): Promise<RestResponse> => {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      const response = await fetch(`${base}${path}`, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
      const text = await response.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      return { status: response.status, body, headers: response.headers, text };
    };
  return {
    identity,
    content,
    gateway,
    mail,
    logs,
    client: new IdentityClient(identity.url),
    serenai: call(gateway.listeners.serenai.url),
    serelo: call(gateway.listeners.serelo.url),
    async close() {
      await gateway.close();
      await Promise.all([identity.close(), content.close()]);
      await mail.close();
    },
  };
}
