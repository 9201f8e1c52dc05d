/**
 * Creates a golden case: `tsx tests/tools/make-fixture.ts <source file> <case> --url <url>`.
 * Writes tests/fixtures/<host>--<case>/{source.html|source.txt, expected.json}.
 * expected.json is a DRAFT of what the code emits now: check every field by
 * eye against the page before committing (fix the value, not the test).
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM, VirtualConsole } from 'jsdom';
import type { WindowLike } from 'dompurify';
import { extractArticle, parseSeed } from '../../src/core/index';

const [source, name, flag, urlArg] = process.argv.slice(2);
if (!source || !name || (flag && flag !== '--url')) {
  console.error('usage: make-fixture <source file> <case> [--url <url>]');
  process.exit(1);
}
const text = readFileSync(source, 'utf8');
const seed = parseSeed(text);
const url = urlArg ?? seed?.url;
if (!url) throw new Error('--url is required for HTML pages');
const dir = join('tests/fixtures', `${new URL(url).hostname}--${name}`);
mkdirSync(dir, { recursive: true });
copyFileSync(source, join(dir, seed ? 'source.txt' : 'source.html'));
const dom = new JSDOM(seed ? seed.html : text, { url, virtualConsole: new VirtualConsole() });
const r = extractArticle(dom.window.document, url, {
  window: dom.window as unknown as WindowLike,
  known: seed ? { title: seed.title, published: seed.published } : undefined,
});
if (!r.ok) throw new Error(`${r.reason}: ${r.message}`);
const { contentHtml: _h, textContent, length: _l, readingMinutes: _m, ...fields } = r.article;
const lines = textContent.split('\n');
writeFileSync(join(dir, 'expected.json'), `${JSON.stringify({
  url,
  fields,
  textIncludes: [lines[0], lines[lines.length - 1]],
  textExcludes: [],
  minLength: Math.floor(r.article.length * 0.9),
}, null, 2)}\n`);
console.log(`wrote ${dir}`);
