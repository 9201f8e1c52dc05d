/**
 * Builds the reader's article element from an Article. No extension APIs and
 * no storage here: images come through `imageSrc`, strings through `labels`,
 * so unit tests run it under happy-dom.
 *
 * The body is sanitized again on the way out (it was sanitized at extraction,
 * but storage and imports are not trusted) and inserted as nodes, never as an
 * HTML string. Reader chrome uses `rd-` classes; the sanitizer keeps only `qd-`
 * classes in bodies, so an article can never dress up as reader chrome.
 */
import type { WindowLike } from 'dompurify';
import type { Article } from '../core/types';
import { sanitizeToElement } from '../core/sanitize';
import { formatDateTime, hostOf, scriptOf } from '../ui/format';

export interface RenderLabels {
  /** `译者：{name}`. */
  translator(name: string): string;
  /** `{n} 分钟读完`. */
  readingMinutes(minutes: number): string;
  imageNotSaved: string;
  retry: string;
  original: string;
  partial: string;
  /** The link to a paginated story's single-page text. */
  fullText: string;
}

export interface RenderOptions {
  /** Window whose document builds the nodes (and whose DOMPurify sanitizes). */
  win: WindowLike & Window;
  /** Locale for the published date. */
  locale: string;
  labels: RenderLabels;
  /**
   * What an image's `src` becomes: a blob URL of the stored copy, the remote
   * URL (preview of an unsaved tab), or null when there is no stored copy
   * (the image is replaced by a "not saved" placeholder with a retry button).
   */
  imageSrc(url: string): string | null;
}

export interface RenderedArticle {
  root: HTMLElement;
  /** The article has English/Chinese pairs (`div.qd-pair`). */
  bilingual: boolean;
  /** Image URLs shown as "not saved". */
  missing: string[];
}

const SAFE_LINK = /^(https?|mailto):$/;

/**
 * The article body, sanitized, as a fragment of an inert document (DOMPurify's
 * own, which has no browsing context): an `<img>` adopted into the live page
 * starts loading its remote `src` at once, so nodes join the page only after
 * `renderArticle` has pointed them at stored copies. Exported for tests.
 */
export function sanitizeBody(html: string, win: WindowLike & Window): DocumentFragment {
  const body = sanitizeToElement(html, win);
  const fragment = body.ownerDocument.createDocumentFragment();
  while (body.firstChild) fragment.appendChild(body.firstChild);
  return fragment;
}

/** Absolute form of a URL found in the article, or null when it is not a web or mail link. */
export function absoluteUrl(value: string | null, base: string): string | null {
  if (!value) return null;
  try {
    const url = new URL(value, base);
    return SAFE_LINK.test(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

/** An image the article shows: its absolute URL, and the attribute value as stored (the key the background used). */
export interface ImageRef {
  url: string;
  raw: string;
}

/** Every image the article shows (hero first), de-duplicated by absolute URL. */
export function imageRefsOf(article: Article, body: ParentNode): ImageRef[] {
  const refs = new Map<string, ImageRef>();
  const add = (raw: string | null) => {
    const url = absoluteUrl(raw, article.url);
    if (url && raw && !refs.has(url)) refs.set(url, { url, raw });
  };
  add(article.leadImage);
  for (const img of body.querySelectorAll('img')) add(img.getAttribute('src'));
  return [...refs.values()];
}

export function renderArticle(article: Article, options: RenderOptions): RenderedArticle {
  const { win, labels } = options;
  const doc = win.document;
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string | null) => {
    const node = doc.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  };
  const missing: string[] = [];

  const root = el('article', 'rd-article');
  if (article.lang) root.lang = article.lang;
  root.dataset.script = scriptOf(article.lang);

  const header = el('header', 'rd-header');
  const site = article.siteName ?? hostOf(article.url);
  if (site) header.append(el('p', 'rd-site', site));
  header.append(el('h1', 'rd-title', article.title));

  const meta = el('p', 'rd-meta');
  const metaParts: Node[] = [];
  if (article.byline) metaParts.push(el('span', 'rd-byline', article.byline));
  if (article.translator) metaParts.push(el('span', 'rd-translator', labels.translator(article.translator)));
  // One time, unlabelled as the site prints it: the publish time, or the update time of a page that shows only that.
  const stamp = article.published ?? article.updated;
  const shown = formatDateTime(stamp, options.locale);
  if (shown && stamp) {
    const time = el('time', article.published ? 'rd-published' : 'rd-updated', shown);
    time.dateTime = stamp;
    metaParts.push(time);
  }
  if (article.readingMinutes > 0) metaParts.push(el('span', 'rd-minutes', labels.readingMinutes(article.readingMinutes)));
  metaParts.forEach((part, i) => {
    if (i > 0) meta.append(el('span', 'rd-sep', ' · '));
    meta.append(part);
  });
  if (metaParts.length) header.append(meta);
  if (article.lead) {
    // A bilingual standfirst is an English line and a Chinese one: each keeps its line.
    const lead = el('p', 'rd-lead');
    article.lead.split('\n').forEach((line, i) => lead.append(...(i > 0 ? [doc.createElement('br')] : []), line));
    header.append(lead);
  }

  const body = sanitizeBody(article.contentHtml, win);
  const hero = absoluteUrl(article.leadImage, article.url);
  const bodyHasHero = hero !== null && [...body.querySelectorAll('img')].some((img) => absoluteUrl(img.getAttribute('src'), article.url) === hero);
  if (hero && !bodyHasHero) {
    const figure = el('figure', 'rd-hero');
    const img = el('img');
    img.alt = '';
    figure.append(img);
    header.append(figure);
    if (!placeImage(img, hero, article.leadImage ?? hero)) missing.push(hero);
  }
  if (article.partial) {
    const note = el('p', 'rd-partial', labels.partial);
    // A story whose single-page text could not be fetched: the page that has it, one click away.
    const whole = article.paywalled ? null : absoluteUrl(article.fullTextUrl, article.url);
    if (whole) {
      const link = el('a', 'rd-full-text', labels.fullText);
      link.href = whole;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      note.append(' ', link);
    }
    header.append(note);
  }
  root.append(header);

  // Links open outside the reader, never with our page as opener or referrer.
  for (const a of body.querySelectorAll('a')) {
    const href = absoluteUrl(a.getAttribute('href'), article.url);
    if (!href) {
      a.removeAttribute('href');
      continue;
    }
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
  }
  // Nothing in a saved body may reach the network by itself.
  for (const source of body.querySelectorAll('picture source')) source.remove();
  for (const media of body.querySelectorAll('video, audio')) {
    media.setAttribute('preload', 'none');
    media.removeAttribute('autoplay');
  }
  for (const img of body.querySelectorAll('img')) {
    const raw = img.getAttribute('src');
    const src = absoluteUrl(raw, article.url);
    img.removeAttribute('srcset');
    img.removeAttribute('sizes');
    if (!src || !raw) {
      img.remove();
      continue;
    }
    if (!placeImage(img, src, raw)) missing.push(src);
  }

  const content = el('div', 'rd-body');
  content.append(body);
  root.append(content);

  const footer = el('footer', 'rd-footer');
  const original = absoluteUrl(article.url, article.url);
  if (original) {
    const link = el('a', 'rd-original', labels.original);
    link.href = original;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    footer.append(link);
  }
  root.append(footer);

  const bilingual = content.querySelector('.qd-pair') !== null;
  if (bilingual) root.classList.add('rd-bilingual');
  return { root, bilingual, missing };

  /** Points `img` at its stored copy, or swaps in the placeholder; false when not saved. */
  function placeImage(img: HTMLImageElement, url: string, raw: string): boolean {
    const src = options.imageSrc(url);
    if (src !== null) {
      img.src = src;
      img.dataset.original = url;
      img.decoding = 'async';
      return true;
    }
    img.replaceWith(missingPlaceholder(url, raw, img.getAttribute('alt')));
    return false;
  }

  function missingPlaceholder(url: string, raw: string, alt: string | null): HTMLElement {
    const box = el('span', 'rd-missing');
    box.dataset.url = url;
    if (raw !== url) box.dataset.raw = raw;
    box.setAttribute('role', 'group');
    box.append(el('span', 'rd-missing-label', labels.imageNotSaved));
    if (alt) box.append(el('span', 'rd-missing-alt', alt));
    const retry = el('button', 'rd-retry', labels.retry);
    retry.type = 'button';
    box.append(retry);
    return box;
  }
}

/** Switches bilingual pairs between two columns and one column of alternating paragraphs. */
export function setBilingualLayout(root: HTMLElement, layout: 'side' | 'interleave'): void {
  root.dataset.layout = layout;
}
