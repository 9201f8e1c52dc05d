/**
 * Runs inside Chromium on a fixture page (bundled by browser-bundle.ts): times
 * Qingdu's extraction against bare Readability on the page's own document.
 */
import { Readability } from '@mozilla/readability';
import type { WindowLike } from 'dompurify';
import { extractArticle } from '../../../src/core/index';

export interface PageTimes {
  ours: number[];
  bare: number[];
  oursOk: boolean;
  oursLength: number;
  bareLength: number;
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
  const start = performance.now();
  for (let i = 0; i < maxRuns && (i < minRuns || performance.now() - start < budgetMs); i++) {
    // Alternate which goes first, so neither always pays for the other's garbage.
    const order = i % 2 ? [bare, ours] : [ours, bare];
    for (const fn of order) {
      const t0 = performance.now();
      fn();
      (fn === ours ? out.ours : out.bare).push(performance.now() - t0);
    }
  }
  return out;
}

(globalThis as unknown as { qingduExtractBench: typeof run }).qingduExtractBench = run;
