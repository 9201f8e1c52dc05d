import type { ExtractResult } from '../core/types';
import browser from './browser';
import { sendToTab } from './messages';

/** Built path of the content script, injected on demand into non-FT tabs. */
export const CONTENT_SCRIPT_FILE = 'content/index.js';

/** Pages an extension can read at all: not `chrome://`, the stores, PDFs viewers or `about:` pages. */
export function isReadableUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const { protocol, hostname } = new URL(url);
    if (protocol !== 'http:' && protocol !== 'https:') return false;
    return hostname !== 'chromewebstore.google.com' && hostname !== 'addons.mozilla.org';
  } catch {
    return false;
  }
}

/**
 * Ask a tab's content script for its article, injecting the script first where
 * the manifest does not declare it (a user gesture granted activeTab). Null when
 * the browser refuses the injection: a page no extension may read.
 */
export async function extractInTab(tabId: number): Promise<ExtractResult | null> {
  try {
    return await sendToTab(tabId, 'content.extract', {});
  } catch {
    // No listener yet: not an FT page.
  }
  try {
    await browser.scripting.executeScript({ target: { tabId }, files: [CONTENT_SCRIPT_FILE] });
  } catch {
    return null;
  }
  return await sendToTab(tabId, 'content.extract', {});
}
