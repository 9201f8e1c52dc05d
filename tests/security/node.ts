/** Node side of the security corpus: pages through `extractArticle` under jsdom, one window for all. */
import type { WindowLike } from 'dompurify';
import { JSDOM, VirtualConsole } from 'jsdom';
import { extractArticle } from '../../src/core/index';
import type { ExtractResult } from '../../src/core/types';
import { findProblems, findStringProblems } from './checks';
import { allCases, buildPage, containedWith, EVIL_HOST, groupCases, type BuiltPage, type SecurityCase } from './corpus';

export const { window: WIN } = new JSDOM('<!doctype html><body></body>', { virtualConsole: new VirtualConsole() });
const parser = new WIN.DOMParser();

/** Cases per shared page in the Node pass. */
export const NODE_PER_PAGE = 14;

let grouped: SecurityCase[][] | null = null;
export function nodePages(): SecurityCase[][] {
  grouped ??= groupCases(allCases(), NODE_PER_PAGE, containedWith(parser));
  return grouped;
}

export function extractPage(page: BuiltPage): ExtractResult {
  const doc = parser.parseFromString(page.html, 'text/html');
  return extractArticle(doc, page.url, { window: WIN as unknown as WindowLike });
}

/** Attribute values blanked, so string checks see markup, not text quoted inside an attribute. */
export const withoutAttrValues = (html: string): string => html.replace(/=\s*"[^"]*"/g, '=""').replace(/=\s*'[^']*'/g, "=''");

/** Problems in a sanitized HTML body: DOM-level and string-level. */
export function bodyProblems(html: string): string[] {
  const box = WIN.document.createElement('div');
  box.innerHTML = html; // jsdom runs no scripts and loads nothing
  return [...findProblems(box, EVIL_HOST), ...findStringProblems(html, EVIL_HOST)];
}

export { buildPage };
