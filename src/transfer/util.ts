/**
 * Small pure helpers shared by the exporters and importers. Nothing here touches
 * extension APIs or a DOM, so every module runs in a page, a worker or Node.
 */
import { unzipSync } from 'fflate';
import { inParsedForm } from '../core/url';
import type { ChunkOptions, ReadState } from './types';
import { damagedEntry } from './zip-crc';

/** A refusal the user sees as is: the file is wrong, not the program. */
export class TransferError extends Error {
  override name = 'TransferError';
}

export const DEFAULT_CHUNK = 500;

function abortError(): Error {
  if (typeof DOMException === 'function') return new DOMException('Export cancelled', 'AbortError');
  const e = new Error('Export cancelled');
  e.name = 'AbortError';
  return e;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}

/**
 * Lets the page paint and take input before going on. A message rather than a
 * timer: nested timers are held back at least 4 ms each, which over the 800
 * slices of a 20,000-article zip in the library page added up to seconds of nothing.
 */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * Maps `items` in chunks, yielding to the event loop between chunks so a page
 * stays responsive, reporting progress and honouring cancellation.
 */
export async function mapChunked<T, R>(items: readonly T[], fn: (item: T, index: number) => R, opts: ChunkOptions = {}): Promise<R[]> {
  const size = Math.max(1, opts.chunkSize ?? DEFAULT_CHUNK);
  const out: R[] = new Array<R>(items.length);
  throwIfAborted(opts.signal);
  for (let start = 0; start < items.length; start += size) {
    const end = Math.min(items.length, start + size);
    for (let i = start; i < end; i++) out[i] = fn(items[i] as T, i);
    opts.onProgress?.(end, items.length);
    if (end < items.length) {
      await yieldToLoop();
      throwIfAborted(opts.signal);
    }
  }
  if (items.length === 0) opts.onProgress?.(0, 0);
  return out;
}

/**
 * Pocket's, Instapaper's and wallabag's two states are a list and its archive
 * (My List / Home / Unread, and Archive), as are a bookmark's TOREAD 1 and 0
 * to Readeck, and that is how the library divides
 * itself too: an article read in Qingdu (opened, so marked read) stays in the
 * list until it is archived. Only archived articles go to the archive, so an
 * article read but kept comes back, and arrives elsewhere, still in the list.
 */
export const inArchive = (a: { state: ReadState }): boolean => a.state === 'archived';

// ---------------------------------------------------------------------------
// Escaping

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML/XML element content and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Characters XML 1.0 forbids anywhere (C0 controls except tab/LF/CR, lone surrogates, U+FFFE/F). */
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function stripXmlInvalid(text: string): string {
  return text.replace(XML_INVALID, '');
}

/** Escapes for XML text and attributes, dropping characters XML cannot carry. */
export function escapeXml(text: string): string {
  return escapeHtml(stripXmlInvalid(text));
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', mdash: '—', ndash: '–', hellip: '…',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', middot: '·', copy: '©', reg: '®',
  trade: '™', bull: '•', deg: '°', euro: '€', pound: '£', yen: '¥', times: '×', divide: '÷',
};

/** Of those, the ones HTML still reads without their `;` (its legacy names): `&trade_id` is text, `&copy 2024` is ©. */
const LEGACY_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'nbsp', 'laquo', 'raquo', 'middot', 'copy', 'reg', 'deg', 'pound', 'yen', 'times', 'divide']);

/**
 * Decodes the HTML character references found in attribute values and link
 * text, as HTML parsers do: a named one without its `;` only when it is one of
 * HTML's legacy names, and in an attribute value (`inAttribute`) not before
 * `=`. A bookmarks file may write a link's query unescaped: `?a=1&copy=2` is
 * not `?a=1©=2`, nor `?user=1&trade_id=5` `?user=1™_id=5`.
 */
export function decodeEntities(text: string, inAttribute = false): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z][a-z0-9]*)(;?)/gi, (whole, body: string, semicolon: string, at: number) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    }
    const name = body.toLowerCase();
    if (!semicolon && (!LEGACY_ENTITIES.has(name) || (inAttribute && text[at + whole.length] === '='))) return whole;
    const named = NAMED_ENTITIES[name];
    return named ?? whole;
  });
}

/**
 * `text` on one line: every run of whitespace (line breaks included) one
 * space, none at the ends. Imported titles are kept so, whatever the format,
 * as the extraction core keeps the titles of saved pages: a title cell that
 * held a line break would otherwise break the library's rows and every export.
 */
export function oneLine(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

/** How many lines `text` ends: at CRLF, LF, or a CR alone (old Mac files), as editors and the CSV reader count them. */
export function lineEnds(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) if (text[i + 1] !== '\n') n++;
  return n;
}

// ---------------------------------------------------------------------------
// URLs and dates

/** Schemes an exported or imported link may carry. Everything else (javascript:, data:, file:…) is dropped. */
const SAFE_SCHEMES = new Set(['http:', 'https:']);

/** The URL normalised by the URL parser when it is an absolute http(s) URL, else null. */
export function safeUrl(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const trimmed = raw.trim();
  if (!trimmed) return null;
  if (inParsedForm(trimmed)) return trimmed;
  try {
    const u = new URL(trimmed);
    return SAFE_SCHEMES.has(u.protocol) ? u.href : null;
  } catch {
    return null;
  }
}

/** Longest value from a file that a reason quotes: an id, a type or a URL of any length would fill the report. */
const MAX_QUOTED = 80;

/** `value` as an import reason quotes it: its first {@link MAX_QUOTED} characters, and `…` when there were more. */
export function quoted(value: string): string {
  return value.length > MAX_QUOTED ? `${Array.from(value.slice(0, MAX_QUOTED + 1)).slice(0, MAX_QUOTED).join('')}…` : value;
}

/** Why a URL is refused, phrased for the import report. */
export function urlProblem(raw: unknown): string {
  if (typeof raw !== 'string' || !raw.trim()) return 'missing URL';
  const scheme = /^\s*([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase();
  if (scheme && scheme !== 'http' && scheme !== 'https') return `unsafe or unsupported URL scheme "${quoted(scheme)}:"`;
  return 'invalid URL';
}

/** Where the line after the one holding `from` starts in `text`, or -1 when that is the last line. */
function nextLineStart(text: string, from: number): number {
  const lf = text.indexOf('\n', from);
  const cr = text.indexOf('\r', from);
  const end = cr < 0 || (lf >= 0 && lf < cr) ? lf : cr;
  if (end < 0) return -1;
  return end + (text.startsWith('\r\n', end) ? 2 : 1);
}

/** Where in `text` `JSON.parse(text)` failed, from its error (each browser words it differently), or null. */
function jsonErrorAt(error: unknown, text: string): number | null {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message)?.[1];
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  let at: number | null = position === undefined ? null : Number(position);
  if (at === null && lineColumn) {
    // Firefox counts lines as editors do: a CRLF, an LF or a CR alone ends one.
    let lineStart = 0;
    for (let line = 1; line < Number(lineColumn[1]) && lineStart >= 0; line++) lineStart = nextLineStart(text, lineStart);
    if (lineStart >= 0) at = lineStart + Number(lineColumn[2]) - 1;
  }
  // Engines name no place when the text stops short ("Unexpected end of JSON input"): it fails at its end.
  if (at === null && /\bend of (JSON )?(input|data)\b/i.test(message)) at = text.length;
  return at === null ? null : Math.min(at, text.length);
}

/**
 * Where `JSON.parse(text)` failed, in one wording whatever the engine's
 * (each browser words its errors differently, in English only): "at
 * character N", counted from 1 at `offset` characters before `text`.
 */
export function jsonProblem(error: unknown, text: string, offset = 0): string {
  const at = jsonErrorAt(error, text);
  return at === null ? 'its text does not parse' : `at character ${offset + at + 1}`;
}

/**
 * The same for a whole file: one that fails only where its text stops (a
 * download cut short) is said to end early, in the words `ends`.
 */
export function fileJsonProblem(error: unknown, text: string, ends: string): string {
  const at = jsonErrorAt(error, text);
  return at !== null && at >= text.trimEnd().length ? ends : jsonProblem(error, text);
}

/**
 * The save time of an imported item whose file gives none (Safari's bookmarks
 * have no ADD_DATE, Instapaper's 4-column CSV no Timestamp, a wallabag or
 * Omnivore entry may lack its date). Planning dates a new item at the import
 * and leaves the dates of a stored article as they are: the item is neither
 * dated 1970 nor, being the earliest time there is, able to move back a saved
 * date or pass for newer than what is stored.
 */
export const UNKNOWN_TIME = new Date(0).toISOString();

/** Unix seconds for an ISO date; 0 when unparsable. */
export function unixSeconds(iso: string | null | undefined): number {
  if (!iso) return 0;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? Math.floor(t / 1000) : 0;
}

/** How far past the clock a file's time may be (time zones, a clock set wrong) and still be taken as it is. */
const FUTURE_SLACK_MS = 24 * 3600 * 1000;

/** Whether a time read from a file (ms) lies past tomorrow, where nothing was saved, updated or read yet. */
export const pastTomorrow = (ms: number): boolean => ms > Date.now() + FUTURE_SLACK_MS;

/**
 * A time read from a file, as ISO 8601; null when it is no time or lies past
 * tomorrow: nothing was saved, updated or published there, and a saved date in the year
 * 33658 (a Pocket `time_added` of 1e15) would head the library for ever.
 */
function fileTime(ms: number): string | null {
  if (!Number.isFinite(ms) || pastTomorrow(ms)) return null;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** ISO 8601 from Unix seconds (or milliseconds when the value is clearly in ms), or null. */
export function isoFromUnix(value: unknown): string | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n <= 0) return null;
  return fileTime(n > 1e11 ? n : n * 1000); // 13-digit values are milliseconds (Omnivore CSV)
}

/** ISO 8601 from any string Date understands, or null. */
export function isoFromDate(value: unknown): string | null {
  if (typeof value !== 'string' || !value.trim()) return null;
  // A bare number is a Unix time, not a date for Chrome's Date.parse, which reads "0" as 2000 and "-5" as May 2001 (a four-digit year stays a year).
  if (/^\s*[+-]?\d+(\.\d+)?\s*$/.test(value) && !/^\s*\d{4}\s*$/.test(value)) return isoFromUnix(value);
  // wallabag writes "+0200" offsets, which Date.parse accepts only as "+02:00" on some engines.
  const v = value.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const t = Date.parse(v);
  return Number.isFinite(t) ? fileTime(t) : isoFromUnix(value);
}

// ---------------------------------------------------------------------------
// Bytes

const encoder = new TextEncoder();
export const utf8 = (s: string): Uint8Array => encoder.encode(s);

/** Decodes UTF-8 strictly (invalid bytes → TransferError) and drops a leading BOM. */
export function decodeUtf8(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TransferError('the file is not UTF-8 text');
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

interface BufferLike {
  from(data: Uint8Array | string, enc?: string): Uint8Array & { toString(enc: string): string };
}
const NodeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;

export function toBase64(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes).toString('base64');
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** Decodes strict base64; throws TransferError on anything else. */
export function fromBase64(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new TransferError('invalid base64 image data');
  if (NodeBuffer) return new Uint8Array(NodeBuffer.from(text, 'base64'));
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export const isZip = (b: Uint8Array): boolean => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

// ---------------------------------------------------------------------------
// Limits

/** Files above this size are refused before any parsing. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
/** Zip limits: total uncompressed bytes and entries, checked against the central directory before inflating. */
export const MAX_UNZIPPED_BYTES = 200 * 1024 * 1024;
export const MAX_ZIP_ENTRIES = 20_000;

export interface ZipLimits {
  maxBytes?: number;
  maxEntries?: number;
}

/**
 * Unzips only the entries `want` selects, after checking entry count and the
 * declared total size. fflate inflates each entry into a buffer of its declared
 * size and never grows it, so a lying header cannot make an entry larger.
 */
export function safeUnzip(bytes: Uint8Array, want: (name: string) => boolean, limits: ZipLimits = {}): Record<string, Uint8Array> {
  const maxBytes = limits.maxBytes ?? MAX_UNZIPPED_BYTES;
  const maxEntries = limits.maxEntries ?? MAX_ZIP_ENTRIES;
  let entries = 0;
  let total = 0;
  try {
    unzipSync(bytes, {
      filter: (f) => {
        entries++;
        if (want(f.name)) total += f.originalSize;
        return false;
      },
    });
  } catch (e) {
    throw new TransferError(`the zip archive is damaged (${(e as Error).message})`);
  }
  if (entries > maxEntries) throw new TransferError(`the zip archive has too many entries (${entries} > ${maxEntries})`);
  if (total > maxBytes) {
    throw new TransferError(`the zip archive would unpack to ${Math.round(total / 1048576)} MB, above the ${Math.round(maxBytes / 1048576)} MB limit`);
  }
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (f) => want(f.name) });
  } catch (e) {
    throw new TransferError(`the zip archive is damaged (${(e as Error).message})`);
  }
  const damaged = damagedEntry(bytes, files);
  if (damaged !== null) throw checksumMismatch(damaged);
  return files;
}

/** The refusal of a zip whose entry `name` unpacked to bytes other than its recorded CRC-32 was made of. */
export function checksumMismatch(name: string): TransferError {
  return new TransferError(`the zip archive is damaged (${quoted(name)}: its checksum does not match)`);
}

/** Joins a date (local calendar day) and a count into `qingdu-2026-11-25-128篇.epub`; `counted` words the count in another language. */
export function exportFileName(ext: string, count: number, date: Date = new Date(), counted: (count: number) => string = (n) => `${n}篇`): string {
  return `qingdu-${localDay(date)}-${safeFileName(counted(count), String(count))}.${ext.replace(/^\./, '')}`;
}

/** `date` as YYYY-MM-DD in the local time zone: the day the reader sees on the calendar. */
export function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The local calendar day (YYYY-MM-DD) of an ISO time, as the library and the reader show it; null when it is no time. */
export function localDayOf(iso: string | null | undefined): string | null {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? localDay(new Date(t)) : null;
}

/**
 * Names Windows keeps for devices: `CON`, `nul.txt` or `Aux.tar.gz` cannot be
 * created there whatever follows the first dot, so an article titled so would
 * not unzip.
 */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]) *(\.|$)/i;

/**
 * A file-name-safe slug: keeps Chinese and other letters, drops characters Windows/macOS forbid, avoids Windows device names.
 * The fallback (an article id) is cleaned the same way: the library's ids are hashes of the URL, but a fallback
 * such as `../../x` would otherwise name a file outside the folder a zip unpacks into.
 */
export function safeFileName(title: string, fallback: string, max = 60): string {
  return fileNamePart(title, max) || fileNamePart(fallback, max) || 'untitled';
}

function fileNamePart(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = text.replace(/[\u0000-\u001f\u007f<>:"/\\|?*#%{}^~[\]`]/g, ' ').replace(/\s+/g, ' ').replace(/^[\s.]+/, '');
  const chars = Array.from(cleaned).slice(0, max).join('').trim().replace(/[. ]+$/, '');
  return WINDOWS_DEVICE.test(chars) ? `_${chars}` : chars;
}
