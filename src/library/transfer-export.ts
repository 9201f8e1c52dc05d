/**
 * The export formats the library page offers, written as the library is read,
 * so the page never holds every body and the whole file together.
 *
 * - The list formats (backup, bookmarks, the CSVs, wallabag, the reading list)
 *   are items joined by a separator: `exportList` cuts the rows into chunks,
 *   has each written where its writer runs (in Chromium, workers write the
 *   formats that read bodies: see export-writing.ts), and joins them in order.
 *   Each chunk comes back as Blobs, which the browser keeps outside the JS heap.
 * - The two zips (Markdown, EPUB) carry state from one article to the next
 *   (offsets, the table of contents): `exportPages` writes them in the page,
 *   in order, a page of articles at a time.
 *
 * Produces Blob parts; the page turns them into a download. Loaded only when the user exports.
 */
import type { LibraryEntry, SavedArticle } from '../storage/types';
import {
  BACKUP_MIDDLE,
  BACKUP_SEPARATOR,
  BACKUP_TAIL,
  backupHead,
  backupImageRecords,
  backupRecord,
  BOOKMARKS_HEAD,
  BOOKMARKS_TAIL,
  bookmarkRow,
  csvRow,
  epubBook,
  EpubWriter,
  exportFileName,
  INSTAPAPER_HEADER,
  instapaperRow,
  MarkdownZipWriter,
  POCKET_HEADER,
  pocketRow,
  readingListHead,
  readingListLine,
  transcodedLookup,
  wallabagEntry,
  type ImageLookup,
  type Transcode,
  type XhtmlEnv,
} from '../transfer/index';
import { yieldToLoop } from '../transfer/util';
import type { ArticlePage } from './transfer-data';
import type { ExportFormatId } from './transfer-formats';

export interface ExportFile {
  parts: BlobPart[];
  name: string;
  type: string;
  /** Articles in the file. */
  count: number;
}

interface Progress {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  now?: Date;
  /** The count as the file name gives it, in the reader's language. Default: `128篇`. */
  counted?: (count: number) => string;
  /** The reading list's title (the list export's, and the Markdown zip's `reading-list.md`), in the reader's language. */
  listTitle?: string;
}

const cancelled = (): DOMException => new DOMException('Export cancelled', 'AbortError');

// ---- list formats ----

export type ListFormatId = Exclude<ExportFormatId, 'markdown' | 'epub'>;
export const isListFormat = (id: ExportFormatId): id is ListFormatId => id !== 'markdown' && id !== 'epub';

/** A format that is a list of items, one per article, each written without knowing the others. */
interface ListFormat {
  head(now: Date, opts: Progress): string;
  /** The article's item, or null when the format leaves it out; `index` is its place in the export. */
  item(a: SavedArticle, index: number): string | null;
  separator: string;
  /** A second list after the first, of items made from each article's stored images (the backup's). */
  images?: { open: string; items(a: SavedArticle, lookup?: ImageLookup): string[] };
  tail: string;
  ext: string;
  type: string;
}

const csv = (header: readonly string[], row: (a: SavedArticle) => string, ext: string): ListFormat => ({
  head: () => csvRow([...header]), item: row, separator: '', tail: '', ext, type: 'text/csv',
});

const LIST_FORMATS: Record<ListFormatId, ListFormat> = {
  backup: {
    head: backupHead, item: backupRecord, separator: BACKUP_SEPARATOR, images: { open: BACKUP_MIDDLE, items: backupImageRecords },
    tail: BACKUP_TAIL, ext: 'json', type: 'application/json',
  },
  bookmarks: { head: () => BOOKMARKS_HEAD, item: bookmarkRow, separator: '', tail: BOOKMARKS_TAIL, ext: 'html', type: 'text/html' },
  instapaper: csv(INSTAPAPER_HEADER, instapaperRow, 'instapaper.csv'),
  pocket: csv(POCKET_HEADER, pocketRow, 'pocket.csv'),
  wallabag: { head: () => '[', item: wallabagEntry, separator: ',\n', tail: ']\n', ext: 'wallabag.json', type: 'application/json' },
  'reading-list': { head: (_now, opts) => readingListHead(opts.listTitle), item: readingListLine, separator: '', tail: '', ext: 'md', type: 'text/markdown' },
};

/** One chunk of a list format as written: its items joined (no separator before the first), and its image items. */
export interface WrittenChunk {
  items: Blob;
  count: number;
  images: Blob | null;
  imageCount: number;
}

/** Writes the items of `page`, whose first article is the export's `index`-th. */
export function writeChunk(id: ListFormatId, page: Pick<ArticlePage, 'articles' | 'lookup'>, index: number): WrittenChunk {
  const format = LIST_FORMATS[id];
  // Appended as they are made: in Firefox, joining an array of them at the end made the backup export 10-20% slower.
  let items = '';
  let images = '';
  let count = 0;
  let imageCount = 0;
  page.articles.forEach((a, i) => {
    const item = format.item(a, index + i);
    // No item (null, or an empty row) for an article the format cannot carry.
    if (item) items += (count++ ? format.separator : '') + item;
    for (const image of format.images?.items(a, page.lookup) ?? []) images += (imageCount++ ? format.separator : '') + image;
  });
  return { items: new Blob([items]), count, images: imageCount ? new Blob([images]) : null, imageCount };
}

/** Reads and writes the articles of `rows`, the export's `index`-th onwards. */
export type ChunkWriter = (rows: LibraryEntry[], index: number) => Promise<WrittenChunk>;

/** Articles per chunk: one read-only transaction of bodies each. */
export const LIST_CHUNK = 500;

export interface ListExportOptions extends Progress {
  /** Chunks written at once (one per worker). Default 1. */
  parallel?: number;
}

/**
 * Writes list format `id` of `rows`: chunks go to `write`, up to `parallel`
 * at a time, and are joined in order. Rejects with an AbortError when
 * `signal` fires (chunks being written are left to finish unseen).
 */
export async function exportList(id: ListFormatId, rows: readonly LibraryEntry[], write: ChunkWriter, opts: ListExportOptions = {}): Promise<ExportFile> {
  const format = LIST_FORMATS[id];
  const now = opts.now ?? new Date();
  const chunks: WrittenChunk[] = [];
  let next = 0;
  let done = 0;
  // Once a chunk fails, the other lanes take no more.
  let failed = false;
  const lane = async (): Promise<void> => {
    for (let start = next * LIST_CHUNK; start < rows.length && !failed; start = next * LIST_CHUNK) {
      if (opts.signal?.aborted) throw cancelled();
      const k = next++;
      const slice = rows.slice(start, start + LIST_CHUNK);
      try {
        chunks[k] = await write(slice, start);
      } catch (e) {
        failed = true;
        throw e;
      }
      done += slice.length;
      opts.onProgress?.(done, rows.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.parallel ?? 1) }, lane));
  if (opts.signal?.aborted) throw cancelled();

  const parts: BlobPart[] = [format.head(now, opts)];
  const images: BlobPart[] = [];
  let items = 0;
  let imageItems = 0;
  for (const chunk of chunks) {
    if (chunk.count) parts.push(...(items ? [format.separator] : []), chunk.items);
    if (chunk.images) images.push(...(imageItems ? [format.separator] : []), chunk.images);
    items += chunk.count;
    imageItems += chunk.imageCount;
  }
  if (format.images) parts.push(format.images.open, ...images);
  parts.push(format.tail);
  // Named and reported by what the file holds: rows a format cannot carry (a link that is not http(s)) are left out.
  return { parts, name: exportFileName(format.ext, items, now, opts.counted), type: format.type, count: items };
}

// ---- zip formats ----

export type ZipFormatId = Exclude<ExportFormatId, ListFormatId>;

export interface PagedExportOptions extends Progress {
  /** Ids asked for (for progress). */
  total: number;
  /**
   * EPUB only: the rows of the book's articles (its language, and for one article its title, come from them), the
   * page's DOM classes, how WebP/AVIF images are redrawn, and the title of a book of several articles.
   */
  epub?: { rows: readonly LibraryEntry[]; env: XhtmlEnv; transcode?: Transcode; title?: string };
}

/** A zip as `exportPages` drives it: what comes before the first article, each article, what comes after. */
interface PageFormat {
  head(): BlobPart[];
  /** `articles`: a slice of a page. */
  page(page: Pick<ArticlePage, 'articles' | 'lookup'>): Promise<BlobPart[]>;
  tail(): BlobPart[];
  ext: string;
  type: string;
}

/** Markdown and EPUB convert every article's HTML (tens of ms per 10 articles): the page stays responsive in between. */
const ZIP_SLICE = 25;

/** A zip writer's bytes so far, as one Blob part. */
const zipped = (bytes: Uint8Array[]): BlobPart[] => (bytes.length ? [new Blob(bytes as BlobPart[])] : []);

function zipFormat(id: ZipFormatId, opts: PagedExportOptions, now: Date): PageFormat {
  let writer: MarkdownZipWriter | EpubWriter;
  if (id === 'markdown') writer = new MarkdownZipWriter(undefined, opts.listTitle);
  else if (opts.epub) writer = new EpubWriter(epubBook(opts.epub.rows, { now, title: opts.epub.title }), opts.epub.env);
  else throw new Error('an EPUB export needs its rows and DOM classes');
  return {
    head: () => zipped(writer.take()),
    page: async ({ articles, lookup }) => {
      const transcode = opts.epub?.transcode;
      const images = transcode ? await transcodedLookup(articles, lookup, transcode) : lookup;
      for (const a of articles) writer.article(a, images);
      return zipped(writer.take());
    },
    tail: () => {
      writer.end();
      return zipped(writer.take());
    },
    ...(id === 'markdown' ? { ext: 'md.zip', type: 'application/zip' } : { ext: 'epub', type: 'application/epub+zip' }),
  };
}

/** Writes zip `id` from `pages` as they are read. Rejects with an AbortError when `signal` fires between slices. */
export async function exportPages(id: ZipFormatId, pages: AsyncIterable<ArticlePage>, opts: PagedExportOptions): Promise<ExportFile> {
  const now = opts.now ?? new Date();
  const format = zipFormat(id, opts, now);
  const parts: BlobPart[] = format.head();
  let count = 0;
  const step = async (): Promise<void> => {
    // Let the progress bar paint and Cancel be clicked.
    await yieldToLoop();
    if (opts.signal?.aborted) throw cancelled();
  };
  for await (const page of pages) {
    for (let start = 0; start < page.articles.length; start += ZIP_SLICE) {
      if (start > 0) {
        opts.onProgress?.(page.done - page.articles.length + start, opts.total);
        await step();
      }
      parts.push(...(await format.page({ articles: page.articles.slice(start, start + ZIP_SLICE), lookup: page.lookup })));
    }
    count += page.articles.length;
    opts.onProgress?.(page.done, opts.total);
    await step();
  }
  parts.push(...format.tail());
  return { parts, name: exportFileName(format.ext, count, now, opts.counted), type: format.type, count };
}
