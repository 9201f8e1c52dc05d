import type { DBSchema } from 'idb';
import type { Article } from '../core/types';
import type { LibraryEntry } from './types';

/**
 * The `qingdu` IndexedDB database, as it stands at `DB_VERSION`.
 *
 * History (each step is a numbered migration in migrations.ts):
 * - v1 `entries` (the small library index) and `bodies` (id -> Article), kept
 *   apart so listing 20,000 articles never loads a body. A link-only entry
 *   (an imported bookmark whose text is not fetched yet) may have no body row.
 * - v2 `images` for offline reading ([articleId, url] -> bytes); entries gain
 *   `imageBytes` and `missingImages`.
 * - v3 `search` (normalized title + text per article, so the search index loads
 *   without deserializing any HTML) and `meta` (a revision counter that tells
 *   other contexts their in-memory search index is stale).
 */
export const DB_NAME = 'qingdu';
export const DB_VERSION = 3;

/** An entry as v1 wrote it: no image accounting yet. */
export type EntryV1 = Omit<LibraryEntry, 'imageBytes' | 'missingImages'>;
/** v2 entries have the current shape. */
export type EntryV2 = LibraryEntry;

/** One stored image row (v2+). `bytes` is what the reader turns into a blob URL. */
export interface ImageRecord {
  articleId: string;
  url: string;
  type: string;
  bytes: Uint8Array;
}

/** One row of the v3 `search` store. */
export interface SearchRecord {
  id: string;
  /** `normalizeForSearch(title) + ' ' + normalizeForSearch(textContent)`. */
  text: string;
  /** Length of the normalized title at the start of `text` (title hits rank first). */
  titleLength: number;
  /** Epoch milliseconds of `savedAt`, for ordering results without loading entries. */
  savedAt: number;
  /** Value of `meta.rev` when this row was last written. */
  rev: number;
}

export const META_REV = 'rev';

export interface QingduDB extends DBSchema {
  entries: {
    key: string;
    value: LibraryEntry;
    indexes: { url: string; savedAt: string; state: string; site: string; tags: string };
  };
  bodies: { key: string; value: Article };
  images: { key: [string, string]; value: ImageRecord; indexes: { articleId: string } };
  search: { key: string; value: SearchRecord; indexes: { rev: number } };
  meta: { key: string; value: number };
}

export type StoreName = 'entries' | 'bodies' | 'images' | 'search' | 'meta';
/** Every store an article's write touches, in one transaction. */
export const ARTICLE_STORES: StoreName[] = ['entries', 'bodies', 'images', 'search', 'meta'];
/** The same without `images`, for writes that store no image. */
export const TEXT_STORES: StoreName[] = ['entries', 'bodies', 'search', 'meta'];
