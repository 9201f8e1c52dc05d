/**
 * The export formats the library page offers, each with its file name,
 * media type and exporter (src/transfer). Produces Blob parts; the page turns
 * them into a download. Loaded only when the user exports.
 *
 * The backup and the bookmarks file are written page by page as the library
 * is read (`exportPages`): each page's text goes into a Blob at once, which
 * the browser keeps outside the page's JS heap, so the page never holds every
 * body and the whole file together.
 */
import type { SavedArticle } from '../storage/types';
import {
  BOOKMARKS_HEAD,
  BOOKMARKS_TAIL,
  BackupWriter,
  bookmarkRow,
  exportBackup,
  exportBookmarks,
  exportEpub,
  exportFileName,
  exportInstapaperCsv,
  exportMarkdownZip,
  exportPocketCsv,
  exportWallabag,
  readingListMarkdown,
  type ChunkOptions,
  type ImageLookup,
  type XhtmlEnv,
} from '../transfer/index';
import type { ArticlePage } from './transfer-data';
import type { ExportFormatId } from './transfer-formats';

export interface ExportFile {
  parts: BlobPart[];
  name: string;
  type: string;
  /** Articles in the file. */
  count: number;
}

export interface RunExportOptions extends ChunkOptions {
  /** DOM classes for EPUB (the page's own). */
  env: XhtmlEnv;
  now?: Date;
}

const bytesPart = (b: Uint8Array): BlobPart => b as BlobPart;

/** Runs one exporter over `articles`. Rejects with an AbortError when `signal` fires between chunks. */
export async function runExport(id: ExportFormatId, articles: readonly SavedArticle[], lookup: ImageLookup | undefined, opts: RunExportOptions): Promise<ExportFile> {
  const n = articles.length;
  const now = opts.now ?? new Date();
  const name = (ext: string) => exportFileName(ext, n, now);
  const chunk: ChunkOptions = { onProgress: opts.onProgress, signal: opts.signal, chunkSize: opts.chunkSize };
  switch (id) {
    case 'backup':
      return { parts: await exportBackup(articles, lookup, { ...chunk, now }), name: name('json'), type: 'application/json', count: n };
    case 'markdown':
      return { parts: [bytesPart(await exportMarkdownZip(articles, lookup, chunk))], name: name('md.zip'), type: 'application/zip', count: n };
    case 'bookmarks':
      return { parts: [await exportBookmarks(articles, chunk)], name: name('html'), type: 'text/html', count: n };
    case 'instapaper':
      return { parts: [await exportInstapaperCsv(articles, chunk)], name: name('instapaper.csv'), type: 'text/csv', count: n };
    case 'pocket':
      return { parts: [await exportPocketCsv(articles, chunk)], name: name('pocket.csv'), type: 'text/csv', count: n };
    case 'wallabag':
      return { parts: [await exportWallabag(articles, chunk)], name: name('wallabag.json'), type: 'application/json', count: n };
    case 'epub':
      return { parts: [bytesPart(await exportEpub(articles, lookup, { ...chunk, env: opts.env, now }))], name: name('epub'), type: 'application/epub+zip', count: n };
    case 'reading-list':
      opts.onProgress?.(n, n);
      return { parts: [readingListMarkdown(articles)], name: name('md'), type: 'text/markdown', count: n };
  }
}

/** The formats `exportPages` writes as the library is read. */
export type PagedFormatId = Extract<ExportFormatId, 'backup' | 'bookmarks'>;
export const isPaged = (id: ExportFormatId): id is PagedFormatId => id === 'backup' || id === 'bookmarks';

export interface PagedExportOptions {
  /** Ids asked for (for progress). */
  total: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  now?: Date;
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Writes the backup or the bookmarks file from `pages` as they are read, with
 * the same bytes as `runExport`. Rejects with an AbortError when `signal`
 * fires between pages.
 */
export async function exportPages(id: PagedFormatId, pages: AsyncIterable<ArticlePage>, opts: PagedExportOptions): Promise<ExportFile> {
  const now = opts.now ?? new Date();
  const parts: BlobPart[] = [];
  const images: Blob[] = [];
  const backup = id === 'backup' ? new BackupWriter(now) : null;
  let count = 0;
  parts.push(backup ? backup.head() : BOOKMARKS_HEAD);
  for await (const page of pages) {
    if (backup) {
      const out = backup.page(page.articles, page.lookup);
      parts.push(new Blob([out.articles]));
      if (out.images) images.push(new Blob([out.images]));
    } else parts.push(new Blob([page.articles.map(bookmarkRow).join('')]));
    count += page.articles.length;
    opts.onProgress?.(page.done, opts.total);
    // Let the progress bar paint and Cancel be clicked between pages.
    await yieldToLoop();
    if (opts.signal?.aborted) throw new DOMException('Export cancelled', 'AbortError');
  }
  if (backup) parts.push(backup.middle(), ...images, backup.tail());
  else parts.push(BOOKMARKS_TAIL);
  const ext = backup ? 'json' : 'html';
  return { parts, name: exportFileName(ext, count, now), type: backup ? 'application/json' : 'text/html', count };
}
