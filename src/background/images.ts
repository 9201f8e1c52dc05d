/**
 * Fetch an article's images at save time so the reader shows them offline.
 * A failed image never fails the save: it is reported, and can be retried.
 */
import { ARTICLE_IMAGE_BUDGET, fetchableImage } from '../core/article-images';
import type { StoredImage } from '../storage/types';
import { readAtMost } from './read-at-most';

const IMAGE_TIMEOUT_MS = 15_000;
const MAX_IMAGE_BYTES = 15 * 1024 * 1024;
/**
 * Images fetched at once. All of a page's at once, a page of hundreds of large pictures opened hundreds of
 * connections and held up to 15 MB for each in the background's memory.
 */
const CONCURRENT_FETCHES = 4;

export interface FetchedImages {
  /** Stored in the article's order. */
  images: StoredImage[];
  /** Not stored, in the article's order: failed, refused, or past the budget. */
  missing: string[];
  /** How many of `missing` were left because the article's images had reached `budget` bytes. */
  overBudget: number;
}

/**
 * Fetches `urls`, the images of the article saved from `article.url`, a few at a time, and keeps them in order
 * until their bytes reach `budget` (the article's images already stored count against it on a retry). An image goes to the budget only once every image before it
 * has, so which ones are kept does not depend on which server answered first; for the same reason at most
 * `CONCURRENT_FETCHES` images, fetched or being fetched, wait beyond the budget.
 */
export async function fetchImages(article: { id: string; url: string }, urls: string[], budget = ARTICLE_IMAGE_BUDGET): Promise<FetchedImages> {
  const result: FetchedImages = { images: [], missing: [], overBudget: 0 };
  const pending = new Map<number, Promise<Fetched>>();
  let left = Math.max(0, budget);
  let started = 0;
  for (let i = 0; i < urls.length; i++) {
    for (; started < urls.length && started < i + CONCURRENT_FETCHES; started++) {
      pending.set(started, fetchImage(urls[started] as string, article.url, Math.min(MAX_IMAGE_BYTES, left)));
    }
    const fetched = await (pending.get(i) as Promise<Fetched>);
    pending.delete(i);
    const url = urls[i] as string;
    if (fetched === 'over-budget' || (typeof fetched === 'object' && fetched.bytes.byteLength > left)) {
      result.missing.push(url);
      result.overBudget++;
    } else if (fetched === 'failed') {
      result.missing.push(url);
    } else {
      left -= fetched.bytes.byteLength;
      result.images.push({ articleId: article.id, url, ...fetched });
    }
  }
  return result;
}

type Fetched = { type: string; bytes: Uint8Array } | 'failed' | 'over-budget';

/** One image, refused past `max` bytes; 'over-budget' when only the article's budget (under 15 MB) refused it. */
async function fetchImage(url: string, pageUrl: string, max: number): Promise<Fetched> {
  try {
    if (!fetchableImage(url, pageUrl)) return 'failed';
    // Nothing left for it: not even asked for.
    if (max <= 0) return 'over-budget';
    const response = await fetch(url, { signal: AbortSignal.timeout(IMAGE_TIMEOUT_MS), credentials: 'omit' });
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || !type.startsWith('image/')) {
      await response.body?.cancel().catch(() => undefined);
      return 'failed';
    }
    const bytes = await readAtMost(response, max);
    return bytes ? { type, bytes } : max < MAX_IMAGE_BYTES ? 'over-budget' : 'failed';
  } catch {
    return 'failed';
  }
}
