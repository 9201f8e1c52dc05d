/**
 * Instapaper and Pocket CSV, export and import (FORMATS.md §2, §3).
 */
import type { ReadState, SavedArticle } from '../storage/types';
import { checkNotCut, csvRow, formulaReader, parseCsv, type CsvRecord } from './csv';
import type { ChunkOptions, ImportError, ImportedLink, ImportItem, ParseResult } from './types';
import { decodeText } from './text-encoding';
import { inArchive, isoFromDate, isoFromUnix, mapChunked, oneLine, safeUnzip, safeUrl, TransferError, unixSeconds, urlProblem, UNKNOWN_TIME } from './util';

export const INSTAPAPER_HEADER = ['URL', 'Title', 'Selection', 'Folder', 'Timestamp', 'Tags'] as const;
export const POCKET_HEADER = ['title', 'url', 'time_added', 'tags', 'status'] as const;

/** Column 0 (URL) and 4 (Timestamp) are written raw; URLs are http(s) and never start with a formula character. */
const INSTAPAPER_RAW = new Set([0, 4]);
const POCKET_RAW = new Set([1, 2]);


/** One article's Instapaper CSV row; nothing for a URL that is not http(s). */
export function instapaperRow(a: SavedArticle): string {
  const url = safeUrl(a.url);
  if (!url) return '';
  const folder = inArchive(a) ? 'Archive' : 'Unread';
  return csvRow([url, a.title, oneLine(a.lead), folder, String(unixSeconds(a.savedAt)), JSON.stringify(a.tags)], INSTAPAPER_RAW);
}

/**
 * A tag as a Pocket CSV writes it: tags are `|`-separated, so a `|` in a tag becomes `/`; wallabag reads the `|` as
 * `,` and splits there, so a `,` becomes a space (as in a bookmarks file), and `a,b` stays one tag.
 */
export const pocketTag = (tag: string): string => tag.replace(/\|/g, '/').replace(/,/g, ' ').trim();

/** One article's Pocket CSV row: tags `|`-separated (see `pocketTag`); nothing for a URL that is not http(s). */
export function pocketRow(a: SavedArticle): string {
  const url = safeUrl(a.url);
  if (!url) return '';
  // A tag that was only commas is none: an empty one between two bars would be read as a tag.
  const tags = a.tags.map(pocketTag).filter(Boolean).join('|');
  return csvRow([a.title || url, url, String(unixSeconds(a.savedAt)), tags, inArchive(a) ? 'archive' : 'unread'], POCKET_RAW);
}

/** Instapaper CSV: all six headers (Karakeep requires them), Tags as a JSON array, Folder Unread/Archive (see `inArchive`). */
export async function exportInstapaperCsv(articles: readonly SavedArticle[], opts: ChunkOptions = {}): Promise<string> {
  return csvRow([...INSTAPAPER_HEADER]) + (await mapChunked(articles, instapaperRow, opts)).join('');
}

/** Pocket CSV: `title,url,time_added,tags,status` (`archive` for archived articles, see `inArchive`). */
export async function exportPocketCsv(articles: readonly SavedArticle[], opts: ChunkOptions = {}): Promise<string> {
  return csvRow([...POCKET_HEADER]) + (await mapChunked(articles, pocketRow, opts)).join('');
}

// ---------------------------------------------------------------------------
// Import

function headerIndex(header: string[], names: string[]): number {
  const lower = header.map((h) => h.trim().toLowerCase());
  for (const n of names) {
    const i = lower.indexOf(n);
    if (i >= 0) return i;
  }
  return -1;
}

function linkItem(rec: CsvRecord, rawUrl: string | undefined, title: string, tags: string[], state: ReadState, savedAt: string | null, errors: ImportError[], where = ''): ImportedLink | null {
  const url = safeUrl(rawUrl);
  if (!url) {
    errors.push({ line: rec.line, reason: `${where}${urlProblem(rawUrl)}` });
    return null;
  }
  return {
    kind: 'link', url, title: oneLine(title) || url, tags: [...new Set(tags.map((t) => t.trim()).filter(Boolean))],
    state, savedAt: savedAt ?? UNKNOWN_TIME,
  };
}

function parseJsonTags(raw: string | undefined): string[] {
  if (!raw) return [];
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Instapaper CSV in its 4-, 5- and 6-column forms (with or without header).
 * `Archive` → archived; `Starred` stays unread with the tag `starred`; other folders become tags.
 */
export function parseInstapaperCsv(text: string): ParseResult {
  const records = parseCsv(text);
  const items: ImportItem[] = [];
  const errors: ImportError[] = [];
  if (records.length === 0) throw new TransferError('the CSV file is empty');
  const first = records[0] as CsvRecord;
  const hasHeader = first.cells[0]?.trim().toLowerCase() === 'url';
  const h = hasHeader ? first.cells : [...INSTAPAPER_HEADER];
  const col = {
    url: headerIndex(h, ['url']), title: headerIndex(h, ['title']), folder: headerIndex(h, ['folder', 'state']),
    time: headerIndex(h, ['timestamp', 'created']), tags: headerIndex(h, ['tags', 'labels']), selection: headerIndex(h, ['selection']),
  };
  if (col.url < 0 || col.title < 0) throw new TransferError('not an Instapaper CSV (needs URL and Title columns)');
  if (hasHeader) checkNotCut(text, records, h.length);
  const minCells = Math.max(col.url, col.title) + 1;
  const rows = hasHeader ? records.slice(1) : records;
  const cell = formulaReader(rows, new Set([col.url, col.time]));
  for (const rec of rows) {
    // Under a header, a shorter row is a damaged one, not an older layout (the 4- and 5-column files have headers of their own).
    if (hasHeader && rec.cells.length < h.length) {
      errors.push({ line: rec.line, reason: `expected ${h.length} columns, found ${rec.cells.length}` });
      continue;
    }
    if (rec.cells.length < minCells) {
      errors.push({ line: rec.line, reason: `expected at least ${minCells} columns, found ${rec.cells.length}` });
      continue;
    }
    const folder = col.folder >= 0 ? cell(rec.cells[col.folder] ?? '').trim() : '';
    const f = folder.toLowerCase();
    const state: ReadState = f === 'archive' ? 'archived' : 'unread';
    const tags = col.tags >= 0 ? parseJsonTags(rec.cells[col.tags]) : [];
    if (f === 'starred') tags.push('starred');
    else if (folder && f !== 'unread' && f !== 'archive') tags.push(folder);
    const timeCell = col.time >= 0 ? rec.cells[col.time] : undefined;
    const savedAt = isoFromUnix(timeCell) ?? isoFromDate(timeCell);
    const item = linkItem(rec, rec.cells[col.url], cell(rec.cells[col.title] ?? ''), tags, state, savedAt, errors);
    const selection = col.selection >= 0 ? cell(rec.cells[col.selection] ?? '').replace(/\r\n?/g, '\n').trim() : '';
    if (item) items.push(selection ? { ...item, lead: selection } : item);
  }
  return { items, errors };
}

/** One Pocket CSV file (with or without the early `cursor` column). `where` prefixes error reasons (zip part name). */
export function parsePocketCsvText(text: string, where = ''): ParseResult {
  const records = parseCsv(text);
  if (records.length === 0) throw new TransferError(`${where}the CSV file is empty`);
  const header = (records[0] as CsvRecord).cells;
  const col = {
    title: headerIndex(header, ['title']), url: headerIndex(header, ['url']), time: headerIndex(header, ['time_added']),
    tags: headerIndex(header, ['tags']), status: headerIndex(header, ['status']),
  };
  // time_added is in every Pocket CSV; without it this is another list (an Instapaper CSV in a zip) that would be misread.
  if (col.url < 0 || col.title < 0 || col.time < 0) throw new TransferError(`${where}not a Pocket CSV (needs title, url and time_added columns)`);
  checkNotCut(text, records, header.length, where);
  const items: ImportItem[] = [];
  const errors: ImportError[] = [];
  const rows = records.slice(1);
  const cell = formulaReader(rows, new Set([col.url, col.time]));
  for (const rec of rows) {
    if (rec.cells.length !== header.length) {
      errors.push({ line: rec.line, reason: `${where}expected ${header.length} columns, found ${rec.cells.length}` });
      continue;
    }
    const tags = col.tags >= 0 ? cell(rec.cells[col.tags] ?? '').split('|') : [];
    const state: ReadState = col.status >= 0 && rec.cells[col.status]?.trim().toLowerCase() === 'archive' ? 'archived' : 'unread';
    const savedAt = col.time >= 0 ? isoFromUnix(rec.cells[col.time]) : null;
    const item = linkItem(rec, rec.cells[col.url], cell(rec.cells[col.title] ?? ''), tags, state, savedAt, errors, where);
    if (item) items.push(item);
  }
  return { items, errors, tagForm: pocketTag };
}

/**
 * Pocket's zip (`part_000000.csv`, …, every `*.csv` inside) or a bare CSV.
 * Bytes are read in their encoding (`decodeText`: a CSV saved again by a
 * spreadsheet may be GBK or Big5); the result names the first part's that is
 * not UTF-8, else UTF-8.
 */
export function parsePocketCsv(input: string | Uint8Array): ParseResult {
  if (typeof input === 'string') return parsePocketCsvText(input);
  const files = safeUnzip(input, (name) => /\.csv$/i.test(name) && !name.startsWith('__MACOSX/'));
  const names = Object.keys(files).sort();
  if (names.length === 0) throw new TransferError('the zip holds no CSV files');
  const out: ParseResult = { items: [], errors: [], encoding: 'utf-8', tagForm: pocketTag };
  for (const name of names) {
    const where = `${name}: `;
    let decoded;
    try {
      decoded = decodeText(files[name] as Uint8Array);
    } catch (e) {
      throw e instanceof TransferError ? new TransferError(where + e.message) : e;
    }
    const r = parsePocketCsvText(decoded.text, where);
    // Not spread into push(): a part of more than about 125,000 rows overflowed the call stack.
    out.items = out.items.concat(r.items);
    out.errors = out.errors.concat(r.errors);
    if (out.encoding === 'utf-8') out.encoding = decoded.encoding;
  }
  return out;
}
