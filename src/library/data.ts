/**
 * Read-only access to the library for extension pages (library and reader).
 *
 * Pages share the background's origin, so they read IndexedDB directly and
 * never wait on a message round trip; every write the user makes goes
 * through `sendMessage('library.*')` to the background (an import is the one
 * write a page makes itself: see import-writer.ts).
 */
import type { Article } from '../core/types';
import type { OpenOptions } from '../storage/db';
import { createLibrary, type Library } from '../storage/library';
import type { LibraryEntry } from '../storage/types';
import { scriptFormsFor } from './script-forms';

/** What the pages read; `IdbLibraryReader` is the real one, tests pass fakes. */
export interface LibraryReader {
  /** Newest first, at most `limit` entries: the first screen of rows. */
  firstEntries(limit: number): Promise<LibraryEntry[]>;
  /** Every entry, newest first. */
  allEntries(): Promise<LibraryEntry[]>;
  getEntry(id: string): Promise<LibraryEntry | undefined>;
  getBody(id: string): Promise<Article | undefined>;
  /** A stored image's bytes, or undefined when it was never fetched. */
  getImage(articleId: string, url: string): Promise<Blob | undefined>;
  /** Ids of articles whose title or text holds every term (Chinese in either script): title hits first, then newest first. */
  search(query: string): Promise<string[]>;
  /** Load the search index before the first keystroke needs it. */
  prepareSearch(): Promise<void>;
  /** Bytes the browser reports for this extension's whole storage, when it says. */
  usage(): Promise<{ usage: number; quota: number } | null>;
}

/**
 * The real reader: the storage module's `Library`, with its own read
 * connection and search index (which refreshes itself from the stored
 * revision counter).
 */
export class IdbLibraryReader implements LibraryReader {
  private readonly library: Library;

  constructor(options: OpenOptions = {}) {
    this.library = createLibrary(options);
  }

  firstEntries(limit: number): Promise<LibraryEntry[]> {
    return this.library.firstEntries(limit);
  }

  allEntries(): Promise<LibraryEntry[]> {
    return this.library.list();
  }

  getEntry(id: string): Promise<LibraryEntry | undefined> {
    return this.library.getEntry(id);
  }

  getBody(id: string): Promise<Article | undefined> {
    return this.library.getBody(id);
  }

  async getImage(articleId: string, url: string): Promise<Blob | undefined> {
    const image = await this.library.getImage(articleId, url);
    return image ? new Blob([image.bytes as BlobPart], { type: image.type }) : undefined;
  }

  prepareSearch(): Promise<void> {
    return this.library.prepareSearch();
  }

  async search(query: string): Promise<string[]> {
    return this.library.search(query, await scriptFormsFor(query));
  }

  async usage(): Promise<{ usage: number; quota: number } | null> {
    if (!navigator.storage?.estimate) return null;
    const { usage, quota } = await navigator.storage.estimate();
    return usage === undefined ? null : { usage, quota: quota ?? 0 };
  }
}

/** Articles and bytes (bodies + images) summed from index rows already in memory. */
export function usageOf(entries: readonly LibraryEntry[]): { articles: number; bytes: number } {
  let bytes = 0;
  for (const e of entries) bytes += (e.bodyBytes || 0) + (e.imageBytes || 0);
  return { articles: entries.length, bytes };
}
