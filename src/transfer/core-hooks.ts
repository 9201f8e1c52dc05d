/**
 * Binds the extraction core to the transfer importers. Kept apart so the rest
 * of src/transfer does not pull the extractor into bundles that never import
 * feeds (the export page, the worker).
 */
import type { WindowLike } from 'dompurify';
import { extractArticle, htmlToDocument, parseFeed, parseSeed, sanitizeHtml } from '../core/index';
import type { ExtractHooks, Sanitize } from './types';
import { escapeHtml } from './util';

/** The shared DOMPurify configuration over `win`. */
export function coreSanitize(win: WindowLike): Sanitize {
  return (html) => sanitizeHtml(html, win);
}

/** Feed, seed and extraction hooks over `win` (the page's window, or jsdom's in Node). */
export function coreHooks(win: WindowLike & { DOMParser: typeof DOMParser }): ExtractHooks {
  return {
    parseFeed: (xml) => parseFeed(xml, win),
    parseSeed: (text) => parseSeed(text),
    extract: (html, url, known) => {
      const doc = htmlToDocument(`<!DOCTYPE html><html><head><title>${escapeHtml(known.title)}</title></head><body><article>${html}</article></body></html>`, win);
      const r = extractArticle(doc, url, { window: win, known, minLength: 1 });
      return r.ok ? r.article : null;
    },
  };
}
