/**
 * Reads for export and import: whole articles (row + body) and their stored
 * images, straight from IndexedDB in read-only transactions of bounded size.
 * This module only reads; imports are written through the storage module (see import-writer.ts).
 */
import type { IDBPDatabase } from 'idb';
import type { Article } from '../core/types';
import { readBodies, readBody } from '../storage/bodies';
import { DatabaseHandle, type OpenOptions } from '../storage/db';
import { emptyBody, withoutPack } from '../storage/records';
import { readAllEntries } from '../storage/segments';
import { BODY_STORES, type QingduDB } from '../storage/schema';
import type { LibraryEntry, SavedArticle, StoredImage } from '../storage/types';
import type { ImageLookup } from '../transfer/index';

/** Articles read per transaction: a page of bodies at a time, with progress and a chance to cancel between pages. */
const READ_CHUNK = 500;

export interface ReadOptions {
  signal?: AbortSignal;
  /** Also the stored images of each page's articles. */
  images?: boolean;
  /** The index rows, when the caller has just read them (otherwise they are read again). */
  rows?: readonly LibraryEntry[];
}

/** What `TransferStore.articles` reads besides the rows. */
export interface ChunkRead {
  bodies: boolean;
  /** Ids of the articles whose stored images are read (see `imageOwners`); null: none. */
  images: ReadonlySet<string> | null;
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
    return readAllEntries(await this.open());
  }

  async body(id: string): Promise<Article | undefined> {
    return readBody((await this.open()).transaction(BODY_STORES, 'readonly'), id);
  }

  /** Ids of the articles that have stored images. */
  async imageOwners(): Promise<Set<string>> {
    return new Set((await (await this.open()).getAllKeys('images')).map(([articleId]) => articleId));
  }

  /**
   * The articles of `rows`, in their order, read in one read-only transaction:
   * each one's body unless `bodies` is false (then empty), and the stored
   * images of those in `images` (only articles that have images are asked
   * for them). A row whose body is missing gets an empty one.
   */
  async articles(rows: readonly LibraryEntry[], opts: ChunkRead): Promise<Pick<ArticlePage, 'articles' | 'lookup'>> {
    let bodies: (Article | undefined)[] = [];
    let images: StoredImage[][] = [];
    if (opts.bodies) {
      const tx = (await this.open()).transaction([...BODY_STORES, 'images'], 'readonly');
      const index = tx.objectStore('images').index('articleId');
      [bodies, images] = await Promise.all([
        readBodies(tx, rows.map((e) => e.id), rows.map((e) => e.pack)),
        Promise.all(opts.images ? rows.filter((e) => opts.images?.has(e.id)).map((e) => index.getAll(e.id)) : []),
      ]);
    }
    // A row whose body is missing (never expected) still exports its link and metadata.
    const articles = rows.map((entry, i): SavedArticle => ({ ...withoutPack(entry), article: bodies[i] ?? emptyBody(entry) }));
    return { articles, lookup: opts.images ? lookupOf(images.flat()) : undefined };
  }

  /**
   * Rows with their bodies (and their stored images when `images` is set), in
   * the order of `ids`, a page at a time, for the zip exports. Ids no longer
   * in the library are left out.
   *
   * The rows come from one read of the whole index (as the list makes): each
   * page costs one read per body row or pack, in one read-only transaction.
   */
  async *pages(ids: readonly string[], opts: ReadOptions = {}): AsyncGenerator<ArticlePage> {
    const rows = new Map((opts.rows ?? (await this.entries())).map((e) => [e.id, e]));
    const read: ChunkRead = { bodies: true, images: opts.images ? await this.imageOwners() : null };
    const page = async (start: number): Promise<ArticlePage> => {
      const chunk = ids.slice(start, start + READ_CHUNK).flatMap((id) => rows.get(id) ?? []);
      return { ...(await this.articles(chunk, read)), done: Math.min(ids.length, start + READ_CHUNK) };
    };
    // One page is read ahead while the caller writes out the one before: the database works
    // while the page's thread serializes, and at most two pages of bodies are held.
    let next: Promise<ArticlePage> | null = ids.length ? page(0) : null;
    for (let start = 0; next; start += READ_CHUNK) {
      const current = next;
      next = start + READ_CHUNK < ids.length ? page(start + READ_CHUNK) : null;
      next?.catch(() => undefined); // observed here; rethrown when its turn comes
      if (opts.signal?.aborted) throw abortError();
      yield await current;
    }
  }

  /** URLs of the images stored for one article. */
  async imageUrls(id: string): Promise<Set<string>> {
    const keys = await (await this.open()).getAllKeysFromIndex('images', 'articleId', id);
    return new Set(keys.map(([, url]) => url));
  }
}

const imageKey = (articleId: string, url: string): string => `${articleId}\n${url}`;

function lookupOf(images: readonly StoredImage[]): ImageLookup {
  const byKey = new Map<string, StoredImage>();
  for (const img of images) byKey.set(imageKey(img.articleId, img.url), { articleId: img.articleId, url: img.url, type: img.type, bytes: img.bytes });
  return (articleId, url) => byKey.get(imageKey(articleId, url));
}
