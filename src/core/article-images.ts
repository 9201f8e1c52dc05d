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

/**
 * Whether the extension fetches image `url` for the page at `pageUrl`. Only web addresses, never `file:`, `data:`,
 * the browser's or an extension's own pages, and never one with a user name or password in it: stored lists of
 * missing images come from imports too. An image on this machine or the local network is fetched only for a page
 * there too: the extension is not bound by the browser's limits on what public pages may request from local
 * addresses, so a public page naming `http://192.168.1.1/…` as a picture would have Qingdu send that request.
 */
export function fetchableImage(url: string, pageUrl: string): boolean {
  try {
    const { protocol, username, password, hostname } = new URL(url);
    if ((protocol !== 'http:' && protocol !== 'https:') || username || password) return false;
    return !isLocalHost(hostname) || isLocalHost(new URL(pageUrl).hostname);
  } catch {
    return false;
  }
}

/** Names of this machine and the local network: reserved ones, and the endings RFC 6762 (appendix G) finds in private use. */
const LOCAL_NAMES = /(?:^|\.)(?:localhost|local|internal|home\.arpa|localdomain|lan|home|corp|intranet|private)\.?$/;

/** This machine or the local network, by name or address, as the URL parser writes hosts (IPv4 dotted, IPv6 bracketed). */
function isLocalHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  // A name of one label (`router`, `intranet`) is looked up on the local network's own domain.
  if (LOCAL_NAMES.test(host) || !/[.[]/.test(host)) return true;
  const v4 = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(host);
  if (v4) return privateV4(Number(v4[1]), Number(v4[2]));
  if (!host.startsWith('[')) return false;
  const v6 = host.slice(1, -1);
  // An IPv4 address written in IPv6 (::ffff:c0a8:101 is 192.168.1.1), the old compatible way (::c0a8:101), or for NAT64 (64:ff9b::c0a8:101).
  const mapped = /^(?:::ffff:|::|64:ff9b::)([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(v6);
  if (mapped) {
    const high = parseInt(mapped[1]!, 16);
    return privateV4(high >> 8, high & 0xff);
  }
  // Unique local fc00::/7 and link-local fe80::/10: a first group of four digits (`fc::1` is 00fc::1, a public address).
  return v6 === '::' || v6 === '::1' || /^f[cd][0-9a-f]{2}:/.test(v6) || /^fe[89ab][0-9a-f]:/.test(v6);
}

/** Unspecified, private, loopback and link-local IPv4 ranges, and shared address space (carrier NAT). */
function privateV4(a: number, b: number): boolean {
  return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
}
