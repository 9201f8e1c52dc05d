/**
 * RFC 4180 CSV, both ways. Written CSV uses CRLF, quotes any field holding
 * `"` `,` CR or LF, doubles quotes, and neutralises cells a spreadsheet would
 * run as a formula. The reader accepts CRLF, LF or CR alone and quoted newlines,
 * and counts lines by any of them.
 */
import { lineEnds, TransferError } from './util';

/** Cells starting with these run as formulas in Excel/LibreOffice/Sheets (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A cell `neutraliseFormula` prefixes: a formula start, or apostrophes before
 * one. A cell that already starts `'=` gets its own `'` too, so the one
 * `restoreFormula` takes off is always the exporter's: `'=x` goes out as
 * `''=x` and comes back as `'=x`, not as `=x`.
 */
const NEUTRALISED = /^'*[=+\-@\t\r]/;

/** Prefixes `'` to a cell a spreadsheet would evaluate (see `NEUTRALISED`). URLs never start with these, so they pass unchanged. */
export function neutraliseFormula(cell: string): string {
  return NEUTRALISED.test(cell) ? `'${cell}` : cell;
}

/** Reverses `neutraliseFormula`: one `'` off a cell that starts with apostrophes before a formula start. */
export function restoreFormula(cell: string): string {
  return cell.startsWith("'") && NEUTRALISED.test(cell.slice(1)) ? cell.slice(1) : cell;
}

/**
 * How the text cells of a list's `rows` are read back: through
 * `restoreFormula` when the file is neutralised as Qingdu writes it, else as
 * they are. Instapaper's and Pocket's own exports (FORMATS.md §2, §3) write
 * every cell raw: a title such as `'+1' for remote work` is the title, and
 * taking its apostrophe off would change it. Their files cannot be told from
 * ours by their header, but every text cell of ours that starts with a
 * formula character has the `'` before it; a file with one bare (`=`, `+`,
 * `-`, `@`, a tab or a CR first) was written by another tool, or saved again
 * by a spreadsheet that dropped the prefixes, and its apostrophes are its
 * own. `raw`: the columns written without neutralising (URLs, numbers).
 */
export function formulaReader(rows: readonly CsvRecord[], raw: ReadonlySet<number>): (cell: string) => string {
  const neutralised = rows.every((r) => r.cells.every((cell, i) => raw.has(i) || !FORMULA_START.test(cell)));
  return neutralised ? restoreFormula : (cell) => cell;
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CRLF-terminated record. Every cell is neutralised except those listed in `raw` (URLs, numbers). */
export function csvRow(cells: readonly string[], raw: ReadonlySet<number> = new Set()): string {
  return cells.map((c, i) => csvField(raw.has(i) ? c : neutraliseFormula(c))).join(',') + '\r\n';
}

export interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  cells: string[];
}

/**
 * The delimiter of a list: a tab when its first line holds tabs and no comma
 * (Excel's "Unicode Text", UTF-16 with tabs between the cells), else a comma.
 */
export function csvDelimiter(text: string): ',' | '\t' {
  const end = text.search(/[\r\n]/);
  const first = end < 0 ? text : text.slice(0, end);
  return first.includes('\t') && !first.includes(',') ? '\t' : ',';
}

/**
 * Parses CSV text into records, its cells split at `delimiter` (default: as
 * `csvDelimiter` finds it). Throws TransferError on an unterminated quote (a
 * truncated file), naming the line where the quote opened.
 */
export function parseCsv(text: string, delimiter: ',' | '\t' = csvDelimiter(text)): CsvRecord[] {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '"' && cell === '') {
      // quoted field
      const openLine = line;
      i++;
      let buf = '';
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new TransferError(`unterminated quoted field starting on line ${openLine}`);
        const chunk = text.slice(i, q);
        line += lineEnds(chunk);
        buf += chunk;
        if (text[q + 1] === '"') {
          buf += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      cell = buf;
      // Anything between the closing quote and the delimiter is kept (lenient, like most readers).
      while (i < n && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') cell += text[i++];
      continue;
    }
    if (c === delimiter) {
      cells.push(cell);
      cell = '';
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      i++;
      if (!blankLine(cells, cell)) {
        cells.push(cell);
        records.push({ line: recordLine, cells });
      }
      cells = [];
      cell = '';
      line++;
      recordLine = line;
      continue;
    }
    cell += c;
    i++;
  }
  if (!blankLine(cells, cell)) {
    cells.push(cell);
    records.push({ line: recordLine, cells });
  }
  return records;
}

/** A line of one cell of spaces at most is no record: the lists read here have four columns or more. */
const blankLine = (cells: readonly string[], cell: string): boolean => cells.length === 0 && cell.trim() === '';

/**
 * Throws when `text` stops inside its last record: a record with no line break
 * after it and fewer than `columns` cells is where a cut-off file ends (a
 * whole file would have given it all its cells), and importing the rows
 * before it would change the library on the strength of a damaged file.
 */
export function checkNotCut(text: string, records: readonly CsvRecord[], columns: number, where = ''): void {
  const last = records[records.length - 1];
  if (records.length > 1 && last && last.cells.length < columns && !/[\r\n]$/.test(text)) {
    throw new TransferError(`${where}the file ends inside the row on line ${last.line}, so it was probably cut short`);
  }
}
