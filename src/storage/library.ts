import { unwrap, type IDBPDatabase } from 'idb';
import type { Article } from '../core/types';
import { BodyWriter, readBody } from './bodies';
import { DatabaseHandle, type OpenOptions } from './db';
import { StorageError, toStorageError } from './errors';
import { idForUrl, urlKey } from './ids';
import {
  articleFields,
  bodyBytesOf,
  emptyBody,
  clampProgress,
  cleanTags,
  isArticle,
  isEntry,
  isReadState,
  mergeEntries,
  sameEntry,
  sanitizeImport,
  withoutPack,
  type ImportRecord,
  type RemovedArticle,
} from './records';
import { ARTICLE_STORES, BODY_STORES, META_REV, TEXT_STORES, type QingduDB, type SearchRecord, type SearchSegment, type SegmentKey, type StoreName } from './schema';
import { ownRowKeys, readAllEntries, readEntry, readFirstEntries, SegmentWriter, type ArticleTx } from './segments';
import { buildSearchRecord, isPreparedText, queryTerms, TextIndex, type TermForms } from './search-text';
import type { LibraryEntry, ReadState, SavedArticle, StoredImage } from './types';

export interface SaveOptions {
  /**
   * Images fetched for offline reading. When given, they replace the article's
   * stored images; when omitted, images stored by an earlier save are kept.
   */
  images?: StoredImage[];
  /** Image URLs that could not be fetched. Default: [] when `images` is given, else unchanged. */
  missingImages?: string[];
  /** Clock override for tests. Default: now. */
  now?: Date;
}

/** The fields the reader and library page may change on a saved article. */
export interface EntryPatch {
  state?: ReadState;
  tags?: string[];
  /** Clamped to 0..1. */
  progress?: number;
  readAt?: string | null;
}

export interface ImportResult {
  added: number;
  updated: number;
  /** Already present and unchanged by the merge, or malformed. */
  skipped: number;
}

export interface Usage {
  articles: number;
  bodyBytes: number;
  imageBytes: number;
}

type DB = IDBPDatabase<QingduDB>;

/**
 * Records per transaction during import, at most. Each transaction first
 * reads the revision and the last segments, one round trip after another.
 * Importing a backup of 20,000 articles from the library page in Chromium,
 * its write step took 13.9-14.8 s in transactions of 100, 13.1-13.2 s in
 * transactions of 200 and the same in transactions of 500, which hold more
 * memory and make a save from another tab wait longer: the library page
 * sends at most 200 articles with text in a batch (see transfer-plan.ts).
 * Links are small, and fewer transactions wait less: storing
 * 20,000 bookmarks from the library page took a median of 2.13 s in
 * transactions of 1,000 against 2.27 s in transactions of 200 (ten imports
 * of each, taking turns).
 */
export const IMPORT_BATCH = 1000;

interface SearchState {
  index: TextIndex;
  savedAt: Map<string, number>;
  /** Segment of each indexed id, to tell which ids a changed segment (or a row of its own gone) no longer holds. */
  segmentOf: Map<string, SegmentKey>;
  /** `meta.rev` the index reflects. */
  rev: number;
}

/** The change a committed write makes to the search index, applied if the index is loaded. */
type SearchChange = { rev: number; put: SearchRecord[]; remove: string[]; segments: [id: string, segment: SegmentKey][] };

/** A sanitized import record with its search text, ready for a batch. */
type ImportDraft = { entry: LibraryEntry; article: Article; images: StoredImage[]; search: SearchRecord; isNew: boolean };

/**
 * The saved-articles library over IndexedDB.
 *
 * The background writes through it, and the library page to import; other
 * extension pages create their own instance to read and search. Every method that
 * writes runs in one transaction, so it either happens completely or not at
 * all, and rejects with a `StorageError` in the second case.
 */
export class Library {
  private searchState: SearchState | null = null;
  private searchLoading: Promise<SearchState> | null = null;

  private readonly handle: DatabaseHandle;

  constructor(options: OpenOptions = {}) {
    this.handle = new DatabaseHandle(options);
  }

  /** Creates a library and opens the database now, so a failed upgrade surfaces here. */
  static async open(options: OpenOptions = {}): Promise<Library> {
    const library = new Library(options);
    await library.db();
    return library;
  }

  /** Stable id for a canonical URL (see ids.ts). */
  idForUrl(url: string): string {
    return idForUrl(url);
  }

  /** Closes the connection; the next call reopens it. */
  async close(): Promise<void> {
    await this.handle.close();
  }

  /**
   * Saves an article, or updates it when its URL is already in the library:
   * title, body and metadata are replaced and `updatedAt` moves on, while
   * `savedAt`, tags, state, progress and `readAt` are kept.
   */
  async save(article: Article, opts: SaveOptions = {}): Promise<SavedArticle> {
    if (!isArticle(article)) throw new StorageError('unknown', 'This page has no article to save.');
    const id = idForUrl(article.url);
    const now = (opts.now ?? new Date()).toISOString();
    // Everything that is not an IDB request happens before the transaction opens.
    const bodyBytes = bodyBytesOf(article);
    const images = opts.images?.map((img) => ({ articleId: id, url: img.url, type: img.type, bytes: img.bytes }));
    const draft = buildSearchRecord(id, article, now, 0);

    const entryFor = (existing: LibraryEntry | undefined, imageBytes: number, keptUrls: ReadonlySet<string>): LibraryEntry => ({
      id,
      ...articleFields(article),
      savedAt: existing?.savedAt ?? now,
      updatedAt: now,
      readAt: existing?.readAt ?? null,
      state: existing?.state ?? 'unread',
      tags: existing?.tags ?? [],
      progress: existing?.progress ?? 0,
      linkOnly: false,
      bodyBytes,
      imageBytes,
      missingImages: (opts.missingImages ?? (images ? [] : (existing?.missingImages ?? []))).filter((url) => !keptUrls.has(url)),
    });

    let change: SearchChange | undefined;
    const entry = await this.write(
      async (tx) => {
        const segments = new SegmentWriter(tx);
        const bodies = new BodyWriter(tx);
        // The body goes out first, while the reads travel (a failure below aborts it with the rest).
        bodies.putRow(id, article);
        const [rev] = await Promise.all([this.nextRev(tx), segments.findForSave(id)]);
        const existing = await segments.entry(id);
        if (existing && urlKey(existing.url) !== urlKey(article.url)) {
          throw new StorageError('unknown', 'Another saved article has the same id; this one was not saved.');
        }
        // Only a stored article can have an imported body to leave behind.
        const unpacking = existing ? bodies.leavePack(id) : undefined;
        // Awaited below; a failure before then aborts the transaction, which rejects this too, with nothing waiting on it.
        unpacking?.catch(() => undefined);
        let imageBytes = existing?.imageBytes ?? 0;
        const keptUrls = new Set<string>();
        // Nothing stored before and nothing to store: skip the images store (most saves of text-only pages).
        if (images && (images.length > 0 || (existing?.imageBytes ?? 0) > 0)) {
          const imageStore = tx.objectStore('images');
          // A re-save that could not fetch an image again keeps the copy it already has.
          const fresh = new Set(images.map((img) => img.url));
          const refetchFailed = new Set(opts.missingImages ?? []);
          const old = (await imageStore.index('articleId').getAll(id)).filter((img) => !fresh.has(img.url));
          const kept = old.filter((img) => refetchFailed.has(img.url));
          for (const img of kept) keptUrls.add(img.url);
          const imageSink = sink(tx, 'images');
          for (const img of old) if (!keptUrls.has(img.url)) imageSink.delete([id, img.url]);
          for (const img of images) imageSink.put(img);
          imageBytes = [...images, ...kept].reduce((sum, img) => sum + img.bytes.byteLength, 0);
        }
        const entry = entryFor(existing, imageBytes, keptUrls);
        const search: SearchRecord = { ...draft, savedAt: Date.parse(entry.savedAt), rev };
        await segments.put(entry, search);
        await segments.flush(rev);
        await unpacking;
        await bodies.flush();
        change = { rev, put: [search], remove: [], segments: segments.placed() };
        return entry;
      },
      // Images stay out of the transaction's scope when the caller has none to store.
      images ? ARTICLE_STORES : TEXT_STORES,
    );
    this.applySearchChange(change);
    return { ...entry, article };
  }

  /** The index row and body of one article. */
  async get(id: string): Promise<SavedArticle | undefined> {
    const db = await this.db();
    const tx = db.transaction(['entrySegments', ...BODY_STORES], 'readonly');
    const [entry, article] = await Promise.all([readEntry(tx.objectStore('entrySegments'), id), readBody(tx, id)]);
    if (!entry) return undefined;
    if (isArticle(article)) return { ...withoutPack(entry), article };
    // Imported bookmarks have no body row until their text is fetched.
    return entry.linkOnly ? { ...withoutPack(entry), article: emptyArticle(entry) } : undefined;
  }

  /** Just the index row, without loading the body. */
  async getEntry(id: string): Promise<LibraryEntry | undefined> {
    const entry = await readEntry((await this.db()).transaction('entrySegments', 'readonly').store, id);
    return entry && withoutPack(entry);
  }

  /** Just the body, for the reader. */
  async getBody(id: string): Promise<Article | undefined> {
    return readBody((await this.db()).transaction(BODY_STORES, 'readonly'), id);
  }

  /** Every index row, newest first. Never loads a body. Malformed rows are left out. */
  async list(): Promise<LibraryEntry[]> {
    return (await readAllEntries(await this.db())).map(withoutPack);
  }

  /** The newest `limit` index rows, newest first, without reading the whole index. */
  async firstEntries(limit: number): Promise<LibraryEntry[]> {
    return (await readFirstEntries(await this.db(), limit)).map(withoutPack);
  }

  /** Changes the reader's fields of one article. Resolves undefined when it is not in the library. */
  async update(id: string, patch: EntryPatch): Promise<LibraryEntry | undefined> {
    return (await this.updateMany([{ id, patch }]))[0];
  }

  /** `update` for many articles in one write (the Undo of a change of read state): the rows changed, ids not stored left out. */
  async updateMany(patches: readonly { id: string; patch: EntryPatch }[]): Promise<LibraryEntry[]> {
    return this.write(async (tx) => {
      const segments = new SegmentWriter(tx);
      // One article (the reader's progress, a row's tags) is found with its segment in one round trip.
      if (patches.length === 1) await segments.findOne((patches[0] as { id: string }).id);
      else await segments.find(patches.map((p) => p.id), false);
      const changed: LibraryEntry[] = [];
      for (const { id, patch } of patches) {
        const entry = await segments.entry(id);
        if (!entry) continue;
        const next: LibraryEntry = { ...entry };
        if (patch.state !== undefined && isReadState(patch.state)) next.state = patch.state;
        if (patch.tags !== undefined) next.tags = cleanTags(patch.tags);
        if (patch.progress !== undefined) next.progress = clampProgress(patch.progress);
        if (patch.readAt !== undefined) next.readAt = patch.readAt;
        await segments.put(next);
        changed.push(withoutPack(next));
      }
      await segments.flush(0);
      return changed;
    }, ['entrySegments']);
  }

  /**
   * Moves many articles to `state` in one write, as the list's own buttons
   * move one: marked read keeps the first time it was read, unread starts it
   * over, archived keeps both. Resolves to the rows changed; ids not in the
   * library are skipped.
   */
  async setState(ids: readonly string[], state: ReadState, now = new Date()): Promise<LibraryEntry[]> {
    if (!isReadState(state)) throw new StorageError('unknown', `Unknown state: ${String(state)}`);
    return this.write(async (tx) => {
      const segments = new SegmentWriter(tx);
      await segments.find(ids, false);
      const changed: LibraryEntry[] = [];
      for (const id of new Set(ids)) {
        const entry = await segments.entry(id);
        if (!entry) continue;
        const next: LibraryEntry = { ...entry, state };
        if (state === 'read') next.readAt = entry.readAt ?? now.toISOString();
        if (state === 'unread') next.progress = 0;
        await segments.put(next);
        changed.push(withoutPack(next));
      }
      await segments.flush(0);
      return changed;
    }, ['entrySegments']);
  }

  /**
   * Removes an article with its body, images and search text, and returns all
   * of it so `restore` can undo the removal exactly. Undefined when absent.
   */
  async remove(id: string): Promise<RemovedArticle | undefined> {
    return (await this.removeMany([id]))[0];
  }

  /** `remove` for many articles in one write: what was removed, ids not stored left out. */
  async removeMany(ids: readonly string[]): Promise<RemovedArticle[]> {
    let change: SearchChange | undefined;
    const removed = await this.write(async (tx) => {
      const segments = new SegmentWriter(tx);
      const bodies = new BodyWriter(tx);
      const imageIndex = tx.objectStore('images').index('articleId');
      const unique = [...new Set(ids)];
      const [rev] = await Promise.all([this.nextRev(tx), segments.find(unique, true)]);
      const out: { entry: LibraryEntry; article: Article | undefined; images: StoredImage[] }[] = [];
      const imageSink = sink(tx, 'images');
      for (const id of unique) {
        const entry = await segments.entry(id);
        if (!entry) continue;
        const [article, images] = await Promise.all([bodies.read(id), imageIndex.getAll(id)]);
        await segments.delete(id);
        await bodies.delete(id);
        for (const img of images) imageSink.delete([img.articleId, img.url]);
        out.push({ entry: withoutPack(entry), article, images });
      }
      if (out.length === 0) return out;
      await segments.flush(rev);
      await bodies.flush();
      change = { rev, put: [], remove: out.map((r) => r.entry.id), segments: [] };
      return out;
    });
    this.applySearchChange(change);
    return removed.map(({ entry, article, images }) => ({ ...entry, article: article ?? emptyArticle(entry), images: images.map(toStoredImage) }));
  }

  /** Puts back what `remove` returned: see `restoreMany`. */
  async restore(removed: RemovedArticle): Promise<void> {
    await this.restoreMany([removed]);
  }

  /**
   * Puts back what `remove` or `removeMany` returned, exactly as it was, body
   * and images included, in one write. An article saved again since the
   * delete is merged with that save instead, as an import merges (the newer
   * text, both sets of tags and images, the earlier save date, the further
   * read state): Undo never throws a later save away.
   */
  async restoreMany(list: readonly RemovedArticle[]): Promise<void> {
    const parts = list.map(({ article, images, ...entry }) => {
      if (!isEntry(entry) || !isArticle(article)) throw new StorageError('unknown', 'This article cannot be restored.');
      return { entry, article, images };
    });
    if (parts.length === 0) return;
    const savedSince: RemovedArticle[] = [];
    let change: SearchChange | undefined;
    await this.write(async (tx) => {
      const segments = new SegmentWriter(tx);
      const bodies = new BodyWriter(tx);
      const [rev] = await Promise.all([this.nextRev(tx), segments.find(parts.map((p) => p.entry.id), true)]);
      const imageSink = sink(tx, 'images');
      const put: SearchRecord[] = [];
      for (const { entry, article, images } of parts) {
        if (segments.segmentOf(entry.id) !== undefined) {
          savedSince.push({ ...entry, article, images });
          continue;
        }
        await bodies.put(entry.id, article);
        const search = buildSearchRecord(entry.id, article, entry.savedAt, rev);
        await segments.put(entry, search);
        put.push(search);
        for (const img of images) imageSink.put({ articleId: entry.id, url: img.url, type: img.type, bytes: img.bytes });
      }
      await segments.flush(rev);
      await bodies.flush();
      change = { rev, put, remove: [], segments: put.map(({ id }) => [id, segments.segmentOf(id) as SegmentKey]) };
    });
    this.applySearchChange(change);
    if (savedSince.length) await this.importRecords(savedSince, { durable: true });
  }

  /**
   * Stores images for an article (e.g. a retry of images that failed at save
   * time): adds or replaces them, drops them from `missingImages` and updates
   * `imageBytes`. Resolves undefined when the article is not in the library.
   */
  async putImages(articleId: string, images: StoredImage[]): Promise<LibraryEntry | undefined> {
    return this.write(async (tx) => {
      const segments = new SegmentWriter(tx);
      await segments.findOne(articleId);
      const entry = await segments.entry(articleId);
      if (!entry) return undefined;
      const imageSink = sink(tx, 'images');
      for (const img of images) imageSink.put({ articleId, url: img.url, type: img.type, bytes: img.bytes });
      // Issued after the puts, so it reads them back with the images stored before.
      const stored = await tx.objectStore('images').index('articleId').getAll(articleId);
      const added = new Set(images.map((img) => img.url));
      const next: LibraryEntry = {
        ...entry,
        imageBytes: stored.reduce((sum, img) => sum + img.bytes.byteLength, 0),
        missingImages: entry.missingImages.filter((url) => !added.has(url)),
      };
      await segments.put(next);
      await segments.flush(0);
      return withoutPack(next);
    }, ['entrySegments', 'images']);
  }

  async getImage(articleId: string, url: string): Promise<StoredImage | undefined> {
    const record = await (await this.db()).get('images', [articleId, url]);
    return record ? toStoredImage(record) : undefined;
  }

  /** Count and space used, summed from the index rows. */
  async usage(): Promise<Usage> {
    const rows = await this.list();
    return rows.reduce<Usage>(
      (u, e) => ({ articles: u.articles + 1, bodyBytes: u.bodyBytes + e.bodyBytes, imageBytes: u.imageBytes + e.imageBytes }),
      { articles: 0, bodyBytes: 0, imageBytes: 0 },
    );
  }

  /**
   * Imports records (from an export file or another device). New URLs are
   * added; a URL already saved is merged, never blindly overwritten (see
   * `mergeEntries`): the later `updatedAt` wins the article fields, tags are
   * unioned, state and progress never go backwards, images are added.
   * Malformed records are skipped. Runs in batches of IMPORT_BATCH records per
   * transaction: a failure rejects with StorageError after the batches before
   * it have been kept, and leaves the failing batch out entirely.
   *
   * Records marked `isNew` (an import plan found nothing stored for them) are
   * appended without looking their ids up first. If one is stored after all,
   * the unique `ids` index fails the batch, which runs again reading every id:
   * a wrong mark costs a second try, never a record.
   */
  async importRecords(records: readonly ImportRecord[], opts: { now?: Date; signal?: AbortSignal; durable?: boolean } = {}): Promise<ImportResult> {
    const now = (opts.now ?? new Date()).toISOString();
    const result: ImportResult = { added: 0, updated: 0, skipped: 0 };
    for (let start = 0; start < records.length; start += IMPORT_BATCH) {
      const batch = records.slice(start, start + IMPORT_BATCH);
      const prepared = batch.map((r) => (isPreparedText(r.prepared) ? r.prepared : undefined));
      const clean = batch.map((r, k) => sanitizeImport(r, idForUrl, now, prepared[k]?.textBytes));
      result.skipped += clean.filter((c) => c === null).length;
      const drafts = clean.flatMap((c, k) =>
        c ? [{ ...c, search: buildSearchRecord(c.entry.id, c.article, c.entry.savedAt, 0, prepared[k]), isNew: batch[k]?.isNew === true }] : [],
      );
      const write = (guess: boolean) => this.importBatch(drafts, guess, opts.signal, opts.durable);
      // A record believed new but stored after all (saved since the plan) makes its
      // segment write fail on the unique `ids` index: the batch then runs again, reading every id.
      const { counts, change } = await write(true).catch((error: unknown) => {
        if (isConstraintError(error) && drafts.some((d) => d.isNew)) return write(false);
        throw error;
      });
      this.applySearchChange(change);
      result.added += counts.added;
      result.updated += counts.updated;
      result.skipped += counts.skipped;
    }
    return result;
  }

  /** One import transaction: see `importRecords`. With `guess`, ids marked new are appended without a lookup. */
  private async importBatch(drafts: readonly ImportDraft[], guess: boolean, signal?: AbortSignal, durable = false): Promise<{ counts: ImportResult; change: SearchChange }> {
    const counts: ImportResult = { added: 0, updated: 0, skipped: 0 };
    let change: SearchChange = { rev: 0, put: [], remove: [], segments: [] };
    await this.write(
      async (tx) => {
        const segments = new SegmentWriter(tx);
        const bodies = new BodyWriter(tx);
        const imageSink = sink(tx, 'images');
        const ids = [...new Set(drafts.map((d) => d.entry.id))];
        const firstNew = new Set(guess ? drafts.filter((d) => d.isNew).map((d) => d.entry.id) : []);
        const read = ids.filter((id) => !firstNew.has(id));
        // The batch's reads go out together: one round trip, not one per record.
        const [rev] = await Promise.all([this.nextRev(tx), segments.find(read, true), bodies.reservePacks()]);
        // The reads answer once the transactions before this one have ended: a stop since then leaves it unwritten.
        signal?.throwIfAborted();
        const present = read.filter((id) => segments.segmentOf(id) !== undefined);
        const imageIndex = tx.objectStore('images').index('articleId');
        const [rows, imageKeys] = await Promise.all([
          Promise.all(present.map((id) => segments.entry(id))),
          Promise.all(present.map((id) => imageIndex.getAllKeys(id))),
        ]);
        // What is stored for each id, kept up to date below when the same URL comes twice in a batch.
        const locals = new Map<string, LibraryEntry>();
        rows.forEach((row, k) => row && locals.set(present[k] as string, row));
        const storedImages = new Map(present.map((id, k) => [id, new Set((imageKeys[k] ?? []).map(([, url]) => url))]));
        const writtenBodies = new Map<string, Article>();
        // Body writes of stored articles, awaited together before the flush: each looks up its pack, all at once.
        const bodyWrites: Promise<void>[] = [];
        const puts: SearchRecord[] = [];
        for (const draft of drafts) {
          const id = draft.entry.id;
          const local = locals.get(id);
          if (!local) {
            const search = { ...draft.search, rev };
            const entry = bodyless(draft) ? draft.entry : { ...draft.entry, pack: bodies.add(id, draft.article) };
            await segments.put(entry, search);
            for (const img of draft.images) imageSink.put(img);
            locals.set(id, entry);
            storedImages.set(id, new Set(draft.images.map((img) => img.url)));
            writtenBodies.set(id, draft.article);
            puts.push(search);
            counts.added++;
            continue;
          }
          const { entry, incomingBody } = mergeEntries(local, draft.entry);
          const have = storedImages.get(id) ?? new Set<string>();
          const newImages = draft.images.filter((img) => !have.has(img.url));
          entry.imageBytes = local.imageBytes + newImages.reduce((sum, img) => sum + img.bytes.byteLength, 0);
          const stored = new Set([...have, ...newImages.map((img) => img.url)]);
          entry.missingImages = entry.missingImages.filter((url) => !stored.has(url));
          if (!incomingBody && newImages.length === 0 && sameEntry(entry, local)) {
            counts.skipped++;
            continue;
          }
          for (const img of newImages) imageSink.put(img);
          if (incomingBody || entry.savedAt !== local.savedAt) {
            // A newer body's search text is the draft's; only an import that moves savedAt without one reads the stored body (rare).
            const search = incomingBody
              ? { ...draft.search, savedAt: Date.parse(entry.savedAt) || 0, rev }
              : buildSearchRecord(id, (writtenBodies.get(id) ?? (await bodies.read(id))) ?? emptyArticle(entry), entry.savedAt, rev);
            if (incomingBody) {
              const bodyWrite = bodyless(draft) ? bodies.delete(id) : bodies.put(id, draft.article);
              // Awaited after the loop, unless the batch fails first (and runs again): then nothing waits on it.
              bodyWrite.catch(() => undefined);
              bodyWrites.push(bodyWrite);
              writtenBodies.set(id, draft.article);
              // The body leaves its pack for a row of its own, unless this write packs it.
              setPack(entry, bodies.packOf(id));
            }
            await segments.put(entry, search);
            puts.push(search);
          } else {
            await segments.put(entry);
          }
          locals.set(id, entry);
          storedImages.set(id, stored);
          counts.updated++;
        }
        await segments.flush(rev);
        await Promise.all(bodyWrites);
        await bodies.flush();
        change = { rev, put: puts, remove: [], segments: puts.map((p) => [p.id, segments.segmentOf(p.id) as SegmentKey]) };
      },
      ARTICLE_STORES,
      // An import can simply be run again, so its batches need not wait for the disk; saves and undos keep the browser's default.
      durable ? {} : { durability: 'relaxed' },
    );
    return { counts, change };
  }

  /** Loads the search index ahead of the first query (e.g. when the search field gets focus). */
  async prepareSearch(): Promise<void> {
    await this.searchIndex();
  }

  /**
   * Ids of articles matching a query, best first: title matches, then the
   * rest (a match in the text, the standfirst or the byline), each newest
   * first. Chinese is matched as a substring anywhere (no word
   * segmentation), other scripts by case-insensitive word prefix; every
   * space-separated term must match; Simplified and Traditional characters
   * find each other. See search-text.ts.
   *
   * With `forms`, each term matches in any of the forms it gives (the
   * library page passes the phrase converter's spellings of Chinese).
   *
   * The first call loads the search text of the whole library into memory
   * (about 2 bytes a character: ~70 MB for 20,000 articles of 5 KB). Later
   * calls only fetch the segments other contexts changed since.
   */
  async search(query: string, forms?: TermForms): Promise<string[]> {
    const terms = queryTerms(query, forms);
    if (terms.length === 0) return [];
    const state = await this.searchIndex();
    // Look each sort key up once, not once per comparison.
    const ranked = state.index.find(terms).map((h) => ({ id: h.id, title: h.inTitle ? 1 : 0, savedAt: state.savedAt.get(h.id) ?? 0 }));
    ranked.sort((a, b) => b.title - a.title || b.savedAt - a.savedAt);
    return ranked.map((h) => h.id);
  }

  // ---- internals ----

  private db(): Promise<DB> {
    return this.handle.get();
  }

  /**
   * Runs `body` in one readwrite transaction and resolves once it has
   * committed. If anything fails, the transaction is aborted (so none of its
   * writes land) and the call rejects with a StorageError.
   *
   * `body` need not wait for its last writes (see `sink`): once it returns,
   * the transaction is committed without waiting for their results, and a
   * write that fails aborts the transaction, which `tx.done` reports.
   */
  private async write<T>(
    body: (tx: ArticleTx) => Promise<T>,
    stores: StoreName[] = ARTICLE_STORES,
    options: { durability?: 'relaxed' } = {},
  ): Promise<T> {
    const db = await this.db();
    let tx: ArticleTx;
    try {
      tx = db.transaction(stores, 'readwrite', options) as ArticleTx;
    } catch (error) {
      throw toStorageError(error);
    }
    // A write that fails while the body still waits on a read rejects `done` before anything awaits it.
    tx.done.catch(() => undefined);
    try {
      const result = await body(tx);
      commitNow(tx);
      await tx.done;
      return result;
    } catch (error) {
      try {
        tx.abort();
      } catch {
        // Already finished or aborted.
      }
      await tx.done.catch(() => undefined);
      // A write that failed (over quota, say) aborted the transaction: its error tells more than the abort the body saw next.
      throw toStorageError(error instanceof StorageError ? error : (tx.error ?? error));
    }
  }

  /** Bumps the revision counter inside a write, so other contexts see their search index is stale. */
  private async nextRev(tx: ArticleTx): Promise<number> {
    const meta = tx.objectStore('meta');
    const rev = ((await meta.get(META_REV)) ?? 0) + 1;
    sink(tx, 'meta').put(rev, META_REV);
    return rev;
  }

  private applySearchChange(change: SearchChange | undefined): void {
    const state = this.searchState;
    // Only apply in order; otherwise the next search fetches the difference from the store.
    if (!change || !state || state.rev !== change.rev - 1) return;
    for (const record of change.put) {
      state.index.set(record.id, record.text, record.titleLength);
      state.savedAt.set(record.id, record.savedAt);
    }
    for (const [id, segment] of change.segments) state.segmentOf.set(id, segment);
    for (const id of change.remove) dropFromIndex(state, id);
    state.rev = change.rev;
  }

  /** The loaded search index, brought up to date with the stored revision. */
  private async searchIndex(): Promise<SearchState> {
    if (this.searchLoading) return this.searchLoading;
    this.searchLoading = this.refreshSearch().finally(() => {
      this.searchLoading = null;
    });
    return this.searchLoading;
  }

  private async refreshSearch(): Promise<SearchState> {
    const db = await this.db();
    const storedRev = (await db.get('meta', META_REV)) ?? 0;
    const state = this.searchState;
    if (state && state.rev === storedRev) return state;
    if (!state) {
      const fresh: SearchState = { index: new TextIndex(), savedAt: new Map(), segmentOf: new Map(), rev: 0 };
      await this.loadSearch(db, fresh);
      this.searchState = fresh;
      return fresh;
    }
    // Another context wrote: fetch only the segments written since, and drop the ids they no longer hold,
    // and those of rows of their own that are gone (removed, or folded into a segment written since).
    const tx = db.transaction(['searchSegments', 'meta'], 'readonly');
    const since = IDBKeyRange.lowerBound(state.rev, true);
    const texts = tx.objectStore('searchSegments');
    const [rev, changed, keys, own] = await Promise.all([
      tx.objectStore('meta').get(META_REV),
      texts.index('rev').getAll(since),
      texts.index('rev').getAllKeys(since),
      texts.getAllKeys(ownRowKeys()),
    ]);
    const present = new Set<string>();
    changed.forEach((segment, k) => {
      for (const row of segment.rows) present.add(row.id);
      indexSegment(state, keys[k] as SegmentKey, segment.rows);
    });
    const changedKeys = new Set<SegmentKey>(keys);
    const ownKeys = new Set<SegmentKey>(own);
    for (const [id, segment] of [...state.segmentOf]) {
      const gone = typeof segment === 'string' && !ownKeys.has(segment);
      if ((gone || changedKeys.has(segment)) && !present.has(id)) dropFromIndex(state, id);
    }
    state.rev = rev ?? 0;
    return state;
  }

  /** Reads the whole search text in pages of segments, so only one page of rows is held outside the index at a time. */
  private async loadSearch(db: DB, state: SearchState): Promise<void> {
    const PAGE = 20;
    let after: SegmentKey | null = null;
    for (;;) {
      const tx = db.transaction(['searchSegments', 'meta'], 'readonly');
      const range: IDBKeyRange | undefined = after === null ? undefined : IDBKeyRange.lowerBound(after, true);
      const store = tx.objectStore('searchSegments');
      const [segments, keys, rev]: [SearchSegment[], SegmentKey[], number | undefined] = await Promise.all([
        store.getAll(range, PAGE),
        store.getAllKeys(range, PAGE),
        tx.objectStore('meta').get(META_REV),
      ]);
      // Record the revision of the first page: segments changed later are re-fetched by the next refresh.
      if (after === null) state.rev = rev ?? 0;
      segments.forEach((segment, k) => indexSegment(state, keys[k] as SegmentKey, segment.rows));
      const last: SegmentKey | undefined = keys[keys.length - 1];
      if (last === undefined || keys.length < PAGE) return;
      after = last;
    }
  }
}

/** Indexes the rows of one search segment. */
function indexSegment(state: SearchState, segment: SegmentKey, rows: readonly SearchRecord[]): void {
  for (const row of rows) {
    state.index.set(row.id, row.text, row.titleLength);
    state.savedAt.set(row.id, row.savedAt);
    state.segmentOf.set(row.id, segment);
  }
}

function dropFromIndex(state: SearchState, id: string): void {
  state.index.delete(id);
  state.savedAt.delete(id);
  state.segmentOf.delete(id);
}

/** Opens the library (lazily, on first use). */
export function createLibrary(options: OpenOptions = {}): Library {
  return new Library(options);
}

/**
 * A store of `tx` for writes nobody waits for: a write that fails aborts the
 * transaction, and `write` reports that from `tx.done`. Waiting for each
 * write's result would cost a round trip to the database before the commit,
 * and idb's promise for each request a listener run per write; these are the
 * plain IndexedDB stores, without either.
 */
function sink(tx: ArticleTx, name: StoreName): IDBObjectStore {
  return unwrap(tx).objectStore(name);
}

/** True when a write failed on a unique index: an id believed new was stored. */
function isConstraintError(error: unknown): boolean {
  const cause = error instanceof StorageError ? error.cause : error;
  return (cause instanceof Error || cause instanceof DOMException) && cause.name === 'ConstraintError';
}

/**
 * Commits as soon as every request is issued, rather than when the browser
 * notices that no more are coming (one more round trip). A transaction that
 * has already finished needs nothing: `tx.done` tells how it ended.
 */
function commitNow(tx: ArticleTx): void {
  try {
    tx.commit();
  } catch {
    // Already committing, committed or aborted.
  }
}

function toStoredImage(record: StoredImage): StoredImage {
  return { articleId: record.articleId, url: record.url, type: record.type, bytes: record.bytes };
}

/**
 * A link-only record with no text (an imported bookmark) stores no body row:
 * a bookmarks import writes a third fewer rows, and `get` gives back an empty body.
 */
function bodyless({ entry, article }: { entry: LibraryEntry; article: Article }): boolean {
  return entry.linkOnly && !article.contentHtml && !article.textContent;
}

/** Names the pack an entry's body is in, or none. */
function setPack(entry: LibraryEntry, pack: number | undefined): void {
  if (pack === undefined) delete entry.pack;
  else entry.pack = pack;
}

/** Stand-in body for an index row whose body is missing (a link-only entry's, or one never expected). */
function emptyArticle(entry: LibraryEntry): Article {
  return { ...emptyBody(entry), length: entry.length, readingMinutes: entry.readingMinutes };
}
