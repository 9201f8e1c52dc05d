/**
 * extractArticle: one pure pipeline from a DOM `Document` to an `Article`.
 *
 * Contract: no extension APIs, no globals beyond a DOM window, and the
 * caller's document is never modified (all work happens on a deep clone).
 * The same code runs in a content script, under jsdom in the CLI, and under
 * happy-dom in tests.
 *
 * Workflow (order is load-bearing):
 *   1. Guard the input (not HTML, too large: a cheap lower bound of the page's HTML here, the kept body in step 7).
 *   2. Clone the document.
 *   3. Match rules for the URL: at most one site rule plus every generic (`*`) rule.
 *   4. Apply rules on the clone (signals → metadata → removals → content root → transforms).
 *   5. When no site rule named the content, run Readability on the clone, and put back the lead figure it drops.
 *   6. Normalise the body: absolute URLs, no tracking pixels, hero image first.
 *   7. Sanitize with DOMPurify (the single config in sanitize.ts).
 *   8. Fill metadata (rule fields → Readability → page meta → caller's known values),
 *      canonical URL, language, length and reading time; reject non-articles.
 */
import Readability from '@mozilla/readability/Readability.js';
import type { WindowLike } from 'dompurify';
import type { Article, ExtractResult } from './types';
import { applyRules, type RuleFields } from './rules/apply';
import { builtinRules } from './rules/index';
import { matchRules, type SiteRule } from './rules/index';
import { ruleSiteName } from './rules/site-names';
import { dropUnkeptAttributes, sanitizeToElement } from './sanitize';
import { detectChinese, readPageMetadata } from './metadata';
import { countText, lengthOf, minutesOf } from './reading-time';
import { absoluteUrl, canonicalUrl, linkUrl, rewritePrefix } from './url';
import { isEmptyElement, oneLine, queryAll, renameElement, textLines } from './dom';
import { findLeadFigure, placeLeadFigure } from './lead-figure';

/**
 * HTML larger than this is refused (reason `too-large`); default 8 MB of markup.
 * Checked on the page before any work (from its text and element count, a
 * lower bound of its HTML, exact near the limit) and on the sanitized body.
 */
export const MAX_HTML_CHARS = 8 * 1024 * 1024;
/** Bodies shorter than this (Chinese characters + words) are not articles. */
export const MIN_ARTICLE_LENGTH = 80;

export interface ExtractOptions {
  /** Window whose DOMPurify to use. Default: `doc.defaultView`, then the global `window`. Required for documents without a view (e.g. from DOMParser under jsdom). */
  window?: WindowLike;
  /** Rules to use. Default: the validated built-in rules. */
  rules?: readonly SiteRule[];
  /** Values known from elsewhere (a feed item): used when the page itself says nothing. */
  known?: { title?: string | null; published?: string | null; updated?: string | null; byline?: string | null };
  /** Default {@link MIN_ARTICLE_LENGTH}. */
  minLength?: number;
  /** Default {@link MAX_HTML_CHARS}. */
  maxHtmlChars?: number;
}

interface ReadabilityResult {
  title?: string | null;
  /** The article element itself (our serializer hands back the node, not an HTML string). */
  content?: Element | null;
  byline?: string | null;
  excerpt?: string | null;
  siteName?: string | null;
  lang?: string | null;
  publishedTime?: string | null;
}

function findWindow(doc: Document, opts: ExtractOptions): WindowLike | null {
  const g = globalThis as unknown as { window?: WindowLike };
  return opts.window ?? (doc.defaultView as unknown as WindowLike | null) ?? g.window ?? null;
}

function langFor(url: string, rule: SiteRule | null, text: string, pageLang: string | null): string | null {
  let u: URL | null = null;
  try { u = new URL(url); } catch { /* no URL hints */ }
  if (rule?.lang && u) {
    for (const [re, tag] of Object.entries(rule.lang.paths ?? {})) if (new RegExp(re).test(u.pathname)) return tag;
    const byHost = rule.lang.hosts?.[u.hostname];
    if (byHost) return byHost;
  }
  const zh = detectChinese(text);
  if (zh === 'zh-TW') return zh;
  return rule?.lang?.default ?? pageLang ?? zh;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/** Moves every heading of `root` up by as many levels as its highest one is below `<h2>`. */
function raiseHeadings(root: Element): void {
  const headings = queryAll(root, 'h2, h3, h4, h5, h6');
  const shift = Math.min(...headings.map((h) => Number(h.localName[1]))) - 2;
  if (!(shift > 0)) return;
  for (const h of headings) renameElement(h, `h${Number(h.localName[1]) - shift}`);
}

/**
 * Makes links and images absolute (mail links stay), moves images to the hosts the rules name (`imageUrlRewrites`),
 * drops tracking pixels, `<source>` (srcset is not kept) and the fallback a page writes inside `<video>` and `<audio>`. The title is the article's one `<h1>`: headings the
 * body writes as `<h1>` (FT's section heads) become `<h2>`, as Readability makes them, so they are not drawn larger
 * than the title nor exported at its level; a body whose headings start lower (FT's 2026 pages use `<h3>`) has them
 * all moved up, its first level to `<h2>`, so no level is skipped under the title; empty headings go.
 */
function normaliseBody(root: Element, url: string, rewrites: readonly (readonly [string, string])[]): void {
  for (const el of queryAll(root, '[href]')) {
    const abs = linkUrl(el.getAttribute('href'), url);
    if (abs) el.setAttribute('href', abs);
    else if (!el.getAttribute('href')?.startsWith('#')) el.removeAttribute('href');
  }
  for (const img of queryAll(root, 'img')) {
    const w = Number(img.getAttribute('width')), h = Number(img.getAttribute('height'));
    const src = absoluteUrl(img.getAttribute('src'), url);
    if ((img.hasAttribute('width') && w <= 1 && img.hasAttribute('height') && h <= 1) || !src) img.remove();
    else img.setAttribute('src', rewritePrefix(src, rewrites));
  }
  for (const media of queryAll(root, 'video, audio')) {
    // A player that names its media only in a <source> keeps the first one's, as its own src.
    const src = media.getAttribute('src') || media.querySelector('source[src]')?.getAttribute('src');
    const abs = absoluteUrl(src, url);
    if (abs) media.setAttribute('src', abs);
    else media.removeAttribute('src');
    // Its <source>s go, and what a page writes inside shows only where players are unsupported ("您的浏览器不支持 video 标签"): not article text.
    media.replaceChildren();
  }
  queryAll(root, 'source').forEach((s) => s.remove());
  // No frame is kept (a saved page runs nothing): a video player becomes a link to the video's page, so the reader
  // knows it is there and can watch it; any other frame goes, and the box it leaves empty with it.
  for (const frame of queryAll(root, 'iframe')) {
    const page = videoPage(absoluteUrl(frame.getAttribute('src'), url));
    if (!page) {
      frame.remove();
      continue;
    }
    const link = root.ownerDocument.createElement('a');
    link.className = 'qd-video';
    link.href = page;
    link.textContent = `▶ ${oneLine(frame.getAttribute('title') ?? '') || hostOf(page)}`;
    frame.replaceWith(link);
  }
  for (const h1 of queryAll(root, 'h1')) renameElement(h1, 'h2');
  raiseHeadings(root);
  // A rule before anything it could separate goes (FT's live blog opens with the <hr> it prints between posts).
  for (let node = root.firstChild; node && (node.nodeType !== 1 || (node as Element).localName === 'hr') && !node.textContent?.trim();) {
    const next = node.nextSibling;
    if (node.nodeType === 1) (node as Element).remove();
    node = next;
  }
  // A <br> (or a run of them) with a block or nothing on each side breaks no line of text: it only draws empty ones.
  for (const br of queryAll(root, 'br')) {
    if (standsAlone(br.previousSibling, 'previousSibling') && standsAlone(br.nextSibling, 'nextSibling')) br.remove();
  }
  // Script-filled placeholders (chart embeds, ad slots under other names) leave empty boxes; pair columns stay aligned.
  // A pull quote's empty <footer> and a table's empty <tfoot> row (a bordered blank line under the table) go too.
  for (const el of queryAll(root, 'div, span, p, section, footer, tfoot, h2, h3, h4, h5, h6').reverse()) {
    if (isEmptyElement(el) && !el.parentElement?.classList.contains('qd-pair')) el.remove();
  }
}

/** Embedded players, the video's id in group 1, and the page that plays it. Readability keeps their frames. */
const PLAYERS: readonly [RegExp, string][] = [
  [/\/\/(?:www\.)?youtube(?:-nocookie)?\.com\/embed\/([\w-]+)/, 'www.youtube.com/watch?v=$1'],
  [/\/\/player\.vimeo\.com\/video\/(\d+)/, 'vimeo.com/$1'],
  [/\/\/(?:www\.)?dailymotion\.com\/embed\/video\/(\w+)/, 'www.dailymotion.com/video/$1'],
  [/\/\/player\.bilibili\.com\/player\.html\?(?:.*&)?bvid=(\w+)/, 'www.bilibili.com/video/$1'],
  [/\/\/v\.qq\.com\/txp\/iframe\/player\.html\?(?:.*&)?vid=(\w+)/, 'v.qq.com/x/page/$1.html'],
];
const PLAYER_HOSTS = new RegExp(PLAYERS.map(([player]) => player.source).join('|'));

/** The page of the video an embedded player's `src` plays, or null for any other frame. */
function videoPage(src: string | null): string | null {
  for (const [player, page] of PLAYERS) {
    const match = src?.match(player);
    if (match) return 'https://' + match[0].replace(player, page);
  }
  return null;
}

const BLOCKS = new Set(['p', 'div', 'hr', 'figure', 'table', 'ul', 'ol', 'dl', 'blockquote', 'pre', 'section', 'aside', 'header', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

/** True when `node`, after skipping blank text and other `<br>`s the `way` it goes, is the container's edge or a block. */
function standsAlone(node: ChildNode | null, way: 'previousSibling' | 'nextSibling'): boolean {
  while (node && ((node.nodeType === 3 && !node.textContent?.trim()) || (node as Element).localName === 'br')) node = node[way];
  return !node || (node.nodeType === 1 && BLOCKS.has((node as Element).localName));
}

/** Runs the pipeline; never throws (failures become `{ ok: false }`). */
export function extractArticle(doc: Document, url: string, opts: ExtractOptions = {}): ExtractResult {
  try {
    return run(doc, url, opts);
  } catch (e) {
    return { ok: false, reason: 'no-article', message: `extraction failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function run(doc: Document, url: string, opts: ExtractOptions): ExtractResult {
  // 1. Guard.
  if (!doc?.documentElement || !doc.body) return { ok: false, reason: 'not-html', message: 'the document has no HTML body' };
  const max = opts.maxHtmlChars ?? MAX_HTML_CHARS;
  const size = pageHtmlSize(doc, max);
  if (size.chars > max) return { ok: false, reason: 'too-large', message: `page HTML is ${size.exact ? '' : 'at least '}${size.chars} characters, over the ${max} limit` };
  const win = findWindow(doc, opts);
  if (!win) return { ok: false, reason: 'not-html', message: 'no DOM window available for sanitizing; pass opts.window' };

  // 2. Clone.
  const clone = doc.cloneNode(true) as Document;
  const page = readPageMetadata(clone);

  // 3–4. Rules.
  const matched = matchRules(url, opts.rules ?? builtinRules());
  const site = matched.find((r) => !r.match.hosts.includes('*')) ?? null;
  const generic = matched.filter((r) => r.match.hosts.includes('*'));
  const { fields, content } = applyRules(clone, url, site, generic);

  // 5. Readability when no site rule named the content.
  let body: Element | null = content;
  let rd: ReadabilityResult = {};
  let leadFigure: Element | null = null;
  if (!body) {
    // Readability drops a hero figure printed above the text: it is noted first, and put back when it belongs.
    const lead = findLeadFigure(clone, url, page.image);
    // Keep Readability's element rather than re-parsing its HTML string: one parse less.
    const reader = new Readability<Element>(clone, { charThreshold: 200, serializer: (el) => el as Element, allowedVideoRegex: PLAYER_HOSTS });
    rd = (reader.parse() ?? {}) as ReadabilityResult;
    if (!rd.content) return { ok: false, reason: 'no-article', message: 'no article content found on this page' };
    body = rd.content;
    leadFigure = placeLeadFigure(body, lead, url);
  }

  // 6. Normalise; hero image first unless the body already shows it.
  const rewrites = matched.flatMap((r) => Object.entries(r.imageUrlRewrites ?? {}));
  normaliseBody(body, url, rewrites);
  dropUnkeptAttributes(body);
  if (fields.leadImage) fields.leadImage = rewritePrefix(fields.leadImage, rewrites);
  const pageImage = absoluteUrl(page.image, url);
  // The hero put back is the page's picture, shown once: the page's own image URL (another size of it, often) would show it twice.
  const leadImage = fields.leadImage ?? leadFigure?.getAttribute('src') ?? (pageImage && rewritePrefix(pageImage, rewrites));
  // The page's note on its text (machine-translated, say) opens the text, so no copy of the article loses it.
  if (fields.note) {
    const note = clone.createElement('p');
    note.className = 'qd-note';
    note.textContent = fields.note;
    body.prepend(note);
  }
  let html = body.innerHTML;
  if (fields.leadImage && !queryAll(body, 'img').some((i) => i.getAttribute('src') === fields.leadImage)) {
    const fig = clone.createElement('figure');
    const img = clone.createElement('img');
    img.setAttribute('src', fields.leadImage);
    img.setAttribute('alt', '');
    fig.appendChild(img);
    if (fields.leadImageCaption) {
      const caption = clone.createElement('figcaption');
      caption.textContent = fields.leadImageCaption;
      fig.appendChild(caption);
    }
    html = fig.outerHTML + html;
  }

  // 7. Sanitize, from the HTML string: DOMPurify's best-trodden path (its in-place mode measured no faster on real pages).
  const clean = sanitizeToElement(html, win);
  // A block the page (or Readability) put inside a paragraph leaves it as two empty ones when the HTML is parsed again.
  for (const p of queryAll(clean, 'p')) if (isEmptyElement(p)) p.remove();
  const contentHtml = clean.innerHTML.trim();
  if (contentHtml.length > max) return { ok: false, reason: 'too-large', message: `article HTML is ${contentHtml.length} characters, over the ${max} limit` };
  const textContent = textLines(clean).join('\n');
  const counts = countText(textContent);
  const length = lengthOf(counts);
  const min = opts.minLength ?? MIN_ARTICLE_LENGTH;
  if (length < min) return { ok: false, reason: 'no-article', message: `too little text for an article (${length} < ${min})` };

  // 8. Metadata.
  return { ok: true, article: buildArticle({ url, site, fields, rd, page, opts, contentHtml, textContent, length, minutes: minutesOf(counts), leadImage }) };
}

/**
 * Size of the page's HTML for the guard, without serializing the page (that
 * alone costs up to a tenth of an extraction): its text plus 4 characters per
 * element (`<br>`, the shortest tag) can only be less than its HTML. That
 * bound decides when it is over `max` or far below it; in between, the page
 * is serialized for the exact figure.
 */
function pageHtmlSize(doc: Document, max: number): { chars: number; exact: boolean } {
  const root = doc.documentElement;
  const floor = (root.textContent?.length ?? 0) + 4 * doc.getElementsByTagName('*').length;
  if (floor > max || floor <= max / 4) return { chars: floor, exact: false };
  return { chars: root.outerHTML.length, exact: true };
}

interface Parts {
  url: string;
  site: SiteRule | null;
  fields: RuleFields;
  rd: ReadabilityResult;
  page: ReturnType<typeof readPageMetadata>;
  opts: ExtractOptions;
  contentHtml: string;
  textContent: string;
  length: number;
  minutes: number;
  leadImage: string | null;
}

/** `title` without the first of `prefixes` it starts with (a promotion label such as "【限免】"). */
function withoutPrefixes(title: string, prefixes: readonly string[]): string {
  const p = prefixes.find((x) => title.startsWith(x));
  return p ? title.slice(p.length).trim() || title : title;
}

function buildArticle({ url, site, fields, rd, page, opts, contentHtml, textContent, length, minutes, leadImage }: Parts): Article {
  const k = opts.known ?? {};
  const published = fields.published ?? page.published ?? k.published ?? null;
  let updated = fields.updated ?? page.updated ?? k.updated ?? null;
  // A snapshot can print an update older than its publication stamp; keep only a consistent pair.
  if (updated && published && updated < published) updated = null;
  const title = fields.title ?? withoutSiteName(oneLine(rd.title), page.headings);
  return {
    title: withoutPrefixes(title || k.title || page.title || '', site?.dropTitlePrefixes ?? []),
    url: canonicalUrl(url, { dropParams: site?.canonical?.dropParams ?? [] }),
    siteName: (site && ruleSiteName(site, hostOf(url))) ?? page.siteName ?? rd.siteName ?? null,
    lang: langFor(url, site, textContent, page.lang ?? rd.lang ?? null),
    lead: fields.lead ?? notOpening(page.description ?? (oneLine(rd.excerpt) || null), textContent, title),
    leadImage,
    byline: fields.byline ?? page.author ?? (oneLine(rd.byline) || null) ?? k.byline ?? null,
    translator: fields.translator,
    published,
    updated,
    contentHtml,
    textContent,
    length,
    readingMinutes: minutes,
    partial: fields.paginated || fields.paywalled,
    fullTextUrl: fields.paginated ? fields.fullTextUrl : null,
    paywalled: fields.paywalled,
  };
}

/** Characters of the body's opening searched for a summary that repeats it. */
const OPENING_CHARS = 1200;
/** How much of a summary's start has to recur: a description may be cut short, or end in the site's name. */
const SUMMARY_HEAD = 40;

/**
 * A summary the page gives (its description, or Readability's excerpt, which is the body's first paragraph) when
 * it repeats neither the body's opening nor the title; else null. Many pages describe themselves with their opening
 * paragraph (after a kicker, a date or an "EXCLUSIVE" line), or with their title, and the reader and every export
 * show the standfirst above the body: the same text twice. The summary's start is what is compared, so a description
 * cut short ("…") or ending in " - Site name" counts too.
 */
function notOpening(summary: string | null, textContent: string, title: string): string | null {
  const head = oneLine(summary).replace(/\s*(?:…|\.\.\.)$/, '').slice(0, SUMMARY_HEAD);
  if (!head) return null;
  if (oneLine(textContent.slice(0, OPENING_CHARS)).includes(head) || oneLine(title).startsWith(head)) return null;
  return summary;
}

/**
 * The title without the site's name Readability leaves on it: it cuts a `<title>` at | - – — but not at the _ or ·
 * Chinese portals use ("…新台阶_科技_腾讯网"). A heading the title starts with, before such a mark, is the title.
 */
function withoutSiteName(title: string, headings: readonly string[]): string {
  const heading = headings.find((h) => h.length >= 4 && title.length > h.length && title.startsWith(h) && /^\s*[_|｜·\-–—:：/\\»]/.test(title.slice(h.length)));
  return heading ?? title;
}

/**
 * For callers holding a partial result: the URL to fetch for the whole text,
 * or null. The core never fetches; the caller downloads that page, parses it
 * into a Document and calls {@link extractArticle} again with that URL.
 */
export function fullTextUrlOf(result: ExtractResult): string | null {
  return result.ok && result.article.partial && result.article.fullTextUrl ? result.article.fullTextUrl : null;
}

/**
 * Re-extracts from the full-text page when `first` is partial and `fetchDocument`
 * (supplied by the caller: fetch + DOMParser) returns it. Falls back to `first`.
 */
export async function extractWithFullText(
  first: ExtractResult,
  fetchDocument: (url: string) => Promise<Document | null>,
  opts: ExtractOptions = {},
): Promise<ExtractResult> {
  const target = fullTextUrlOf(first);
  if (!target) return first;
  const doc = await fetchDocument(target).catch(() => null);
  if (!doc) return first;
  const second = extractArticle(doc, target, opts);
  if (!second.ok || !first.ok) return first;
  // The full page keeps the first page's hero and times when it lacks them.
  const a = second.article, b = first.article;
  return {
    ok: true,
    article: { ...a, leadImage: a.leadImage ?? b.leadImage, published: a.published ?? b.published, updated: a.updated ?? b.updated, lead: a.lead ?? b.lead },
  };
}
