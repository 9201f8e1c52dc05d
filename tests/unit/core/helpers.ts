import { readdirSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM, VirtualConsole } from 'jsdom';
import type { WindowLike } from 'dompurify';
import { extractArticle, parseSeed, type ExtractOptions, type ExtractResult } from '../../../src/core/index';

export const FIXTURES = join(import.meta.dirname, '../../fixtures');

export interface Expected {
  url: string;
  fields: Record<string, unknown>;
  textIncludes?: string[];
  textExcludes?: string[];
  htmlIncludes?: string[];
  minLength?: number;
}

export interface Case {
  name: string;
  expected: Expected;
  /** Raw source (HTML or seed text). */
  source: string;
}

/** Golden cases: every fixture folder with an expected.json. */
export function loadCases(): Case[] {
  return readdirSync(FIXTURES)
    .filter((d) => existsSync(join(FIXTURES, d, 'expected.json')))
    .sort()
    .map((name) => {
      const dir = join(FIXTURES, name);
      const file = existsSync(join(dir, 'source.txt')) ? 'source.txt' : 'source.html';
      return { name, expected: JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected, source: readFileSync(join(dir, file), 'utf8') };
    });
}

/** Parses a case with jsdom and extracts it; returns the live DOM too (for the no-mutation check). */
export function runCase(c: Case, opts: ExtractOptions = {}): { result: ExtractResult; dom: JSDOM; before: string } {
  const seed = parseSeed(c.source);
  const dom = new JSDOM(seed ? seed.html : c.source, { url: c.expected.url, virtualConsole: new VirtualConsole() });
  const before = dom.window.document.documentElement.outerHTML;
  const result = extractArticle(dom.window.document, c.expected.url, {
    window: dom.window as unknown as WindowLike,
    known: seed ? { title: seed.title, published: seed.published } : undefined,
    ...opts,
  });
  return { result, dom, before };
}
