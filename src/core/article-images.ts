import type { Article } from './types';

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

/** Host-permission patterns (`https://host/*`) for a list of URLs. */
export function originPatterns(urls: readonly string[]): string[] {
  const patterns = new Set<string>();
  for (const url of urls) {
    try {
      const { protocol, host } = new URL(url);
      patterns.add(`${protocol}//${host}/*`);
    } catch {
      // not a URL: nothing to ask for
    }
  }
  return [...patterns];
}
