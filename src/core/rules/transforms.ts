/**
 * The registry of named transforms: per-site work that selectors cannot
 * express. Rules name them as strings; their parameters come from the rule's
 * own data fields (never from code per site). Each runs on the working copy
 * only, after removals, on the chosen content root.
 */
import type { SiteRule } from './schema.ts';
import { DEFAULT_TZ_OFFSET_MINUTES, parseDate } from '../dates.ts';
import { holdsArticle, isBlank, isEmptyElement, moveChildren, oneLine, queryAll, queryOne, shortLine, textLines, trimTrailing } from '../dom.ts';
import { hostMatches } from './match.ts';

export interface TransformContext {
  doc: Document;
  /** The content root being cleaned (inside `doc`). */
  root: Element;
  rule: SiteRule;
  /** Page URL, for resolving relative links. */
  url: string;
  /** Values found while transforming, read back as article metadata (they win over the rule's fields). */
  found: { translator?: string; published?: string; updated?: string };
}

export type Transform = (ctx: TransformContext) => void;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Marker text as a regex that tolerates whitespace between characters and either colon form. */
function markerPattern(marker: string): RegExp {
  const chars = [...marker.replace(/\s+/g, '')].map((c) => (c === ':' || c === '：' ? '[:：]' : escapeRegExp(c)));
  return new RegExp(chars.join('\\s*'));
}

/** Lazy figures/images get a real `<img>` (figure: URL passed through `imageUrlTemplate`). */
const unlazyFigures: Transform = ({ root, rule, url }) => {
  for (const attr of rule.lazyImageAttrs ?? []) {
    for (const el of queryAll(root, `[${attr}]`)) {
      const raw = el.getAttribute(attr)?.trim();
      if (!raw) continue;
      if (el.tagName === 'IMG') {
        const src = el.getAttribute('src');
        if (!src || src.startsWith('data:')) el.setAttribute('src', raw);
      } else if (el.tagName === 'FIGURE' && !el.querySelector('img')) {
        const img = el.ownerDocument.createElement('img');
        img.setAttribute('src', imageUrl(raw, rule, url));
        img.setAttribute('alt', '');
        el.appendChild(img);
      }
    }
  }
};

/** Applies the rule's `imageUrlTemplate` to a lazy image URL. */
export function imageUrl(raw: string, rule: SiteRule, base: string): string {
  let abs = raw;
  try {
    abs = new URL(raw, base).href;
  } catch {
    /* keep raw */
  }
  return rule.imageUrlTemplate ? rule.imageUrlTemplate.replace('{url}', abs) : abs;
}

/** Cuts from the first footer marker (`footerMarkers`) to the end, plus links to `footerLinkHosts`. */
const stripTrailingFooter: Transform = ({ root, rule }) => {
  const patterns = (rule.footerMarkers ?? []).map(markerPattern);
  const walker = root.ownerDocument.createTreeWalker(root, 4 /* SHOW_TEXT */);
  let hit: { node: Text; index: number } | null = null;
  for (let n = walker.nextNode(); n && !hit; n = walker.nextNode()) {
    for (const re of patterns) {
      const m = re.exec(n.nodeValue ?? '');
      if (m) { hit = { node: n as Text, index: m.index }; break; }
    }
  }
  if (hit) {
    hit.node.nodeValue = (hit.node.nodeValue ?? '').slice(0, hit.index);
    for (let n: Node | null = hit.node; n && n !== root; n = n.parentNode) {
      while (n.nextSibling) n.nextSibling.remove();
    }
    trimTrailing(root);
  }
  const hosts = rule.footerLinkHosts ?? [];
  if (hosts.length) {
    for (const a of queryAll(root, 'a[href]')) {
      let host = '';
      try { host = new URL(a.getAttribute('href') ?? '').hostname; } catch { /* relative: not a footer link */ }
      if (host && hosts.some((h) => hostMatches(`*.${h}`, host))) a.remove();
    }
    trimTrailing(root);
  }
};

/** A test for text whose whole, on one line, is one of `dropLines`; null when the rule has none. */
function adLineTest(rule: SiteRule): ((text: string | null) => boolean) | null {
  const lines = new Set((rule.dropLines ?? []).map((l) => oneLine(l)));
  if (!lines.size) return null;
  // Longer text cannot be one of the lines: it is turned down without being normalised.
  const max = Math.max(...[...lines].map((l) => l.length));
  return (text) => {
    const line = shortLine(text, max);
    return line !== null && lines.has(line);
  };
}

/** Drops elements and text lines whose whole text is one of `dropLines` (e.g. a stray "广告"). */
const dropAdLines: Transform = ({ root, rule }) => {
  const isAdLine = adLineTest(rule);
  if (!isAdLine) return;
  for (const el of queryAll(root, 'p, div, span, li, strong, b')) {
    if (isAdLine(el.textContent) && !el.querySelector('img, picture, video')) el.remove();
  }
  const walker = root.ownerDocument.createTreeWalker(root, 4);
  const drop: Node[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) if (isAdLine(n.nodeValue)) drop.push(n);
  drop.forEach((n) => n.parentNode?.removeChild(n));
};

const SENTENCE_ENDS = '。！？!?';

/**
 * Drops the sentence that says the text stops for subscribers ("您已阅读5%(500字)，剩余95%…订阅以继续探索完整内容…"):
 * the one holding a `paywallText` marker, from the end of the sentence before it to its own end. The page's words
 * for it are not the article's, and the reader says the text is cut in its own note.
 */
const dropPaywallNotice: Transform = ({ root, rule }) => {
  const markers = rule.paywallText ?? [];
  const walker = root.ownerDocument.createTreeWalker(root, 4 /* SHOW_TEXT */);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.nodeValue ?? '';
    const at = Math.max(...markers.map((m) => text.indexOf(m)));
    if (at < 0) continue;
    const start = Math.max(...[...SENTENCE_ENDS].map((c) => text.lastIndexOf(c, at) + 1));
    const ends = [...SENTENCE_ENDS].map((c) => text.indexOf(c, at)).filter((i) => i >= 0);
    n.nodeValue = text.slice(0, start) + (ends.length ? text.slice(Math.min(...ends) + 1) : '');
  }
};

/** Text a labelled ad box may hold besides its label, in characters, and in lines. */
const LABELLED_BOX_CHARS = 100;
const LABELLED_BOX_LINES = 2;
/** Elements that frame an ad under its label. */
const AD_BOX_TAGS = new Set(['div', 'aside', 'section', 'figure']);

/**
 * An ad's label ("Advertisement", "广告": a text whose whole is one of `dropLines`) goes with what it labels. The
 * outermost box (`div`, `aside`, `section`, `figure`) whose first line is the label, over an ad's picture, an empty
 * slot a script fills, or a line or two of the advertiser's text, goes whole; failing one, the outermost element
 * whose whole text is the label and that shows no picture, or the label's text alone. The search starts from the
 * label's text and climbs only while the text stays short: no element's text is read in full.
 */
const dropAdLabels: Transform = ({ root, rule }) => {
  const isAdLine = adLineTest(rule);
  if (!isAdLine) return;
  const max = Math.max(...(rule.dropLines ?? []).map((l) => l.length)) + LABELLED_BOX_CHARS;
  const walker = root.ownerDocument.createTreeWalker(root, 4 /* SHOW_TEXT */);
  const labels: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) if (isAdLine(n.nodeValue)) labels.push(n as Text);
  for (const label of labels) {
    if (!root.contains(label)) continue;
    let box: Element | null = null, line: Element | null = null;
    for (let el = label.parentElement; el && el !== root; el = el.parentElement) {
      // Longer text is turned down unread, and every element further up holds it.
      const text = shortLine(el.textContent, max);
      if (text === null) break;
      if (isAdLine(text) && !el.querySelector('img, picture, video')) line = el;
      if (AD_BOX_TAGS.has(el.localName)) {
        const lines = textLines(el);
        if (lines.length <= 1 + LABELLED_BOX_LINES && isAdLine(lines[0] ?? null) && !holdsArticle(el)) box = el;
      }
    }
    (box ?? line ?? label).remove();
  }
};

/** Words of the class and id of `el`, lower-cased: split at `-`, `_` and camelCase, each neighbouring pair also joined. */
function nameWords(el: Element): Set<string> {
  const words = new Set<string>();
  for (const token of `${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''}`.split(/\s+/)) {
    const parts = token.split(/[-_]+|(?<=[a-z])(?=[A-Z])/).filter(Boolean).map((p) => p.toLowerCase());
    parts.forEach((p, i) => {
      words.add(p);
      if (i > 0) words.add(`${parts[i - 1] ?? ''}${p}`);
    });
  }
  return words;
}

/**
 * Sign-up boxes (`formBoxes`): from each form or email field up to the root, the outermost element named by one
 * of the words that does not hold the article goes. Sanitizing drops the form alone, which left the box's heading
 * and pitch ("Sign up to our morning briefing") in the text.
 */
const dropFormBoxes: Transform = ({ root, rule }) => {
  const f = rule.formBoxes;
  if (!f) return;
  const words = new Set(f.words);
  for (const field of queryAll(root, f.holding)) {
    if (!root.contains(field)) continue;
    let box: Element | null = null;
    for (let el: Element | null = field; el && el !== root; el = el.parentElement) {
      if ([...nameWords(el)].some((w) => words.has(w))) {
        if (holdsArticle(el)) break;
        box = el;
      }
    }
    box?.remove();
  }
};

/** `<p>译者/何黎</p>` → `found.translator = "何黎"`, paragraph removed. Prefixes come from `translator`. */
const translatorCredit: Transform = ({ root, rule, found }) => {
  const prefixes = (rule.translator ?? []).map(escapeRegExp).join('|');
  if (!prefixes) return;
  const re = new RegExp(`^(?:${prefixes})\\s*[/／:：]\\s*(\\S.{0,40})$`);
  // Longest line the pattern accepts (normalised text has single spaces): longer text is turned down unread.
  const max = Math.max(...(rule.translator ?? []).map((p) => p.length)) + 44;
  const candidates = queryAll(root, 'p, div').filter((el) => !el.querySelector('p, div'));
  for (const el of candidates) {
    const m = re.exec(shortLine(el.textContent, max) ?? '');
    if (!m?.[1]) continue;
    found.translator ??= m[1].trim();
    el.remove();
  }
};

/**
 * Consecutive left/right columns (`bilingual`) become `div.qd-pair > div[lang] + div[lang]`; empty pairs go.
 *
 * A cell with a picture and no text is not a row of the translation: FT prints a picture in one
 * column only, in a row of its own, so that column's text runs one row behind the other from there
 * on (the story's last translations sit beside empty cells). Such pictures stand on their own between
 * the pairs, and each column's text cells are paired in order. An empty cell beside text still holds
 * its row (a paragraph left untranslated); rows empty on both sides hold nothing.
 */
const bilingualPairs: Transform = ({ root, rule }) => {
  const b = rule.bilingual;
  if (!b) return;
  const doc = root.ownerDocument;
  const rows: { left: Element; right: Element | null }[] = [];
  for (const left of queryAll(root, b.left)) {
    let right: Element | null = left.nextElementSibling;
    while (right && !right.matches(b.right) && !right.matches(b.left)) right = right.nextElementSibling;
    rows.push({ left, right: right?.matches(b.right) ? right : null });
  }
  const last = rows[rows.length - 1];
  if (!last) return;
  let anchor: Element = last.left;
  const place = (node: Element): void => anchor.before(node);
  const hasText = (cell: Element | null): boolean => !!cell && !isBlank(cell.textContent);
  const isPicture = (cell: Element | null): cell is Element => !!cell && !hasText(cell) && !isEmptyElement(cell);
  const srcs = (cell: Element): string[] => queryAll(cell, 'img').map((i) => i.getAttribute('src') ?? '');
  const standalone = (cell: Element): void => {
    const div = doc.createElement('div');
    moveChildren(cell, div);
    place(div);
  };
  // Each column's cells still to pair; null is a row's missing cell.
  const queues: [(Element | null)[], (Element | null)[]] = [[], []];
  const pairUp = (left: Element | null | undefined, right: Element | null | undefined): void => {
    const pair = doc.createElement('div');
    pair.setAttribute('class', 'qd-pair');
    for (const [col, lang] of [[left, b.leftLang], [right, b.rightLang]] as const) {
      const div = doc.createElement('div');
      div.setAttribute('lang', lang);
      if (col) moveChildren(col, div);
      pair.appendChild(div);
    }
    if (!isEmptyElement(pair)) place(pair);
  };
  for (const { left, right } of rows) {
    anchor = left;
    if (!hasText(left) && !hasText(right)) {
      // The same picture printed in both columns is shown once.
      const shown = isPicture(left) ? srcs(left) : [];
      if (isPicture(left)) standalone(left);
      if (isPicture(right) && !srcs(right).every((s) => shown.includes(s))) standalone(right);
    } else {
      [left, right].forEach((cell, side) => {
        if (isPicture(cell)) standalone(cell);
        else queues[side]?.push(cell);
      });
    }
    while (queues[0].length && queues[1].length) pairUp(queues[0].shift(), queues[1].shift());
  }
  anchor = last.left;
  while (queues[0].length || queues[1].length) pairUp(queues[0].shift(), queues[1].shift());
  for (const { left, right } of rows) {
    left.remove();
    right?.remove();
  }
};

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * Each live-blog post becomes `section.qd-post` with a `<time>`, author, heading and its text. The blog was
 * published with its first post and updated with its latest: the page prints no time of its own, and its first
 * `.story-time` is a pinned post's, wherever that falls.
 */
const liveBlogPosts: Transform = ({ root, rule, found }) => {
  const lb = rule.liveBlog;
  if (!lb) return;
  const doc = root.ownerDocument;
  const times: string[] = [];
  for (const post of queryAll(root, lb.post)) {
    const section = doc.createElement('section');
    section.setAttribute('class', 'qd-post');
    const timeEl = queryOne(post, lb.time);
    const iso = parseDate(timeEl?.getAttribute(lb.timeAttr) ?? null) ?? parseDate(oneLine(timeEl?.textContent));
    const author = oneLine(queryOne(post, lb.author)?.textContent);
    const heading = queryOne(post, lb.heading);
    const meta = doc.createElement('p');
    meta.setAttribute('class', 'qd-post-meta');
    if (iso) {
      times.push(iso);
      const time = doc.createElement('time');
      time.setAttribute('datetime', iso);
      const local = new Date(Date.parse(iso) + DEFAULT_TZ_OFFSET_MINUTES * 60_000);
      time.textContent = `${local.getUTCFullYear()}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())} ${two(local.getUTCHours())}:${two(local.getUTCMinutes())}`;
      meta.appendChild(time);
    }
    if (author) meta.appendChild(doc.createTextNode(`${iso ? ' · ' : ''}${author}`));
    if (meta.childNodes.length) section.appendChild(meta);
    if (heading) {
      const h = doc.createElement('h2');
      h.textContent = oneLine(heading.textContent);
      section.appendChild(h);
      heading.remove();
    }
    for (const sel of [lb.time, lb.author]) queryAll(post, sel).forEach((e) => e.remove());
    for (const el of Array.from(post.children)) if (isEmptyElement(el)) el.remove();
    moveChildren(post, section);
    post.replaceWith(section);
  }
  // ISO 8601 UTC strings sort as times do.
  times.sort();
  const [first] = times, last = times[times.length - 1];
  if (first && last) {
    found.published = first;
    if (last !== first) found.updated = last;
  }
};

/** When the body is empty, text from hidden textareas (`textareaSources`: JSON of translations, or plain text). */
const hiddenTextareaText: Transform = ({ doc, root, rule }) => {
  if (shortLine(root.textContent, 20) === null) return;
  for (const sel of rule.textareaSources ?? []) {
    const raw = (queryOne(doc, sel) as HTMLTextAreaElement | null)?.value ?? '';
    if (!raw.trim()) continue;
    let paras: string[] = [];
    try {
      const data: unknown = JSON.parse(raw);
      if (Array.isArray(data)) {
        paras = data.map((item: unknown) => {
          const it = item as { translations?: unknown[]; text?: unknown };
          const t = Array.isArray(it.translations) ? it.translations[0] : it.text;
          return typeof t === 'string' ? t : '';
        });
      }
    } catch {
      paras = raw.split(/\n+/);
    }
    for (const p of paras.map((s) => s.replace(/<[^>]*>/g, '').trim()).filter(Boolean)) {
      const el = doc.createElement('p');
      el.textContent = p;
      root.appendChild(el);
    }
    if (paras.length) return;
  }
};

/**
 * A picture block (`figures`) with one image becomes `figure > img`, and the text beside the image its
 * `figcaption`: FT writes the caption as bare text (or a paragraph) after the `<picture>`, which read
 * as body text run on from the picture. Blocks of several images are layouts and stay as they are.
 */
const pictureCaptions: Transform = ({ root, rule }) => {
  const doc = root.ownerDocument;
  for (const sel of rule.figures ?? []) {
    for (const block of queryAll(root, sel)) {
      const imgs = queryAll(block, 'img');
      const img = imgs[0];
      if (imgs.length !== 1 || !img || !block.parentNode) continue;
      const picture = img.parentElement?.closest('picture');
      const media = picture && block.contains(picture) ? picture : img;
      media.remove();
      const figure = doc.createElement('figure');
      figure.appendChild(media);
      if (!isBlank(block.textContent)) {
        const caption = doc.createElement('figcaption');
        moveChildren(block, caption);
        figure.appendChild(caption);
      }
      block.replaceWith(figure);
    }
  }
};

/**
 * An embed a script draws (`embedPicture`) is an empty box in a saved page: it becomes the still
 * picture its provider serves for it, linked to the live one.
 */
const embedPictures: Transform = ({ root, rule }) => {
  const e = rule.embedPicture;
  if (!e) return;
  const re = new RegExp(e.pattern);
  const doc = root.ownerDocument;
  for (const el of queryAll(root, e.selector)) {
    const id = re.exec(el.getAttribute(e.attr) ?? '')?.[1];
    if (!id) continue;
    const figure = doc.createElement('figure');
    const link = doc.createElement('a');
    link.setAttribute('href', e.link.replace('{id}', id));
    const img = doc.createElement('img');
    img.setAttribute('src', e.image.replace('{id}', id));
    img.setAttribute('alt', e.alt);
    link.appendChild(img);
    figure.appendChild(link);
    el.replaceWith(figure);
  }
};

export const TRANSFORMS: Readonly<Record<string, Transform>> = {
  'unlazy-figures': unlazyFigures,
  'strip-trailing-footer': stripTrailingFooter,
  'drop-ad-lines': dropAdLines,
  'drop-paywall-notice': dropPaywallNotice,
  'drop-ad-labels': dropAdLabels,
  'drop-form-boxes': dropFormBoxes,
  'translator-credit': translatorCredit,
  'bilingual-pairs': bilingualPairs,
  'live-blog-posts': liveBlogPosts,
  'hidden-textarea-text': hiddenTextareaText,
  'picture-captions': pictureCaptions,
  'embed-pictures': embedPictures,
};

export const TRANSFORM_NAMES: readonly string[] = Object.keys(TRANSFORMS);

/** Text lines of an element (re-exported for rule-driven metadata). */
export { textLines };
