import { inputMessageOf } from './input.js';

describe('the message a root call sends an agent', () => {
  it('takes a string as one text part', () => {
    expect(inputMessageOf('summarise this').parts).toEqual([{ kind: 'text', text: 'summarise this' }]);
  });

  it('takes {message}, {text}, {query} and {prompt} strings as one text part', () => {
    for (const key of ['message', 'text', 'query', 'prompt'])
      expect(inputMessageOf({ [key]: 'hi' }).parts).toEqual([{ kind: 'text', text: 'hi' }]);
  });

  it("takes A2A parts as they are, with or without kind, and a message's parts", () => {
    const parts = [
      { kind: 'text', text: 'a' },
      { data: { x: 1 } },
      { file: { uri: 'https://x/y.pdf', mimeType: 'application/pdf' } },
    ];
    const expected = [
      { kind: 'text', text: 'a' },
      { kind: 'data', data: { x: 1 } },
      { kind: 'file', url: 'https://x/y.pdf', filename: null, mediaType: 'application/pdf' },
    ];
    expect(inputMessageOf({ parts }).parts).toEqual(expected);
    expect(inputMessageOf({ message: { role: 'user', parts } }).parts).toEqual(expected);
  });

  it('takes any other JSON as one data part', () => {
    expect(inputMessageOf({ url: 'https://example.com', depth: 2 }).parts).toEqual([
      { kind: 'data', data: { url: 'https://example.com', depth: 2 } },
    ]);
  });

  it('refuses an empty message, empty parts and a part of nothing with 400', () => {
    for (const body of [undefined, null, '', { parts: [] }, { parts: [{ nothing: true }] }])
      expect(() => inputMessageOf(body)).toThrow(expect.objectContaining({ code: 'VALIDATION_ERROR' }));
  });
});
