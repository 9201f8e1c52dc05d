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
        images.push({ articleId, url, type, bytes: await readAtMost(response, MAX_IMAGE_BYTES) });
      } catch {
        missing.push(url);
      }
    }),
  );
  return { images, missing };
}

/**
 * The body of `response`, refused as soon as it is known to be larger than `max` bytes: from its declared length
 * before reading, or while reading it. Read whole first, a page's image of a gigabyte (or one that never ends) was
 * held in the background's memory, with every other image of the save, until the timeout.
 */
async function readAtMost(response: Response, max: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > max) {
    await response.body?.cancel().catch(() => undefined);
    throw new Error('image too large');
  }
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw new Error('image too large');
    }
    chunks.push(value);
  }
  // Copied even when it came in one chunk: a chunk may be a view of a larger buffer, which storing would keep whole.
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
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
