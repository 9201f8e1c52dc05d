import { extractArticle } from '../core';
import type { ExtractResult } from '../core/types';

/**
 * Fetch the single-page full text (same origin, the reader's own cookies) and
 * extract it. Returns null when it cannot be had, so the caller keeps the
 * partial page rather than showing nothing.
 */
export async function fetchFullText(url: string): Promise<ExtractResult | null> {
  try {
    if (new URL(url).origin !== location.origin) return null;
    const response = await fetch(url, { credentials: 'include' });
    if (!response.ok) return null;
    const html = await response.text();
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const result = extractArticle(doc, url);
    if (!result.ok) return null;
    // The full page is the whole text even if it still carries a pagination bar.
    return { ok: true, article: { ...result.article, partial: result.article.paywalled, fullTextUrl: null } };
  } catch {
    return null;
  }
}
