/**
 * Article ids: a 64-bit hash of the canonical URL, as 16 hex characters.
 * The same URL always gives the same id, so saving a story twice (or importing
 * it from another device) lands on the same record.
 */
import { inParsedForm } from '../core/url';

/**
 * The key ids are hashed from. `Article.url` is already canonical (tracking
 * parameters dropped by the extractor); here we only undo differences that
 * never change the page: scheme/host case, default ports, the fragment.
 */
export function urlKey(url: string): string {
  const trimmed = url.trim();
  const hash = trimmed.indexOf('#');
  const head = hash < 0 ? trimmed : trimmed.slice(0, hash);
  if (inParsedForm(head)) return head;
  try {
    const parsed = new URL(trimmed);
    parsed.hash = '';
    return parsed.href;
  } catch {
    return trimmed;
  }
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
