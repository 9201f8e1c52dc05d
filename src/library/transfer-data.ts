/**
 * Reads for export and import: whole articles (row + body) and their stored
 * images, straight from IndexedDB in read-only transactions of bounded size.
 * Pages never write; the background does (see src/background/import.ts).
 */
import type { IDBPDatabase } from 'idb';
import type { Article } from '../core/types';
import { DatabaseHandle, type OpenOptions } from '../storage/db';
import { isArticle, isEntry } from '../storage/records';
import type { QingduDB } from '../storage/schema';
import type { LibraryEntry, SavedArticle, StoredImage } from '../storage/types';
import type { ImageLookup } from '../transfer/index';
import { emptyBody } from './transfer-plan';

/** Articles read per transaction: a page of bodies at a time, with progress and a chance to cancel between pages. */
const READ_CHUNK = 500;

export interface ReadOptions {
  signal?: AbortSignal;
  /** Called after each chunk with articles read so far. */
  onProgress?: (done: number, total: number) => void;
  /** False: rows only, their bodies empty. Default true. */
  bodies?: boolean;
}

/** One page of the library as `TransferStore.pages` reads it. */
export interface ArticlePage {
  articles: SavedArticle[];
  /** The page's stored images, when they were asked for. */
  lookup?: ImageLookup;
  /** Ids of `ids` read so far, this page included. */
  done: number;
}

function abortError(): Error {
  return new DOMException('Export cancelled', 'AbortError');
}

export class TransferStore {

  private readonly handle: DatabaseHandle;

  constructor(options: OpenOptions = {}) {
    this.handle = new DatabaseHandle(options);
  }

  private open(): Promise<IDBPDatabase<QingduDB>> {
    return this.handle.get();
  }

  /** Every index row, newest first (for counting, the "all" scope and import merging). */
  async entries(): Promise<LibraryEntry[]> {
    const rows = await (await this.open()).getAllFromIndex('entries', 'savedAt');
    return rows.filter(isEntry).reverse();
  }

  async body(id: string): Promise<Article | undefined> {
    const article = await (await this.open()).get('bodies', id);
    return isArticle(article) ? article : undefined;
  }

  /**
   * Rows with their bodies (and their stored images when `images` is set), in
   * the order of `ids`, one read-only transaction per page; with `bodies:
   * false`, rows only (their bodies empty). Ids no longer in
   * the library are left out; a row whose body is missing gets an empty one.
   */
  async *pages(ids: readonly string[], opts: { signal?: AbortSignal; images?: boolean; bodies?: boolean } = {}): AsyncGenerator<ArticlePage> {
    if (opts.bodies === false) {
      yield* this.rowPages(ids, opts.signal);
      return;
    }
    const db = await this.open();
    for (let start = 0; start < ids.length; start += READ_CHUNK) {
      if (opts.signal?.aborted) throw abortError();
      const chunk = ids.slice(start, start + READ_CHUNK);
      const tx = db.transaction(['entries', 'bodies', 'images'], 'readonly');
      const entries = tx.objectStore('entries');
      const bodies = tx.objectStore('bodies');
      const index = tx.objectStore('images').index('articleId');
      const [rows, lists] = await Promise.all([
        Promise.all(chunk.map((id) => Promise.all([entries.get(id), bodies.get(id)]))),
        opts.images ? Promise.all(chunk.map((id) => index.getAll(id))) : [],
      ]);
      const articles: SavedArticle[] = [];
      for (const [entry, body] of rows) {
        // A row whose body is missing (never expected) still exports its link and metadata.
        if (!isEntry(entry)) continue;
        articles.push({ ...entry, article: isArticle(body) ? body : emptyBody(entry) });
      }
      yield { articles, lookup: opts.images ? lookupOf(lists.flat()) : undefined, done: start + chunk.length };
    }
  }

  /**
   * Pages of rows with empty bodies, for the formats that carry no text: the
   * whole index in one read (as the list does) instead of a read per id.
   */
  private async *rowPages(ids: readonly string[], signal?: AbortSignal): AsyncGenerator<ArticlePage> {
    const rows = new Map((await this.entries()).map((e) => [e.id, e]));
    for (let start = 0; start < ids.length; start += READ_CHUNK) {
      if (signal?.aborted) throw abortError();
      const articles: SavedArticle[] = [];
      for (const id of ids.slice(start, start + READ_CHUNK)) {
        const entry = rows.get(id);
        if (entry) articles.push({ ...entry, article: emptyBody(entry) });
      }
      yield { articles, done: Math.min(ids.length, start + READ_CHUNK) };
    }
  }

  /** Every row of `ids` with its body (see `pages`), for the exporters that need the whole list at once. */
  async articles(ids: readonly string[], opts: ReadOptions = {}): Promise<SavedArticle[]> {
    const out: SavedArticle[] = [];
    for await (const page of this.pages(ids, opts)) {
      out.push(...page.articles);
      opts.onProgress?.(page.done, ids.length);
    }
    return out;
  }

  /** URLs of the images stored for one article. */
  async imageUrls(id: string): Promise<Set<string>> {
    const keys = await (await this.open()).getAllKeysFromIndex('images', 'articleId', id);
    return new Set(keys.map(([, url]) => url));
  }

  /** Every stored image of `ids`, as the synchronous lookup the exporters take. */
  async images(ids: readonly string[], opts: ReadOptions = {}): Promise<ImageLookup> {
    const db = await this.open();
    const all: StoredImage[] = [];
    for (let start = 0; start < ids.length; start += READ_CHUNK) {
      if (opts.signal?.aborted) throw abortError();
      const index = db.transaction('images', 'readonly').store.index('articleId');
      for (const list of await Promise.all(ids.slice(start, start + READ_CHUNK).map((id) => index.getAll(id)))) all.push(...list);
    }
    return lookupOf(all);
  }
}

const imageKey = (articleId: string, url: string): string => `${articleId}\n${url}`;

function lookupOf(images: readonly StoredImage[]): ImageLookup {
  const byKey = new Map<string, StoredImage>();
  for (const img of images) byKey.set(imageKey(img.articleId, img.url), { articleId: img.articleId, url: img.url, type: img.type, bytes: img.bytes });
  return (articleId, url) => byKey.get(imageKey(articleId, url));
}
