/**
 * Canonical URLs: tracking parameters and fragments dropped, plus whatever a
 * site rule adds (`canonical.dropParams`). Host and path are kept as given.
 */

/** Parameters that never identify content, on any site. `utm_*` is matched by prefix. */
export const TRACKING_PARAMS: readonly string[] = [
  'fbclid', 'gclid', 'dclid', 'msclkid', 'yclid', 'igshid', 'mc_cid', 'mc_eid', '_ga', 'spm',
];

export interface CanonicalOptions {
  /** Extra parameter names to drop (exact, case-sensitive). */
  dropParams?: readonly string[];
}

/**
 * An http(s) URL that every URL parser gives back as it is: a lowercase
 * ASCII host whose last label starts with a letter (so no IPv4 address to
 * rewrite) and no `xn--` label (those the parser checks), no port or user, a
 * path and query of characters no parser encodes or decodes (no `%`, no `'`)
 * and no dot segment, no fragment. Testing this costs a small fraction of a
 * parse, and an import parses each of its URLs several times.
 */
const PARSED_FORM = /^https?:\/\/(?![^/]*xn--)(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*(?![^?]*\/\.)\/[\w\-.~!$&()*+,;=:@/]*(?:\?[\w\-.~!$&()*+,;=:@/?]*)?$/;

/** True when `new URL(url).href === url` is certain without parsing; false says nothing. */
export function inParsedForm(url: string): boolean {
  return PARSED_FORM.test(url);
}

/** Returns the canonical form of `url`, or `url` unchanged when it does not parse. */
export function canonicalUrl(url: string, opts: CanonicalOptions = {}): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  const drop = new Set([...TRACKING_PARAMS, ...(opts.dropParams ?? [])]);
  for (const key of paramKeys(u)) {
    if (key.startsWith('utm_') || drop.has(key)) u.searchParams.delete(key);
  }
  u.hash = '';
  if (u.pathname.length > 1 && u.pathname.endsWith('/')) u.pathname = u.pathname.replace(/\/+$/, '');
  return u.search === '' ? u.href.replace(/\?$/, '') : u.href;
}

/** `href` resolved against `base`; null for unparsable input or non-http(s) schemes. */
export function absoluteUrl(href: string | null | undefined, base: string): string | null {
  if (!href) return null;
  try {
    const u = new URL(href.trim(), base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** `url` with the first of `rewrites`' prefixes it starts with replaced (a site rule's `imageUrlRewrites`). */
export function rewritePrefix(url: string, rewrites: readonly (readonly [string, string])[]): string {
  for (const [from, to] of rewrites) if (url.startsWith(from)) return to + url.slice(from.length);
  return url;
}

/**
 * A link's target for the body: `href` resolved against `base` when it is a web link, or the mail
 * address of a `mailto:` link (FT ends a column with its author's); null for anything else.
 */
export function linkUrl(href: string | null | undefined, base: string): string | null {
  const abs = absoluteUrl(href, base);
  if (abs || !href) return abs;
  try {
    const u = new URL(href.trim());
    return u.protocol === 'mailto:' ? u.href : null;
  } catch {
    return null;
  }
}

/** `url` with only the listed query parameters kept (e.g. `full` for a single-page link). */
export function keepOnlyParams(url: string, keep: readonly string[]): string {
  const u = new URL(url);
  for (const key of paramKeys(u)) if (!keep.includes(key)) u.searchParams.delete(key);
  u.hash = '';
  return u.href;
}

/**
 * Query keys without the iterator protocol: in Firefox content scripts a URL's
 * `searchParams` is an Xray-wrapped object whose iterators are not iterable.
 */
function paramKeys(u: URL): string[] {
  const keys: string[] = [];
  u.searchParams.forEach((_value, key) => keys.push(key));
  return keys;
}
