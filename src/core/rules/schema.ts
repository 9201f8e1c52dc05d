/**
 * Site rules are plain JSON data (one file per site under `src/rules/sites/`).
 * Everything a rule can say is declared here; `validateRule` checks a parsed
 * object against it and reports every problem with its file and field, so a
 * bad rule is rejected whole and never half-applied.
 */
import { TRANSFORM_NAMES } from './transforms.ts';

/**
 * A CSS selector, or `[selector, source]` where source is an attribute name, `text:<label>` (the date after a label),
 * or, in `published` and `updated`, `labelled:<attribute>`: a time whose meaning the element's text gives by its
 * label (the last of the `text:` labels of those two fields in it; no label counts as published), or, in
 * `leadImage`, `raw:<attribute>`: a lazy image URL as the page gives it, without `imageUrlTemplate`.
 */
export type FieldSelector = string | [string, string];

export interface SiteRule {
  /** Unique id, kebab-case. */
  id: string;
  /** Shown as `Article.siteName`. */
  siteName?: string;
  /** The name the site gives itself on particular hosts instead (a Traditional Chinese edition, say), by exact host. */
  siteNameHosts?: Record<string, string>;
  match: {
    /** `example.com` = that host only; `*.example.com` = it and any subdomain; `*` = every host. */
    hosts: string[];
    /** Regexes tested against the URL path; any may match. Absent = every path. */
    paths?: string[];
  };
  /** Removed everywhere in the working copy, before content is taken. */
  remove?: string[];
  /** Body containers; the first that matches wins. */
  content?: string[];
  /** Parts of the article printed outside the body container (an audio player above the text): moved to its start, in order. */
  prepend?: string[];
  title?: FieldSelector[];
  lead?: FieldSelector[];
  leadImage?: FieldSelector[];
  /** The hero picture's caption, when the page prints it outside the body: it goes under the picture put first in the body. */
  leadImageCaption?: FieldSelector[];
  byline?: FieldSelector[];
  published?: FieldSelector[];
  updated?: FieldSelector[];
  /** Paragraph prefixes that credit a translator, e.g. `译者` in `译者/何黎`. */
  translator?: string[];
  /** Attributes that hold an image URL before a page's script loads it. */
  lazyImageAttrs?: string[];
  /** Builds an image URL from a lazy one: `{url}` is replaced by the raw URL. */
  imageUrlTemplate?: string;
  /**
   * Image URLs whose start is a key get that start replaced by its value, in the body and the hero image (first key
   * that matches wins): an old image host only reachable over http becomes the https host that now serves it.
   */
  imageUrlRewrites?: Record<string, string>;
  /** Where the single-page text is when the page is one of several. */
  fullText?: { container: string; link: string; keepParams?: string[] };
  /** Selectors whose presence means the text is cut by a paywall. */
  paywall?: string[];
  /** Texts whose presence means the same. */
  paywallText?: string[];
  /** Lines whose whole text equals one of these are dropped (e.g. a stray "广告"). */
  dropLines?: string[];
  /** Labels a site prints before a headline for a promotion ("【限免】"): dropped from the start of the title. */
  dropTitlePrefixes?: string[];
  /** Text that starts a trailing footer: it and everything after it are dropped. */
  footerMarkers?: string[];
  /** Hosts of links that may sit in such a footer. */
  footerLinkHosts?: string[];
  canonical?: {
    dropParams?: string[];
    /**
     * Hosts that serve one story at the same path (mirrors of one site): a story saved or imported from any of them
     * is one library entry, its id keyed by the first. Exact hosts. Ids depend on this list: a change to it needs a
     * storage migration that re-keys saved articles (see src/storage/migrations.ts).
     */
    storyHosts?: string[];
  };
  /** Two-column bilingual text: each `left` block and the next `right` block become one aligned pair. */
  bilingual?: { left: string; right: string; leftLang: string; rightLang: string };
  /** Live-blog posts: container, time element (+ attribute holding the time), author, heading. */
  liveBlog?: { post: string; time: string; timeAttr: string; author: string; heading: string };
  /**
   * Embeds a script draws (charts): each element matching `selector` becomes the still picture `image`
   * linked to `link`, both with `{id}` replaced by the first group `pattern` finds in its `attr`.
   */
  embedPicture?: { selector: string; attr: string; pattern: string; image: string; link: string; alt: string };
  /**
   * What a page says about its text outside the body, such as that it was machine-translated: the text of the first
   * match is kept as the body's first paragraph (`p.qd-note`), so the reader and every export say it too.
   */
  notes?: string[];
  /**
   * Sign-up boxes: an element one of whose class or id words (split at `-`, `_` and between camelCase words, each
   * pair of neighbouring words also joined: `sign-up` gives `sign`, `up` and `signup`) is one of `words`, holding an
   * element that matches `holding` (a form, an email field). The outermost such element goes, never one that holds
   * the article (see `holdsArticle`).
   */
  formBoxes?: { words: string[]; holding: string };
  /** Picture blocks holding one image and its caption as text beside it: each becomes `figure > img + figcaption`. */
  figures?: string[];
  /** Hidden textareas that hold the body when a page's script renders it (used only when the body is empty). */
  textareaSources?: string[];
  lang?: { default?: string; hosts?: Record<string, string>; paths?: Record<string, string> };
  /** Named transforms from the registry in `transforms.ts`, run in order. */
  transforms?: string[];
}

export interface RuleProblem {
  file: string;
  field: string;
  message: string;
}

export type RuleValidation = { ok: true; rule: SiteRule } | { ok: false; problems: RuleProblem[] };

const SELECTOR_FIELDS = ['remove', 'content', 'prepend', 'paywall', 'notes', 'figures', 'textareaSources'] as const;
const FIELD_SELECTOR_FIELDS = ['title', 'lead', 'leadImage', 'leadImageCaption', 'byline', 'published', 'updated'] as const;
const STRING_LIST_FIELDS = ['translator', 'lazyImageAttrs', 'paywallText', 'dropLines', 'dropTitlePrefixes', 'footerMarkers', 'footerLinkHosts'] as const;
const OTHER_FIELDS = [
  'id', 'siteName', 'siteNameHosts', 'match', 'imageUrlTemplate', 'imageUrlRewrites', 'fullText', 'bilingual', 'liveBlog', 'embedPicture', 'formBoxes', 'canonical', 'lang', 'transforms', '$comment',
] as const;

/** Characters and words a selector never needs, but code or markup smuggled into one does. */
const UNSAFE_SELECTOR = /[<>{};\\`]|javascript:|expression\s*\(|url\s*\(|@import/i;
const ATTRIBUTE_NAME = /^[a-zA-Z_:][-a-zA-Z0-9_:.]*$/;
/** `http(s)://host/` and a path: a prefix that cannot end inside the host (`https://a.com` would match `https://a.com.evil`). */
const URL_PREFIX = /^https?:\/\/[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+\/[^\s"'<>{}\\]*$/;
const HOST_PATTERN = /^(?:\*|(?:\*\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+)$/;

/**
 * Checks one selector: conservative character rules first, then (when a
 * document is at hand) a real `querySelector` on it inside try/catch.
 */
export function isSafeSelector(selector: unknown, probe?: Document | null): boolean {
  if (typeof selector !== 'string' || selector.trim() === '' || selector.length > 500) return false;
  if (UNSAFE_SELECTOR.test(selector)) return false;
  if (probe) {
    try {
      probe.querySelector(selector);
    } catch {
      return false;
    }
  }
  return true;
}

function isRecordOfStrings(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

/**
 * Validates a parsed JSON rule. `file` names it in problem reports; `probe`
 * (any document, e.g. `document.implementation.createHTMLDocument()`) lets
 * selectors be checked by the DOM's own parser as well.
 */
export function validateRule(data: unknown, file = '<rule>', probe?: Document | null): RuleValidation {
  const problems: RuleProblem[] = [];
  const bad = (field: string, message: string): void => void problems.push({ file, field, message });
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, problems: [{ file, field: '(root)', message: 'a rule must be a JSON object' }] };
  }
  const r = data as Record<string, unknown>;
  // Made here, not beside the lists: a set made as the module loads stayed in the scripts that run rules, which carry no validator.
  const known = new Set<string>([...OTHER_FIELDS, ...SELECTOR_FIELDS, ...FIELD_SELECTOR_FIELDS, ...STRING_LIST_FIELDS]);
  for (const key of Object.keys(r)) if (!known.has(key)) bad(key, 'unknown field');
  if (typeof r.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(r.id)) bad('id', 'must be a kebab-case string');
  if (r.siteName !== undefined && typeof r.siteName !== 'string') bad('siteName', 'must be a string');
  if (r.siteNameHosts !== undefined && !(isRecordOfStrings(r.siteNameHosts) && Object.keys(r.siteNameHosts).every((h) => h !== '*' && !h.startsWith('*.') && HOST_PATTERN.test(h)))) {
    bad('siteNameHosts', 'must map hosts to site names');
  }

  const match = r.match as Record<string, unknown> | undefined;
  if (typeof match !== 'object' || match === null) bad('match', 'must be an object with hosts');
  else {
    if (!Array.isArray(match.hosts) || match.hosts.length === 0) bad('match.hosts', 'must be a non-empty array');
    else match.hosts.forEach((h, i) => {
      if (typeof h !== 'string' || !HOST_PATTERN.test(h)) bad(`match.hosts[${i}]`, `not a host pattern: ${String(h)}`);
    });
    if (match.paths !== undefined) {
      if (!Array.isArray(match.paths)) bad('match.paths', 'must be an array of regexes');
      else match.paths.forEach((p, i) => {
        try {
          if (typeof p !== 'string') throw new Error();
          new RegExp(p);
        } catch {
          bad(`match.paths[${i}]`, 'not a valid regex string');
        }
      });
    }
  }

  for (const f of SELECTOR_FIELDS) {
    const v = r[f];
    if (v === undefined) continue;
    if (!Array.isArray(v)) bad(f, 'must be an array of selectors');
    else v.forEach((s, i) => {
      if (!isSafeSelector(s, probe)) bad(`${f}[${i}]`, `not a safe CSS selector: ${JSON.stringify(s)}`);
    });
  }
  for (const f of FIELD_SELECTOR_FIELDS) {
    const v = r[f];
    if (v === undefined) continue;
    if (!Array.isArray(v)) { bad(f, 'must be an array'); continue; }
    v.forEach((s, i) => {
      const [sel, src] = Array.isArray(s) ? s : [s, undefined];
      if (Array.isArray(s) && s.length !== 2) bad(`${f}[${i}]`, 'a pair must be [selector, attribute]');
      if (!isSafeSelector(sel, probe)) bad(`${f}[${i}]`, `not a safe CSS selector: ${JSON.stringify(sel)}`);
      const labelled = typeof src === 'string' && src.startsWith('labelled:');
      const raw = typeof src === 'string' && src.startsWith('raw:');
      if (labelled && !((f === 'published' || f === 'updated') && ATTRIBUTE_NAME.test(src.slice(9)))) {
        bad(`${f}[${i}]`, `labelled:<attribute> is for published and updated times: ${JSON.stringify(src)}`);
      } else if (raw && !(f === 'leadImage' && ATTRIBUTE_NAME.test(src.slice(4)))) {
        bad(`${f}[${i}]`, `raw:<attribute> is for the lead image: ${JSON.stringify(src)}`);
      } else if (src !== undefined && !labelled && (typeof src !== 'string' || !(ATTRIBUTE_NAME.test(src) || /^text(?::\S{1,20})?$/.test(src)))) {
        bad(`${f}[${i}]`, `not an attribute name, text:<label> or labelled:<attribute>: ${JSON.stringify(src)}`);
      }
    });
  }
  for (const f of STRING_LIST_FIELDS) {
    const v = r[f];
    if (v !== undefined && (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.length > 0))) bad(f, 'must be an array of non-empty strings');
  }
  if (Array.isArray(r.lazyImageAttrs)) r.lazyImageAttrs.forEach((a, i) => {
    if (typeof a === 'string' && !ATTRIBUTE_NAME.test(a)) bad(`lazyImageAttrs[${i}]`, 'not an attribute name');
  });
  if (r.imageUrlTemplate !== undefined && (typeof r.imageUrlTemplate !== 'string' || !/^https:\/\/[^\s"'<>]*\{url\}$/.test(r.imageUrlTemplate))) {
    bad('imageUrlTemplate', 'must be an https URL ending in {url}');
  }
  if (r.imageUrlRewrites !== undefined) {
    const w = r.imageUrlRewrites;
    if (!isRecordOfStrings(w) || Object.keys(w).length === 0) bad('imageUrlRewrites', 'must map URL prefixes to https URL prefixes');
    else for (const [from, to] of Object.entries(w)) {
      if (!URL_PREFIX.test(from)) bad('imageUrlRewrites', `not an http(s) URL prefix with a host and a path: ${JSON.stringify(from)}`);
      if (!URL_PREFIX.test(to) || !to.startsWith('https://')) bad('imageUrlRewrites', `not an https URL prefix with a host and a path: ${JSON.stringify(to)}`);
    }
  }
  if (r.fullText !== undefined) {
    const ft = r.fullText as Record<string, unknown>;
    if (typeof ft !== 'object' || ft === null) bad('fullText', 'must be an object');
    else {
      if (!isSafeSelector(ft.container, probe)) bad('fullText.container', 'not a safe CSS selector');
      if (!isSafeSelector(ft.link, probe)) bad('fullText.link', 'not a safe CSS selector');
      if (ft.keepParams !== undefined && !(Array.isArray(ft.keepParams) && ft.keepParams.every((x) => typeof x === 'string'))) bad('fullText.keepParams', 'must be an array of strings');
    }
  }
  for (const [field, keys, selectorKeys] of [
    ['bilingual', ['left', 'right', 'leftLang', 'rightLang'], ['left', 'right']],
    ['liveBlog', ['post', 'time', 'timeAttr', 'author', 'heading'], ['post', 'time', 'author', 'heading']],
  ] as const) {
    const v = r[field] as Record<string, unknown> | undefined;
    if (v === undefined) continue;
    if (typeof v !== 'object' || v === null) { bad(field, 'must be an object'); continue; }
    for (const k of keys) if (typeof v[k] !== 'string' || v[k] === '') bad(`${field}.${k}`, 'must be a non-empty string');
    for (const k of selectorKeys) if (typeof v[k] === 'string' && !isSafeSelector(v[k], probe)) bad(`${field}.${k}`, 'not a safe CSS selector');
  }
  if (r.embedPicture !== undefined) {
    const e = r.embedPicture as Record<string, unknown>;
    if (typeof e !== 'object' || e === null) bad('embedPicture', 'must be an object');
    else {
      if (!isSafeSelector(e.selector, probe)) bad('embedPicture.selector', 'not a safe CSS selector');
      if (typeof e.attr !== 'string' || !ATTRIBUTE_NAME.test(e.attr)) bad('embedPicture.attr', 'not an attribute name');
      try {
        if (typeof e.pattern !== 'string' || new RegExp(`${e.pattern}|`).exec('')?.length !== 2) throw new Error();
      } catch {
        bad('embedPicture.pattern', 'must be a regex with one group');
      }
      for (const k of ['image', 'link'] as const) {
        if (typeof e[k] !== 'string' || !/^https:\/\/[^\s"'<>{}]+\{id\}[^\s"'<>{}]*$/.test(e[k])) bad(`embedPicture.${k}`, 'must be an https URL with {id}');
      }
      if (typeof e.alt !== 'string') bad('embedPicture.alt', 'must be a string');
    }
  }
  if (r.formBoxes !== undefined) {
    const f = r.formBoxes as Record<string, unknown>;
    if (typeof f !== 'object' || f === null) bad('formBoxes', 'must be an object');
    else {
      if (!Array.isArray(f.words) || !f.words.length || !f.words.every((w) => typeof w === 'string' && /^[a-z0-9]+$/.test(w))) {
        bad('formBoxes.words', 'must be a non-empty array of lower-case words (letters and digits)');
      }
      if (!isSafeSelector(f.holding, probe)) bad('formBoxes.holding', 'not a safe CSS selector');
    }
  }
  if (r.canonical !== undefined) {
    const c = r.canonical as Record<string, unknown>;
    if (typeof c !== 'object' || c === null || (c.dropParams !== undefined && !(Array.isArray(c.dropParams) && c.dropParams.every((x) => typeof x === 'string')))) {
      bad('canonical.dropParams', 'must be an array of strings');
    }
    const hosts = typeof c === 'object' && c !== null ? c.storyHosts : undefined;
    if (hosts !== undefined && !(Array.isArray(hosts) && hosts.length > 1 && hosts.every((h) => typeof h === 'string' && h !== '*' && !h.startsWith('*.') && HOST_PATTERN.test(h)))) {
      bad('canonical.storyHosts', 'must be an array of two or more exact lower-case hosts');
    }
  }
  if (r.lang !== undefined) {
    const l = r.lang as Record<string, unknown>;
    if (typeof l !== 'object' || l === null) bad('lang', 'must be an object');
    else {
      if (l.default !== undefined && typeof l.default !== 'string') bad('lang.default', 'must be a string');
      if (l.hosts !== undefined && !isRecordOfStrings(l.hosts)) bad('lang.hosts', 'must map hosts to language tags');
      if (l.paths !== undefined && !isRecordOfStrings(l.paths)) bad('lang.paths', 'must map path regexes to language tags');
      else if (l.paths) for (const p of Object.keys(l.paths)) {
        try { new RegExp(p); } catch { bad('lang.paths', `not a valid regex: ${p}`); }
      }
    }
  }
  if (r.transforms !== undefined) {
    if (!Array.isArray(r.transforms)) bad('transforms', 'must be an array of names');
    else r.transforms.forEach((t, i) => {
      if (typeof t !== 'string' || !TRANSFORM_NAMES.includes(t)) bad(`transforms[${i}]`, `unknown transform: ${JSON.stringify(t)}`);
    });
  }
  return problems.length ? { ok: false, problems } : { ok: true, rule: r as unknown as SiteRule };
}
