/**
 * Fetch an article's images at save time so the reader shows them offline.
 * A failed image never fails the save: it is reported, and can be retried.
 */
import type { StoredImage } from '../storage/types';

const IMAGE_TIMEOUT_MS = 15_000;
const MAX_IMAGE_BYTES = 15 * 1024 * 1024;

export async function fetchImages(
  articleId: string,
  urls: string[],
): Promise<{ images: StoredImage[]; missing: string[] }> {
  const images: StoredImage[] = [];
  const missing: string[] = [];
  await Promise.all(
    urls.map(async (url) => {
      try {
        if (!fetchable(url)) throw new Error('not a web address');
        const response = await fetch(url, { signal: AbortSignal.timeout(IMAGE_TIMEOUT_MS), credentials: 'omit' });
        const type = response.headers.get('content-type') ?? '';
        if (!response.ok || !type.startsWith('image/')) throw new Error(`HTTP ${response.status} ${type}`);
        const bytes = new Uint8Array(await response.arrayBuffer());
        if (bytes.byteLength > MAX_IMAGE_BYTES) throw new Error('image too large');
        images.push({ articleId, url, type, bytes });
      } catch {
        missing.push(url);
      }
    }),
  );
  return { images, missing };
}

/**
 * Only web addresses are fetched, never `file:`, `data:`, the browser's or an extension's own pages, and never
 * with a user name or password in them: stored lists of missing images come from imports too.
 */
function fetchable(url: string): boolean {
  try {
    const { protocol, username, password } = new URL(url);
    return (protocol === 'http:' || protocol === 'https:') && !username && !password;
  } catch {
    return false;
  }
}
