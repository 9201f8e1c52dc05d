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
  /** What the file says of the link (a bookmark's `<DD>`, Instapaper's Selection, Omnivore's description), kept as its lead. */
  lead?: string;
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
  /** The text encoding the file was read in (`TextDecoder`'s name), for the formats that may come in others than UTF-8. */
  encoding?: string;
  /**
   * How the format writes a stored tag, for the formats that cannot write every tag as it is (see `Planner`); absent
   * when it writes them as they are.
   */
  tagForm?: (tag: string) => string;
  /** A bookmarks file: how many folder names its links would get as tags (each link's four innermost, not a browser's own folders). */
  folders?: number;
}

/** Turns untrusted article HTML into the HTML Qingdu stores (the shared DOMPurify configuration). */
export type Sanitize = (html: string) => string;

/** A feed item as the extraction core's `parseFeed` returns it. */
export interface FeedItemLike {
  title: string;
  link: string;
  published: string | null;
  author: string | null;
  html: string;
}

/** A seed (one saved feed item) as the extraction core's `parseSeed` returns it. */
export interface SeedItemLike {
  title: string;
  url: string;
  published: string | null;
  html: string;
}

/**
 * Extraction hooks for the formats that need the extraction core (feeds, seed
 * files). Injected so the transfer modules stay pure and do not depend on the
 * core's exact shape; `coreHooks(window)` in core-hooks.ts binds the real ones.
 */
export interface ExtractHooks {
  /** Parses RSS / Atom / feedx XML into items. Throws on XML that does not parse. */
  parseFeed?: (xml: string) => FeedItemLike[];
  /** Parses a seed file; null when the text is not one. */
  parseSeed?: (text: string) => SeedItemLike | null;
  /** Runs item HTML through extraction; null when no article comes out (the item is then kept as sanitized HTML). */
  extract?: (html: string, url: string, known: { title: string; published: string | null; byline: string | null }) => Article | null;
}

export type { Article, ReadState, SavedArticle, StoredImage };
