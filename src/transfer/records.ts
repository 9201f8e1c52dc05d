/** Building library records from imported data that carries full HTML (wallabag, Omnivore). */
import { detectChinese } from '../core/metadata';
import { countText, lengthOf, minutesOf } from '../core/reading-time';
import type { Article } from '../core/types';
import { siteNameOf } from '../core/rules/site-names';
import type { ReadState, SavedArticle } from '../storage/types';
import type { Sanitize } from './types';
import { decodeEntities } from './util';

export { idForUrl as urlId } from '../storage/ids';

/**
 * Plain text of an HTML fragment, whitespace collapsed. Linear in the fragment, a feed's raw HTML included: each `<`
 * or `<script` left open searched to the end again (a feed item of `&lt;`s took minutes).
 */
export function htmlToText(html: string): string {
  const code = withoutCode(html);
  // Past the last `>`, no `<` starts a tag.
  const tagsEnd = code.lastIndexOf('>') + 1;
  return decodeEntities(code.slice(0, tagsEnd).replace(/<[^>]*>/g, ' ') + code.slice(tagsEnd)).replace(/\s+/g, ' ').trim();
}

const CODE_OPEN = /<(script|style)\b/gi;

/** `html` with each `<script>` and `<style>` element, up to its closing tag, made a space; one never closed is left. */
function withoutCode(html: string): string {
  const unclosed = new Set<string>();
  let out = '';
  let from = 0;
  CODE_OPEN.lastIndex = 0;
  for (let open = CODE_OPEN.exec(html); open; open = CODE_OPEN.exec(html)) {
    const name = (open[1] as string).toLowerCase();
    if (unclosed.has(name)) continue;
    const close = new RegExp(`</${name}>`, 'gi');
    close.lastIndex = CODE_OPEN.lastIndex;
    // None after this one, so none after any later one of the same name.
    if (!close.exec(html)) {
      unclosed.add(name);
      continue;
    }
    out += html.slice(from, open.index) + ' ';
    from = CODE_OPEN.lastIndex = close.lastIndex;
  }
  return out + html.slice(from);
}

export interface RecordInput {
  url: string;
  title: string;
  html: string;
  sanitize: Sanitize;
  id: string;
  state: ReadState;
  tags: string[];
  savedAt: string;
  updatedAt?: string | null;
  lang?: string | null;
  byline?: string | null;
  lead?: string | null;
  translator?: string | null;
  leadImage?: string | null;
  published?: string | null;
  progress?: number;
  /** When it was read or archived (ISO 8601). */
  readAt?: string | null;
}

export function recordFromHtml(r: RecordInput): SavedArticle {
  const contentHtml = r.sanitize(r.html);
  const textContent = htmlToText(contentHtml);
  // Counted as the extraction core counts a saved page: an imported article reads as long as the same one saved.
  const counts = countText(textContent);
  const length = lengthOf(counts);
  const readingMinutes = minutesOf(counts);
  // A file that gives no language gets the one the extraction core gives a Chinese page: an EPUB
  // chapter, a screen reader and the reader's fonts follow it.
  const lang = r.lang ?? detectChinese(textContent);
  const article: Article = {
    title: r.title, url: r.url, siteName: siteNameOf(r.url), lang, lead: r.lead ?? null, leadImage: r.leadImage ?? null,
    byline: r.byline ?? null, translator: r.translator ?? null, published: r.published ?? null, updated: null, contentHtml, textContent,
    length, readingMinutes, partial: false, fullTextUrl: null, paywalled: false,
  };
  return {
    id: r.id, url: r.url, title: r.title, siteName: article.siteName, lang: article.lang, byline: article.byline, lead: article.lead,
    leadImage: article.leadImage, published: article.published, savedAt: r.savedAt, updatedAt: r.updatedAt ?? r.savedAt, readAt: r.readAt ?? null,
    state: r.state, tags: r.tags, readingMinutes, length, partial: false, progress: r.progress ?? 0, linkOnly: false,
    bodyBytes: new TextEncoder().encode(contentHtml).length, imageBytes: 0, missingImages: [], article,
  };
}
