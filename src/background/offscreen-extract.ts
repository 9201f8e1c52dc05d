/**
 * Extract a fetched page in the background. Firefox's event page has a DOM;
 * Chrome's service worker does not, so there the work goes to an offscreen
 * document that runs the same core.
 */
import { extractArticle } from '../core';
import type { ExtractResult } from '../core/types';
import browser from '../platform/browser';
import { sendMessage } from '../platform/messages';

const OFFSCREEN_PATH = 'offscreen.html';

export async function extractFromHtml(html: string, url: string): Promise<ExtractResult> {
  if (typeof DOMParser !== 'undefined') {
    return extractArticle(new DOMParser().parseFromString(html, 'text/html'), url);
  }
  await ensureOffscreen();
  return sendMessage('offscreen.extract', { html, url });
}

async function ensureOffscreen(): Promise<void> {
  const offscreen = (globalThis as unknown as { chrome: { offscreen: ChromeOffscreen; runtime: ChromeRuntime } }).chrome;
  const contexts = await offscreen.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] });
  if (contexts.length > 0) return;
  await offscreen.offscreen.createDocument({
    url: browser.runtime.getURL(OFFSCREEN_PATH),
    reasons: ['DOM_PARSER'],
    justification: 'Parse a fetched article page to extract its text.',
  });
}

interface ChromeOffscreen {
  createDocument(options: { url: string; reasons: string[]; justification: string }): Promise<void>;
}
interface ChromeRuntime {
  getContexts(filter: { contextTypes: string[] }): Promise<unknown[]>;
}
