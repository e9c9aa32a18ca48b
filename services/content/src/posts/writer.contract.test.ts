import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { countWords } from './lengths';
import type { SourceText } from './sources';
import { fastApiGuide } from './test-support/fixtures';
import { postWriterOf } from './writer';

// CONTRACT TEST of the AI SDK path (no model runs here): a local OpenAI-compatible HTTP server,
// started by this test, answers /chat/completions the way Ollama or vLLM would. It checks what the
// writer sends (model, messages with the sources, a JSON-schema response format) and that the
// writer validates what comes back, retries a failed call and refuses output that breaks the schema.

interface Call {
  path: string;
  body: {
    model: string;
    messages: { role: string; content: string }[];
    response_format?: { type: string; json_schema?: { schema: { properties?: Record<string, unknown> } } };
  };
}

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    request.on('data', (chunk) => (text += chunk));
    request.on('end', () => resolve(text));
  });

describe('the AI SDK writer against a local OpenAI-compatible server (contract test)', () => {
  let server: Server;
  let baseUrl: string;
  const calls: Call[] = [];
  let failNext = 0;
  let malformed = false;

  const answer = (properties: string[]) => {
    if (malformed) return { sections: 'not an array' };
    if (properties.includes('sections'))
      return {
        title: 'Building REST APIs with FastAPI',
        sections: [{ heading: 'Async patterns' }, { heading: 'Testing the API' }],
      };
    if (properties.includes('introduction'))
      return {
        introduction: 'FastAPI builds APIs from type hints.',
        conclusion: 'Async endpoints and tests keep an API fast and correct.',
        meta_description: 'Build a REST API with FastAPI.',
        meta_keywords: ['FastAPI', 'REST API'],
      };
    return {
      heading: 'Async patterns',
      content: 'An async endpoint should await I/O instead of blocking the event loop.',
    };
  };

  beforeAll(async () => {
    server = createServer(async (request, response) => {
      const body = JSON.parse(await readBody(request)) as Call['body'];
      calls.push({ path: request.url ?? '', body });
      if (failNext > 0) {
        failNext -= 1;
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: 'overloaded' } }));
        return;
      }
      const properties = Object.keys(body.response_format?.json_schema?.schema.properties ?? {});
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          created: 1,
          model: body.model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: JSON.stringify(answer(properties)) },
              finish_reason: 'stop',
            },
          ],
          usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    calls.length = 0;
    failNext = 0;
    malformed = false;
  });

  const source: SourceText = {
    sourceId: 's1',
    filename: 'fastapi-guide.md',
    fileType: 'md',
    status: 'parsed',
    text: fastApiGuide,
    headings: [],
    wordCount: countWords(fastApiGuide),
    rows: null,
  };
  const brief = {
    topic: 'How to Build a REST API with FastAPI',
    voice: 'technical' as const,
    targetLength: 'short' as const,
    customInstructions: 'Include code examples',
  };
  const writer = () =>
    postWriterOf({
      SERELO_MODEL_PROVIDER: 'openai-compatible',
      SERELO_MODEL_BASE_URL: baseUrl,
      SERELO_MODEL: 'llama3.1',
      SERELO_MODEL_TIMEOUT_MS: '5000',
    });

  it('sends chat completions with the model, the sources and a JSON schema, and assembles a post valid by the post schema', async () => {
    const w = writer();
    expect(w.generator).toBe('openai-compatible:llama3.1');
    const outline = await w.outline(brief, [source]);
    expect(outline.sections.map((s) => s.heading)).toEqual(['Async patterns', 'Testing the API']);
    const sections = [];
    for (let i = 0; i < outline.sections.length; i++)
      sections.push(await w.section(brief, [source], outline, i));
    const { content, notes } = await w.assemble(brief, [source], outline, sections, [
      { targetUrl: 'https://yourblog.com/async', keywords: ['event loop'], anchorText: null },
    ]);
    expect(calls).toHaveLength(4);
    for (const call of calls) {
      expect(call.path).toBe('/v1/chat/completions');
      expect(call.body.model).toBe('llama3.1');
      expect(call.body.response_format?.type).toBe('json_schema');
      expect(call.body.messages[0]).toMatchObject({
        role: 'system',
        content: expect.stringContaining('technical voice'),
      });
    }
    expect(calls[0]!.body.messages.at(-1)!.content).toContain('Async database drivers such as asyncpg');
    expect(content.title).toBe('Building REST APIs with FastAPI');
    expect(content.sections[0]!.content).toContain('[event loop](https://yourblog.com/async)');
    expect(content.markdown).toMatch(
      /^# Building REST APIs with FastAPI\n\nFastAPI builds APIs from type hints\./,
    );
    expect(content.word_count).toBeGreaterThan(0);
    expect(notes[0]).toMatch(/target_length short asks for 800-1200/);
  });

  it('retries a failed call (HTTP 500) and then succeeds', async () => {
    failNext = 1;
    const outline = await writer().outline(brief, [source]);
    expect(outline.sections).toHaveLength(2);
    expect(calls).toHaveLength(2);
  });

  it('refuses an answer that breaks the schema', async () => {
    malformed = true;
    await expect(writer().outline(brief, [source])).rejects.toThrow();
  });

  it('is chosen by configuration only: offline by default, and a wrong setting names the variable', () => {
    expect(postWriterOf({}).generator).toMatch(/offline-composer/);
    expect(() => postWriterOf({ SERELO_MODEL_PROVIDER: 'openai-compatible', SERELO_MODEL: 'm' })).toThrow(
      /SERELO_MODEL_BASE_URL/,
    );
    expect(() => postWriterOf({ SERELO_MODEL_PROVIDER: 'gpt' })).toThrow(/SERELO_MODEL_PROVIDER/);
  });
});
