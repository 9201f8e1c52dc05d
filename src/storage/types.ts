import type { Article } from '../core/types';

/** Where a saved article is in the reader's flow. */
export type ReadState = 'unread' | 'read' | 'archived';

/**
 * One row of the library index: small enough that the library page lists
 * 20,000 of them without loading a single body.
 */
export interface LibraryEntry {
  /** Stable id derived from the canonical URL, so saving a story twice hits the same record. */
  id: string;
  url: string;
  title: string;
  siteName: string | null;
  lang: string | null;
  byline: string | null;
  lead: string | null;
  leadImage: string | null;
  published: string | null;
  /** ISO 8601: first saved, last changed by a save or import. */
  savedAt: string;
  updatedAt: string;
  /** When the user last opened it in the reader (ISO 8601), or null. */
  readAt: string | null;
  state: ReadState;
  tags: string[];
  readingMinutes: number;
  length: number;
  partial: boolean;
  /** Fraction 0..1 of the article scrolled in the reader. */
  progress: number;
  /** True for link-only entries (imported bookmarks) whose text has not been fetched yet. */
  linkOnly: boolean;
  /** Bytes of body and stored images, for the space shown in the library. */
  bodyBytes: number;
  imageBytes: number;
  /** Images that could not be fetched at save time (shown as "image not saved", with a retry). */
  missingImages: string[];
  /**
   * Key of the `bodyPacks` row an import packed its body into, so an export
   * reads the pack without looking the id up first. Storage's own: a reader
   * checks the pack still holds the id, and nothing leaves in a file.
   */
  pack?: number;
}

/** Everything stored for one article: the index row plus its body. */
export interface SavedArticle extends LibraryEntry {
  article: Article;
}

/** A stored image: the bytes the reader shows instead of reaching the network. */
export interface StoredImage {
  articleId: string;
  url: string;
  type: string;
  bytes: Uint8Array;
}
