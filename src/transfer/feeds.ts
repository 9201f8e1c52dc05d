/** Feed files (RSS / Atom / feedx) and seed files, through the injected extraction hooks. */
import type { Article } from '../core/types';
import type { SavedArticle } from '../storage/types';
import { textLength } from '../core/reading-time';
import { htmlToText, recordFromHtml, urlId } from './records';
import type { ExtractHooks, ImportError, ImportItem, ParseResult, Sanitize } from './types';
import { safeUrl, TransferError, UNKNOWN_TIME, urlProblem } from './util';

/** Feed items with less text than this are imported as links (a summary is not the article). */
export const FEED_MIN_TEXT = 200;

export interface FeedImportOptions {
  hooks: ExtractHooks;
  sanitize: Sanitize;
  idFor?: (url: string) => string;
}

function fromArticle(a: Article, id: string, savedAt: string): SavedArticle {
  return {
    id, url: a.url, title: a.title, siteName: a.siteName, lang: a.lang, byline: a.byline, lead: a.lead, leadImage: a.leadImage,
    published: a.published, savedAt, updatedAt: savedAt, readAt: null, state: 'unread', tags: [], readingMinutes: a.readingMinutes,
    length: a.length, partial: a.partial, progress: 0, linkOnly: false, bodyBytes: new TextEncoder().encode(a.contentHtml).length,
    imageBytes: 0, missingImages: [], article: a,
  };
}

function itemFor(
  raw: { title: string; url: string; published: string | null; author: string | null; html: string },
  opts: FeedImportOptions,
  errors: ImportError[],
  where: string,
  alwaysArticle: boolean,
): ImportItem | null {
  const url = safeUrl(raw.url);
  if (!url) {
    errors.push({ reason: `${where}${urlProblem(raw.url)}` });
    return null;
  }
  const title = raw.title.trim() || url;
  // A feed gives no save time (an item's date is when it was published): planning saves a new item at the import, and
  // an item already in the library is no newer than what is stored, so importing the same feed again changes nothing,
  // where an item dated at the import was newer every time and rewrote each stored body with the same text.
  const savedAt = UNKNOWN_TIME;
  const id = (opts.idFor ?? urlId)(url);
  const enough = textLength(htmlToText(raw.html)) >= FEED_MIN_TEXT;
  if (raw.html.trim() && (alwaysArticle || enough)) {
    const extracted = opts.hooks.extract?.(raw.html, url, { title, published: raw.published, byline: raw.author });
    if (extracted) {
      const article = { ...extracted, contentHtml: opts.sanitize(extracted.contentHtml) };
      return { kind: 'article', article: fromArticle(article, id, savedAt), images: [] };
    }
    return {
      kind: 'article', images: [],
      article: recordFromHtml({ url, title, html: raw.html, sanitize: opts.sanitize, id, state: 'unread', tags: [], savedAt, byline: raw.author, published: raw.published }),
    };
  }
  return { kind: 'link', url, title, tags: [], state: 'unread', savedAt };
}

/** Every feed item: full article when it carries the text, else a link to fetch. */
export function parseFeedFile(text: string, opts: FeedImportOptions): ParseResult {
  if (!opts.hooks.parseFeed) throw new TransferError('feed import is not available here (no feed parser)');
  let feed;
  try {
    feed = opts.hooks.parseFeed(text);
  } catch (e) {
    throw new TransferError(`the feed does not parse (${(e as Error).message})`);
  }
  const items: ImportItem[] = [];
  const errors: ImportError[] = [];
  feed.forEach((f, i) => {
    const it = itemFor({ title: f.title, url: f.link, published: f.published, author: f.author, html: f.html }, opts, errors, `Item ${i + 1}: `, false);
    if (it) items.push(it);
  });
  return { items, errors };
}

/** A seed file: one saved feed item, always imported with its text. */
export function parseSeedFile(text: string, opts: FeedImportOptions): ParseResult {
  if (!opts.hooks.parseSeed) throw new TransferError('feedx article pages cannot be imported here (no page parser)');
  const seed = opts.hooks.parseSeed(text);
  if (!seed) throw new TransferError('not a feedx article page (expected <!--time-->, [title](url), ------, then HTML)');
  const errors: ImportError[] = [];
  const it = itemFor({ ...seed, author: null }, opts, errors, '', true);
  return { items: it ? [it] : [], errors };
}
