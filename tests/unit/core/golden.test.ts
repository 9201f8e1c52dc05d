import { describe, expect, it } from 'vitest';
import type { Article } from '../../../src/core/index';
import { loadCases, runCase } from './helpers';

const FIELDS = ['title', 'url', 'siteName', 'lang', 'lead', 'leadImage', 'byline', 'translator', 'published', 'updated', 'partial', 'fullTextUrl', 'paywalled'] as const;

/** Leftovers that must never reach an article, whatever the page. */
const FORBIDDEN_HTML: [string, RegExp][] = [
  ['o-ads', /o-ads/],
  ['data-o-ads', /data-o-ads/],
  ['on* attribute', /\son[a-z]+\s*=/i],
  ['javascript: URL', /javascript:/i],
  ['<script', /<script/i],
  ['<iframe', /<iframe/i],
  ['<form', /<form/i],
  ['style attribute', /\sstyle\s*=/i],
  ['feedx', /feedx/i],
  ['获取更多RSS', /获取更多\s*RSS/],
  ['print-only notice', /温馨提示/],
  ['copyright block', /版权声明|版權聲明/],
  ['non-qd class', /class="(?!qd-)[^"]*"/],
  ['<h1> (the title is the one h1)', /<h1[\s>]/i],
  ['empty heading', /<h([1-6])[^>]*>\s*<\/h\1>/i],
];

describe.each(loadCases())('$name', (c) => {
  const { result, dom, before } = runCase(c);
  const article = (result.ok ? result.article : null) as Article | null;

  it('extracts an article', () => {
    expect(result).toMatchObject({ ok: true });
  });

  it.each(FIELDS.filter((f) => f in c.expected.fields))('field %s', (field) => {
    expect(article?.[field]).toEqual(c.expected.fields[field]);
  });

  it('leaves the live document unchanged', () => {
    expect(dom.window.document.documentElement.outerHTML).toBe(before);
  });

  it.each(FORBIDDEN_HTML)('output has no %s', (_label, re) => {
    expect(article?.contentHtml).not.toMatch(re);
    expect(article?.textContent).not.toMatch(/获取更多\s*RSS|feedx/i);
  });

  it('has body text, length and reading time', () => {
    for (const t of c.expected.textIncludes ?? []) expect(article?.textContent).toContain(t);
    for (const t of c.expected.textExcludes ?? []) expect(article?.textContent).not.toContain(t);
    for (const h of c.expected.htmlIncludes ?? []) expect(article?.contentHtml).toContain(h);
    expect(article?.length).toBeGreaterThanOrEqual(c.expected.minLength ?? 1);
    expect(article?.readingMinutes).toBeGreaterThanOrEqual(1);
    expect(article?.textContent).not.toMatch(/^\s*(广告|廣告)\s*$/m);
  });

  it('puts the hero image first in the body', () => {
    if (!article?.leadImage) return;
    expect(article.contentHtml.startsWith(`<figure><img src="${article.leadImage.replace(/&/g, '&amp;')}"`)).toBe(true);
  });
});
