import type { Article } from '../core/types';
import type { ReadState, SavedArticle, StoredImage } from '../storage/types';

/** Finds the stored bytes of an image an article refers to; undefined when it was never saved. */
export type ImageLookup = (articleId: string, url: string) => StoredImage | undefined;

/** Options every exporter over many articles accepts. */
export interface ChunkOptions {
  /** Called after each chunk with the number of articles done so far. */
  onProgress?: (done: number, total: number) => void;
  /** Cancels the export between chunks; the promise rejects with an `AbortError`. */
  signal?: AbortSignal;
  /** Articles per chunk before yielding to the event loop. Default 500. */
  chunkSize?: number;
}

/** An imported record with its body: ready to store as is. */
export interface ImportedArticle {
  kind: 'article';
  article: SavedArticle;
  images: StoredImage[];
}

/** An imported bookmark without text: stored as a link-only entry, fetched later. */
export interface ImportedLink {
  kind: 'link';
  url: string;
  title: string;
  tags: string[];
  state: ReadState;
  /** ISO 8601. */
  savedAt: string;
}

export type ImportItem = ImportedArticle | ImportedLink;

/** One row or record that could not be imported. `line` is 1-based when the format has lines. */
export interface ImportError {
  line?: number;
  reason: string;
}

export interface ParseResult {
  items: ImportItem[];
  errors: ImportError[];
}

/** Turns untrusted article HTML into the HTML Qingdu stores (the shared DOMPurify configuration). */
export type Sanitize = (html: string) => string;

/** A feed entry as the extraction core's `parseFeed` returns it (only the fields import reads). */
export interface FeedEntryLike {
  url?: string | null;
  link?: string | null;
  title?: string | null;
  published?: string | null;
  tags?: string[] | null;
}

/**
 * Extraction hooks for the formats that need the extraction core (feeds, seed files).
 * Injected so the transfer modules stay pure and do not depend on the core's exact shape.
 */
export interface ExtractHooks {
  /** Parses RSS / Atom / feedx XML into entries. */
  parseFeed?: (text: string) => FeedEntryLike[] | { items?: FeedEntryLike[]; entries?: FeedEntryLike[] };
  /** Parses a seed file into entries or full articles. */
  parseSeed?: (text: string) => Array<FeedEntryLike | Article>;
}

export type { Article, ReadState, SavedArticle, StoredImage };
