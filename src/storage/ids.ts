/**
 * Article ids: a 64-bit hash of the canonical URL, as 16 hex characters.
 * The same URL always gives the same id, so saving a story twice (or importing
 * it from another device) lands on the same record.
 */
import { STORY_HOSTS } from '../core/rules/story-hosts';
import { inParsedForm } from '../core/url';

/**
 * The key ids are hashed from. `Article.url` is already canonical (tracking
 * parameters dropped by the extractor); here we only undo differences that
 * never change the story: scheme (http and https, since sites serve one story
 * at both, and old bookmarks keep the http link), host case, default ports,
 * the fragment, and which of a site's mirror hosts it was read on (a rule's
 * `canonical.storyHosts`). Changing what this folds changes ids: it needs a
 * migration that re-keys saved articles (v9 in migrations.ts).
 */
export function urlKey(url: string): string {
  const trimmed = url.trim();
  const hash = trimmed.indexOf('#');
  const head = hash < 0 ? trimmed : trimmed.slice(0, hash);
  if (inParsedForm(head)) return folded(head);
  try {
    const parsed = new URL(trimmed);
    parsed.hash = '';
    return folded(parsed.href);
  } catch {
    return trimmed;
  }
}

/** `href` (in parsed form) as https, on its story host. */
function folded(href: string): string {
  const start = href.startsWith('https://') ? 8 : href.startsWith('http://') ? 7 : 0;
  if (start === 0) return href;
  const slash = href.indexOf('/', start);
  const end = slash < 0 ? href.length : slash;
  // http's explicit :443 is https's default port, which https URLs never write.
  const host = start === 7 && href.slice(start, end).endsWith(':443') ? href.slice(start, end - 4) : href.slice(start, end);
  return `https://${STORY_HOSTS.get(host) ?? host}${href.slice(end)}`;
}

/** Stable id for a canonical URL. Collisions at 20,000 articles: about 1 in 10^10. */
export function idForUrl(url: string): string {
  const key = urlKey(url);
  // Two 32-bit hashes with different primes and seeds, so a collision in one is independent of the other.
  return hex32(hash32(key, 0x811c9dc5, 0x01000193)) + hex32(hash32(key, 0x9e3779b9, 0x5bd1e995));
}

function hash32(text: string, seed: number, prime: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, prime);
  }
  // Final avalanche (murmur3 fmix32) so near-identical URLs differ in every digit.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}
