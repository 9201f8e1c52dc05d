/**
 * Fetch an article's images at save time so the reader shows them offline.
 * A failed image never fails the save: it is reported, and can be retried.
 */
import { ARTICLE_IMAGE_BUDGET } from '../core/article-images';
import type { StoredImage } from '../storage/types';

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
    if (!fetchable(url, pageUrl)) return 'failed';
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

/**
 * The body of `response`, or null as soon as it is known to be larger than `max` bytes: from its declared length
 * before reading, or while reading it. Read whole first, a page's image of a gigabyte (or one that never ends) was
 * held in the background's memory, with every other image of the save, until the timeout.
 */
async function readAtMost(response: Response, max: number): Promise<Uint8Array | null> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > max) {
    await response.body?.cancel().catch(() => undefined);
    return null;
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
      return null;
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
 * with a user name or password in them: stored lists of missing images come from imports too. An image on this
 * machine or the local network is fetched only for a page there too: the background is not bound by the
 * browser's limits on what public pages may request from local addresses, so a public page naming
 * `http://192.168.1.1/…` as a picture would otherwise have Qingdu send that request (to a router, a printer) for it.
 */
function fetchable(url: string, pageUrl: string): boolean {
  try {
    const { protocol, username, password, hostname } = new URL(url);
    if ((protocol !== 'http:' && protocol !== 'https:') || username || password) return false;
    return !isLocalHost(hostname) || isLocalHost(new URL(pageUrl).hostname);
  } catch {
    return false;
  }
}

const LOCAL_NAMES = /(?:^|\.)(?:localhost|local|internal|home\.arpa)\.?$/;

/** This machine or the local network, by name or address, as the URL parser writes hosts (IPv4 dotted, IPv6 bracketed). */
function isLocalHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (LOCAL_NAMES.test(host)) return true;
  const v4 = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(host);
  if (v4) return privateV4(Number(v4[1]), Number(v4[2]));
  if (!host.startsWith('[')) return false;
  const v6 = host.slice(1, -1);
  // An IPv4 address written in IPv6 (::ffff:c0a8:101 is 192.168.1.1).
  const mapped = /^::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(v6);
  if (mapped) {
    const high = parseInt(mapped[1]!, 16);
    return privateV4(high >> 8, high & 0xff);
  }
  return v6 === '::' || v6 === '::1' || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6);
}

/** Unspecified, private, loopback and link-local IPv4 ranges, and shared address space (carrier NAT). */
function privateV4(a: number, b: number): boolean {
  return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
}
