/** Small DOM helpers shared by the core. They use only the standard `Document`/`Element` API. */

const BLOCK = new Set([
  'P', 'DIV', 'LI', 'BR', 'HR', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'BLOCKQUOTE', 'SECTION', 'ARTICLE', 'HEADER', 'FOOTER', 'ASIDE',
  'UL', 'OL', 'DL', 'DT', 'DD', 'PRE', 'FIGURE', 'FIGCAPTION', 'TABLE', 'CAPTION', 'TR',
]);
/** Table cells: a row stays one line, its cells apart ("1 2 香港 中国", not "12香港中国"). */
const CELL = new Set(['TD', 'TH']);

/** Text of `el` with block boundaries and `<br>` as line breaks, table cells a space apart; lines trimmed, empty ones dropped. */
export function textLines(el: Node): string[] {
  const out: string[] = [];
  // Text of the line being built, in pieces (joined once per line).
  let line: string[] = [];
  const endLine = (): void => {
    if (!line.length) return;
    const l = (line.length === 1 ? (line[0] as string) : line.join('')).replace(/\s+/g, ' ').trim();
    if (l) out.push(l);
    line = [];
  };
  const walk = (n: Node): void => {
    for (let c = n.firstChild; c; c = c.nextSibling) {
      const type = c.nodeType;
      if (type === 3) line.push((c as Text).data);
      else if (type === 1) {
        const tag = (c as Element).tagName;
        const block = BLOCK.has(tag);
        if (block) endLine();
        else if (CELL.has(tag)) line.push(' ');
        walk(c);
        if (block) endLine();
        else if (CELL.has(tag)) line.push(' ');
      }
    }
  };
  if (el.nodeType === 3) line.push((el as Text).data);
  else if (el.nodeType === 1) walk(el);
  endLine();
  return out;
}

/** Whitespace-normalised single-line text. */
export function oneLine(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

const NON_SPACE = /\S/;

/** True when `oneLine(text)` would be empty (tested without building it). */
export function isBlank(text: string | null | undefined): boolean {
  return !text || !NON_SPACE.test(text);
}

const atLeastChars = new Map<number, RegExp>();

/**
 * `oneLine(text)` when it is at most `max` characters long, else null. Long
 * text is turned down after reading only its first `max + 1` non-space
 * characters, without building the normalised string.
 */
export function shortLine(text: string | null | undefined, max: number): string | null {
  const t = text ?? '';
  if (t.length > max) {
    let re = atLeastChars.get(max);
    if (!re) atLeastChars.set(max, (re = new RegExp(`^\\s*(?:\\S\\s*){${max + 1}}`)));
    if (re.test(t)) return null;
  }
  const line = oneLine(t);
  return line.length <= max ? line : null;
}

const MEDIA = 'img, picture, video, audio, table, iframe, svg';

/** True when `el` holds no text and no media, and is not media itself. */
export function isEmptyElement(el: Element): boolean {
  return isBlank(el.textContent) && !el.matches(MEDIA) && !el.querySelector(MEDIA);
}

/** Elements that are the article, or hold it, whatever their class says. */
const ARTICLE_TAGS = new Set(['html', 'body', 'main', 'article']);
/** What an ad box or a sign-up box never holds: the article's container, its title, or a run of paragraphs. */
const ARTICLE_PARTS = 'article, main, h1';
/** Paragraphs enough to be a text rather than a box beside one. */
const ARTICLE_PARAGRAPHS = 5;

/**
 * True when `el` is, or holds, the article: `<html>`, `<body>`, `<main>` or `<article>`, or an element holding one
 * of them, an `<h1>`, or five paragraphs. Generic rules name boxes by what their class says (`sponsored`, `ad`,
 * `subscribe`), and some pages put such a class on the article's own container (a sponsored post): those stay.
 */
export function holdsArticle(el: Element): boolean {
  return ARTICLE_TAGS.has(el.localName) || el.querySelector(ARTICLE_PARTS) !== null || el.getElementsByTagName('p').length >= ARTICLE_PARAGRAPHS;
}

/**
 * An attribute value written without quotes, as the page wrote it: `a=Sun Nov 02 2025` parses as
 * `a="Sun"` followed by valueless attributes named after the other words, lower-cased (a name the
 * element already has is dropped). Those names are joined back on, up to the next attribute with a
 * value; null when no such attribute follows.
 */
export function unquotedAttribute(el: Element, name: string): string | null {
  const attrs = el.attributes;
  let i = 0;
  while (i < attrs.length && attrs.item(i)?.name !== name) i++;
  const words = [attrs.item(i)?.value ?? ''];
  for (i++; i < attrs.length && attrs.item(i)?.value === ''; i++) words.push(attrs.item(i)?.name ?? '');
  return words.length > 1 ? words.join(' ') : null;
}

/** `querySelectorAll` that never throws (a selector unsupported by this DOM yields nothing). */
export function queryAll(root: ParentNode, selector: string): Element[] {
  let list: NodeListOf<Element>;
  try {
    list = root.querySelectorAll(selector);
  } catch {
    return [];
  }
  // An indexed copy: much cheaper than Array.from's iterator protocol on a NodeList.
  const out = new Array<Element>(list.length);
  for (let i = 0; i < out.length; i++) out[i] = list[i] as Element;
  return out;
}

export function queryOne(root: ParentNode, selector: string): Element | null {
  try {
    return root.querySelector(selector);
  } catch {
    return null;
  }
}

/** Moves all children of `from` to the end of `to`. */
export function moveChildren(from: Element, to: Element): void {
  while (from.firstChild) to.appendChild(from.firstChild);
}

/** Puts an element named `name`, with `el`'s attributes and children, in `el`'s place. */
export function renameElement(el: Element, name: string): Element {
  const renamed = el.ownerDocument.createElement(name);
  for (const { name: attr, value } of Array.from(el.attributes)) renamed.setAttribute(attr, value);
  moveChildren(el, renamed);
  el.replaceWith(renamed);
  return renamed;
}

/** Removes `<br>`, `<hr>`, whitespace and empty elements from the end of `root`, depth first. */
export function trimTrailing(root: Element): void {
  for (;;) {
    const last = root.lastChild;
    if (!last) return;
    if (last.nodeType === 3 && isBlank(last.nodeValue)) last.remove();
    else if (last.nodeType === 8) last.remove();
    else if (last.nodeType === 1 && ((last as Element).tagName === 'BR' || (last as Element).tagName === 'HR')) last.remove();
    else if (last.nodeType === 1 && isEmptyElement(last as Element)) last.remove();
    else if (last.nodeType === 1) {
      const before = last.childNodes.length;
      trimTrailing(last as Element);
      if (last.childNodes.length === before) return;
    } else return;
  }
}
