import { unwrap, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { Article } from '../core/types';
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
  type ImportRecord,
  type RemovedArticle,
} from './records';
import { ARTICLE_STORES, META_REV, TEXT_STORES, type QingduDB, type SearchRecord, type StoreName } from './schema';
import { buildSearchRecord, queryTerms, TextIndex } from './search-text';
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
type ArticleTx = IDBPTransaction<QingduDB, StoreName[], 'readwrite'>;

/** Records per transaction during import: big enough to be quick, small enough to stay responsive. */
const IMPORT_BATCH = 100;

interface SearchState {
  index: TextIndex;
  savedAt: Map<string, number>;
  /** `meta.rev` the index reflects. */
  rev: number;
}

/** The change a committed write makes to the search index, applied if the index is loaded. */
type SearchChange = { rev: number; put: SearchRecord[]; remove: string[] };

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
  /** `meta.rev` after this instance's last write: usually still current, since other writers are rare (imports). */
  private lastRev = 0;
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
        const reads = Promise.all([tx.objectStore('entries').get(id), tx.objectStore('meta').get(META_REV)]);
        // If sending the writes below throws, the reads reject with the abort and nothing else awaits them.
        reads.catch(() => undefined);
        // Without waiting for the reads, write what a first save of this URL stores, at the revision
        // after this instance's last write: the reads come back while these writes travel. A re-save,
        // or a write by another context since, writes the rows that differ again below, in the same
        // transaction, so only the right ones are ever committed.
        const guessRev = this.lastRev + 1;
        const guess = entryFor(undefined, images?.reduce((sum, img) => sum + img.bytes.byteLength, 0) ?? 0, new Set());
        const guessSearch: SearchRecord = { ...draft, savedAt: Date.parse(now), rev: guessRev };
        const entries = sink(tx, 'entries');
        const searchStore = sink(tx, 'search');
        const meta = sink(tx, 'meta');
        sink(tx, 'bodies').put(article, id);
        entries.put(guess);
        searchStore.put(guessSearch);
        meta.put(guessRev, META_REV);
        const [existing, storedRev] = await reads;
        if (existing && urlKey(existing.url) !== urlKey(article.url)) {
          throw new StorageError('unknown', 'Another saved article has the same id; this one was not saved.');
        }
        const rev = (storedRev ?? 0) + 1;
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
        if (!sameEntry(entry, guess)) entries.put(entry);
        if (search.savedAt !== guessSearch.savedAt || rev !== guessRev) searchStore.put(search);
        if (rev !== guessRev) meta.put(rev, META_REV);
        change = { rev, put: [search], remove: [] };
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
    const tx = db.transaction(['entries', 'bodies'], 'readonly');
    const [entry, article] = await Promise.all([tx.objectStore('entries').get(id), tx.objectStore('bodies').get(id)]);
    if (!isEntry(entry)) return undefined;
    if (isArticle(article)) return { ...entry, article };
    // Imported bookmarks have no body row until their text is fetched.
    return entry.linkOnly ? { ...entry, article: emptyArticle(entry) } : undefined;
  }

  /** Just the index row, without loading the body. */
  async getEntry(id: string): Promise<LibraryEntry | undefined> {
    const entry = await (await this.db()).get('entries', id);
    return isEntry(entry) ? entry : undefined;
  }

  /** Just the body, for the reader. */
  async getBody(id: string): Promise<Article | undefined> {
    const article = await (await this.db()).get('bodies', id);
    return isArticle(article) ? article : undefined;
  }

  /** Every index row, newest first. Never loads a body. Malformed rows are left out. */
  async list(): Promise<LibraryEntry[]> {
    const rows = await (await this.db()).getAllFromIndex('entries', 'savedAt');
    return rows.filter(isEntry).reverse();
  }

  /** Changes the reader's fields of one article. Resolves undefined when it is not in the library. */
  async update(id: string, patch: EntryPatch): Promise<LibraryEntry | undefined> {
    return this.write(async (tx) => {
      const entries = tx.objectStore('entries');
      const entry = await entries.get(id);
      if (!entry) return undefined;
      const next: LibraryEntry = { ...entry };
      if (patch.state !== undefined && isReadState(patch.state)) next.state = patch.state;
      if (patch.tags !== undefined) next.tags = cleanTags(patch.tags);
      if (patch.progress !== undefined) next.progress = clampProgress(patch.progress);
      if (patch.readAt !== undefined) next.readAt = patch.readAt;
      sink(tx, 'entries').put(next);
      return next;
    }, ['entries']);
  }

  /**
   * Removes an article with its body, images and search text, and returns all
   * of it so `restore` can undo the removal exactly. Undefined when absent.
   */
  async remove(id: string): Promise<RemovedArticle | undefined> {
    let change: SearchChange | undefined;
    const removed = await this.write(async (tx) => {
      const imageStore = tx.objectStore('images');
      const [entry, article, images] = await Promise.all([
        tx.objectStore('entries').get(id),
        tx.objectStore('bodies').get(id),
        imageStore.index('articleId').getAll(id),
      ]);
      if (!entry) return undefined;
      const rev = await this.nextRev(tx);
      for (const name of ['entries', 'bodies', 'search'] as const) sink(tx, name).delete(id);
      const imageSink = sink(tx, 'images');
      for (const img of images) imageSink.delete([img.articleId, img.url]);
      change = { rev, put: [], remove: [id] };
      return { entry, article, images };
    });
    this.applySearchChange(change);
    if (!removed) return undefined;
    const article = removed.article ?? emptyArticle(removed.entry);
    return { ...removed.entry, article, images: removed.images.map(toStoredImage) };
  }

  /** Puts back what `remove` returned, exactly as it was (overwriting a re-save in between). */
  async restore(removed: RemovedArticle): Promise<void> {
    const { article, images, ...entry } = removed;
    if (!isEntry(entry) || !isArticle(article)) throw new StorageError('unknown', 'This article cannot be restored.');
    let change: SearchChange | undefined;
    await this.write(async (tx) => {
      const rev = await this.nextRev(tx);
      const search = buildSearchRecord(entry.id, article, entry.savedAt, rev);
      sink(tx, 'entries').put(entry);
      sink(tx, 'bodies').put(article, entry.id);
      sink(tx, 'search').put(search);
      const imageSink = sink(tx, 'images');
      for (const img of images) imageSink.put({ articleId: entry.id, url: img.url, type: img.type, bytes: img.bytes });
      change = { rev, put: [search], remove: [] };
    });
    this.applySearchChange(change);
  }

  /**
   * Stores images for an article (e.g. a retry of images that failed at save
   * time): adds or replaces them, drops them from `missingImages` and updates
   * `imageBytes`. Resolves undefined when the article is not in the library.
   */
  async putImages(articleId: string, images: StoredImage[]): Promise<LibraryEntry | undefined> {
    return this.write(async (tx) => {
      const entries = tx.objectStore('entries');
      const entry = await entries.get(articleId);
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
      sink(tx, 'entries').put(next);
      return next;
    }, ['entries', 'images']);
  }

  async getImage(articleId: string, url: string): Promise<StoredImage | undefined> {
    const record = await (await this.db()).get('images', [articleId, url]);
    return record ? toStoredImage(record) : undefined;
  }

  /** Count and space used, summed from the index rows. */
  async usage(): Promise<Usage> {
    const rows = (await (await this.db()).getAll('entries')).filter(isEntry);
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
   * Malformed records are skipped. Runs in batches of 100 records per
   * transaction: a failure rejects with StorageError after the batches before
   * it have been kept, and leaves the failing batch out entirely.
   *
   * A record marked `isNew` (an import plan found nothing stored for it) has
   * its index row added without being read first: one request instead of
   * two. One that is stored after all is read and merged like any other, so
   * a wrong mark costs a request, never a record.
   */
  async importRecords(records: readonly ImportRecord[], opts: { now?: Date } = {}): Promise<ImportResult> {
    const now = (opts.now ?? new Date()).toISOString();
    const result: ImportResult = { added: 0, updated: 0, skipped: 0 };
    for (let start = 0; start < records.length; start += IMPORT_BATCH) {
      const batch = records.slice(start, start + IMPORT_BATCH);
      const clean = batch.map((r) => sanitizeImport(r, idForUrl, now));
      result.skipped += clean.filter((c) => c === null).length;
      const drafts = clean.flatMap((c, k) => (c ? [{ ...c, search: buildSearchRecord(c.entry.id, c.article, c.entry.savedAt, 0), isNew: batch[k]?.isNew === true }] : []));
      const counts = { added: 0, updated: 0, skipped: 0 };
      let change: SearchChange | undefined;
      await this.write(
        async (tx) => {
          const entries = sink(tx, 'entries');
          const bodies = sink(tx, 'bodies');
          const searchStore = sink(tx, 'search');
          const imageSink = sink(tx, 'images');
          const firstDraft = new Map<string, (typeof drafts)[number]>();
          for (const d of drafts) if (!firstDraft.has(d.entry.id)) firstDraft.set(d.entry.id, d);
          const ids = [...firstDraft.keys()];
          // The first draft of each id believed new adds its index row now; the rest of its rows follow below.
          const guessed = ids.filter((id) => firstDraft.get(id)?.isNew);
          const read = ids.filter((id) => !firstDraft.get(id)?.isNew);
          const adding = guessed.map((id) => addIfAbsent(entries, (firstDraft.get(id) as (typeof drafts)[number]).entry));
          // The batch's reads go out together with the adds: one round trip, not one per record.
          const [rev, rows, addedIds] = await Promise.all([
            this.nextRev(tx),
            Promise.all(read.map((id) => tx.objectStore('entries').get(id))),
            Promise.all(adding),
          ]);
          const added = new Set(guessed.filter((_, k) => addedIds[k]));
          // Believed new but stored after all: read like the others.
          const stored = guessed.filter((id) => !added.has(id));
          const storedRows = await Promise.all(stored.map((id) => tx.objectStore('entries').get(id)));
          // What is stored for each id, kept up to date below when the same URL comes twice in a batch.
          const locals = new Map<string, LibraryEntry>();
          rows.forEach((row, k) => row && locals.set(read[k] as string, row));
          storedRows.forEach((row, k) => row && locals.set(stored[k] as string, row));
          const present = [...locals.keys()];
          const imageIndex = tx.objectStore('images').index('articleId');
          const imageKeys = await Promise.all(present.map((id) => imageIndex.getAllKeys(id)));
          const storedImages = new Map(present.map((id, k) => [id, new Set((imageKeys[k] ?? []).map(([, url]) => url))]));
          const writtenBodies = new Map<string, Article>();
          const puts: SearchRecord[] = [];
          for (const draft of drafts) {
            const id = draft.entry.id;
            const local = locals.get(id);
            if (!local) {
              const search = { ...draft.search, rev };
              // Its index row is in already when this draft added it.
              if (!(added.has(id) && firstDraft.get(id) === draft)) entries.put(draft.entry);
              if (!bodyless(draft)) bodies.put(draft.article, id);
              searchStore.put(search);
              for (const img of draft.images) imageSink.put(img);
              locals.set(id, draft.entry);
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
            entries.put(entry);
            for (const img of newImages) imageSink.put(img);
            if (incomingBody || entry.savedAt !== local.savedAt) {
              // Only an import that moves savedAt without bringing a newer body reads one (rare).
              const article = incomingBody ? draft.article : (writtenBodies.get(id) ?? (await tx.objectStore('bodies').get(id)));
              const search = buildSearchRecord(id, article ?? emptyArticle(entry), entry.savedAt, rev);
              searchStore.put(search);
              if (incomingBody) {
                if (bodyless(draft)) bodies.delete(id);
                else bodies.put(draft.article, id);
                writtenBodies.set(id, draft.article);
              }
              puts.push(search);
            }
            locals.set(id, entry);
            storedImages.set(id, stored);
            counts.updated++;
          }
          change = { rev, put: puts, remove: [] };
        },
        ARTICLE_STORES,
        // An import can simply be run again, so its batches need not wait for the disk; saves keep the browser's default.
        { durability: 'relaxed' },
      );
      this.applySearchChange(change);
      result.added += counts.added;
      result.updated += counts.updated;
      result.skipped += counts.skipped;
    }
    return result;
  }

  /**
   * Ids of articles matching a query, best first: title matches, then the
   * rest, each newest first. Chinese is matched as a substring anywhere (no
   * word segmentation), other scripts by case-insensitive word prefix; every
   * space-separated term must match. See search-text.ts.
   *
   * The first call loads the search text of the whole library into memory
   * (about 2 bytes a character: ~70 MB for 20,000 articles of 5 KB). Later
   * calls only fetch what other contexts changed since.
   */
  /** Loads the search index ahead of the first query (e.g. when the search field gets focus). */
  async prepareSearch(): Promise<void> {
    await this.searchIndex();
  }

  async search(query: string): Promise<string[]> {
    const terms = queryTerms(query);
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
    if (change) this.lastRev = change.rev;
    const state = this.searchState;
    // Only apply in order; otherwise the next search fetches the difference from the store.
    if (!change || !state || state.rev !== change.rev - 1) return;
    for (const record of change.put) {
      state.index.set(record.id, record.text, record.titleLength);
      state.savedAt.set(record.id, record.savedAt);
    }
    for (const id of change.remove) {
      state.index.delete(id);
      state.savedAt.delete(id);
    }
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
      const fresh: SearchState = { index: new TextIndex(), savedAt: new Map(), rev: 0 };
      await this.loadSearch(db, fresh);
      this.searchState = fresh;
      return fresh;
    }
    // Another context wrote: fetch only the rows written since, and drop the removed ones.
    const tx = db.transaction(['search', 'meta'], 'readonly');
    const [rev, changed, keys] = await Promise.all([
      tx.objectStore('meta').get(META_REV),
      tx.objectStore('search').index('rev').getAll(IDBKeyRange.lowerBound(state.rev, true)),
      tx.objectStore('search').getAllKeys(),
    ]);
    for (const record of changed) {
      state.index.set(record.id, record.text, record.titleLength);
      state.savedAt.set(record.id, record.savedAt);
    }
    const present = new Set(keys);
    for (const id of [...state.index.keys()]) {
      if (!present.has(id)) {
        state.index.delete(id);
        state.savedAt.delete(id);
      }
    }
    state.rev = rev ?? 0;
    return state;
  }

  /** Reads the whole `search` store in pages, so only one page of rows is held outside the index at a time. */
  private async loadSearch(db: DB, state: SearchState): Promise<void> {
    const PAGE = 500;
    let after: string | null = null;
    for (;;) {
      const tx = db.transaction(['search', 'meta'], 'readonly');
      const range: IDBKeyRange | undefined = after === null ? undefined : IDBKeyRange.lowerBound(after, true);
      const [rows, rev]: [SearchRecord[], number | undefined] = await Promise.all([
        tx.objectStore('search').getAll(range, PAGE),
        tx.objectStore('meta').get(META_REV),
      ]);
      // Record the revision of the first page: rows changed later are re-fetched by the next refresh.
      if (after === null) state.rev = rev ?? 0;
      for (const row of rows) {
        state.index.set(row.id, row.text, row.titleLength);
        state.savedAt.set(row.id, row.savedAt);
      }
      const last: SearchRecord | undefined = rows[rows.length - 1];
      if (!last || rows.length < PAGE) return;
      after = last.id;
    }
  }
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

/**
 * Adds `entry` unless its key is stored: resolves false then, and that failed
 * request neither aborts the transaction nor reaches its error listeners.
 * Any other failure rejects and aborts the transaction, as a put's would.
 */
function addIfAbsent(entries: IDBObjectStore, entry: LibraryEntry): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const request = entries.add(entry);
    request.onsuccess = () => resolve(true);
    request.onerror = (event) => {
      if (request.error?.name !== 'ConstraintError') return reject(request.error);
      event.preventDefault();
      event.stopPropagation();
      resolve(false);
    };
  });
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

/** Stand-in body for an index row whose body is missing (a link-only entry's, or one never expected). */
function emptyArticle(entry: LibraryEntry): Article {
  return { ...emptyBody(entry), length: entry.length, readingMinutes: entry.readingMinutes };
}
