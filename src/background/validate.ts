import type { Article } from '../core/types';

const STRING_FIELDS = ['title', 'url', 'contentHtml', 'textContent'] as const;
const NULLABLE_STRINGS = [
  'siteName', 'lang', 'lead', 'leadImage', 'byline', 'translator', 'published', 'updated', 'fullTextUrl',
] as const;

/** Shape check of an article arriving by message: the background stores nothing it has not checked. */
export function isArticle(value: unknown): value is Article {
  if (typeof value !== 'object' || value === null) return false;
  const a = value as Record<string, unknown>;
  if (!STRING_FIELDS.every((k) => typeof a[k] === 'string')) return false;
  if (!NULLABLE_STRINGS.every((k) => a[k] === null || typeof a[k] === 'string')) return false;
  if (typeof a.length !== 'number' || typeof a.readingMinutes !== 'number') return false;
  if (typeof a.partial !== 'boolean' || typeof a.paywalled !== 'boolean') return false;
  try {
    const { protocol } = new URL(a.url as string);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
