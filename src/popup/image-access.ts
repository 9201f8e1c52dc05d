/**
 * Images on hosts the extension may not reach are asked for as optional host
 * permissions, once per host, on the Save click (a permission prompt needs the
 * user's gesture). The save never waits for the answer: if access is granted
 * later, the background fetches the images it missed.
 */
import { fetchableImage, imageUrls, originPatterns } from '../core/article-images';
import type { Article } from '../core/types';
import browser from '../platform/browser';

const ASKED_KEY = 'asked-image-origins';

/**
 * Origins worth asking for: of images the background would fetch, not granted, and not asked before. Computed ahead
 * so the click can ask synchronously.
 */
export async function originsToAsk(article: Article): Promise<string[]> {
  const wanted = originPatterns(imageUrls(article).filter((url) => fetchableImage(url, article.url)));
  const { [ASKED_KEY]: asked = [] } = (await browser.storage.local.get(ASKED_KEY)) as Record<string, string[]>;
  const result: string[] = [];
  for (const origin of wanted) {
    if (asked.includes(origin)) continue;
    if (!(await browser.permissions.contains({ origins: [origin] }))) result.push(origin);
  }
  return result;
}

/** Must be called synchronously from the click handler. */
export function askForOrigins(origins: string[]): void {
  if (origins.length === 0) return;
  void browser.permissions.request({ origins }).catch(() => false);
  void browser.storage.local.get(ASKED_KEY).then((stored) => {
    const asked = (stored[ASKED_KEY] as string[] | undefined) ?? [];
    return browser.storage.local.set({ [ASKED_KEY]: [...new Set([...asked, ...origins])] });
  });
}
