/**
 * The export formats the library page offers, each with its file name,
 * media type and exporter (src/transfer). Produces Blob parts; the page turns
 * them into a download. Loaded only when the user exports.
 *
 * The backup, the bookmarks file, the CSVs and wallabag JSON are written page
 * by page as the library is read (`exportPages`): each page's text goes into
 * a Blob at once, which the browser keeps outside the page's JS heap, so the
 * page never holds every body and the whole file together. Markdown, EPUB and
 * the reading list still take the whole list.
 */
import type { SavedArticle } from '../storage/types';
import {
  BOOKMARKS_HEAD,
  BOOKMARKS_TAIL,
  BackupWriter,
  bookmarkRow,
  csvRow,
  exportBackup,
  exportBookmarks,
  exportEpub,
  exportFileName,
  exportInstapaperCsv,
  exportMarkdownZip,
  exportPocketCsv,
  exportWallabag,
  INSTAPAPER_HEADER,
  instapaperRow,
  POCKET_HEADER,
  pocketRow,
  readingListMarkdown,
  wallabagEntry,
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
export type PagedFormatId = Extract<ExportFormatId, 'backup' | 'bookmarks' | 'instapaper' | 'pocket' | 'wallabag'>;
export const isPaged = (id: ExportFormatId): id is PagedFormatId => id in ROW_FORMATS || id === 'backup';

/** A format written one article at a time: text before, each article's row (null: left out), between rows, after. */
interface RowFormat {
  head: string;
  row: (a: SavedArticle, index: number) => string | null;
  separator: string;
  tail: string;
  ext: string;
  type: string;
}

const ROW_FORMATS: Record<Exclude<PagedFormatId, 'backup'>, RowFormat> = {
  bookmarks: { head: BOOKMARKS_HEAD, row: bookmarkRow, separator: '', tail: BOOKMARKS_TAIL, ext: 'html', type: 'text/html' },
  instapaper: { head: csvRow([...INSTAPAPER_HEADER]), row: instapaperRow, separator: '', tail: '', ext: 'instapaper.csv', type: 'text/csv' },
  pocket: { head: csvRow([...POCKET_HEADER]), row: pocketRow, separator: '', tail: '', ext: 'pocket.csv', type: 'text/csv' },
  wallabag: { head: '[', row: wallabagEntry, separator: ',\n', tail: ']\n', ext: 'wallabag.json', type: 'application/json' },
};

export interface PagedExportOptions {
  /** Ids asked for (for progress). */
  total: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  now?: Date;
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Writes a paged format from `pages` as they are read, with the same bytes as
 * `runExport`. Rejects with an AbortError when `signal` fires between pages.
 */
export async function exportPages(id: PagedFormatId, pages: AsyncIterable<ArticlePage>, opts: PagedExportOptions): Promise<ExportFile> {
  const now = opts.now ?? new Date();
  const parts: BlobPart[] = [];
  const images: Blob[] = [];
  const backup = id === 'backup' ? new BackupWriter(now) : null;
  const format = id === 'backup' ? null : ROW_FORMATS[id];
  let count = 0;
  let rows = 0;
  parts.push(backup ? backup.head() : (format as RowFormat).head);
  for await (const page of pages) {
    if (backup) {
      const out = backup.page(page.articles, page.lookup);
      parts.push(new Blob([out.articles]));
      if (out.images) images.push(new Blob([out.images]));
    } else {
      const { row, separator } = format as RowFormat;
      let text = '';
      page.articles.forEach((a, i) => {
        const r = row(a, count + i);
        if (r !== null) text += (rows++ ? separator : '') + r;
      });
      parts.push(new Blob([text]));
    }
    count += page.articles.length;
    opts.onProgress?.(page.done, opts.total);
    // Let the progress bar paint and Cancel be clicked between pages.
    await yieldToLoop();
    if (opts.signal?.aborted) throw new DOMException('Export cancelled', 'AbortError');
  }
  if (backup) {
    parts.push(backup.middle(), ...images, backup.tail());
    return { parts, name: exportFileName('json', count, now), type: 'application/json', count };
  }
  const { tail, ext, type } = format as RowFormat;
  parts.push(tail);
  return { parts, name: exportFileName(ext, count, now), type, count };
}
