// Documents built in code for the tests and the benchmark (no binaries in the repository): a PDF
// written object by object with a correct cross-reference table, and a DOCX zipped with jszip
// (mammoth's own zip library). Each says what text it holds, so tests can compare.
import JSZip from 'jszip';

export interface PdfOptions {
  /** each page's lines of text */
  pages: string[][];
  /** outline entries (bookmarks): title and the page (0-based) they point to */
  outline?: { title: string; page: number }[];
  /** add an /Encrypt dictionary whose user password is not empty: readers must ask for one */
  encrypted?: boolean;
}

const escapePdf = (text: string) => text.replace(/[\\()]/g, (c) => `\\${c}`);

/** A text PDF with Helvetica (a standard font, so nothing is embedded). */
export function buildPdf(options: PdfOptions): Buffer {
  const objects: string[] = [];
  const add = (body: string) => {
    objects.push(body);
    return objects.length;
  };
  const catalog = add(''); // filled in last
  const pagesId = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const pageIds: number[] = [];
  for (const lines of options.pages) {
    const stream = [
      'BT',
      '/F1 11 Tf',
      '14 TL',
      '50 780 Td',
      ...lines.map((l) => `(${escapePdf(l)}) '`),
      'ET',
    ].join('\n');
    const content = add(`<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`);
    pageIds.push(
      add(
        `<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${content} 0 R >>`,
      ),
    );
  }
  objects[pagesId - 1] =
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;
  let outlines = '';
  if (options.outline?.length) {
    const root = add('');
    const first = objects.length + 1;
    const ids = options.outline.map((_, i) => first + i);
    options.outline.forEach((item, i) => {
      const links = [
        i > 0 ? `/Prev ${ids[i - 1]} 0 R` : '',
        i < ids.length - 1 ? `/Next ${ids[i + 1]} 0 R` : '',
      ];
      add(
        `<< /Title (${escapePdf(item.title)}) /Parent ${root} 0 R ${links.join(' ')} /Dest [${pageIds[item.page]} 0 R /Fit] >>`,
      );
    });
    objects[root - 1] =
      `<< /Type /Outlines /First ${ids[0]} 0 R /Last ${ids.at(-1)} 0 R /Count ${ids.length} >>`;
    outlines = ` /Outlines ${root} 0 R`;
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesId} 0 R${outlines} >>`;
  let encrypt = '';
  if (options.encrypted) {
    const hex = (byte: string) => byte.repeat(32);
    const id = add(`<< /Filter /Standard /V 1 /R 2 /O <${hex('ab')}> /U <${hex('cd')}> /P -4 >>`);
    encrypt = ` /Encrypt ${id} 0 R /ID [<${'01'.repeat(16)}> <${'01'.repeat(16)}>]`;
  }

  let pdf = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R${encrypt} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

export interface DocxOptions {
  /** paragraphs in order; a heading has its level (1-6) */
  paragraphs: { text: string; heading?: number }[];
  /** store entries deflated (as Word does) or uncompressed */
  compress?: boolean;
}

const escapeXml = (text: string) =>
  text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/** A minimal Word document: content types, package relationships, styles with headings, the body. */
export async function buildDocx(options: DocxOptions): Promise<Buffer> {
  const w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
  const body = options.paragraphs
    .map((p) => {
      const style = p.heading ? `<w:pPr><w:pStyle w:val="Heading${p.heading}"/></w:pPr>` : '';
      return `<w:p>${style}<w:r><w:t xml:space="preserve">${escapeXml(p.text)}</w:t></w:r></w:p>`;
    })
    .join('');
  const headingStyles = [1, 2, 3, 4, 5, 6]
    .map(
      (n) =>
        `<w:style w:type="paragraph" w:styleId="Heading${n}"><w:name w:val="heading ${n}"/><w:basedOn w:val="Normal"/></w:style>`,
    )
    .join('');
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
  );
  zip.file(
    'word/_rels/document.xml.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',
  );
  zip.file(
    'word/styles.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles ${w}><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>${headingStyles}</w:styles>`,
  );
  zip.file(
    'word/document.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${w}><w:body>${body}</w:body></w:document>`,
  );
  return zip.generateAsync({
    type: 'nodebuffer',
    compression: options.compress === false ? 'STORE' : 'DEFLATE',
  });
}

const WORDS =
  'source parsing extracts text from documents so that generation can ground each section in what the project uploaded about search engines content marketing and the craft of writing'.split(
    ' ',
  );

/** Deterministic filler prose: `count` words cycling through a fixed vocabulary. */
export function prose(count: number, offset = 0): string {
  return Array.from({ length: count }, (_, i) => WORDS[(i + offset) % WORDS.length]).join(' ');
}

/** A PDF of about `bytes` bytes: pages of 40 lines of 12 words. */
export function largePdf(bytes: number): Buffer {
  const page = Array.from({ length: 40 }, (_, i) => prose(12, i));
  const pageBytes = buildPdf({ pages: [page, page] }).length - buildPdf({ pages: [page] }).length;
  const count = Math.max(1, Math.floor(bytes / pageBytes));
  return buildPdf({ pages: Array.from({ length: count }, () => page) });
}

/** A DOCX of about `bytes` bytes stored uncompressed (compressed, prose this repetitive would shrink 100×). */
export async function largeDocx(bytes: number): Promise<Buffer> {
  const paragraphs = (count: number) =>
    Array.from({ length: count }, (_, i) =>
      i % 50 === 0 ? { text: `Chapter ${i / 50 + 1}`, heading: 1 } : { text: prose(60, i) },
    );
  const sample = (await buildDocx({ paragraphs: paragraphs(1000), compress: false })).length;
  return buildDocx({ paragraphs: paragraphs(Math.max(1, Math.floor((bytes / sample) * 1000))), compress: false });
}
