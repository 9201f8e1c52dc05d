/**
 * Inputs other than a live page: the seed format (one saved feed item) and
 * RSS 2.0 / Atom feeds. Parsing needs a DOMParser, passed in as a window
 * (the page's own in the browser, jsdom's in Node); nothing is fetched.
 */
import { fromUnix, parseDate } from './dates';
import { oneLine } from './dom';

/** A DOM window with what the inputs need. */
export interface ParserWindow {
  DOMParser: typeof DOMParser;
}

export interface SeedItem {
  title: string;
  url: string;
  /** ISO 8601 UTC from the leading `<!--milliseconds-->` line. */
  published: string | null;
  html: string;
}

const SEED_TIME = /^\s*<!--\s*(\d{10,13})\s*-->\s*$/;
const SEED_RULE = /^\s*-{3,}\s*$/;

/**
 * Parses a seed: `<!--ms-->`, `[title](url)`, `------`, then the item HTML.
 * Returns null when the text is not in that format.
 */
export function parseSeed(text: string): SeedItem | null {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const time = SEED_TIME.exec(lines[0] ?? '');
  const link = seedLink(lines[1] ?? '');
  if (!time?.[1] || !link || !SEED_RULE.test(lines[2] ?? '')) return null;
  return {
    title: link.title.trim(),
    url: link.url,
    published: fromUnix(time[1]),
    html: lines.slice(3).join('\n').trim(),
  };
}

/**
 * `[title](url)`: the url runs from the last `](` to the closing `)` and has
 * no spaces; the title is what comes before. Read by hand: a regex trying
 * every `](` with every length of url took time quadratic in the length of a
 * line full of them.
 */
function seedLink(line: string): { title: string; url: string } | null {
  const s = line.trim();
  if (!s.startsWith('[') || !s.endsWith(')')) return null;
  const inner = s.slice(1, -1);
  let at = inner.lastIndexOf('](');
  // A url is never empty: in `[a](b]()` it starts at the `](` before.
  if (at >= 0 && at === inner.length - 2) at = at > 0 ? inner.lastIndexOf('](', at - 1) : -1;
  const url = at >= 0 ? inner.slice(at + 2) : '';
  return url && !/\s/.test(url) ? { title: inner.slice(0, at), url } : null;
}

/** True when `text` looks like a seed (cheap check on its first line). */
export function isSeed(text: string): boolean {
  return SEED_TIME.test(text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '');
}

export interface FeedItem {
  title: string;
  link: string;
  published: string | null;
  author: string | null;
  /** Item HTML (content:encoded, Atom content, else description / summary). */
  html: string;
}

function child(el: Element, ...names: string[]): Element | null {
  for (const name of names) {
    for (const c of Array.from(el.children)) if (c.tagName === name || c.localName === name) return c;
  }
  return null;
}

function atomContent(el: Element | null): string {
  if (!el) return '';
  if (el.getAttribute('type') === 'xhtml') {
    const div = el.firstElementChild;
    return div ? div.innerHTML : el.innerHTML;
  }
  return el.textContent ?? '';
}

/** True when `text` looks like an RSS or Atom document. */
export function isFeed(text: string): boolean {
  return /^\s*(?:\uFEFF)?(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:rss|feed|rdf:RDF)\b/.test(text);
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/**
 * A title as text. Atom says whether its title is escaped HTML (`type="html"`: WordPress writes
 * `It&#8217;s Tom &#038; Jerry`). RSS does not, and feeds escape references twice all the same (`A &amp;amp; B`): an
 * RSS title's references are read, and anything like a tag kept as written (a title may name `<dialog>`).
 */
function titleText(el: Element | null, win: ParserWindow, rss: boolean): string {
  const text = el?.textContent ?? '';
  if (rss) return oneLine(REFERENCE.test(text) ? htmlToDocument(text.replace(/</g, '&lt;'), win).body?.textContent : text);
  return oneLine(el?.getAttribute('type') === 'html' ? htmlToDocument(text, win).body?.textContent : text);
}

const REFERENCE = /&(?:#\d+|#x[\da-f]+|[a-z]+\d*);/i;

/**
 * `href` made absolute: against the `xml:base` of `el` and of the elements around it (the nearest last), then
 * `fallback` (the feed's own link). Atom allows relative links; unresolved, each such entry failed as an invalid URL.
 */
function absolute(href: string, el: Element, fallback: string): string {
  const bases: string[] = [];
  for (let at: Element | null = el; at; at = at.parentElement) {
    const base = at.getAttributeNS(XML_NS, 'base');
    if (base) bases.unshift(base);
  }
  let base = resolved(fallback);
  for (const b of bases) base = resolved(b, base) ?? base;
  return (href && resolved(href, base)) || href;
}

/** `href` resolved against `base`, or undefined when it is no URL. (URL.canParse is newer than Chrome 116.) */
function resolved(href: string, base?: string): string | undefined {
  try {
    return new URL(href, base).href;
  } catch {
    return undefined;
  }
}

/** The `<link>`s of an Atom feed or entry, and the first with relation `rel` (a link without one is `alternate`). */
const atomLinks = (el: Element): Element[] => Array.from(el.children).filter((c) => c.localName === 'link');
const withRel = (links: Element[], rel: string): Element | undefined => links.find((l) => (l.getAttribute('rel') ?? 'alternate') === rel);

/** The `rel="alternate"` link of an Atom entry (the first link when none says so). */
function atomLink(el: Element): Element | undefined {
  const links = atomLinks(el);
  return withRel(links, 'alternate') ?? links[0];
}

/** What an Atom feed's relative links resolve against, without an `xml:base`: its page, else its own address (not a hub's). */
function atomHome(feed: Element): string {
  const links = atomLinks(feed);
  return withRel(links, 'alternate')?.getAttribute('href') ?? withRel(links, 'self')?.getAttribute('href') ?? '';
}

/** One item per RSS `<item>` or Atom `<entry>`. Throws on XML that does not parse. */
export function parseFeed(xml: string, win: ParserWindow): FeedItem[] {
  const doc = new win.DOMParser().parseFromString(xml.replace(/^\uFEFF/, ''), 'application/xml');
  if (doc.getElementsByTagName('parsererror').length) throw new Error('feed XML does not parse');
  const root = doc.documentElement;
  if (root.localName === 'feed') {
    const home = atomHome(root);
    return Array.from(doc.getElementsByTagName('entry')).map((e) => {
      const link = atomLink(e);
      return {
        title: titleText(child(e, 'title'), win, false),
        link: link ? absolute(link.getAttribute('href') ?? '', link, home) : '',
        published: parseDate(child(e, 'published')?.textContent ?? child(e, 'updated')?.textContent),
        author: oneLine(child(e, 'author')?.getElementsByTagName('name')[0]?.textContent) || null,
        html: atomContent(child(e, 'content')) || atomContent(child(e, 'summary')),
      };
    });
  }
  const channel = root.getElementsByTagName('channel')[0];
  // RSS's own <link>, not an <atom:link rel="self"> WordPress writes before it.
  const home = oneLine(Array.from(channel?.children ?? []).find((c) => c.localName === 'link' && !c.namespaceURI)?.textContent);
  return Array.from(doc.getElementsByTagName('item')).map((it) => ({
    title: titleText(child(it, 'title'), win, true),
    link: absolute(oneLine(child(it, 'link')?.textContent) || oneLine(child(it, 'guid')?.textContent), it, home),
    published: parseDate(oneLine(child(it, 'pubDate', 'dc:date', 'date')?.textContent)),
    author: oneLine(child(it, 'dc:creator', 'creator', 'author')?.textContent) || null,
    html: child(it, 'content:encoded', 'encoded')?.textContent ?? child(it, 'description')?.textContent ?? '',
  }));
}

/** An HTML string as a Document (inert: scripts never run). */
export function htmlToDocument(html: string, win: ParserWindow): Document {
  return new win.DOMParser().parseFromString(html, 'text/html');
}
