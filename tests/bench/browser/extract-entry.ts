/**
 * Runs inside Chromium on a fixture page (bundled by browser-bundle.ts): times
 * Qingdu's extraction against bare Readability on the page's own document.
 */
import { Readability } from '@mozilla/readability';
import type { WindowLike } from 'dompurify';
import { extractArticle, sanitizeHtml } from '../../../src/core/index';

export interface PageTimes {
  /** Milliseconds per run (batch time / runs per batch). */
  ours: number[];
  bare: number[];
  oursOk: boolean;
  oursLength: number;
  bareLength: number;
  /** Pieces of Qingdu's pipeline timed alone (Chromium only): the whole-page size check, the clone, sanitizing the article's HTML. */
  parts?: { outerHtml: number[]; clone: number[]; sanitize: number[] };
}

function run(url: string, known: { title: string; published: string | null } | null, minRuns: number, maxRuns: number, budgetMs: number): PageTimes {
  const opts = { window: window as unknown as WindowLike, known: known ?? undefined };
  const ours = (): ReturnType<typeof extractArticle> => extractArticle(document, url, opts);
  const bare = () => new Readability(document.cloneNode(true) as Document).parse();
  // Warm up both (JIT, style and layout caches).
  for (let i = 0; i < 3; i++) {
    ours();
    bare();
  }
  const first = ours();
  const firstBare = bare();
  const out: PageTimes = {
    ours: [],
    bare: [],
    oursOk: first.ok,
    oursLength: first.ok ? first.article.length : 0,
    bareLength: firstBare?.length ?? 0,
  };
  // performance.now() ticks in 0.1 ms here: short pages are timed in batches of `k` runs of at least ~5 ms.
  let t0 = performance.now();
  for (let i = 0; i < 5; i++) bare();
  const k = Math.max(1, Math.min(50, Math.ceil(5 / Math.max(0.1, (performance.now() - t0) / 5))));
  const start = performance.now();
  for (let i = 0; i < maxRuns && (i < minRuns || performance.now() - start < budgetMs); i++) {
    // Alternate which goes first, so neither always pays for the other's garbage.
    const order = i % 2 ? [bare, ours] : [ours, bare];
    for (const fn of order) {
      t0 = performance.now();
      for (let j = 0; j < k; j++) fn();
      (fn === ours ? out.ours : out.bare).push((performance.now() - t0) / k);
    }
  }
  const parts = { outerHtml: [] as number[], clone: [] as number[], sanitize: [] as number[] };
  const html = first.ok ? first.article.contentHtml : '';
  for (let i = 0; i < 15; i++) {
    t0 = performance.now();
    for (let j = 0; j < k; j++) void document.documentElement.outerHTML.length;
    parts.outerHtml.push((performance.now() - t0) / k);
    t0 = performance.now();
    for (let j = 0; j < k; j++) document.cloneNode(true);
    parts.clone.push((performance.now() - t0) / k);
    t0 = performance.now();
    for (let j = 0; j < k; j++) sanitizeHtml(html, opts.window);
    parts.sanitize.push((performance.now() - t0) / k);
  }
  out.parts = parts;
  return out;
}

(globalThis as unknown as { qingduExtractBench: typeof run }).qingduExtractBench = run;
