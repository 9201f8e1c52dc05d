/** Chrome only: a hidden document that gives the service worker a DOM to extract fetched pages and sanitize articles in. */
import { extractArticle, sanitizeHtml } from '../core';
import type { ExtractResult } from '../core/types';
import browser, { type Runtime } from '../platform/browser';
import { isEnvelope } from '../platform/messages';

browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
  // Only our own background may ask (its sender URL is the worker script inside the extension).
  if (sender.id !== browser.runtime.id || sender.tab || !isEnvelope(message)) return undefined;
  if (message.type === 'offscreen.extract') {
    const { html, url } = message.data as { html: string; url: string };
    const doc = new DOMParser().parseFromString(html, 'text/html');
    return Promise.resolve<ExtractResult>(extractArticle(doc, url));
  }
  if (message.type === 'offscreen.sanitize') {
    const { html } = message.data as { html: unknown };
    return Promise.resolve(typeof html === 'string' ? sanitizeHtml(html, window) : '');
  }
  return undefined;
});
