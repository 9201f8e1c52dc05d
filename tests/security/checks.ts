/* eslint-disable no-control-regex -- URL schemes are compared the way browsers read them: control characters and spaces dropped. */
/**
 * What "safe" means for a sanitized article body, as one self-contained
 * function: it runs on a jsdom element in Node and, passed to
 * `page.evaluate`, on the reader's live DOM in Chromium (so it may use
 * nothing from outside its own body).
 */

/**
 * Problems found under `root`, as readable strings (empty = safe).
 * A plain `<a href>` / `<area href>` to the attacker host is allowed (a link
 * the user clicks, opened with noopener/noreferrer); everything that loads by
 * itself is not. `<title>` in a body is allowed: its text is escaped on output
 * and the reader's own title element comes first in the document.
 */
export function findProblems(root: Element, evilHost: string): string[] {
  const problems: string[] = [];
  const FORBIDDEN_TAGS = new Set([
    'script', 'base', 'meta', 'link', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'form', 'input', 'button',
    'textarea', 'select', 'template', 'noscript', 'svg', 'math', 'animate', 'set', 'image', 'use', 'foreignobject', 'portal', 'xmp',
    'noembed', 'noframes', 'plaintext',
  ]);
  // Attributes that make the browser fetch by themselves (a plain link's href does not).
  const FETCHING_ATTRS = ['src', 'srcset', 'poster', 'background', 'data', 'lowsrc', 'dynsrc', 'ping', 'longdesc', 'action', 'formaction', 'codebase', 'archive', 'manifest', 'xlink:href'];
  const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'cite', 'longdesc', 'lowsrc', 'dynsrc', 'ping', 'srcset', 'codebase', 'usemap', 'itemtype', 'profile']);
  const compact = (v: string) => v.replace(/[\u0000-\u0020\u007f-\u00a0]+/g, '').toLowerCase();
  const hitsEvil = (v: string) => v.toLowerCase().includes(evilHost);
  const all = [root, ...Array.from(root.querySelectorAll('*'))];
  for (const el of all) {
    const tag = el.localName.toLowerCase();
    const where = `<${tag}>`;
    if (el !== root && FORBIDDEN_TAGS.has(tag)) problems.push(`forbidden element ${where}`);
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      const value = attr.value;
      if (name.startsWith('on')) problems.push(`event handler ${name} on ${where}`);
      if (name === 'srcdoc') problems.push(`srcdoc on ${where}`);
      if (name === 'style' && /url\s*\(|expression\s*\(|@import|\\/i.test(value)) problems.push(`style with url()/expression on ${where}`);
      if (name === 'style' && hitsEvil(value)) problems.push(`style naming the attacker host on ${where}`);
      if (URL_ATTRS.has(name)) {
        const c = compact(value);
        if (/^(javascript|vbscript|livescript|mocha):/.test(c)) problems.push(`${name}=${c.slice(0, 40)} on ${where}`);
        if (/^data:(text\/html|application\/xhtml|image\/svg|text\/xml|application\/xml)/.test(c)) problems.push(`${name}=data:… markup on ${where}`);
        if (/^data:/.test(c) && !['img', 'audio', 'video', 'source'].includes(tag)) problems.push(`${name}=data: on ${where}`);
      }
      // Media wait for a press on play when preload is none (a source inherits its parent's).
      const media = tag === 'source' ? el.parentElement : el;
      const onClick = name === 'src' && media !== null && ['video', 'audio'].includes(media.localName) && media.getAttribute('preload') === 'none';
      if (FETCHING_ATTRS.includes(name) && hitsEvil(value) && !onClick) problems.push(`${name} loads from ${evilHost} on ${where}`);
      if (name === 'href' && hitsEvil(value) && tag !== 'a' && tag !== 'area') problems.push(`href to ${evilHost} on ${where}`);
      if (name === 'id' || name === 'name') problems.push(`${name}=${value.slice(0, 30)} on ${where} (DOM clobbering)`);
      if (name === 'class' && /(^|\s)(?!qd-)\S/.test(value)) problems.push(`class "${value.slice(0, 30)}" on ${where} (only qd- classes may stay)`);
    }
    if (tag === 'a' && el.hasAttribute('href') && el.getAttribute('rel') !== 'noopener noreferrer' && !el.getAttribute('href')?.startsWith('#')) {
      problems.push(`link without rel="noopener noreferrer"`);
    }
    if (tag === 'img' && el.getAttribute('width') === '1' && el.getAttribute('height') === '1') problems.push('1×1 tracking pixel kept');
  }
  return problems;
}

/** Start tags of serialized HTML/XHTML with their attributes (text never holds a raw `<`, so only real tags are seen). */
export function tagsOf(html: string): { name: string; attrs: [string, string][] }[] {
  const tags: { name: string; attrs: [string, string][] }[] = [];
  const tagRe = /<([a-zA-Z][^\s/>]*)/g;
  let m: RegExpExecArray | null;
  while ((m = tagRe.exec(html))) {
    const attrs: [string, string][] = [];
    let i = tagRe.lastIndex;
    const attrRe = /\s*([^\s=/>"']+)(?:\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+)))?|\s*\/?\s*>/y;
    for (;;) {
      attrRe.lastIndex = i;
      const a = attrRe.exec(html);
      if (!a || a[1] === undefined) {
        i = a ? attrRe.lastIndex : i + 1;
        break;
      }
      attrs.push([a[1].toLowerCase(), a[3] ?? a[4] ?? a[5] ?? '']);
      i = attrRe.lastIndex;
    }
    tagRe.lastIndex = i;
    tags.push({ name: m[1]!.toLowerCase(), attrs });
  }
  return tags;
}

const decode = (v: string) =>
  v.replace(/&#x([0-9a-f]+);?/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);?/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&colon;/gi, ':').replace(/&tab;/gi, '\t').replace(/&newline;/gi, '\n').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

/** Tag-level checks on serialized HTML (what storage and exports hold). */
export function findStringProblems(html: string, evilHost: string): string[] {
  const problems: string[] = [];
  const FORBIDDEN = new Set(['script', 'base', 'meta', 'iframe', 'object', 'embed', 'form', 'frame', 'frameset', 'link', 'style', 'applet', 'svg', 'math', 'template', 'noscript']);
  const FETCHING = new Set(['src', 'srcset', 'poster', 'background', 'ping', 'data', 'lowsrc', 'dynsrc', 'xlink:href']);
  const URL_ATTRS = new Set([...FETCHING, 'href', 'action', 'formaction', 'cite', 'longdesc', 'codebase', 'usemap']);
  for (const { name, attrs } of tagsOf(html)) {
    if (FORBIDDEN.has(name)) problems.push(`<${name}> in output`);
    const preloadNone = attrs.some(([k, v]) => k === 'preload' && v === 'none');
    for (const [k, raw] of attrs) {
      const v = decode(raw).replace(/[\u0000-\u0020\u007f-\u00a0]+/g, '').toLowerCase();
      if (k.startsWith('on')) problems.push(`${k}= on <${name}>`);
      if (k === 'srcdoc') problems.push(`srcdoc on <${name}>`);
      if (k === 'style' && /url\(|expression\(|@import/.test(v)) problems.push(`style url() on <${name}>`);
      const isUrl = URL_ATTRS.has(k);
      if (isUrl && /^(javascript|vbscript):/.test(v)) problems.push(`${k}=${v.slice(0, 12)}… on <${name}>`);
      if (isUrl && /^data:text\/html/.test(v)) problems.push(`${k}=data:text/html on <${name}>`);
      const mediaOnClick = k === 'src' && (name === 'video' || name === 'audio') && preloadNone;
      if (FETCHING.has(k) && v.includes(evilHost) && !mediaOnClick) problems.push(`${k} loads from ${evilHost} on <${name}>`);
      if (k === 'href' && v.includes(evilHost) && name !== 'a' && name !== 'area') problems.push(`href to ${evilHost} on <${name}>`);
    }
  }
  return problems;
}
