/**
 * CSV (RFC 4180) for the transaction export. A field is quoted when it holds a comma, a quote, CR or
 * LF, with quotes doubled; lines end with CRLF. Free text that a spreadsheet would run as a formula
 * (starting with = + - @, a tab or CR) gets a leading apostrophe (OWASP's CSV-injection advice);
 * amounts are written unsigned with a `direction` column, so no number is touched by it.
 */
export function csvField(value: string | number | bigint | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Free text from users or publishers: neutralized against formula injection, then escaped. */
export function csvText(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return csvField(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.join(',')}\r\n`;
}
