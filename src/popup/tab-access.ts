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
