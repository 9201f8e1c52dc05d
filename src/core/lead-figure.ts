/**
 * The lead picture of a page Readability reads: news pages print a hero `<figure>` (photo and caption) between the
 * headline and the text, outside the element Readability picks as the body, so it dropped it, and the reader showed
 * the page's og:image without its caption, or nothing. `findLeadFigure` notes the page's first figure before
 * Readability runs (which moves and drops nodes); `placeLeadFigure` puts it first in the body when it belongs to
 * the article: the text follows it in the same `<article>` (or `<main>`), or it is the picture the page names as
 * its image. A body that already shows its picture, or kept the figure itself, is left as it is.
 */
import { absoluteUrl } from './url';
import { isBlank, moveChildren, queryAll, textLines } from './dom';

/** Marks the figure in the working copy, to tell whether Readability kept it. */
const MARK = 'data-qd-lead-figure';
/** Where a lead figure does not sit: the site's navigation, sidebars and footer, or the site's header (an article's own header is fine). */
const NOT_LEAD = 'nav, aside, footer, [role="navigation"], [role="complementary"], [role="contentinfo"]';
/** Attributes holding an image's URL before a lazy-loading script copies it to `src`. */
const LAZY_SRC = ['data-src', 'data-original', 'data-lazy-src'];
const LAZY_SRCSET = ['data-srcset', 'srcset'];
/** Text after the figure that is searched for the body's opening lines: they follow a lead figure closely. */
const TEXT_AFTER_CHARS = 20_000;
/** Body lines compared, the first of them at least this long (short ones, a time or a kicker, could be anywhere). */
const OPENING_LINES = 5;
const OPENING_LINE_CHARS = 20;
/** Characters of a line compared: Readability may drop inline bits further on. */
const OPENING_PREFIX = 60;

export interface LeadFigure {
  /** The figure as it was before Readability, reduced to its picture's URL and alt text and its caption. */
  src: string;
  alt: string;
  caption: Element | null;
  /** Text of the figure's `<article>` (or `<main>`) after the figure, whitespace collapsed; null when it has neither. */
  scopeTextAfter: string | null;
  /** Text of the page after the figure, whitespace collapsed (for a figure that is the page's image). */
  pageTextAfter: string;
  /** It is the picture the page's metadata names (og:image and the like), at any size. */
  isPageImage: boolean;
}

/** The first URL of a `srcset` (candidates are parted by a comma and white space: a URL may hold commas). */
function firstUrl(srcset: string | null): string | null {
  const first = srcset?.trim().split(/,\s+/)[0]?.split(/\s+/)[0];
  return first && !first.startsWith('data:') ? first : null;
}

/** The image's URL: `src`, or where a lazy loader keeps it while `src` is empty or a placeholder. */
function imageSrc(img: Element): string | null {
  const src = img.getAttribute('src')?.trim();
  if (src && !src.startsWith('data:')) return src;
  for (const attr of LAZY_SRC) {
    const url = img.getAttribute(attr)?.trim();
    if (url && !url.startsWith('data:')) return url;
  }
  for (const attr of LAZY_SRCSET) {
    const url = firstUrl(img.getAttribute(attr));
    if (url) return url;
  }
  return null;
}

/** The URL without query and fragment: one picture served at several sizes (`?width=700`, `?width=1200`). */
function sameImage(a: string | null, b: string | null, base: string): boolean {
  const strip = (u: string | null): string | null => absoluteUrl(u, base)?.replace(/[?#].*$/, '') ?? null;
  const x = strip(a);
  return x !== null && x === strip(b);
}

/** Text after `el` inside `scope` (document order), whitespace collapsed, cut at `max` characters. */
function textAfter(el: Element, scope: Element, max: number): string {
  let start: Node | null = el;
  while (start && start !== scope && !start.nextSibling) start = start.parentNode;
  if (!start || start === scope) return '';
  const parts: string[] = [];
  let length = 0;
  const walker = scope.ownerDocument.createTreeWalker(scope, 4 /* SHOW_TEXT */);
  const from = start.nextSibling as Node;
  // Text nodes of `from` and everything after it, in order.
  walker.currentNode = from;
  for (let n: Node | null = from.nodeType === 3 ? from : walker.nextNode(); n && length < max; n = walker.nextNode()) {
    const data = (n as Text).data;
    parts.push(data);
    length += data.length;
  }
  return parts.join('').replace(/\s+/g, ' ');
}

/**
 * The page's first figure holding one picture, outside navigation, sidebars and the site's header and footer, and
 * what tells whether it belongs to the article. Call on the working copy before Readability; it marks the figure.
 */
export function findLeadFigure(doc: Document, url: string, pageImage: string | null): LeadFigure | null {
  const body = doc.body;
  if (!body) return null;
  const figure = queryAll(body, 'figure').find((f) => f.getElementsByTagName('img').length > 0);
  // A picture inside a link is a card for another page (related stories), not this one's hero.
  if (!figure || figure.closest(NOT_LEAD) || figure.closest('a') || figure.querySelector('a img')) return null;
  const header = figure.closest('header');
  if (header && !header.closest('article, main, [role="main"]')) return null;
  const imgs = figure.getElementsByTagName('img');
  const img = imgs[0];
  const src = img && imgs.length === 1 ? imageSrc(img) : null;
  if (!img || !src) return null;
  const w = Number(img.getAttribute('width')), h = Number(img.getAttribute('height'));
  if (img.hasAttribute('width') && w <= 1 && img.hasAttribute('height') && h <= 1) return null;
  const caption = figure.querySelector('figcaption');
  const sources = [src, ...queryAll(figure, 'img[srcset], source[srcset]').map((s) => firstUrl(s.getAttribute('srcset')))];
  const scope = figure.closest('article') ?? figure.closest('main, [role="main"]');
  figure.setAttribute(MARK, '');
  return {
    src,
    alt: img.getAttribute('alt') ?? '',
    caption: caption && !isBlank(caption.textContent) ? (caption.cloneNode(true) as Element) : null,
    scopeTextAfter: scope ? textAfter(figure, scope, TEXT_AFTER_CHARS) : null,
    pageTextAfter: textAfter(figure, body, TEXT_AFTER_CHARS),
    isPageImage: pageImage !== null && sources.some((s) => sameImage(s, pageImage, url)),
  };
}

/**
 * Puts `lead` first in `body` (Readability's article) when the figure belongs to the article and the body does not
 * show it already. Returns the lead picture's `<img>` as the body shows it, placed or already there (the article's
 * hero, so the reader does not show it again above the text), or null.
 */
export function placeLeadFigure(body: Element, lead: LeadFigure | null, url: string): Element | null {
  if (!lead) return null;
  const kept = body.querySelector(`[${MARK}]`);
  if (kept) {
    kept.removeAttribute(MARK);
    return kept.localName === 'img' ? kept : kept.querySelector('img');
  }
  const shown = queryAll(body, 'img').find((img) => sameImage(imageSrc(img), lead.src, url));
  if (shown) return shown;
  const opening = textLines(body).filter((l) => l.length >= OPENING_LINE_CHARS).slice(0, OPENING_LINES).map((l) => l.slice(0, OPENING_PREFIX));
  const follows = (text: string | null): boolean => text !== null && opening.some((l) => text.includes(l));
  if (!follows(lead.scopeTextAfter) && !(lead.isPageImage && follows(lead.pageTextAfter))) return null;
  const doc = body.ownerDocument;
  const figure = doc.createElement('figure');
  const img = doc.createElement('img');
  img.setAttribute('src', lead.src);
  img.setAttribute('alt', lead.alt);
  figure.appendChild(img);
  if (lead.caption) {
    const caption = doc.createElement('figcaption');
    moveChildren(lead.caption, caption);
    figure.appendChild(caption);
  }
  body.prepend(figure);
  return img;
}
