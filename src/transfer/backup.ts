/**
 * The Qingdu backup: one JSON file holding the whole library, lossless.
 * See BACKUP_FORMAT_DOC for the format; parseBackup validates every field.
 */
import type { Article } from '../core/types';
import type { LibraryEntry, SavedArticle, StoredImage } from '../storage/types';
import { zipSync } from 'fflate';
import { imagesOf } from './images';
import type { ChunkOptions, ImageLookup, ImportError, ImportItem, ParseResult, Sanitize } from './types';
import { DEFAULT_CHUNK, TransferError, fileJsonProblem, fromBase64, mapChunked, pastTomorrow, quoted, safeUrl, toBase64, UNKNOWN_TIME, urlProblem, utf8 } from './util';

/**
 * Backup format version: the storage schema version that last changed the
 * records. Older backups are upgraded on import (v1 entries lack imageBytes and
 * missingImages); newer ones are refused. Schemas v4 and v5 only grouped rows
 * into segments and packs, so backups stay at version 3, which older releases
 * still read.
 */
export const BACKUP_VERSION = 3;
export const BACKUP_FORMAT = 'qingdu-backup';

export const BACKUP_FORMAT_DOC = `## Qingdu backup format (\`qingdu-backup\`, version ${BACKUP_VERSION})

A single UTF-8 JSON file (\`qingdu-YYYY-MM-DD-N篇.json\`):

\`\`\`json
{
  "format": "qingdu-backup",
  "version": ${BACKUP_VERSION},
  "exportedAt": "2026-11-25T08:00:00.000Z",
  "articles": [ /* SavedArticle, one per article, every field as stored */ ],
  "images": [ { "articleId": "…", "url": "https://…/a.jpg", "type": "image/jpeg", "data": "<base64>" } ]
}
\`\`\`

* \`articles[]\` are \`SavedArticle\` records (src/storage/types.ts): the library row (id, url, title, state,
  tags, progress, savedAt, updatedAt, readAt, …) plus \`article\`, the extracted \`Article\` with its
  sanitized \`contentHtml\`. Times are ISO 8601 strings.
* \`images[]\` are the stored image bytes, base64 in \`data\`, keyed by the article id and the image URL
  the article's HTML uses.
* \`version\` is the backup schema version. A backup with a newer version than the running Qingdu
  understands is refused with a message asking to update; older versions are migrated on import.
* Import validates every field's type, refuses \`javascript:\`/\`data:\` and other non-http(s) URLs,
  re-sanitizes \`contentHtml\`, and reports records it skipped with the reason. Unknown fields are dropped.
* The file is written and read as a stream, a page of articles at a time: "format" and "version" come before
  "articles", and "images" after it. Streamed JSON backups up to 1 GB are accepted (20,000 articles with ~5 KB bodies
  ≈ 220 MB); a hand-edited file in another order is read whole, up to 50 MB.
* The same JSON may be zipped as the entry \`qingdu-backup.json\` or under the name Qingdu exported it with
  (\`qingdu-2026-11-25-128篇.json\`). When it is the zip's first entry, it is inflated as it is read, up to 1 GB
  unpacked; any other zip is read whole, at most 50 MB as given and 200 MB unpacked.
`;

/** Name of the JSON entry inside a zipped backup. */
export const BACKUP_ZIP_ENTRY = 'qingdu-backup.json';

/**
 * Whether a zip entry holds a Qingdu backup, by its name: the name above, or
 * that of an exported backup (`qingdu-2026-11-25-128篇.json`), as when a
 * user zips the file Qingdu wrote. Other exports (`….wallabag.json`) do not match.
 */
export const isBackupEntry = (name: string): boolean => name === BACKUP_ZIP_ENTRY || /^qingdu-\d{4}-\d{2}-\d{2}-\d+[^./]*\.json$/.test(name);

export interface BackupImage {
  articleId: string;
  url: string;
  type: string;
  data: string;
}

export interface BackupOptions extends ChunkOptions {
  /** Export time written into the file. Default: now. */
  now?: Date;
}

/** What comes before the first article record. */
export function backupHead(now: Date): string {
  return `{"format":${JSON.stringify(BACKUP_FORMAT)},"version":${BACKUP_VERSION},"exportedAt":${JSON.stringify(now.toISOString())},\n"articles":[\n`;
}
/** Between two records of either list. */
export const BACKUP_SEPARATOR = ',\n';
/** Closes the articles list and opens the images list, which follows every article. */
export const BACKUP_MIDDLE = '\n],\n"images":[\n';
export const BACKUP_TAIL = '\n]}\n';

/** One article's record. */
export const backupRecord = (a: SavedArticle): string => JSON.stringify(a);

/** The records of one article's stored images. */
export function backupImageRecords(a: SavedArticle, lookup?: ImageLookup): string[] {
  return imagesOf(a, lookup).map((img) => {
    const rec: BackupImage = { articleId: a.id, url: img.url, type: img.type, data: toBase64(img.bytes) };
    return JSON.stringify(rec);
  });
}

/**
 * Serialises the library to backup JSON. Returns string parts (ready for a Blob)
 * so a large library never has to fit in one string.
 */
export async function exportBackup(articles: readonly SavedArticle[], lookup?: ImageLookup, opts: BackupOptions = {}): Promise<string[]> {
  const size = Math.max(1, opts.chunkSize ?? DEFAULT_CHUNK);
  // One part per page of records, and one per page of image records, with the separators between them.
  const records: string[] = [];
  const images: string[] = [];
  const add = (parts: string[], items: string[]) => {
    if (items.length) parts.push(...(parts.length ? [BACKUP_SEPARATOR] : []), items.join(BACKUP_SEPARATOR));
  };
  const pages: (readonly SavedArticle[])[] = [];
  for (let i = 0; i < articles.length; i += size) pages.push(articles.slice(i, i + size));
  await mapChunked(
    pages,
    (page) => {
      add(records, page.map(backupRecord));
      add(images, page.flatMap((a) => backupImageRecords(a, lookup)));
    },
    { ...opts, chunkSize: 1, onProgress: opts.onProgress && ((done) => opts.onProgress?.(Math.min(articles.length, done * size), articles.length)) },
  );
  return [backupHead(opts.now ?? new Date()), ...records, BACKUP_MIDDLE, ...images, BACKUP_TAIL];
}

/** The backup JSON zipped as its single entry. */
export async function exportBackupZip(articles: readonly SavedArticle[], lookup?: ImageLookup, opts: BackupOptions = {}): Promise<Uint8Array> {
  const parts = await exportBackup(articles, lookup, opts);
  return zipSync({ [BACKUP_ZIP_ENTRY]: utf8(parts.join('')) }, { level: 6 });
}

// ---------------------------------------------------------------------------
// Validation

type Kind = 'string' | 'string?' | 'number' | 'boolean' | 'string[]' | 'url' | 'url?' | 'iso' | 'iso?' | 'state' | 'fraction';

/**
 * Every field of a library row and of its Article: the compiler refuses a field added to either type but not here, which the backup would drop.
 * The pack a body is stored in is the storage's own, and no file carries it.
 */
const ENTRY_FIELDS: Record<Exclude<keyof LibraryEntry, 'pack'>, Kind> = {
  id: 'string', url: 'url', title: 'string', siteName: 'string?', lang: 'string?', byline: 'string?', lead: 'string?',
  leadImage: 'url?', published: 'string?', savedAt: 'iso', updatedAt: 'iso', readAt: 'iso?', state: 'state', tags: 'string[]',
  readingMinutes: 'number', length: 'number', partial: 'boolean', progress: 'fraction', linkOnly: 'boolean',
  bodyBytes: 'number', imageBytes: 'number', missingImages: 'string[]',
};

const ARTICLE_FIELDS: Record<keyof Article, Kind> = {
  title: 'string', url: 'url', siteName: 'string?', lang: 'string?', lead: 'string?', leadImage: 'url?', byline: 'string?',
  translator: 'string?', published: 'string?', updated: 'string?', contentHtml: 'string', textContent: 'string',
  length: 'number', readingMinutes: 'number', partial: 'boolean', fullTextUrl: 'url?', paywalled: 'boolean',
};

const STATES = new Set(['unread', 'read', 'archived']);

/**
 * ECMAScript's date time string format: the ISO 8601 dates every browser
 * reads alike. Chrome's Date.parse also takes "0", "1/2/2025" or "2025-010Z",
 * which Firefox refuses, and the library orders saved times as strings.
 */
const ISO_DATE = /^(?:[+-]\d{6}|\d{4})(?:-\d{2}(?:-\d{2})?)?(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

/** `v` as Qingdu stores times (UTC, `toISOString`), or null when it is no ISO 8601 date. */
function isoTime(v: unknown): string | null {
  if (typeof v !== 'string' || !ISO_DATE.test(v)) return null;
  const t = Date.parse(v);
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

function checkField(kind: Kind, v: unknown): string | null {
  switch (kind) {
    case 'string': return typeof v === 'string' ? null : 'must be a string';
    case 'string?': return v === null || typeof v === 'string' ? null : 'must be a string or null';
    case 'number': return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? null : 'must be a non-negative number';
    case 'fraction': return typeof v === 'number' && v >= 0 && v <= 1 ? null : 'must be a number from 0 to 1';
    case 'boolean': return typeof v === 'boolean' ? null : 'must be true or false';
    case 'string[]': return Array.isArray(v) && v.every((t) => typeof t === 'string') ? null : 'must be a list of strings';
    case 'state': return typeof v === 'string' && STATES.has(v) ? null : 'must be "unread", "read" or "archived"';
    case 'iso': return isoTime(v) ? null : 'must be an ISO 8601 date';
    case 'iso?': return v === null || isoTime(v) ? null : 'must be an ISO 8601 date or null';
    case 'url': return safeUrl(v) ? null : urlProblem(v);
    case 'url?': return v === null || safeUrl(v) ? null : urlProblem(v);
  }
}

function copyChecked(src: Record<string, unknown>, fields: Record<string, Kind>, where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, kind] of Object.entries(fields)) {
    if (!Object.prototype.hasOwnProperty.call(src, key)) throw new TransferError(`${where}${key} is missing`);
    const v = src[key];
    const problem = checkField(kind, v);
    if (problem) throw new TransferError(`${where}${key} ${problem}`);
    out[key] = Array.isArray(v) ? [...v] : (kind === 'iso' || kind === 'iso?') && v !== null ? isoTime(v) : v;
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates an Article (known fields only, http(s) URLs); throws TransferError naming the bad field. */
export function validateArticle(raw: unknown): Article {
  if (!isObject(raw)) throw new TransferError('article is not an object');
  return copyChecked(raw, ARTICLE_FIELDS, 'article.') as unknown as Article;
}

/** Validates one backup record; throws TransferError naming the bad field. */
export function validateSavedArticle(raw: unknown, sanitize: Sanitize, version = BACKUP_VERSION): SavedArticle {
  if (!isObject(raw)) throw new TransferError('record is not an object');
  if (version < 2) raw = { imageBytes: 0, missingImages: [], ...raw };
  if (!isObject(raw)) throw new TransferError('record is not an object');
  const entry = copyChecked(raw, ENTRY_FIELDS, '');
  if (!(entry.id as string)) throw new TransferError('id is empty');
  // A time past tomorrow is no time, as in every other format: an article saved in the year 9999 would head the
  // library for ever, and one updated then would win every later merge. Undated, it counts as saved at the import.
  const future = (key: 'savedAt' | 'updatedAt' | 'readAt') => typeof entry[key] === 'string' && pastTomorrow(Date.parse(entry[key] as string));
  if (future('savedAt')) entry.savedAt = UNKNOWN_TIME;
  if (future('updatedAt')) entry.updatedAt = entry.savedAt;
  if (future('readAt')) entry.readAt = null;
  // The background fetches these when the reader asks for its missing images again: web addresses only.
  entry.missingImages = (entry.missingImages as string[]).filter((url) => safeUrl(url) !== null);
  if (!isObject(raw.article)) throw new TransferError('article is missing or not an object');
  const article = copyChecked(raw.article, ARTICLE_FIELDS, 'article.');
  article.contentHtml = sanitize(article.contentHtml as string);
  return { ...entry, article } as unknown as SavedArticle;
}

export interface ParseBackupOptions {
  /** The shared sanitizer; every contentHtml passes through it again on import. */
  sanitize: Sanitize;
}

/** Checks the backup's "format" and "version"; returns the version. Throws TransferError. */
export function backupVersion(doc: Record<string, unknown>): number {
  if (doc.format !== BACKUP_FORMAT) throw new TransferError('not a Qingdu backup (missing "format": "qingdu-backup")');
  const version = doc.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw new TransferError('the backup has no valid version number');
  if (version > BACKUP_VERSION) {
    throw new TransferError(`this backup was made by a newer Qingdu (backup version ${version}; this one reads up to ${BACKUP_VERSION}). Update Qingdu and import again`);
  }
  return version;
}

/**
 * The checks every reading of a backup makes on its records, in file order,
 * with the same messages: each article's fields, then duplicate ids and URLs;
 * each image's shape and type, and that its article passed.
 */
export class BackupRecords {
  /** Article URL by id, for the images that follow. */
  private readonly ids = new Map<string, string>();
  private readonly urls = new Set<string>();

  constructor(private readonly sanitize: Sanitize, private readonly version: number) {}

  /** The checked record (body re-sanitized), or why it is refused. */
  article(raw: unknown, index: number): SavedArticle | ImportError {
    try {
      const saved = validateSavedArticle(raw, this.sanitize, this.version);
      if (this.ids.has(saved.id)) throw new TransferError(`duplicate id "${quoted(saved.id)}"`);
      if (this.urls.has(saved.url)) throw new TransferError(`duplicate URL ${quoted(saved.url)}`);
      this.ids.set(saved.id, saved.url);
      this.urls.add(saved.url);
      return saved;
    } catch (e) {
      return { reason: `Article ${index + 1}: ${(e as Error).message}` };
    }
  }

  /** The decoded image, or why it is refused. */
  image(raw: unknown, index: number): StoredImage | ImportError {
    const refuse = (why: string): ImportError => ({ reason: `Image ${index + 1}: ${why}` });
    if (!isObject(raw) || typeof raw.articleId !== 'string' || typeof raw.url !== 'string' || typeof raw.type !== 'string' || typeof raw.data !== 'string') {
      return refuse('needs articleId, url, type and data strings');
    }
    const articleUrl = this.ids.get(raw.articleId);
    if (articleUrl === undefined) return refuse(`belongs to no imported article (${quoted(raw.articleId)})`);
    // Articles write image URLs as their pages did, so relative ones resolve against the article.
    if (!imageUrlOk(raw.url, articleUrl)) return refuse(`URL ${quoted(raw.url)} is not an http(s) URL`);
    if (!/^image\/[a-z0-9.+-]+$/i.test(raw.type)) return refuse(`type "${quoted(raw.type)}" is not an image type`);
    // base64 is 4 characters per 3 bytes: refused before anything is decoded.
    if (raw.data.length > Math.ceil(MAX_BACKUP_IMAGE_BYTES / 3) * 4) return refuse(`larger than ${MAX_BACKUP_IMAGE_BYTES >> 20} MB`);
    let bytes: Uint8Array;
    try {
      bytes = fromBase64(raw.data);
    } catch (e) {
      return refuse((e as Error).message);
    }
    return bytes.length ? { articleId: raw.articleId, url: raw.url, type: raw.type, bytes } : refuse('no image data');
  }
}

/** Largest image a backup may bring (decoded bytes). */
export const MAX_BACKUP_IMAGE_BYTES = 20 * 1024 * 1024;

function imageUrlOk(url: string, base: string): boolean {
  if (!url || url.length > 8192) return false;
  try {
    const { protocol } = new URL(url, base);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** A refusal from {@link BackupRecords}, told apart from what passed. */
export const isRefusal = (result: object): result is ImportError => 'reason' in result;

/** Reads and validates a backup. A file-level problem throws TransferError; bad records become errors. */
export function parseBackup(text: string, opts: ParseBackupOptions): ParseResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new TransferError(`the backup is not valid JSON, probably truncated or damaged (${fileJsonProblem(e, text, 'the file ends before the backup does')})`);
  }
  if (!isObject(doc)) throw new TransferError('not a Qingdu backup (missing "format": "qingdu-backup")');
  const version = backupVersion(doc);
  if (!Array.isArray(doc.articles)) throw new TransferError('the backup has no "articles" list');
  if (doc.images !== undefined && !Array.isArray(doc.images)) throw new TransferError('"images" must be a list');

  const errors: ImportError[] = [];
  const byId = new Map<string, { saved: SavedArticle; images: StoredImage[] }>();
  const records = new BackupRecords(opts.sanitize, version);
  doc.articles.forEach((raw, i) => {
    const saved = records.article(raw, i);
    if (isRefusal(saved)) errors.push(saved);
    else byId.set(saved.id, { saved, images: [] });
  });
  ((doc.images ?? []) as unknown[]).forEach((raw, i) => {
    const image = records.image(raw, i);
    if (isRefusal(image)) errors.push(image);
    else byId.get(image.articleId)?.images.push(image);
  });
  const items: ImportItem[] = [...byId.values()].map(({ saved, images }) => ({ kind: 'article', article: saved, images }));
  return { items, errors };
}
