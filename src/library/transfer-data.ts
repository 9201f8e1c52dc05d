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

/** Articles read per transaction: a chunk of bodies at a time, with progress and a chance to cancel between chunks. */
const READ_CHUNK = 200;

export interface ReadOptions {
  signal?: AbortSignal;
  /** Called after each chunk with articles read so far. */
  onProgress?: (done: number, total: number) => void;
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
   * Rows with their bodies, in the order of `ids`. Ids no longer in the
   * library are left out; a row whose body is missing gets an empty one.
   */
  async articles(ids: readonly string[], opts: ReadOptions = {}): Promise<SavedArticle[]> {
    const db = await this.open();
    const out: SavedArticle[] = [];
    for (let start = 0; start < ids.length; start += READ_CHUNK) {
      if (opts.signal?.aborted) throw abortError();
      const chunk = ids.slice(start, start + READ_CHUNK);
      const tx = db.transaction(['entries', 'bodies'], 'readonly');
      const entries = tx.objectStore('entries');
      const bodies = tx.objectStore('bodies');
      const rows = await Promise.all(chunk.map((id) => Promise.all([entries.get(id), bodies.get(id)])));
      for (const [entry, body] of rows) {
        // A row whose body is missing (never expected) still exports its link and metadata.
        if (!isEntry(entry)) continue;
        out.push({ ...entry, article: isArticle(body) ? body : emptyBody(entry) });
      }
      opts.onProgress?.(Math.min(ids.length, start + READ_CHUNK), ids.length);
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
    const byKey = new Map<string, StoredImage>();
    for (let start = 0; start < ids.length; start += READ_CHUNK) {
      if (opts.signal?.aborted) throw abortError();
      const tx = db.transaction('images', 'readonly');
      const index = tx.store.index('articleId');
      const lists = await Promise.all(ids.slice(start, start + READ_CHUNK).map((id) => index.getAll(id)));
      for (const list of lists) {
        for (const img of list) byKey.set(imageKey(img.articleId, img.url), { articleId: img.articleId, url: img.url, type: img.type, bytes: img.bytes });
      }
    }
    return (articleId, url) => byKey.get(imageKey(articleId, url));
  }
}

const imageKey = (articleId: string, url: string): string => `${articleId}\n${url}`;
