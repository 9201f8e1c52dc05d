/**
 * Content script. Declared for FT Chinese hosts and injected on demand
 * (activeTab + scripting) everywhere else. It does no work until the
 * extension asks: loading it costs one listener, nothing more.
 */
import { extractArticle, extractWithFullText } from '../core';
import type { ExtractResult } from '../core/types';
import browser, { type Runtime } from '../platform/browser';
import { isEnvelope, isFromOwnExtension } from '../platform/messages';
import { fetchSameOriginDocument } from './full-text';

declare global {
  interface Window {
    __qingduContentReady?: boolean;
  }
}

/** Content types the extractor reads. An image or PDF tab is a document the browser builds around one element. */
const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

async function extractHere(): Promise<ExtractResult> {
  // Without this an image tab reads as "no article here", which tells the user to find an article page.
  if (!HTML_TYPES.has(document.contentType)) {
    return { ok: false, reason: 'not-html', message: `the tab shows ${document.contentType}, not a web page` };
  }
  // No performance marks here: the page's timeline is the page's to read, and they told it Qingdu had run.
  const result = extractArticle(document, location.href);
  // One page of several: the reader must never get page 1 of 3.
  return extractWithFullText(result, fetchSameOriginDocument);
}

function onMessage(message: unknown, sender: Runtime.MessageSender): Promise<ExtractResult> | undefined {
  // Only this extension's own pages and worker may ask, never a web page.
  if (!isFromOwnExtension(sender)) return undefined;
  if (!isEnvelope(message) || message.type !== 'content.extract') return undefined;
  return extractHere();
}

// Injected twice (manifest + on demand) must still mean one listener. Compared with true, not read as truthy: the
// page's own `<div id="__qingduContentReady">` is a property of the window in this world too (in Chromium).
if (window.__qingduContentReady !== true) {
  window.__qingduContentReady = true;
  browser.runtime.onMessage.addListener(onMessage);
}
