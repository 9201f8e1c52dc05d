/**
 * EPUB 3 of selected articles: one XHTML chapter per article (with its own
 * lang / xml:lang), a nav.xhtml table of contents, stored images embedded.
 *
 * Article HTML is parsed with a DOM, cut down to an allowlist that is valid
 * XHTML 5 content (unknown wrappers unwrapped, scripts and media dropped,
 * attributes filtered, images rewritten to files in the book or dropped), and
 * written with XMLSerializer, so every chapter is well-formed XML.
 * Output passes epubcheck with no errors and no warnings.
 */
import type { SavedArticle } from '../storage/types';
import { imageExtension, sniffImageType } from './images';
import type { ChunkOptions, ImageLookup } from './types';
import { escapeXml, exportFileName, mapChunked, safeUrl, stripXmlInvalid, TransferError, utf8 } from './util';
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
}

/** EPUB 3.2 core image media types (webp/avif would need fallbacks, so they are dropped). */
const CORE_IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif']);

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

/** Elements whose content model is phrasing only: unwrapped when they end up holding blocks. */
const PHRASING_ONLY = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'em', 'strong', 'b', 'i', 'u', 's', 'sub', 'sup', 'small', 'mark', 'span', 'code',
  'cite', 'q', 'abbr', 'time', 'kbd', 'samp', 'var', 'bdi', 'bdo', 'dt', 'a', 'caption', 'figcaption', 'ruby', 'rt', 'rp',
]);
const BLOCK = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'pre', 'figure', 'figcaption', 'table',
  'caption', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'div', 'section', 'aside', 'hr',
]);

const LANG_TAG = /^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$/;

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
  if (name === 'a') {
    const href = get('href') ?? '';
    const safe = safeUrl(href) ?? (/^mailto:[^\s<>]+$/i.test(href) ? href : null);
    if (safe) keep.href = safe;
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
}

function unwrap(el: Element): void {
  const parent = el.parentNode;
  if (!parent) return;
  while (el.firstChild) parent.insertBefore(el.firstChild, el);
  parent.removeChild(el);
}

const hasBlockChild = (el: Element): boolean => Array.from(el.children).some((c) => BLOCK.has(c.localName));

/** Cleans `root`'s subtree in place. Children are cleaned before their parent decides to stay or unwrap. */
function cleanTree(root: Element, images: ChapterImages): void {
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
    const el = child as Element;
    const name = el.localName.toLowerCase();
    if (DROP.has(name) || el.namespaceURI !== 'http://www.w3.org/1999/xhtml') {
      root.removeChild(el);
      continue;
    }
    if (name === 'img') {
      const href = images.resolve(el.getAttribute('src') ?? '');
      if (!href) {
        root.removeChild(el);
        continue;
      }
      const alt = stripXmlInvalid(el.getAttribute('alt') ?? '');
      for (const attr of Array.from(el.attributes)) el.removeAttribute(attr.name);
      el.setAttribute('src', href);
      el.setAttribute('alt', alt);
      continue;
    }
    cleanTree(el, images);
    if (!ALLOWED.has(name) || (PHRASING_ONLY.has(name) && hasBlockChild(el))) {
      unwrap(el);
      continue;
    }
    cleanAttributes(el, name);
    if (name === 'ul' || name === 'ol') {
      for (const n of Array.from(el.childNodes)) {
        if ((n.nodeType === 1 && (n as Element).localName === 'li') || (n.nodeType === 3 && !(n as Text).data.trim())) continue;
        const li = el.ownerDocument.createElementNS('http://www.w3.org/1999/xhtml', 'li');
        el.insertBefore(li, n);
        li.appendChild(n);
      }
    }
  }
}

/** Cleans article HTML and serialises it as XHTML body content (no wrapper element). */
export function htmlToXhtml(html: string, env: XhtmlEnv, resolveImage: (url: string) => string | null = () => null): string {
  const doc = new env.DOMParser().parseFromString(`<!DOCTYPE html><html><head></head><body>${html}</body></html>`, 'text/html');
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
img { max-width: 100%; height: auto; }
blockquote { margin: 1em 0; padding-left: 1em; border-left: 3px solid #ccc; }
pre { white-space: pre-wrap; }
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
    title: opts.title ?? (single ? single.title || single.url : exportFileName('', rows.length, now).replace(/^qingdu-(.*)\.$/, '清读 · $1')),
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
  ];
  private readonly spine: string[] = [];
  private readonly toc: string[] = [];

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
      if (img && type && CORE_IMAGE_TYPES.has(type)) {
        const n = imageHrefs.size + 1;
        const file = `${id}-${String(n).padStart(2, '0')}.${imageExtension(type)}`;
        this.zip.add(`OEBPS/images/${file}`, img.bytes, false);
        this.manifest.push(`<item id="${id}-img${n}" href="images/${file}" media-type="${type}"/>`);
        href = `../images/${file}`;
      }
      imageHrefs.set(url, href);
      return href;
    };
    const content = htmlToXhtml(a.article.contentHtml, this.env, resolve);
    const title = a.title.trim() || a.url;
    const meta = [a.byline, a.siteName, a.published?.slice(0, 10)].filter((s): s is string => !!s).map(escapeXml).join(' · ');
    const src = safeUrl(a.url);
    const header =
      `<header>\n<h1>${escapeXml(title)}</h1>\n` +
      (meta ? `<p class="meta">${meta}</p>\n` : '') +
      (src ? `<p class="meta"><a href="${escapeXml(src)}">${escapeXml(src)}</a></p>\n` : '') +
      '</header>';
    const body = `<section epub:type="chapter">\n${header}\n${content}\n</section>`;
    this.zip.add(`OEBPS/text/${id}.xhtml`, utf8(xhtmlPage(lang, title, body, '../style.css')), true);
    this.manifest.push(`<item id="${id}" href="text/${id}.xhtml" media-type="application/xhtml+xml"/>`);
    this.spine.push(`<itemref idref="${id}"/>`);
    this.toc.push(`<li><a href="text/${id}.xhtml">${escapeXml(title)}</a></li>`);
  }

  /** Adds the table of contents and the package document, and closes the zip. */
  end(): void {
    const { lang, title, identifier, now } = this.book;
    const navTitle = lang.toLowerCase().startsWith('zh') ? '目录' : 'Contents';
    const navBody = `<nav epub:type="toc" id="toc">\n<h1>${navTitle}</h1>\n<ol>\n${this.toc.join('\n') || '<li><a href="nav.xhtml">—</a></li>'}\n</ol>\n</nav>`;
    this.zip.add('OEBPS/nav.xhtml', utf8(xhtmlPage(lang, navTitle, navBody, 'style.css')), true);
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
          '<spine>\n<itemref idref="nav" linear="no"/>\n' + this.spine.join('\n') + '\n</spine>\n</package>\n',
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
  await mapChunked(articles, (a) => writer.article(a, lookup), opts);
  writer.end();
  return joinBytes(writer.take());
}
