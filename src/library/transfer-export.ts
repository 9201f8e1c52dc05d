/**
 * The export formats the library page offers, each written page by page as
 * the library is read (`exportPages`): each page's text or zip bytes go into
 * a Blob at once, which the browser keeps outside the page's JS heap, so the
 * page never holds every body and the whole file together. Produces Blob
 * parts; the page turns them into a download. Loaded only when the user exports.
 */
import type { LibraryEntry, SavedArticle } from '../storage/types';
import {
  BOOKMARKS_HEAD,
  BOOKMARKS_TAIL,
  BackupWriter,
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
  READING_LIST_HEAD,
  readingListLine,
  wallabagEntry,
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

export interface PagedExportOptions {
  /** Ids asked for (for progress). */
  total: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  now?: Date;
  /** EPUB only: the rows of the book's articles (its title and language come from them), and the page's DOM classes. */
  epub?: { rows: readonly LibraryEntry[]; env: XhtmlEnv };
}

/** One format as `exportPages` drives it: what comes before the first page, each page's parts, what comes after. */
interface PageFormat {
  head(): BlobPart[];
  /** `articles`: the page, or a slice of it; `index`: the first one's place in the file. */
  page(page: Pick<ArticlePage, 'articles' | 'lookup'>, index: number): BlobPart[];
  tail(): BlobPart[];
  ext: string;
  type: string;
  /** Articles written between two chances to paint and cancel, for formats slow per article. Default: a whole page. */
  slice?: number;
}

/** Markdown and EPUB convert every article's HTML (tens of ms per 10 articles): the page stays responsive in between. */
const ZIP_SLICE = 25;

/** A format written one article at a time: text before, each article's row (null: left out), between rows, after. */
function rowFormat(head: string, row: (a: SavedArticle, index: number) => string | null, separator: string, tail: string, ext: string, type: string): PageFormat {
  let rows = 0;
  return {
    head: () => [head],
    page: ({ articles }, index) => {
      let text = '';
      articles.forEach((a, i) => {
        const r = row(a, index + i);
        if (r !== null) text += (rows++ ? separator : '') + r;
      });
      return [new Blob([text])];
    },
    tail: () => [tail],
    ext,
    type,
  };
}

function backupFormat(now: Date): PageFormat {
  const writer = new BackupWriter(now);
  // Images follow every article in the file: each page's go into a Blob of their own until the end.
  const images: Blob[] = [];
  return {
    head: () => [writer.head()],
    page: ({ articles, lookup }) => {
      const out = writer.page(articles, lookup);
      if (out.images) images.push(new Blob([out.images]));
      return [new Blob([out.articles])];
    },
    tail: () => [writer.middle(), ...images, writer.tail()],
    ext: 'json',
    type: 'application/json',
  };
}

/** A zip writer's bytes so far, as one Blob part. */
const zipped = (bytes: Uint8Array[]): BlobPart[] => (bytes.length ? [new Blob(bytes as BlobPart[])] : []);

/** A zip written an article at a time (Markdown, EPUB), its bytes handed over page by page. */
function zipFormat(writer: MarkdownZipWriter | EpubWriter, ext: string, type: string): PageFormat {
  return {
    head: () => zipped(writer.take()),
    page: ({ articles, lookup }) => {
      for (const a of articles) writer.article(a, lookup);
      return zipped(writer.take());
    },
    tail: () => {
      writer.end();
      return zipped(writer.take());
    },
    ext,
    type,
    slice: ZIP_SLICE,
  };
}

function epubWriter(opts: PagedExportOptions['epub'], now: Date): EpubWriter {
  if (!opts) throw new Error('an EPUB export needs its rows and DOM classes');
  return new EpubWriter(epubBook(opts.rows, { now }), opts.env);
}

function formatFor(id: ExportFormatId, opts: PagedExportOptions, now: Date): PageFormat {
  switch (id) {
    case 'backup':
      return backupFormat(now);
    case 'markdown':
      return zipFormat(new MarkdownZipWriter(), 'md.zip', 'application/zip');
    case 'epub':
      return zipFormat(epubWriter(opts.epub, now), 'epub', 'application/epub+zip');
    case 'bookmarks':
      return rowFormat(BOOKMARKS_HEAD, bookmarkRow, '', BOOKMARKS_TAIL, 'html', 'text/html');
    case 'instapaper':
      return rowFormat(csvRow([...INSTAPAPER_HEADER]), instapaperRow, '', '', 'instapaper.csv', 'text/csv');
    case 'pocket':
      return rowFormat(csvRow([...POCKET_HEADER]), pocketRow, '', '', 'pocket.csv', 'text/csv');
    case 'wallabag':
      return rowFormat('[', wallabagEntry, ',\n', ']\n', 'wallabag.json', 'application/json');
    case 'reading-list':
      return rowFormat(READING_LIST_HEAD, readingListLine, '', '', 'md', 'text/markdown');
  }
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Writes format `id` from `pages` as they are read. Rejects with an AbortError when `signal` fires between pages. */
export async function exportPages(id: ExportFormatId, pages: AsyncIterable<ArticlePage>, opts: PagedExportOptions): Promise<ExportFile> {
  const now = opts.now ?? new Date();
  const format = formatFor(id, opts, now);
  const parts: BlobPart[] = format.head();
  let count = 0;
  const step = async (): Promise<void> => {
    // Let the progress bar paint and Cancel be clicked.
    await yieldToLoop();
    if (opts.signal?.aborted) throw new DOMException('Export cancelled', 'AbortError');
  };
  for await (const page of pages) {
    const size = format.slice ?? page.articles.length;
    for (let start = 0; start < page.articles.length; start += size) {
      if (start > 0) {
        opts.onProgress?.(page.done - page.articles.length + start, opts.total);
        await step();
      }
      parts.push(...format.page({ articles: page.articles.slice(start, start + size), lookup: page.lookup }, count + start));
    }
    count += page.articles.length;
    opts.onProgress?.(page.done, opts.total);
    await step();
  }
  parts.push(...format.tail());
  return { parts, name: exportFileName(format.ext, count, now), type: format.type, count };
}
