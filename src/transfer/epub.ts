/**
 * EPUB 3 of selected articles: one XHTML chapter per article (with its own
 * lang / xml:lang), a nav.xhtml table of contents, stored images embedded.
 *
 * Article HTML is parsed with a DOM, cut down to an allowlist that is valid
 * XHTML 5 content (unknown wrappers unwrapped, scripts and media dropped,
 * attributes filtered, images rewritten to files in the book or replaced by
 * their alt text), given the structure the schema wants (orphan list, table,
 * figure and ruby parts placed or renamed), and written with XMLSerializer, so
 * every chapter is well-formed XML. Output passes epubcheck with no errors and
 * no warnings, whatever the HTML.
 */
import type { SavedArticle, StoredImage } from '../storage/types';
import { articleFront } from './article-front';
import { hasImageSize, imageExtension, imagesOf, sniffImageType } from './images';
import type { ChunkOptions, ImageLookup } from './types';
import { escapeXml, localDay, localDayOf, mapChunked, safeUrl, stripXmlInvalid, TransferError, utf8 } from './util';
import { joinBytes, ZipStream } from './zip-stream';

/** The DOM classes the exporter needs: the page's own in the extension, jsdom's in Node. */
export interface XhtmlEnv {
  DOMParser: { new (): DOMParser };
  XMLSerializer: { new (): XMLSerializer };
}

export interface EpubOptions extends ChunkOptions {
  env?: XhtmlEnv;
  /** Book title. Default: the article title for one article, else `清读 · <date> · <n>篇`. */
  title?: string;
  /** Book language (dc:language). Default: the most common article language, else `zh-CN`. */
  lang?: string;
  /** dc:identifier. Default: a random `urn:uuid:`. */
  identifier?: string;
  /** dcterms:modified. Default: now. */
  now?: Date;
  /** Redraws WebP and AVIF images as types the book can carry (see `transcodedLookup`). */
  transcode?: Transcode;
}

/**
 * Image types embedded as they are. EPUB 3.3 adds image/webp to the core media
 * types, but Debian's epubcheck (4.2.6, EPUB 3.2 rules) and the e-readers it
 * stands for still want a fallback for it (MED-003). WebP and AVIF go in only
 * once a `Transcode` has redrawn them; others, and pictures cut short before
 * their size (see `hasImageSize`), leave their alt text.
 */
const CORE_IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif']);

/** An image as JPEG, PNG or GIF; null when it cannot be redrawn. The browser's decoders do it in the extension. */
export type Transcode = (image: StoredImage) => Promise<StoredImage | null>;

/**
 * `lookup` with the WebP and AVIF images of `articles` replaced by what
 * `transcode` makes of them, so that a book shows the picture, not its alt
 * text. An image that fails to convert is left out, as before.
 */
export async function transcodedLookup(articles: readonly SavedArticle[], lookup: ImageLookup | undefined, transcode: Transcode): Promise<ImageLookup | undefined> {
  if (!lookup) return lookup;
  const redrawn = new Map<string, StoredImage | null>();
  for (const a of articles) {
    for (const image of imagesOf(a, lookup)) {
      const type = sniffImageType(image.bytes);
      const key = `${a.id}\n${image.url}`;
      if (type === 'image/webp' || type === 'image/avif') {
        if (!redrawn.has(key)) redrawn.set(key, await transcode(image).catch(() => null));
      }
    }
  }
  if (redrawn.size === 0) return lookup;
  return (articleId, url) => {
    const key = `${articleId}\n${url}`;
    return redrawn.has(key) ? (redrawn.get(key) ?? undefined) : lookup(articleId, url);
  };
}

/** Removed with their content. */
const DROP = new Set([
  'script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'video', 'audio', 'source', 'track', 'canvas',
  'svg', 'math', 'form', 'input', 'button', 'select', 'textarea', 'option', 'link', 'meta', 'base', 'head', 'title', 'map', 'area', 'dialog',
]);

/** Kept (with filtered attributes); every other element is unwrapped (its children kept). */
const ALLOWED = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'pre', 'code', 'em', 'strong', 'b', 'i',
  'u', 's', 'sub', 'sup', 'small', 'mark', 'br', 'hr', 'a', 'img', 'figure', 'figcaption', 'table', 'caption', 'thead', 'tbody',
  'tfoot', 'tr', 'th', 'td', 'span', 'div', 'section', 'aside', 'cite', 'q', 'abbr', 'time', 'del', 'ins', 'kbd', 'samp', 'var',
  'ruby', 'rt', 'rp', 'wbr', 'bdi', 'bdo',
]);

/** Not in the allowlist but kept as blocks: a disclosure reads as a section whose summary is its first paragraph. */
const AS_BLOCK: Record<string, string> = { details: 'div', summary: 'p' };

/** Elements whose content model is phrasing only: unwrapped when they end up holding blocks. */
const PHRASING_ONLY = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'em', 'strong', 'b', 'i', 'u', 's', 'sub', 'sup', 'small', 'mark', 'span', 'code',
  'cite', 'q', 'abbr', 'time', 'kbd', 'samp', 'var', 'bdi', 'bdo', 'dt', 'a', 'caption', 'figcaption', 'ruby', 'rt', 'rp',
]);
const BLOCK = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'pre', 'figure', 'figcaption', 'table',
  'caption', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'div', 'section', 'aside', 'hr',
]);

/**
 * Where list, table, figure and ruby parts may stand. The HTML parser leaves an
 * `<li>`, `<dd>` or `<rt>` wherever the page put it, and unwrapping (a `<menu>`,
 * a `<span>` holding blocks) strands more; XHTML rejects them, and one stray
 * `<li>` fails the whole book in epubcheck. An orphan gets a new `wrap` parent
 * (one for each run of consecutive orphans), or becomes an `as`.
 */
const PARENTS: Record<string, { in: readonly string[]; wrap?: string; as?: string }> = {
  li: { in: ['ul', 'ol'], wrap: 'ul' },
  dt: { in: ['dl'], wrap: 'dl' },
  dd: { in: ['dl'], wrap: 'dl' },
  td: { in: ['tr'], wrap: 'tr' },
  th: { in: ['tr'], wrap: 'tr' },
  tr: { in: ['thead', 'tbody', 'tfoot'], wrap: 'tbody' },
  thead: { in: ['table'], wrap: 'table' },
  tbody: { in: ['table'], wrap: 'table' },
  tfoot: { in: ['table'], wrap: 'table' },
  caption: { in: ['table'], as: 'div' },
  figcaption: { in: ['figure'], as: 'div' },
  rt: { in: ['ruby'], as: 'span' },
  rp: { in: ['ruby'], as: 'span' },
};

/** Elements that hold only their parts (above): any other child is wrapped, run by run, in this part. */
const PARTS_ONLY: Record<string, string> = { ul: 'li', ol: 'li', dl: 'dd', table: 'tbody', thead: 'tr', tbody: 'tr', tfoot: 'tr', tr: 'td' };

/**
 * A ruby's children as b(ase), t (rt) and p (rp), against the schema's
 * `(base*, (rt+ | rp, (rt, rp)+))+`, made a little stricter (groups apart
 * from the first need a base) so that the pattern cannot backtrack.
 */
const RUBY = /^b*(t+|p(tp)+)(b+(t+|p(tp)+))*$/;
const RUBY_PARTS: Record<string, string> = { rt: 't', rp: 'p' };
const rubyShape = (el: Element): string =>
  Array.from(el.childNodes, (n) => (n.nodeType === 1 ? (RUBY_PARTS[(n as Element).localName] ?? 'b') : (n as Text).data.trim() ? 'b' : '')).join('');

/** Content models the parser does not enforce; an element failing its own is unwrapped (an odd ruby reads as its rp fallback). */
const KEEP_IF: Record<string, (el: Element) => boolean> = {
  ruby: (el) => RUBY.test(rubyShape(el)),
  rp: (el) => el.childElementCount === 0,
  time: (el) => el.hasAttribute('datetime') || el.childElementCount === 0,
  // A figure whose picture is not in the book and has no description or caption would leave an empty gap.
  figure: (el) => el.childElementCount > 0 || (el.textContent ?? '').trim() !== '',
};

/** Order within a part holder, as the schema wants it, once every child is a part. */
const ORDER: Record<string, (el: Element) => void> = {
  // (dt+, dd+)*: no leading description, no trailing term.
  dl: (dl) => {
    if (dl.firstElementChild?.localName === 'dd') dl.prepend(create(dl, 'dt'));
    if (dl.lastElementChild?.localName === 'dt') dl.append(create(dl, 'dd'));
  },
  // caption?, thead?, tbody*, tfoot?: the first caption and thead go first, the last tfoot last, any others become bodies.
  table: (table) => {
    const parts = Array.from(table.children);
    const caption = parts.find((p) => p.localName === 'caption');
    const thead = parts.find((p) => p.localName === 'thead');
    const tfoot = parts.findLast((p) => p.localName === 'tfoot');
    for (const p of parts) if (p !== caption && p !== thead && p !== tfoot && p.localName !== 'tbody') fixChildren(rename(p, 'tbody'));
    if (tfoot) table.append(tfoot);
    if (thead) table.prepend(thead);
    if (caption) table.prepend(caption);
  },
  // One figcaption, first or last; others become plain blocks.
  figure: (figure) => {
    const shown = Array.from(figure.childNodes).filter((n) => n.nodeType === 1 || (n as Text).data.trim());
    const keep = [shown[0], shown.at(-1)].find((n) => (n as Element | undefined)?.localName === 'figcaption');
    for (const c of Array.from(figure.children)) if (c.localName === 'figcaption' && c !== keep) rename(c, 'div');
  },
};

const XHTML = 'http://www.w3.org/1999/xhtml';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const LANG_TAG = /^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$/;

/**
 * A link as RFC 3986 allows it (epubcheck's RSC-020). Browsers take `|`, `{`, `^`, a backtick, a second `#` or a
 * `%` without two hex digits after it and leave them in the URL; here they are percent-encoded. Brackets are
 * encoded too, except in the host, where they hold an IPv6 address.
 */
export function rfc3986(url: string): string {
  const authority = /^[a-z][a-z\d+.-]*:\/\/[^/?#]*/i.exec(url)?.[0] ?? '';
  const rest = url.slice(authority.length);
  const hash = rest.indexOf('#');
  const encode = (part: string) => part.toWellFormed().replace(/%(?![\da-fA-F]{2})|[^\w\-.~:/?@!$&'()*+,;=%]/gu, encodeURIComponent);
  return authority + (hash < 0 ? encode(rest) : `${encode(rest.slice(0, hash))}#${encode(rest.slice(hash + 1)).replaceAll('#', '%23')}`);
}

interface ChapterImages {
  /** Image URL → href relative to the chapter. */
  resolve: (url: string) => string | null;
}

function cleanAttributes(el: Element, name: string): void {
  const keep: Record<string, string> = {};
  const get = (a: string) => el.getAttribute(a);
  const dir = get('dir');
  if (dir && /^(ltr|rtl|auto)$/.test(dir)) keep.dir = dir;
  const title = get('title');
  if (title) keep.title = stripXmlInvalid(title);
  // A passage in another language or script than its chapter's (繁體 in a Simplified article) keeps its glyphs and voice.
  const lang = get('lang');
  if (lang && LANG_TAG.test(lang)) keep.lang = lang;
  if (name === 'a') {
    const href = get('href') ?? '';
    const safe = safeUrl(href) ?? (/^mailto:[^\s<>]+$/i.test(href) ? href : null);
    if (safe) keep.href = rfc3986(safe);
  } else if (name === 'td' || name === 'th') {
    for (const a of ['colspan', 'rowspan']) {
      const v = get(a);
      if (v && /^[1-9]\d{0,2}$/.test(v.trim())) keep[a] = v.trim();
    }
  } else if (name === 'ol') {
    const start = get('start');
    if (start && /^-?\d{1,9}$/.test(start.trim())) keep.start = start.trim();
  } else if (name === 'time') {
    const dt = get('datetime');
    if (dt && /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(dt.trim())) keep.datetime = dt.trim();
  } else if (name === 'bdo') {
    if (!keep.dir || keep.dir === 'auto') keep.dir = 'ltr';
  }
  for (const attr of Array.from(el.attributes)) el.removeAttribute(attr.name);
  for (const [k, v] of Object.entries(keep)) el.setAttribute(k, v);
  // XHTML wants both, the same.
  if (keep.lang) el.setAttributeNS(XML_NS, 'xml:lang', keep.lang);
}

function unwrap(el: Element): void {
  const parent = el.parentNode;
  if (!parent) return;
  while (el.firstChild) parent.insertBefore(el.firstChild, el);
  parent.removeChild(el);
}

function create(near: Node, name: string): Element {
  return (near.ownerDocument as Document).createElementNS(XHTML, name);
}

/** Replaces `el` by a `name` element with its attributes and children. */
function rename(el: Element, name: string): Element {
  const to = create(el, name);
  for (const a of Array.from(el.attributes)) to.setAttribute(a.name, a.value);
  while (el.firstChild) to.appendChild(el.firstChild);
  el.replaceWith(to);
  return to;
}

/** Moves `first` and the siblings after it that `fits` (and blank text between them) into a new `name` in its place. */
function wrapRun(first: ChildNode, name: string, fits: (n: ChildNode) => boolean): Element {
  const wrapper = create(first, name);
  first.before(wrapper);
  const blank = (n: ChildNode) => n.nodeType === 3 && !(n as Text).data.trim();
  for (let n: ChildNode | null = first; n && (fits(n) || blank(n)); n = wrapper.nextSibling) wrapper.appendChild(n);
  fixChildren(wrapper);
  return wrapper;
}

const isPartOf = (n: ChildNode, parent: string): boolean => n.nodeType === 1 && !!PARENTS[(n as Element).localName]?.in.includes(parent);

/** Gives `el`'s children the structure XHTML requires (see PARENTS, PARTS_ONLY, ORDER), keeping all their text. */
function fixChildren(el: Element): void {
  const name = el.localName;
  const part = PARTS_ONLY[name];
  for (let n of Array.from(el.childNodes)) {
    // A new parent may be an orphan in turn (td → tr → tbody → table), so it is looked at again.
    while (n.parentNode === el && !isPartOf(n, name)) {
      const rule = n.nodeType === 1 ? PARENTS[(n as Element).localName] : undefined;
      if (part) {
        if (n.nodeType === 1 || (n as Text).data.trim()) wrapRun(n, part, (s) => !isPartOf(s, name));
        break;
      }
      if (!rule) break;
      if (rule.as) {
        rename(n as Element, rule.as);
        break;
      }
      const wrap = rule.wrap;
      n = wrapRun(n, wrap as string, (s) => s.nodeType === 1 && PARENTS[(s as Element).localName]?.wrap === wrap);
    }
  }
  ORDER[name]?.(el);
}

/**
 * Cleans `root`'s subtree in place and says whether it now holds a block.
 * Children are cleaned before their parent decides to stay or unwrap, and
 * report their blocks up, so no element searches its subtree again.
 */
function cleanTree(root: Element, images: ChapterImages): boolean {
  let blockInside = false;
  for (const child of Array.from(root.childNodes)) {
    if (child.nodeType === 3) {
      const t = child as Text;
      const clean = stripXmlInvalid(t.data);
      if (clean !== t.data) t.data = clean;
      continue;
    }
    if (child.nodeType !== 1) {
      root.removeChild(child);
      continue;
    }
    let el = child as Element;
    let name = el.localName.toLowerCase();
    if (DROP.has(name) || el.namespaceURI !== XHTML) {
      root.removeChild(el);
      continue;
    }
    if (name === 'img') {
      const href = images.resolve(el.getAttribute('src') ?? '');
      const alt = stripXmlInvalid(el.getAttribute('alt') ?? '');
      if (!href) {
        // The picture is not in the book (not stored, or a type epubcheck rejects): its description stands in.
        if (alt.trim()) {
          const span = create(el, 'span');
          span.setAttribute('class', 'img-alt');
          span.textContent = alt;
          el.replaceWith(span);
        } else root.removeChild(el);
        continue;
      }
      for (const attr of Array.from(el.attributes)) el.removeAttribute(attr.name);
      el.setAttribute('src', href);
      el.setAttribute('alt', alt);
      continue;
    }
    const holdsBlock = cleanTree(el, images);
    blockInside ||= holdsBlock;
    const block = AS_BLOCK[name];
    if (block) el = rename(el, (name = block));
    // Attributes first: what a <time> may hold depends on its datetime.
    cleanAttributes(el, name);
    if (!ALLOWED.has(name) || (PHRASING_ONLY.has(name) && holdsBlock) || KEEP_IF[name]?.(el) === false) {
      unwrap(el);
      continue;
    }
    // Links can't nest, but the parser lets an inner one through inside a <marquee>, which is unwrapped.
    if (name === 'a') for (const inner of Array.from(el.querySelectorAll('a'))) unwrap(inner);
  }
  fixChildren(root);
  // The children's own blocks, wrappers fixChildren made among them included.
  return blockInside || Array.from(root.children).some((c) => BLOCK.has(c.localName));
}

/** Cleans article HTML and serialises it as XHTML body content (no wrapper element). */
export function htmlToXhtml(html: string, env: XhtmlEnv, resolveImage: (url: string) => string | null = () => null): string {
  // No closing tags after the article: an unclosed <plaintext> would show them as text.
  const doc = new env.DOMParser().parseFromString(`<!DOCTYPE html><html><head></head><body>${html}`, 'text/html');
  const body = doc.body;
  cleanTree(body, { resolve: resolveImage });
  const xml = new env.XMLSerializer().serializeToString(body);
  return xml.replace(/^<body[^>]*>/, '').replace(/<\/body>$/, '').replace(/^<body[^>]*\/>$/, '');
}

function xhtmlPage(lang: string, title: string, body: string, css: string | null): string {
  const l = escapeXml(lang);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n' +
    `<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="${l}" xml:lang="${l}">\n` +
    `<head>\n<meta charset="UTF-8"/>\n<title>${escapeXml(title)}</title>\n` +
    (css ? `<link rel="stylesheet" type="text/css" href="${css}"/>\n` : '') +
    `</head>\n<body>\n${body}\n</body>\n</html>\n`
  );
}

const STYLE = `body { margin: 0 5%; line-height: 1.7; }
h1 { font-size: 1.5em; line-height: 1.3; }
.meta { color: #666; font-size: 0.9em; }
.lead { font-size: 1.05em; color: #444; }
.hero { margin: 1em 0; }
img { max-width: 100%; height: auto; }
blockquote { margin: 1em 0; padding-left: 1em; border-left: 3px solid #ccc; }
pre { white-space: pre-wrap; }
.img-alt { color: #666; font-style: italic; }
`;

function mostCommonLang(langs: Iterable<string | null>): string | null {
  const counts = new Map<string, number>();
  for (const l of langs) if (l && LANG_TAG.test(l)) counts.set(l, (counts.get(l) ?? 0) + 1);
  let best: string | null = null;
  let n = 0;
  for (const [l, c] of counts) if (c > n) [best, n] = [l, c];
  return best;
}

function randomUuid(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  const hex = () => Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0');
  return `${hex()}${hex()}-${hex()}-4${hex().slice(1)}-a${hex().slice(1)}-${hex()}${hex()}${hex()}`;
}

function defaultEnv(): XhtmlEnv {
  const g = globalThis as Partial<XhtmlEnv>;
  if (!g.DOMParser || !g.XMLSerializer) throw new TransferError('EPUB export needs a DOM (DOMParser and XMLSerializer)');
  return { DOMParser: g.DOMParser, XMLSerializer: g.XMLSerializer };
}

/**
 * The title a chapter, the table of contents and a one-article book show: an
 * empty `<title>`, `dc:title` or table-of-contents link fails epubcheck, so a
 * title of blanks or of characters XML cannot carry (a backup may hold one)
 * gives way to the URL.
 */
function shownTitle(a: Pick<SavedArticle, 'title' | 'url'>): string {
  return stripXmlInvalid(a.title).replace(/\s+/g, ' ').trim() || a.url;
}

/** What the book says of itself: decided before its first chapter, from the list of its articles. */
export interface EpubBook {
  title: string;
  /** Book language, and each chapter's when its article has none. */
  lang: string;
  identifier: string;
  now: Date;
}

/** The book for articles with these rows (their languages and, for a single one, its title), in the order given. */
export function epubBook(rows: readonly Pick<SavedArticle, 'title' | 'url' | 'lang'>[], opts: Omit<EpubOptions, keyof ChunkOptions | 'env'> = {}): EpubBook {
  const now = opts.now ?? new Date();
  const single = rows.length === 1 ? rows[0] : undefined;
  return {
    title: opts.title ?? (single ? shownTitle(single) : `清读 · ${localDay(now)} · ${rows.length}篇`),
    lang: opts.lang && LANG_TAG.test(opts.lang) ? opts.lang : (mostCommonLang(rows.map((r) => r.lang)) ?? 'zh-CN'),
    identifier: opts.identifier ?? `urn:uuid:${randomUuid()}`,
    now,
  };
}

/**
 * Writes the `.epub` one chapter at a time; `take()` hands over the bytes
 * written so far. The package document and the table of contents, which
 * list every chapter, come last.
 */
export class EpubWriter {
  private readonly zip = new ZipStream();
  private readonly manifest: string[] = [
    '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
    '<item id="css" href="style.css" media-type="text/css"/>',
    '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>',
  ];
  private readonly spine: string[] = [];
  private readonly toc: string[] = [];
  /** The same entries for toc.ncx, the table of contents readers on older EPUB 2 engines (Adobe's RMSDK) look for. */
  private readonly navPoints: string[] = [];

  constructor(private readonly book: EpubBook, private readonly env: XhtmlEnv = defaultEnv()) {
    // `mimetype` must be the first entry, stored uncompressed.
    this.zip.add('mimetype', utf8('application/epub+zip'), false);
    this.zip.add(
      'META-INF/container.xml',
      utf8(
        '<?xml version="1.0" encoding="UTF-8"?>\n<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n' +
          '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>\n</container>\n',
      ),
      true,
    );
    this.zip.add('OEBPS/style.css', utf8(STYLE), true);
  }

  /** Adds the article as the next chapter. */
  article(a: SavedArticle, lookup?: ImageLookup): void {
    const id = `c${String(this.spine.length + 1).padStart(4, '0')}`;
    const lang = [a.lang, a.article.lang, this.book.lang].find((l): l is string => !!l && LANG_TAG.test(l)) as string;
    const imageHrefs = new Map<string, string | null>();
    const resolve = (url: string): string | null => {
      if (imageHrefs.has(url)) return imageHrefs.get(url) ?? null;
      const img = lookup?.(a.id, url);
      const type = img ? sniffImageType(img.bytes) : null;
      let href: string | null = null;
      if (img && type && CORE_IMAGE_TYPES.has(type) && hasImageSize(img.bytes, type)) {
        const n = imageHrefs.size + 1;
        const file = `${id}-${String(n).padStart(2, '0')}.${imageExtension(type)}`;
        this.zip.add(`OEBPS/images/${file}`, img.bytes, false);
        this.manifest.push(`<item id="${id}-img${n}" href="images/${file}" media-type="${type}"/>`);
        href = `../images/${file}`;
      }
      imageHrefs.set(url, href);
      return href;
    };
    // The standfirst, credit and hero the reader shows beside the body (the hero's picture first in the book).
    const front = articleFront(a);
    const heroHref = front.hero ? resolve(front.hero) : null;
    const content = htmlToXhtml(a.article.contentHtml, this.env, resolve);
    const title = shownTitle(a);
    // The date the reader shows: the publish time, or the update time of a page that prints only that, on the
    // local calendar as the reader shows it (a story of 06:21 Beijing time is not dated the day before, UTC's).
    const meta = [a.byline, front.translator, a.siteName, localDayOf(a.published ?? a.article.updated)].filter((s): s is string => !!s).map(escapeXml).join(' · ');
    const src = safeUrl(a.url);
    const header =
      `<header>\n<h1>${escapeXml(title)}</h1>\n` +
      (meta ? `<p class="meta">${meta}</p>\n` : '') +
      (src ? `<p class="meta"><a href="${escapeXml(rfc3986(src))}">${escapeXml(src)}</a></p>\n` : '') +
      (front.lead.length ? `<p class="lead">${front.lead.map(escapeXml).join('<br/>')}</p>\n` : '') +
      (heroHref ? `<figure class="hero"><img src="${escapeXml(heroHref)}" alt=""/></figure>\n` : '') +
      '</header>';
    const body = `<section epub:type="chapter">\n${header}\n${content}\n</section>`;
    this.zip.add(`OEBPS/text/${id}.xhtml`, utf8(xhtmlPage(lang, title, body, '../style.css')), true);
    this.manifest.push(`<item id="${id}" href="text/${id}.xhtml" media-type="application/xhtml+xml"/>`);
    this.spine.push(`<itemref idref="${id}"/>`);
    this.toc.push(`<li><a href="text/${id}.xhtml">${escapeXml(title)}</a></li>`);
    const n = this.navPoints.length + 1;
    this.navPoints.push(`<navPoint id="np${n}" playOrder="${n}"><navLabel><text>${escapeXml(title)}</text></navLabel><content src="text/${id}.xhtml"/></navPoint>`);
  }

  /** Adds the table of contents and the package document, and closes the zip. */
  end(): void {
    const { lang, title, identifier, now } = this.book;
    const navTitle = lang.toLowerCase().startsWith('zh') ? '目录' : 'Contents';
    const navBody = `<nav epub:type="toc" id="toc">\n<h1>${navTitle}</h1>\n<ol>\n${this.toc.join('\n') || '<li><a href="nav.xhtml">—</a></li>'}\n</ol>\n</nav>`;
    this.zip.add('OEBPS/nav.xhtml', utf8(xhtmlPage(lang, navTitle, navBody, 'style.css')), true);
    const navMap = this.navPoints.join('\n') || `<navPoint id="np1" playOrder="1"><navLabel><text>${navTitle}</text></navLabel><content src="nav.xhtml"/></navPoint>`;
    this.zip.add(
      'OEBPS/toc.ncx',
      utf8(
        '<?xml version="1.0" encoding="UTF-8"?>\n' +
          `<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1" xml:lang="${escapeXml(lang)}">\n` +
          `<head>\n<meta name="dtb:uid" content="${escapeXml(identifier)}"/>\n<meta name="dtb:depth" content="1"/>\n` +
          '<meta name="dtb:totalPageCount" content="0"/>\n<meta name="dtb:maxPageNumber" content="0"/>\n</head>\n' +
          `<docTitle><text>${escapeXml(title)}</text></docTitle>\n<navMap>\n${navMap}\n</navMap>\n</ncx>\n`,
      ),
      true,
    );
    const modified = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    this.zip.add(
      'OEBPS/content.opf',
      utf8(
        '<?xml version="1.0" encoding="UTF-8"?>\n' +
          `<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="bookid" xml:lang="${escapeXml(lang)}">\n` +
          '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n' +
          `<dc:identifier id="bookid">${escapeXml(identifier)}</dc:identifier>\n` +
          `<dc:title>${escapeXml(title)}</dc:title>\n` +
          `<dc:language>${escapeXml(lang)}</dc:language>\n` +
          '<dc:creator>清读 Qingdu</dc:creator>\n' +
          `<meta property="dcterms:modified">${modified}</meta>\n` +
          '</metadata>\n<manifest>\n' + this.manifest.join('\n') + '\n</manifest>\n' +
          '<spine toc="ncx">\n<itemref idref="nav" linear="no"/>\n' + this.spine.join('\n') + '\n</spine>\n</package>\n',
      ),
      true,
    );
    this.zip.end();
  }

  take(): Uint8Array[] {
    return this.zip.take();
  }
}

/** The `.epub` bytes for `articles`, in the order given. */
export async function exportEpub(articles: readonly SavedArticle[], lookup?: ImageLookup, opts: EpubOptions = {}): Promise<Uint8Array> {
  const book = epubBook(articles.map((a) => ({ title: a.title, url: a.url, lang: a.lang ?? a.article.lang })), opts);
  const writer = new EpubWriter(book, opts.env);
  const images = opts.transcode ? await transcodedLookup(articles, lookup, opts.transcode) : lookup;
  await mapChunked(articles, (a) => writer.article(a, images), opts);
  writer.end();
  return joinBytes(writer.take());
}
