/**
 * The hostile corpus as a Vitest suite: every page through `extractArticle`,
 * then every export format. Run twice, in two test files so they run in
 * parallel: at FT URLs (the site rule takes the body) and at an ordinary URL
 * (Readability finds it).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Article } from '../../src/core/types';
import { allCases, buildPage } from './corpus';
import { exportProblems, savedFrom } from './exports';
import { bodyProblems, extractPage, nodePages } from './node';

export function corpusSuite(title: string, label: string, atFt: boolean, prefix: string): void {
  const pages = nodePages();
  const extracted: Article[] = [];
  let casesRun = 0;
  let refused = 0;

  describe(title, () => {
    it('has at least 500 cases', () => {
      expect(allCases().length).toBeGreaterThanOrEqual(500);
    });

    it.each(pages.map((cases, i) => ({ i, cases, ids: cases.map((c) => c.id).join(' ') })))('page $i: $ids', ({ i, cases }) => {
      const page = buildPage(i, cases, atFt);
      const result = extractPage(page);
      casesRun += cases.length;
      if (!result.ok) {
        // A payload may break its own page badly enough that no article is left: a refusal is safe, a crash is not.
        expect(result.reason, result.message).toBe('no-article');
        expect(cases.some((c) => ['title', 'lead', 'page'].includes(c.context)) || cases.length === 1).toBe(true);
        refused++;
        return;
      }
      const a = result.article;
      expect(bodyProblems(a.contentHtml), a.contentHtml.slice(0, 2000)).toEqual([]);
      expect(a.textContent).toContain(page.marker);
      expect(a.contentHtml).toContain(page.marker.slice(0, 12));
      for (const field of [a.leadImage, a.url, a.fullTextUrl]) if (field) expect(field).toMatch(/^https?:\/\//);
      extracted.push(a);
    });

    it('exports (bookmarks, EPUB chapters, backup JSON) carry nothing active', async () => {
      const saved = extracted.map((a, i) => savedFrom(a, `${prefix}-${i}`));
      expect(saved.length).toBeGreaterThan(pages.length * 0.9);
      const report = await exportProblems(saved);
      expect(report.bookmarks).toEqual([]);
      expect(report.xhtml).toEqual([]);
      expect(report.epub).toEqual([]);
      expect(report.backup).toEqual([]);
    });

    // Text that shows markup in the article (`&lt;img onerror…&gt;`) must not become raw HTML in Markdown.
    it('Markdown export keeps markup-looking text as text', async () => {
      const saved = extracted.map((a, i) => savedFrom(a, `${prefix}-${i}`));
      expect((await exportProblems(saved)).markdown).toEqual([]);
    });

    afterAll(() => {
      console.log(`security corpus (${label}): ${casesRun} cases on ${pages.length} pages, ${refused} pages refused as no article`);
    });
  });
}
