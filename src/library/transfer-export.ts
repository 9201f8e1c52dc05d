/**
 * The export formats the library page offers, each with its file name,
 * media type and exporter (src/transfer). Produces Blob parts; the page turns
 * them into a download. Loaded only when the user exports.
 */
import { zipSync } from 'fflate';
import type { SavedArticle } from '../storage/types';
import {
  BACKUP_ZIP_ENTRY,
  MAX_IMPORT_BYTES,
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
import type { ExportFormatId } from './transfer-formats';

export interface ExportFile {
  parts: BlobPart[];
  name: string;
  type: string;
  /** The backup was too large for a plain JSON import and was zipped instead. */
  zipped?: boolean;
}

export interface RunExportOptions extends ChunkOptions {
  /** DOM classes for EPUB (the page's own). */
  env: XhtmlEnv;
  now?: Date;
}

/** Byte size of string parts once UTF-8 encoded, without building them. */
function utf8Size(parts: readonly string[]): number {
  return new Blob(parts as string[]).size;
}

const bytesPart = (b: Uint8Array): BlobPart => b as BlobPart;

/** Runs one exporter over `articles`. Rejects with an AbortError when `signal` fires between chunks. */
export async function runExport(id: ExportFormatId, articles: readonly SavedArticle[], lookup: ImageLookup | undefined, opts: RunExportOptions): Promise<ExportFile> {
  const n = articles.length;
  const now = opts.now ?? new Date();
  const name = (ext: string) => exportFileName(ext, n, now);
  const chunk: ChunkOptions = { onProgress: opts.onProgress, signal: opts.signal, chunkSize: opts.chunkSize };
  switch (id) {
    case 'backup': {
      const parts = await exportBackup(articles, lookup, { ...chunk, now });
      // Importers refuse files above 50 MB as given: a larger backup goes out as the zip, which imports the same way.
      if (utf8Size(parts) <= MAX_IMPORT_BYTES) return { parts, name: name('json'), type: 'application/json' };
      const zip = zipSync({ [BACKUP_ZIP_ENTRY]: new TextEncoder().encode(parts.join('')) }, { level: 6 });
      return { parts: [bytesPart(zip)], name: name('zip'), type: 'application/zip', zipped: true };
    }
    case 'markdown':
      return { parts: [bytesPart(await exportMarkdownZip(articles, lookup, chunk))], name: name('md.zip'), type: 'application/zip' };
    case 'bookmarks':
      return { parts: [await exportBookmarks(articles, chunk)], name: name('html'), type: 'text/html' };
    case 'instapaper':
      return { parts: [await exportInstapaperCsv(articles, chunk)], name: name('instapaper.csv'), type: 'text/csv' };
    case 'pocket':
      return { parts: [await exportPocketCsv(articles, chunk)], name: name('pocket.csv'), type: 'text/csv' };
    case 'wallabag':
      return { parts: [await exportWallabag(articles, chunk)], name: name('wallabag.json'), type: 'application/json' };
    case 'epub':
      return { parts: [bytesPart(await exportEpub(articles, lookup, { ...chunk, env: opts.env, now }))], name: name('epub'), type: 'application/epub+zip' };
    case 'reading-list':
      opts.onProgress?.(n, n);
      return { parts: [readingListMarkdown(articles)], name: name('md'), type: 'text/markdown' };
  }
}
