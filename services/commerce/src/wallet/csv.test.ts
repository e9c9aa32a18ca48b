import { csvField, csvLine, csvText } from './csv';

describe('CSV of the transaction export', () => {
  it('quotes fields with commas, quotes and line breaks, doubling quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField(null)).toBe('');
    expect(csvField(12n)).toBe('12');
  });

  it('keeps spreadsheet formulas in free text from running', () => {
    expect(csvText('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvText('+1')).toBe("'+1");
    expect(csvText('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvText('Daily credits')).toBe('Daily credits');
  });

  it('ends each line with CRLF', () => expect(csvLine(['a', 'b'])).toBe('a,b\r\n'));
});
