import { countWords, parseDocument, ParseFailure } from './parsers';
import { documentParserOf } from './parser-pool';
import { FileInspector } from './file-type';
import { buildDocx, buildPdf } from './test-support/documents';

const typeOf = (bytes: Buffer, filename: string) => {
  const inspector = new FileInspector();
  // in small chunks, as a stream would deliver them
  for (let i = 0; i < bytes.length; i += 7) inspector.inspect(bytes.subarray(i, i + 7));
  return inspector.typeOf(filename);
};

describe('source parsers', () => {
  it('extracts the text, page count and outline of a PDF', async () => {
    const pdf = buildPdf({
      pages: [
        ['Introduction to FastAPI', 'FastAPI is a modern web framework.'],
        ['Async patterns (and more)'],
      ],
      outline: [
        { title: 'Introduction', page: 0 },
        { title: 'Async', page: 1 },
      ],
    });
    const parsed = await parseDocument('pdf', pdf);
    expect(parsed.pageCount).toBe(2);
    expect(parsed.text).toContain('FastAPI is a modern web framework.');
    expect(parsed.text).toContain('Async patterns (and more)');
    expect(parsed.wordCount).toBe(13);
    expect(parsed.headings).toEqual([
      { depth: 1, text: 'Introduction' },
      { depth: 1, text: 'Async' },
    ]);
  });

  it('fails a corrupt PDF with the parser message', async () => {
    const broken = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> garbage');
    await expect(parseDocument('pdf', broken)).rejects.toThrow(ParseFailure);
    await expect(parseDocument('pdf', broken)).rejects.toThrow(/^the PDF could not be read: |no text found/);
  });

  it('fails an encrypted PDF, saying so', async () => {
    const pdf = buildPdf({ pages: [['secret']], encrypted: true });
    await expect(parseDocument('pdf', pdf)).rejects.toThrow(
      'the PDF is encrypted (password-protected) and cannot be read',
    );
  });

  it('fails a PDF without text (a scanned image)', async () => {
    await expect(parseDocument('pdf', buildPdf({ pages: [[]] }))).rejects.toThrow(/no text found in the PDF/);
  });

  it('extracts the text and heading styles of a DOCX', async () => {
    const docx = await buildDocx({
      paragraphs: [
        { text: 'Building APIs', heading: 1 },
        { text: 'Routes & handlers are <simple>.' },
        { text: 'Testing', heading: 2 },
        { text: 'Write tests first.' },
      ],
    });
    const parsed = await parseDocument('docx', docx);
    expect(parsed.text).toBe(
      'Building APIs\n\nRoutes & handlers are <simple>.\n\nTesting\n\nWrite tests first.',
    );
    expect(parsed.headings).toEqual([
      { depth: 1, text: 'Building APIs' },
      { depth: 2, text: 'Testing' },
    ]);
    expect(parsed.pageCount).toBeNull();
    expect(parsed.wordCount).toBe(10);
  });

  it('fails a zip that is not a Word document', async () => {
    await expect(parseDocument('docx', Buffer.from('PK\x03\x04not really'))).rejects.toThrow(
      /the DOCX could not be read/,
    );
  });

  it('reads Markdown headings with marked', async () => {
    const parsed = await parseDocument(
      'md',
      Buffer.from('# Title\n\nSome *text*.\n\n## Part two\n\nMore.\n'),
    );
    expect(parsed.headings).toEqual([
      { depth: 1, text: 'Title' },
      { depth: 2, text: 'Part two' },
    ]);
    expect(parsed.pageCount).toBeNull();
  });

  it('parses CSV rows by lower-cased header, quoted fields included', async () => {
    const csv =
      'topic,voice,custom_instructions\n"SEO Best Practices for 2025","professional","Include examples"\n"Social, Media","casual",""\n';
    const parsed = await parseDocument('csv', Buffer.from(csv));
    expect(parsed.rows).toEqual([
      {
        topic: 'SEO Best Practices for 2025',
        voice: 'professional',
        custom_instructions: 'Include examples',
      },
      { topic: 'Social, Media', voice: 'casual', custom_instructions: '' },
    ]);
  });

  it('fails a CSV with an unclosed quote, and one with no rows', async () => {
    await expect(parseDocument('csv', Buffer.from('topic\n"open'))).rejects.toThrow(
      /the CSV could not be read/,
    );
    await expect(parseDocument('csv', Buffer.from('topic,voice\n'))).rejects.toThrow(
      'the CSV has a header but no rows',
    );
  });

  it('fails an empty text file', async () => {
    await expect(parseDocument('txt', Buffer.from('  \n '))).rejects.toThrow('no text found in the file');
  });
});

describe('word count', () => {
  // the definition the one-pass counter implements, as a regular expression
  const reference = (text: string) => text.match(/[\p{L}\p{N}][\p{L}\p{N}'’._-]*/gu)?.length ?? 0;

  it('counts as the reference expression does, in any script, with joiners and surrogate pairs', () => {
    const samples = [
      '',
      'FastAPI is a modern web framework.',
      "l’été c'est don't--stop e-mail x.y_z -a 3.5 ..a a-",
      '日本語 テキスト ω-3 Привет мир',
      '😀 a😀b 𝐀𝐁 (math letters) 1,000,000',
      ' \n\t  lots   of\n\nspace ',
    ];
    for (const text of samples) expect(countWords(text)).toBe(reference(text));
    expect(countWords("l’été c'est don't--stop")).toBe(3);
  });
});

describe('parser threads', () => {
  const parser = documentParserOf({ PARSER_THREADS: '1' });
  afterAll(() => parser.close());

  it('parse on a worker thread what parseDocument parses in process, and fail alike', async () => {
    const pdf = buildPdf({ pages: [['Threads', 'Parsed off the event loop.']] });
    expect(await parser.parse('pdf', pdf)).toEqual(
      await parseDocument('pdf', buildPdf({ pages: [['Threads', 'Parsed off the event loop.']] })),
    );
    const failure = await parser
      .parse('pdf', Buffer.from('%PDF-1.7 not really'))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ParseFailure);
    expect((failure as Error).message).toMatch(/the PDF could not be read/);
  });

  it('refuses a PARSER_THREADS that is not a whole number from 1 to 64', () => {
    expect(() => documentParserOf({ PARSER_THREADS: '0' })).toThrow(/PARSER_THREADS/);
    expect(() => documentParserOf({ PARSER_THREADS: 'two' })).toThrow(/PARSER_THREADS/);
  });
});

describe('file type from the content', () => {
  it('knows a PDF, a DOCX and text files by their bytes', async () => {
    expect(typeOf(buildPdf({ pages: [['x']] }), 'paper.PDF')).toBe('pdf');
    expect(typeOf(await buildDocx({ paragraphs: [{ text: 'x' }] }), 'notes.docx')).toBe('docx');
    expect(typeOf(Buffer.from('# Hi\n'), 'readme.md')).toBe('md');
    expect(typeOf(Buffer.from('\ufeffplain ünïcode'), 'a.txt')).toBe('txt');
    expect(typeOf(Buffer.from('topic\nx\n'), 'topics.csv')).toBe('csv');
  });

  it('refuses a name that lies about the content, binaries and other zips', async () => {
    const refused = (bytes: Buffer, name: string) =>
      expect(() => typeOf(bytes, name)).toThrow(
        expect.objectContaining({ code: 'VALIDATION_ERROR', reason: 'UNSUPPORTED_FILE_TYPE' }),
      );
    refused(Buffer.from('just text'), 'paper.pdf');
    refused(buildPdf({ pages: [['x']] }), 'paper.docx');
    refused(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]), 'tool.md');
    refused(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'old.doc');
    refused(Buffer.from('PK\x03\x04xl/workbook.xml'), 'sheet.docx');
    refused(Buffer.from('hello'), 'hello.exe');
    refused(Buffer.from([0xc3, 0x28]), 'bad-utf8.txt');
    refused(Buffer.alloc(0), 'empty.md');
  });
});
