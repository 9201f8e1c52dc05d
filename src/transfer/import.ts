/**
 * Import: recognise the file, parse it (pure: nothing is written), and plan
 * what it would change in the library: added, updated (merged), skipped as a
 * duplicate, failed rows with their reason. A file-level problem (oversized,
 * corrupt, truncated, hostile, unrecognised) yields `ok: false`, a message,
 * and nothing to write.
 */
import { urlKey } from '../storage/ids';
import { cleanTags } from '../storage/records';
import type { StoredImage } from '../storage/types';
import { BACKUP_ZIP_ENTRY, isBackupEntry, parseBackup } from './backup';
import { parseBookmarks, parsePocketHtml } from './bookmarks';
import { parseInstapaperCsv, parsePocketCsv } from './csv-formats';
import { detectFormat, FORMAT_NAMES, isOneWayExport, isPocketHtmlEntry, type ImportFormat } from './detect';
import { parseFeedFile, parseSeedFile } from './feeds';
import { linkEntry, mergeRecord, type MergeableRecord } from './merge';
import { urlId } from './records';
import { declaredCharset, decodeText, type DecodedText } from './text-encoding';
import type { Article, ExtractHooks, ImportError, ImportItem, ParseResult, Sanitize, SavedArticle } from './types';
import { decodeUtf8, isZip, MAX_IMPORT_BYTES, safeUnzip, TransferError, UNKNOWN_TIME } from './util';
import { parseOmnivore, parseWallabag } from './wallabag';

export interface ImportContext {
  /** The shared sanitizer (src/core/sanitize.ts via `coreSanitize(window)`); every imported body passes through it. */
  sanitize: Sanitize;
  /** Feed/seed parsing and extraction (`coreHooks(window)`). Without them feeds and seeds are refused. */
  hooks?: ExtractHooks;
  /** The current library: its URLs, or its records (any keys) so duplicates can be merged. */
  library?: Iterable<string> | ReadonlyMap<string, MergeableRecord>;
  /** Netscape bookmarks: add folder names as tags. Default false. */
  foldersAsTags?: boolean;
  /** The storage's id function. Default: src/storage/ids.ts `idForUrl`. */
  idFor?: (url: string) => string;
  /** Refuse files above this many bytes before parsing. Default 50 MB. */
  maxBytes?: number;
  /** Save time for feed items, and for items whose file gives none. Default now. */
  now?: Date;
}

export interface PlannedUpdate {
  record: MergeableRecord;
  images: StoredImage[];
  changes: string[];
  kept: string[];
}

export interface ImportReport {
  ok: boolean;
  format: ImportFormat | null;
  /** Why nothing was imported, when `ok` is false. */
  message: string | null;
  /**
   * The text encoding the file was read in, as `TextDecoder` names it
   * (`utf-8`, `gb18030`, `big5`…), for the lists and bookmarks that may come in
   * others than UTF-8; absent for the formats that are always UTF-8.
   */
  encoding?: string;
  added: number;
  updated: number;
  duplicates: number;
  /** Of the added, those the file gives no save time for (or none that reads as one): they are dated when imported. */
  undated?: number;
  /** A bookmarks file: its folders that hold links (see `ParseResult.folders`). */
  folders?: number;
  failed: ImportError[];
  /** New records to write. */
  toAdd: ImportItem[];
  /** Existing records after merging, to write back. */
  toUpdate: PlannedUpdate[];
}

/** `parse` of the text of `decoded`, with the encoding it was read in. */
function readIn(decoded: DecodedText, parse: (text: string) => ParseResult): ParseResult {
  return { ...parse(decoded.text), encoding: decoded.encoding };
}

/** Parses `bytes` as `format`. Throws TransferError on a file-level problem. */
export function parseImport(format: ImportFormat, bytes: Uint8Array, ctx: ImportContext): ParseResult {
  const text = () => decodeUtf8(bytes);
  // A spreadsheet saves lists in its system's code page; a bookmarks page may declare a charset.
  const listText = () => decodeText(bytes);
  const pageText = (page: Uint8Array) => decodeText(page, { declared: declaredCharset(page) });
  const full = { sanitize: ctx.sanitize, idFor: ctx.idFor };
  switch (format) {
    case 'qingdu-backup': {
      if (!isZip(bytes)) return parseBackup(text(), { sanitize: ctx.sanitize });
      const [entry] = Object.values(safeUnzip(bytes, isBackupEntry));
      if (!entry) throw new TransferError(`the zip holds no ${BACKUP_ZIP_ENTRY}`);
      return parseBackup(decodeUtf8(entry), { sanitize: ctx.sanitize });
    }
    case 'wallabag': return parseWallabag(text(), full);
    case 'omnivore': return parseOmnivore(isZip(bytes) ? bytes : text(), full);
    case 'pocket-csv': return isZip(bytes) ? parsePocketCsv(bytes) : readIn(listText(), parsePocketCsv);
    case 'pocket-html': {
      if (!isZip(bytes)) return readIn(pageText(bytes), parsePocketHtml);
      const [entry] = Object.values(safeUnzip(bytes, isPocketHtmlEntry));
      if (!entry) throw new TransferError('the zip holds no ril_export.html');
      return readIn(pageText(entry), parsePocketHtml);
    }
    case 'instapaper-csv': return readIn(listText(), parseInstapaperCsv);
    case 'netscape': return readIn(pageText(bytes), (t) => parseBookmarks(t, { foldersAsTags: ctx.foldersAsTags }));
    case 'feed': return parseFeedFile(text(), { hooks: ctx.hooks ?? {}, ...full });
    case 'seed': return parseSeedFile(text(), { hooks: ctx.hooks ?? {}, ...full });
  }
}

const itemUrl = (it: ImportItem): string => (it.kind === 'article' ? it.article.url : it.url);

/** The text fields of a record and of its body (URLs and ids are left as they are: images and ids are keyed by them). */
const ENTRY_TEXT = ['title', 'siteName', 'lang', 'byline', 'lead', 'published'] as const satisfies readonly (keyof SavedArticle)[];
const ARTICLE_TEXT = [
  'title', 'siteName', 'lang', 'lead', 'byline', 'translator', 'published', 'updated', 'contentHtml', 'textContent',
] as const satisfies readonly (keyof Article)[];

/** `text` with any lone surrogate as U+FFFD. Checked first: V8's toWellFormed copies even a well-formed string, 3× the time of the check on long Chinese text. */
const wellFormedText = (text: string): string => (text.isWellFormed() ? text : text.toWellFormed());

function wellFormed<T extends object>(record: T, fields: readonly (keyof T)[]): T {
  const out = { ...record };
  for (const f of fields) {
    const v = out[f];
    if (typeof v === 'string') out[f] = wellFormedText(v) as T[keyof T];
  }
  return out;
}

/**
 * An item's text as the library keeps it, whatever the format: a lone UTF-16
 * surrogate (a JSON "\ud83d", as a program that cut a title short between the
 * halves of a pair writes it) becomes U+FFFD, which every page, the search and
 * every export can hold (EPUB is XML, which cannot carry a lone surrogate).
 * Tags are trimmed, and empty or repeated ones dropped, as storage stores
 * them: a backup's "" or "   " is no change for the report to count.
 */
function normalised(item: ImportItem): ImportItem {
  const tags = (list: readonly string[]) => cleanTags(list.map(wellFormedText));
  if (item.kind === 'link') {
    return { ...item, title: wellFormedText(item.title), tags: tags(item.tags), ...(item.lead ? { lead: wellFormedText(item.lead) } : {}) };
  }
  const a = item.article;
  return { ...item, article: { ...wellFormed(a, ENTRY_TEXT), tags: tags(a.tags), article: wellFormed(a.article, ARTICLE_TEXT) } };
}

/** What planning did with one item. */
export type PlanStep =
  | { kind: 'add'; item: ImportItem }
  | { kind: 'update'; update: PlannedUpdate }
  /** `existing`: the id of the library record it duplicates; absent for a repeat within the file or a bare known URL. */
  | { kind: 'duplicate'; existing?: string };

/**
 * What a `Planner` plans against. `repeats`: the URL keys a first reading of
 * the same file found more than once (`Planner.repeats`), when known: only
 * their planned rows are kept, so a second reading holds no row for the
 * thousands of stories that come once.
 */
export type PlanContext = Pick<ImportContext, 'library' | 'idFor' | 'now'> & Pick<ParseResult, 'tagForm'> & { repeats?: ReadonlySet<string> };

/**
 * Sorts items, one at a time, into added / updated / duplicate against the
 * library, keeping the counts; what to write is left to the caller. Pure.
 *
 * With a `tagForm`, an incoming tag that a stored article's tag becomes in
 * the file's format is that tag: a bookmarks file cannot hold `a,b`, nor a
 * Pocket CSV `a|b`, so they write `a b` and `a/b`, and importing the
 * library's own file back would otherwise give the article a second tag.
 */
export class Planner {
  readonly counts = { added: 0, updated: 0, duplicates: 0, undated: 0 };
  private readonly idFor: (url: string) => string;
  private readonly urls = new Set<string>();
  /**
   * The record at each URL key: the library's, then what this file has planned for it (its index row, no body),
   * so a later item of the same story (the http and https copies in an old backup) merges into it.
   */
  private readonly records = new Map<string, MergeableRecord>();
  /** Links this file added, kept as they came: their rows are made only for a later item of the same story (rare). */
  private readonly links = new Map<string, Extract<ImportItem, { kind: 'link' }>>();
  private readonly now: string;
  private readonly tagForm?: (tag: string) => string;
  /** The URL keys this file planned something for. */
  private readonly planned = new Set<string>();
  /** The URL keys this file brought again after planning something for them. */
  readonly repeats = new Set<string>();
  private readonly keep?: ReadonlySet<string>;

  constructor(ctx: PlanContext) {
    this.idFor = ctx.idFor ?? urlId;
    this.tagForm = ctx.tagForm;
    this.keep = ctx.repeats;
    this.now = (ctx.now ?? new Date()).toISOString();
    const lib = ctx.library;
    if (lib && 'get' in lib && typeof lib.get === 'function') {
      for (const r of (lib as ReadonlyMap<string, MergeableRecord>).values()) this.records.set(urlKey(r.url), r);
    } else if (lib) {
      for (const u of lib as Iterable<string>) this.urls.add(urlKey(u));
    }
  }

  add(incoming: ImportItem): PlanStep {
    const item = normalised(incoming);
    // wallabag and Omnivore items, like links, may come without a save time.
    const undated = (item.kind === 'link' ? item.savedAt : item.article.savedAt) === UNKNOWN_TIME;
    const key = urlKey(itemUrl(item));
    const existing = this.records.get(key) ?? this.linkRow(key);
    if (this.planned.has(key)) this.repeats.add(key);
    if (existing) {
      const incoming = { ...(item.kind === 'article' ? item.article : linkEntry(item, existing.id)) };
      incoming.tags = this.storedTags(incoming.tags, existing.tags);
      // An undated item (UNKNOWN_TIME, the earliest time there is) moves no saved date back, and is newer than nothing.
      const merged = mergeRecord(existing, { ...incoming, id: existing.id, ...(undated ? { savedAt: existing.savedAt } : {}) });
      if (merged.changed || (item.kind === 'article' && item.images.length)) {
        this.counts.updated++;
        this.plan(key, () => rowOf(merged.record));
        return { kind: 'update', update: { record: merged.record, images: item.kind === 'article' ? item.images : [], changes: merged.changes, kept: merged.kept } };
      }
      this.counts.duplicates++;
      return { kind: 'duplicate', existing: existing.id };
    }
    if (this.urls.has(key)) {
      this.counts.duplicates++;
      return { kind: 'duplicate' };
    }
    this.counts.added++;
    if (undated) this.counts.undated++;
    if (item.kind === 'link') {
      const link = undated ? { ...item, savedAt: this.now } : item;
      this.planned.add(key);
      if (this.kept(key)) this.links.set(key, link);
      return { kind: 'add', item: link };
    }
    const article = { ...item.article, id: item.article.id || this.idFor(item.article.url) };
    if (undated) {
      article.savedAt = this.now;
      if (article.updatedAt === UNKNOWN_TIME) article.updatedAt = this.now;
    }
    // Stored under the id its URL gives, whatever id the file wrote.
    this.plan(key, () => ({ ...rowOf(article), id: this.idFor(article.url) }));
    return { kind: 'add', item: { ...item, article } };
  }

  /** Whether a row planned at `key` may be needed again by a later item. */
  private kept(key: string): boolean {
    return !this.keep || this.keep.has(key);
  }

  /** Notes that this file planned `key`, and keeps the planned row where a later item may merge into it. */
  private plan(key: string, row: () => MergeableRecord): void {
    this.planned.add(key);
    if (this.kept(key)) this.records.set(key, row());
  }

  /** The row of a link this file added, made now that another item of its story comes. */
  private linkRow(key: string): MergeableRecord | undefined {
    const link = this.links.get(key);
    if (!link) return undefined;
    this.links.delete(key);
    const row = linkEntry(link, this.idFor(link.url));
    this.records.set(key, row);
    return row;
  }

  /** `tags` with each one that is a stored tag as the file's format writes it replaced by that stored tag. */
  private storedTags(tags: string[], stored: readonly string[]): string[] {
    const form = this.tagForm;
    if (!form) return tags;
    return cleanTags(tags.map((t) => (stored.includes(t) ? t : stored.find((s) => form(s).trim() === t) ?? t)));
  }
}

/** A record without its body: what the planner keeps of each story, so a large file's text is not held. */
function rowOf(record: MergeableRecord): MergeableRecord {
  const { article: _, ...row } = record;
  return row;
}

/** Sorts parsed items into added / updated / duplicate against the library. Pure. */
export function planImport(parsed: ParseResult, ctx: Pick<ImportContext, 'library' | 'idFor' | 'now'>): Omit<ImportReport, 'ok' | 'format' | 'message'> {
  const planner = new Planner({ ...ctx, tagForm: parsed.tagForm });
  const toAdd: ImportItem[] = [];
  const toUpdate: PlannedUpdate[] = [];
  for (const item of parsed.items) {
    const step = planner.add(item);
    if (step.kind === 'add') toAdd.push(step.item);
    else if (step.kind === 'update') toUpdate.push(step.update);
  }
  return { ...planner.counts, ...(parsed.folders ? { folders: parsed.folders } : {}), failed: [...parsed.errors], toAdd, toUpdate };
}

/** A report that imports nothing, saying why. */
export function refusal(format: ImportFormat | null, message: string): ImportReport {
  return { ok: false, format, message, added: 0, updated: 0, duplicates: 0, failed: [], toAdd: [], toUpdate: [] };
}

/** The refusal of a file over `max` bytes. */
export function refusedBySize(size: number, max: number): ImportReport {
  return refusal(null, `the file is ${(size / 1048576).toFixed(1)} MB; files above ${Math.round(max / 1048576)} MB are refused`);
}

/** Why a file of `format` could not be read: its TransferError, or an unexpected error named as such. */
export function failureReason(format: ImportFormat, e: unknown): string {
  const reason = e instanceof TransferError ? e.message : `unexpected error (${(e as Error)?.message ?? String(e)})`;
  return `${FORMAT_NAMES[format]}: ${reason}`;
}

const ONE_WAY_EXPORT = 'a Markdown or EPUB export is made for other apps and does not import back; to move a library, export and import the JSON backup';

/**
 * Recognises, parses and plans an import. Never throws and never writes: the
 * caller stores `toAdd` / `toUpdate` when the user confirms.
 */
export function importFile(name: string, bytes: Uint8Array, ctx: ImportContext): ImportReport {
  const max = ctx.maxBytes ?? MAX_IMPORT_BYTES;
  if (bytes.length > max) return refusedBySize(bytes.length, max);
  if (bytes.length === 0 || (bytes.length < 4096 && !new TextDecoder().decode(bytes).trim())) return refusal(null, 'the file is empty');
  const format = detectFormat(name, bytes);
  if (!format && isOneWayExport(name, bytes)) return refusal(null, ONE_WAY_EXPORT);
  if (!format) return refusal(null, 'not a file Qingdu can import (expected a Qingdu backup, Pocket, Instapaper, Omnivore or wallabag export, browser bookmarks, an RSS/Atom feed or a feedx article page)');
  let parsed: ParseResult;
  try {
    parsed = parseImport(format, bytes, ctx);
  } catch (e) {
    return refusal(format, failureReason(format, e));
  }
  if (parsed.items.length === 0 && parsed.errors.length === 0) return refusal(format, `${FORMAT_NAMES[format]}: the file holds no articles`);
  return { ok: true, format, message: null, ...(parsed.encoding ? { encoding: parsed.encoding } : {}), ...planImport(parsed, ctx) };
}
