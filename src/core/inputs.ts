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

/** One item per RSS `<item>` or Atom `<entry>`. Throws on XML that does not parse. */
export function parseFeed(xml: string, win: ParserWindow): FeedItem[] {
  const doc = new win.DOMParser().parseFromString(xml.replace(/^\uFEFF/, ''), 'application/xml');
  if (doc.getElementsByTagName('parsererror').length) throw new Error('feed XML does not parse');
  const root = doc.documentElement;
  if (root.localName === 'feed') {
    return Array.from(doc.getElementsByTagName('entry')).map((e) => {
      const links = Array.from(e.children).filter((c) => c.localName === 'link');
      const link = links.find((l) => (l.getAttribute('rel') ?? 'alternate') === 'alternate') ?? links[0];
      return {
        title: oneLine(child(e, 'title')?.textContent),
        link: link?.getAttribute('href') ?? '',
        published: parseDate(child(e, 'published')?.textContent ?? child(e, 'updated')?.textContent),
        author: oneLine(child(e, 'author')?.getElementsByTagName('name')[0]?.textContent) || null,
        html: atomContent(child(e, 'content')) || atomContent(child(e, 'summary')),
      };
    });
  }
  return Array.from(doc.getElementsByTagName('item')).map((it) => ({
    title: oneLine(child(it, 'title')?.textContent),
    link: oneLine(child(it, 'link')?.textContent) || oneLine(child(it, 'guid')?.textContent),
    published: parseDate(oneLine(child(it, 'pubDate', 'dc:date', 'date')?.textContent)),
    author: oneLine(child(it, 'dc:creator', 'creator', 'author')?.textContent) || null,
    html: child(it, 'content:encoded', 'encoded')?.textContent ?? child(it, 'description')?.textContent ?? '',
  }));
}

/** An HTML string as a Document (inert: scripts never run). */
export function htmlToDocument(html: string, win: ParserWindow): Document {
  return new win.DOMParser().parseFromString(html, 'text/html');
}
