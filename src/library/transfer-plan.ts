/**
 * From an import plan to the batches the library stores. Pure: no extension
 * APIs, no IndexedDB (bodies the plan lacks come from a lookup the caller passes).
 *
 * - Every planned record becomes a complete `SavedArticle`: imported bookmarks
 *   get an empty body and `linkOnly: true`; merged records keep their stored
 *   body unless the merge took the incoming one.
 * - Records go in batches bounded by count and by estimated size, so one
 *   transaction stays short.
 */
import type { Article } from '../core/types';
import { emptyBody, type ImportRecord } from '../storage/records';
import type { PreparedText } from '../storage/search-text';
import type { LibraryEntry, SavedArticle, StoredImage } from '../storage/types';
import { linkEntry, type ImportedLink, type ImportReport } from '../transfer/index';
import type { ImportBatch } from './import-writer';

/** A record ready to store, with the images it brings. */
export interface OutgoingRecord {
  record: SavedArticle;
  images: StoredImage[];
  /** The plan found no stored article for it (the library checks again as it writes). */
  isNew?: boolean;
  /** What the backup's reading worker derived from the record's text (the library uses it instead of making it). */
  prepared?: PreparedText;
}

export interface BatchLimits {
  /** Records per batch. Default 1,000 (the storage's records per transaction): links are small. */
  maxRecords?: number;
  /** Records with text (not link-only) per batch. Default 200: a batch of articles commits quickly, and Stop takes effect soon. */
  maxArticles?: number;
  /** Estimated size per batch. Default 8 MB: small enough that one batch commits quickly. */
  maxBytes?: number;
  /** Images per batch. Default 1000. */
  maxImages?: number;
}

export const DEFAULT_BATCH_RECORDS = 1000;
export const DEFAULT_BATCH_ARTICLES = 200;
export const DEFAULT_BATCH_BYTES = 8 * 1024 * 1024;
export const DEFAULT_BATCH_IMAGES = 1000;

/** The library record for an imported bookmark: no text yet, shown as a link to the original. */
export function linkRecord(item: ImportedLink, id: string): SavedArticle {
  const entry: LibraryEntry = { ...linkEntry(item, id), title: item.title || item.url, tags: [...item.tags] };
  return { ...entry, article: emptyBody(entry) };
}

/** Only the index-row fields of a record (drops extra keys a merge may have carried). */
function entryOf(r: LibraryEntry): LibraryEntry {
  return {
    id: r.id, url: r.url, title: r.title, siteName: r.siteName, lang: r.lang, byline: r.byline, lead: r.lead, leadImage: r.leadImage,
    published: r.published, savedAt: r.savedAt, updatedAt: r.updatedAt, readAt: r.readAt, state: r.state, tags: [...r.tags],
    readingMinutes: r.readingMinutes, length: r.length, partial: r.partial, progress: r.progress, linkOnly: r.linkOnly,
    bodyBytes: r.bodyBytes, imageBytes: r.imageBytes, missingImages: [...r.missingImages],
  };
}

/** The record an update writes, complete with a body. `bodyOf` reads the stored body when the merge keeps it. */
export async function updateRecord(update: ImportReport['toUpdate'][number], bodyOf: (id: string) => Promise<Article | undefined>): Promise<OutgoingRecord> {
  const entry = entryOf(update.record);
  let article = update.record.article;
  // A link-only record's body is empty: rebuild it from the merged row so a newer title sticks.
  if (!article && entry.linkOnly) article = emptyBody(entry);
  article ??= (await bodyOf(entry.id)) ?? emptyBody(entry);
  return { record: { ...entry, article }, images: update.images };
}

/** The record an added item writes. */
export function addRecord(item: ImportReport['toAdd'][number], idFor: (url: string) => string): OutgoingRecord {
  return item.kind === 'link'
    ? { record: linkRecord(item, idFor(item.url)), images: [], isNew: true }
    : { record: item.article, images: item.images, isNew: true };
}

/**
 * Every record an accepted plan writes, complete with a body. `bodyOf` reads
 * a stored body for merged records whose text stays as it is.
 */
export async function recordsFromPlan(
  report: Pick<ImportReport, 'toAdd' | 'toUpdate'>,
  idFor: (url: string) => string,
  bodyOf: (id: string) => Promise<Article | undefined>,
): Promise<OutgoingRecord[]> {
  const out: OutgoingRecord[] = report.toAdd.map((item) => addRecord(item, idFor));
  for (const update of report.toUpdate) out.push(await updateRecord(update, bodyOf));
  return out;
}

/**
 * The plan counts a known article as "updated" whenever the file brings
 * images for it, since it cannot see what is stored. With the stored image
 * URLs at hand: images already stored are not sent again, and an update left
 * with no changed field and no new image is a duplicate after all. Mutates
 * and returns `report`.
 */
export async function settleImageUpdates<R extends Pick<ImportReport, 'toUpdate' | 'updated' | 'duplicates'>>(
  report: R,
  storedImageUrls: (id: string) => Promise<ReadonlySet<string>>,
): Promise<R> {
  const kept: ImportReport['toUpdate'] = [];
  for (const update of report.toUpdate) {
    if (update.images.length) {
      const stored = await storedImageUrls(update.record.id);
      update.images = update.images.filter((img) => !stored.has(img.url));
    }
    if (update.changes.length === 0 && update.images.length === 0) {
      report.updated--;
      report.duplicates++;
    } else kept.push(update);
  }
  report.toUpdate = kept;
  return report;
}

/** Rough size of a record: its text fields dominate. */
export function recordBytes(record: SavedArticle): number {
  const a = record.article;
  return 2048 + (a.contentHtml.length + a.textContent.length + (a.lead?.length ?? 0)) * 1.1 + record.title.length * 2;
}

/**
 * Gathers records and images into batches of at most `maxRecords` records
 * (`maxArticles` of them with text), `maxImages` images and about `maxBytes` (a single record larger than that
 * still goes, alone). A record's images go in its batch, keyed by its id;
 * `image` adds an image for an article already stored.
 */
export class Batcher {
  private readonly maxRecords: number;
  private readonly maxArticles: number;
  private readonly maxBytes: number;
  private readonly maxImages: number;
  private current: ImportBatch = { records: [], images: [] };
  private bytes = 0;
  private articles = 0;

  constructor(limits: BatchLimits = {}) {
    this.maxRecords = Math.max(1, limits.maxRecords ?? DEFAULT_BATCH_RECORDS);
    this.maxArticles = Math.max(1, limits.maxArticles ?? DEFAULT_BATCH_ARTICLES);
    this.maxBytes = Math.max(1, limits.maxBytes ?? DEFAULT_BATCH_BYTES);
    this.maxImages = Math.max(1, limits.maxImages ?? DEFAULT_BATCH_IMAGES);
  }

  /** Adds a record; returns the batch it closed, if any. */
  record({ record, images, isNew, prepared }: OutgoingRecord): ImportBatch | null {
    const own = images.map((img) => ({ articleId: record.id, url: img.url, type: img.type, bytes: img.bytes }));
    return this.add(own, recordBytes(record) + imageBytes(own), isNew || prepared ? { ...record, isNew, prepared } : record);
  }

  /** Adds an image of a stored article; returns the batch it closed, if any. */
  image(image: StoredImage): ImportBatch | null {
    return this.add([image], imageBytes([image]));
  }

  /** The last, unfinished batch (null when empty). */
  flush(): ImportBatch | null {
    const c = this.current;
    this.current = { records: [], images: [] };
    this.bytes = 0;
    this.articles = 0;
    return c.records.length || c.images.length ? c : null;
  }

  private add(images: StoredImage[], size: number, record?: ImportRecord): ImportBatch | null {
    const c = this.current;
    const used = c.records.length || c.images.length;
    const article = record?.linkOnly === false ? 1 : 0;
    const full =
      c.records.length + (record ? 1 : 0) > this.maxRecords ||
      this.articles + article > this.maxArticles ||
      this.bytes + size > this.maxBytes ||
      c.images.length + images.length > this.maxImages;
    const closed = used && full ? this.flush() : null;
    if (record) this.current.records.push(record);
    this.current.images.push(...images);
    this.bytes += size;
    this.articles += article;
    return closed;
  }
}

const imageBytes = (images: readonly StoredImage[]): number => images.reduce((n, img) => n + img.bytes.byteLength + img.url.length * 2 + 64, 0);

/** Splits records into batches (see `Batcher`). */
export function batchRecords(records: readonly OutgoingRecord[], limits: BatchLimits = {}): ImportBatch[] {
  const batcher = new Batcher(limits);
  const batches: ImportBatch[] = [];
  for (const r of records) {
    const closed = batcher.record(r);
    if (closed) batches.push(closed);
  }
  const last = batcher.flush();
  if (last) batches.push(last);
  return batches;
}
