import type { Article } from './types';

/**
 * The most image bytes stored with one article; images past it are left missing. The library has no quota to
 * fill (`unlimitedStorage`: only the disk bounds it), so the limit is for the save itself: its images are held in the
 * background's memory and written in the one transaction that stores the article. An FT story's pictures come to a
 * few megabytes, and 50 MB still takes three images at the 15 MB each may have.
 */
export const ARTICLE_IMAGE_BUDGET = 50 * 1024 * 1024;

// Sanitized HTML is serialized by the DOM: attributes are always double-quoted.
const IMG_SRC = /<img\b[^>]*?\ssrc="([^"]+)"/gi;

/** Every http(s) image an article shows (hero first), as absolute URLs: what saving keeps for offline reading. */
export function imageUrls(article: Pick<Article, 'leadImage' | 'contentHtml'>): string[] {
  const urls = new Set<string>();
  if (article.leadImage && /^https?:/i.test(article.leadImage)) urls.add(article.leadImage);
  for (const match of article.contentHtml.matchAll(IMG_SRC)) {
    const src = (match[1] ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
    if (/^https?:/i.test(src)) urls.add(src);
  }
  return [...urls];
}

/**
 * A host as a match pattern may write it: letters, digits, `-`, `_` and dots, or an IPv6 address in brackets, with
 * a port or not. The URL parsers leave other characters in a host: Chromium's writes `*` as `%2A`, which makes the
 * pattern invalid and the browser refuse the whole request (every other host asked for with it too); the standard
 * parser (Firefox's) keeps `*`, and `https://*.example/*` would ask for every subdomain of example.
 */
const PATTERN_HOST = /^(?:[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?|\[[0-9a-f:.]+\])(?::\d+)?$/;

/** The host-permission pattern (`https://host/*`) that covers `url`, or null when it has none. */
export function originPattern(url: string): string | null {
  try {
    const { protocol, host } = new URL(url);
    if (protocol !== 'http:' && protocol !== 'https:') return null;
    return PATTERN_HOST.test(host) ? `${protocol}//${host}/*` : null;
  } catch {
    return null; // not a URL: nothing to ask for
  }
}

/** Host-permission patterns (`https://host/*`) for a list of URLs; those that cannot form one are left out. */
export function originPatterns(urls: readonly string[]): string[] {
  const patterns = new Set<string>();
  for (const url of urls) {
    const pattern = originPattern(url);
    if (pattern) patterns.add(pattern);
  }
  return [...patterns];
}

// Whether the host-permission pattern `pattern` covers `url`, for grants as `permissions.onAdded` reports them:
// `https://host/*`, `*://*.example.com/*`, `https://*/*`, `<all_urls>`. A pattern without a port covers every
// port; the path is not compared, as browsers ignore it in host permissions.
export function patternCovers(pattern: string, url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  if (pattern === '<all_urls>') return true;
  const m = /^(\*|https?):\/\/([^/]+)\//.exec(pattern);
  if (!m) return false;
  const [, scheme, host] = m as unknown as [string, string, string];
  if (scheme !== '*' && `${scheme}:` !== u.protocol) return false;
  const parts = /^(.*?)(?::(\d+))?$/.exec(host)!;
  const name = parts[1]!.toLowerCase();
  if (parts[2] !== undefined && parts[2] !== (u.port || (u.protocol === 'https:' ? '443' : '80'))) return false;
  return name === '*' || u.hostname === name || (name.startsWith('*.') && (u.hostname === name.slice(2) || u.hostname.endsWith(name.slice(1))));
}
