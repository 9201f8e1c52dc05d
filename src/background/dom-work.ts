/**
 * The background's work that needs a DOM: extracting a fetched page, and
 * sanitizing an article sent to be saved. Firefox's event page has a DOM;
 * Chrome's service worker does not, so there the work goes to an offscreen
 * document that runs the same core.
 */
import { extractArticle, sanitizeHtml } from '../core';
import type { ExtractResult } from '../core/types';
import browser from '../platform/browser';
import { sendMessage } from '../platform/messages';

const OFFSCREEN_PATH = 'offscreen.html';

const hasDom = (): boolean => typeof DOMParser !== 'undefined' && typeof window !== 'undefined';

export async function extractFromHtml(html: string, url: string): Promise<ExtractResult> {
  if (hasDom()) return extractArticle(new DOMParser().parseFromString(html, 'text/html'), url);
  return askOffscreen(() => sendMessage('offscreen.extract', { html, url }));
}

/**
 * `html` through the extraction's sanitizer. An article reaches the background
 * from a content script, which runs in the web page's process and sanitized it
 * there: the library does not take that page's word for it.
 */
export async function sanitizeInBackground(html: string): Promise<string> {
  if (hasDom()) return sanitizeHtml(html, window);
  return askOffscreen(() => sendMessage('offscreen.sanitize', { html }));
}

/** The offscreen document, once open; one for every caller, as Chrome allows only one. */
let offscreen: Promise<void> | null = null;

/** `ask` of the offscreen document, opened first; once more with the document opened again if it went away. */
async function askOffscreen<T>(ask: () => Promise<T>): Promise<T> {
  const opened = ensureOffscreen();
  await opened;
  try {
    return await ask();
  } catch {
    // Many callers may fail at once: only the first forgets the document, and the rest wait for the one it opens.
    if (offscreen === opened) offscreen = null;
    await ensureOffscreen();
    return ask();
  }
}

function ensureOffscreen(): Promise<void> {
  // Saves from many tabs at once all find no document: the first opens it, and the rest wait for that.
  if (!offscreen) {
    const opening = openOffscreen().catch((error: unknown) => {
      if (offscreen === opening) offscreen = null;
      throw error;
    });
    offscreen = opening;
  }
  return offscreen;
}

async function openOffscreen(): Promise<void> {
  const offscreen = (globalThis as unknown as { chrome: { offscreen: ChromeOffscreen; runtime: ChromeRuntime } }).chrome;
  const contexts = await offscreen.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] });
  if (contexts.length > 0) return;
  await offscreen.offscreen.createDocument({
    url: browser.runtime.getURL(OFFSCREEN_PATH),
    reasons: ['DOM_PARSER'],
    justification: 'Parse a fetched article page to extract its text, and sanitize the HTML of an article before it is stored.',
  });
}

interface ChromeOffscreen {
  createDocument(options: { url: string; reasons: string[]; justification: string }): Promise<void>;
}
interface ChromeRuntime {
  getContexts(filter: { contextTypes: string[] }): Promise<unknown[]>;
}
