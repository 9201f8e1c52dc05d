/**
 * The generic rule interpreter. Works on a working copy of the page (never
 * the live document) in a fixed order — the order is load-bearing:
 *
 *   1. read signals that removals would destroy (pagination → full text link, paywall);
 *   2. read metadata fields by selector (title, lead, image, byline, times);
 *   3. remove the rules' `remove` selectors everywhere (a generic rule's never take the article: `holdsArticle`);
 *   4. choose the content root (first `content` selector that matches, else `<body>`), and move the `prepend` parts to its start;
 *   5. run the rule's named transforms on that root.
 */
import type { FieldSelector, SiteRule } from './schema';
import { TRANSFORMS, imageUrl, type TransformContext } from './transforms';
import { holdsArticle, oneLine, queryAll, queryOne, textLines, unquotedAttribute } from '../dom';
import { parseDate, parseLabelledDate } from '../dates';
import { absoluteUrl, keepOnlyParams } from '../url';

export interface RuleFields {
  title: string | null;
  lead: string | null;
  leadImage: string | null;
  /** The hero picture's caption, on one line. */
  leadImageCaption: string | null;
  byline: string | null;
  published: string | null;
  updated: string | null;
  translator: string | null;
  /** A note the page prints about its text (see `SiteRule.notes`), on one line. */
  note: string | null;
  fullTextUrl: string | null;
  paginated: boolean;
  paywalled: boolean;
}

export interface AppliedRules {
  fields: RuleFields;
  /** The content root chosen by a site rule, or null when no rule named one (generic extraction follows). */
  content: Element | null;
}

type Reader = (el: Element, source: string | undefined) => string | null;

function readFirst(doc: Document, selectors: readonly FieldSelector[] | undefined, read: Reader): string | null {
  for (const s of selectors ?? []) {
    const [sel, source] = typeof s === 'string' ? [s, undefined] : s;
    for (const el of queryAll(doc, sel)) {
      const v = read(el, source);
      if (v) return v;
    }
  }
  return null;
}

const readText: Reader = (el, source) => (source ? el.getAttribute(source) : textLines(el).join('\n')) || null;
/** A field shown on one line (a byline, a caption). */
const readLine: Reader = (el, source) => oneLine(source ? el.getAttribute(source) : el.textContent) || null;

const LABELLED = 'labelled:';
const RAW = 'raw:';

/** The labels a field's `text:<label>` sources read a date after ("发布于", "更新于"). */
function textLabels(selectors: readonly FieldSelector[] | undefined): string[] {
  return (selectors ?? []).flatMap((s) => (typeof s !== 'string' && s[1].startsWith('text:') ? [s[1].slice(5)] : []));
}

/** Of `labels`, the one written last in `text`, or null when none is. */
function lastLabel(text: string, labels: readonly string[]): string | null {
  let best: string | null = null, at = -1;
  for (const l of labels) {
    const i = text.lastIndexOf(l);
    if (i > at) [best, at] = [l, i];
  }
  return best;
}

/**
 * Reads a field's times. `labelled:<attr>` reads the attribute only when the element's text gives it this field's
 * meaning: the last of the rule's time labels in it (the `text:` labels of `published` and `updated`) is one of
 * this field's, or, for `published`, the text has none. FT prints one stamp, `data-time`, as "发布于…" or "更新于…"
 * (or "发布于… 更新于…", the stamp being the update), and its script rewrites the text from it keeping the label.
 */
function dateReader(own: readonly string[], other: readonly string[], unlabelledIsOwn: boolean): Reader {
  return (el, source) => {
    if (!source) return parseDate(oneLine(el.textContent));
    if (source === 'text') return parseDate(oneLine(el.textContent));
    if (source.startsWith('text:')) return parseLabelledDate(oneLine(el.textContent), source.slice(5));
    if (source.startsWith(LABELLED)) {
      const label = lastLabel(el.textContent ?? '', [...own, ...other]);
      if (label === null ? !unlabelledIsOwn : !own.includes(label)) return null;
      source = source.slice(LABELLED.length);
    }
    return parseDate(el.getAttribute(source)) ?? parseDate(unquotedAttribute(el, source));
  };
}

function readFields(doc: Document, rule: SiteRule, url: string): RuleFields {
  const lazy = new Set(rule.lazyImageAttrs ?? []);
  // `raw:<attr>`: the lazy URL as the page gives it, not through `imageUrlTemplate` (whose size would crop this picture).
  const readImage: Reader = (el, source) => {
    const asGiven = source?.startsWith(RAW) ?? false;
    const attr = asGiven ? source?.slice(RAW.length) : source;
    const raw = attr ? el.getAttribute(attr)?.trim() : null;
    if (!raw || raw.startsWith('data:')) return null;
    return absoluteUrl(!asGiven && lazy.has(attr ?? '') ? imageUrl(raw, rule, url) : raw, url);
  };
  let fullTextUrl: string | null = null;
  let paginated = false;
  if (rule.fullText && queryOne(doc, rule.fullText.container)) {
    paginated = true;
    const href = queryOne(doc, `${rule.fullText.container} ${rule.fullText.link}`)?.getAttribute('href');
    const abs = absoluteUrl(href, url);
    // Same site, same path: keep the page's own scheme and host (links may say http://).
    const here = absoluteUrl(url, url);
    const same = abs && here ? new URL(new URL(abs).pathname + new URL(abs).search, here).href : abs;
    fullTextUrl = same ? keepOnlyParams(same, rule.fullText.keepParams ?? []) : null;
  }
  const bodyText = (rule.paywallText?.length ? doc.body?.textContent : '') ?? '';
  const paywalled =
    (rule.paywall ?? []).some((s) => queryOne(doc, s) !== null) ||
    (rule.paywallText ?? []).some((t) => bodyText.includes(t));
  const publishedLabels = textLabels(rule.published), updatedLabels = textLabels(rule.updated);
  const title = readFirst(doc, rule.title, readText);
  const lead = readFirst(doc, rule.lead, readText);
  return {
    title: title ? textLinesJoin(title, ' / ') : null,
    lead,
    leadImage: readFirst(doc, rule.leadImage, readImage),
    leadImageCaption: readFirst(doc, rule.leadImageCaption, readLine),
    byline: readFirst(doc, rule.byline, readLine),
    published: readFirst(doc, rule.published, dateReader(publishedLabels, updatedLabels, true)),
    updated: readFirst(doc, rule.updated, dateReader(updatedLabels, publishedLabels, false)),
    translator: null,
    note: readFirst(doc, rule.notes, (el) => oneLine(el.textContent) || null),
    fullTextUrl,
    paginated,
    paywalled,
  };
}

function textLinesJoin(text: string, sep: string): string {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).join(sep);
}

/** Pseudo-classes and sibling combinators: what such a selector matches can change as earlier removals happen. */
const ORDER_SENSITIVE = /[:+~]/;

/** A lone tag name, class or id: matched by one walk over the document, without a selector engine. */
const SIMPLE = /^([.#]?)(-?[_a-zA-Z][-_a-zA-Z0-9]*)$/;

/**
 * The elements matching any of `simple` (selectors SIMPLE accepts), in
 * document order. jsdom's selector engine takes about 20 µs per element for
 * a list of 40 classes (28 ms on an FT page of 1,355 elements); this walk
 * takes 3 ms there, and about as long as querySelectorAll in a browser.
 */
function matchSimple(doc: Document, simple: readonly string[]): Element[] {
  const tags = new Set<string>();
  const classes = new Set<string>();
  const ids = new Set<string>();
  for (const sel of simple) {
    const [, kind, name = ''] = SIMPLE.exec(sel) ?? [];
    (kind === '.' ? classes : kind === '#' ? ids : tags).add(kind ? name : name.toLowerCase());
  }
  const found: Element[] = [];
  const root = doc.documentElement;
  if (!root) return found;
  const walker = doc.createTreeWalker(root, 1 /* NodeFilter.SHOW_ELEMENT */);
  for (let el = walker.currentNode as Element | null; el; el = walker.nextNode() as Element | null) {
    if (tags.has(el.localName)) found.push(el);
    else if (ids.size && ids.has(el.getAttribute('id') ?? '')) found.push(el);
    else if (classes.size) {
      const cls = el.getAttribute('class');
      if (cls && cls.split(/[ \t\n\f\r]+/).some((c) => classes.has(c))) found.push(el);
    }
  }
  return found;
}

/**
 * Removes every element matching any of `selectors`, in the order given. When
 * no selector's match depends on earlier removals, everything is found first
 * and then removed: lone tags, classes and ids by one walk (`matchSimple`),
 * the rest by one query for them all (a document walk per selector costs far
 * more). Otherwise, or when the list as a whole is refused (one selector this
 * DOM does not support must not spare what the others match), one query per
 * selector. Quirks-mode pages match classes and ids without regard to case,
 * so they go through the selector engine. An element `spare` accepts stays.
 */
function removeAll(doc: Document, selectors: readonly string[], spare?: (el: Element) => boolean): void {
  if (!selectors.length) return;
  const remove = (el: Element | undefined): void => {
    if (el && !spare?.(el)) el.remove();
  };
  if (!selectors.some((s) => ORDER_SENSITIVE.test(s))) {
    const simple = doc.compatMode === 'CSS1Compat' ? selectors.filter((s) => SIMPLE.test(s)) : [];
    const rest = selectors.filter((s) => !simple.includes(s));
    let found: ArrayLike<Element> | null = null;
    try {
      found = rest.length ? doc.querySelectorAll(rest.join(', ')) : [];
    } catch {
      /* fall through to one selector at a time */
    }
    if (found) {
      const matched = simple.length ? matchSimple(doc, simple) : [];
      for (const el of matched) remove(el);
      for (let i = 0; i < found.length; i++) remove(found[i]);
      return;
    }
  }
  for (const sel of selectors) queryAll(doc, sel).forEach(remove);
}

/**
 * Applies the site rule (if any) and the generic rules to `doc`, which must
 * be a working copy: it is modified in place.
 */
export function applyRules(doc: Document, url: string, site: SiteRule | null, generic: readonly SiteRule[]): AppliedRules {
  const empty: RuleFields = {
    title: null, lead: null, leadImage: null, leadImageCaption: null, byline: null, published: null, updated: null,
    translator: null, note: null, fullTextUrl: null, paginated: false, paywalled: false,
  };
  const fields = site ? readFields(doc, site, url) : empty;
  const rules = site ? [site, ...generic] : [...generic];
  removeAll(doc, site?.remove ?? []);
  // A generic rule names boxes by their class alone, on pages nobody checked it against: it never takes the article.
  removeAll(doc, generic.flatMap((rule) => rule.remove ?? []), holdsArticle);
  let content: Element | null = null;
  for (const sel of site?.content ?? []) {
    content = queryOne(doc, sel);
    if (content) break;
  }
  if (content) {
    for (const sel of [...(site?.prepend ?? [])].reverse()) {
      const part = queryOne(doc, sel);
      if (part && !part.contains(content) && !content.contains(part)) content.prepend(part);
    }
  }
  const root = content ?? doc.body;
  if (root) {
    const found: TransformContext['found'] = {};
    for (const rule of rules) {
      for (const name of rule.transforms ?? []) TRANSFORMS[name]?.({ doc, root, rule, url, found });
    }
    fields.translator = found.translator ?? null;
    if (found.published) [fields.published, fields.updated] = [found.published, found.updated ?? null];
  }
  return { fields, content };
}
