/**
 * The one DOMPurify configuration for article bodies. DOMPurify needs a
 * window: the page's own in a content script, jsdom's or happy-dom's in Node.
 * One purifier (with its hook) is kept per window.
 */
import createDOMPurify, { type Config, type DOMPurify, type WindowLike } from 'dompurify';

/** Tags never kept: active content, embedded documents, forms, and chrome that has no place in a reader. */
export const FORBID_TAGS = [
  'script', 'style', 'link', 'meta', 'base', 'noscript', 'template', 'iframe', 'frame', 'frameset', 'object',
  'embed', 'applet', 'form', 'input', 'button', 'textarea', 'select', 'option', 'fieldset', 'dialog', 'canvas', 'svg', 'math',
  // A default text track is fetched as soon as its video is in a document, whatever `preload` says.
  'track',
];

/**
 * Presentation and identity attributes dropped (`id` could clobber globals in the reader page; `style` may carry url()).
 * `background` (tables, cells) and `poster` (video) make the browser fetch an image by itself, from wherever
 * they point, whenever the body is shown: a saved article never reaches the network on its own.
 */
export const FORBID_ATTR = [
  'style', 'id', 'name', 'srcset', 'sizes', 'target', 'loading', 'decoding', 'tabindex', 'contenteditable',
  'background', 'poster', 'autoplay', 'ping',
];

/** Only classes with this prefix survive: the reader styles them (pairs, live posts). */
export const KEPT_CLASS_PREFIX = 'qd-';

export const SANITIZE_CONFIG: Config = {
  FORBID_TAGS,
  FORBID_ATTR,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  SAFE_FOR_TEMPLATES: false,
};

/**
 * Two purifiers per window, one returning HTML and one a DOM element, each
 * with its configuration set once: passed on every call instead, DOMPurify
 * rebuilds its allow-lists each time (about 8% of sanitizing 20,000 bodies in
 * an import, measured in Chromium).
 */
const purifiers = new WeakMap<object, { html: DOMPurify; dom: DOMPurify }>();

function keepClassesAndLinks(node: Node): void {
  const el = node as Element;
  if (typeof el.getAttribute !== 'function') return;
  const cls = el.getAttribute('class');
  if (cls !== null) {
    const kept = cls.split(/\s+/).filter((c) => c.startsWith(KEPT_CLASS_PREFIX));
    if (kept.length) el.setAttribute('class', kept.join(' '));
    else el.removeAttribute('class');
  }
  if (el.tagName === 'A' && el.hasAttribute('href')) el.setAttribute('rel', 'noopener noreferrer');
  // Media load only when the reader presses play.
  if (el.tagName === 'VIDEO' || el.tagName === 'AUDIO') el.setAttribute('preload', 'none');
}

function purifiersFor(win: WindowLike): { html: DOMPurify; dom: DOMPurify } {
  let p = purifiers.get(win);
  if (!p) {
    const make = (config: Config) => {
      const purifier = createDOMPurify(win);
      purifier.addHook('afterSanitizeAttributes', keepClassesAndLinks);
      purifier.setConfig(config);
      return purifier;
    };
    p = { html: make(SANITIZE_CONFIG), dom: make({ ...SANITIZE_CONFIG, RETURN_DOM: true }) };
    purifiers.set(win, p);
  }
  return p;
}

const FORBIDDEN_ATTRS = new Set(FORBID_ATTR);

/**
 * Removes from `root`'s descendants (a working copy, never a live page) the
 * attributes {@link SANITIZE_CONFIG} drops anyway: forbidden ones, `data-*`,
 * `aria-*` and `class` without a kept class. Sanitizing afterwards is still
 * required and gives the same result; this only spares DOMPurify its costly
 * per-attribute checks and shortens the HTML it parses (ids and classes on
 * every cell of a large table, say).
 */
export function dropUnkeptAttributes(root: Element): void {
  const all = root.querySelectorAll('*');
  for (let i = 0; i < all.length; i++) {
    const el = all[i] as Element;
    if (!el.hasAttributes()) continue;
    for (const name of el.getAttributeNames()) {
      if (
        FORBIDDEN_ATTRS.has(name) || name.startsWith('data-') || name.startsWith('aria-') ||
        (name === 'class' && !el.getAttribute('class')?.includes(KEPT_CLASS_PREFIX))
      ) el.removeAttribute(name);
    }
  }
}

/** Sanitized body of `html`, as an element of `win`'s document (read `innerHTML` / text from it). */
export function sanitizeToElement(html: string, win: WindowLike): HTMLElement {
  return purifiersFor(win).dom.sanitize(html) as unknown as HTMLElement;
}

/** Sanitized HTML string. */
export function sanitizeHtml(html: string, win: WindowLike): string {
  return purifiersFor(win).html.sanitize(html) as string;
}
