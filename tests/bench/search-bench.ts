/**
 * Storage search in Node (fake-indexeddb): the storage module's search over
 * 20,000 generated Chinese articles (tests/bench/storage-search.ts), against a
 * plain `String.prototype.indexOf` scan of the same title + text strings.
 */
import { median, ms, ratio, table, type SectionResult } from './common';
import { generateChineseArticles } from './storage-fixtures';
import { benchSearch, SEARCH_QUERIES } from './storage-search';

const COUNT = 20_000;
const ROUNDS = 5;
const TARGET_MS = 50;

/** Every space-separated term must occur somewhere in the text (case-folded), as a substring. */
function indexOfBaseline(count: number, rounds: number): Map<string, { ms: number; hits: number }> {
  const texts = generateChineseArticles(count).map((a) => `${a.title}\n${a.textContent}`.toLowerCase());
  const out = new Map<string, { ms: number; hits: number }>();
  for (const query of SEARCH_QUERIES) {
    const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    const times: number[] = [];
    let hits = 0;
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      hits = 0;
      for (const text of texts) if (terms.every((t) => text.indexOf(t) >= 0)) hits++;
      times.push(performance.now() - t0);
    }
    out.set(query, { ms: median(times), hits });
  }
  return out;
}

export async function runSearchBench(count = COUNT): Promise<SectionResult> {
  const search = await benchSearch(count, ROUNDS);
  const baseline = indexOfBaseline(count, ROUNDS);
  const rows = search.perQuery.map((q) => {
    const b = baseline.get(q.query);
    return [q.query, ms(q.ms), String(q.hits), ms(b?.ms ?? NaN), String(b?.hits ?? ''), ratio(q.ms / (b?.ms ?? NaN))];
  });
  const baseMedian = median([...baseline.values()].map((b) => b.ms));
  const queryMedian = median(search.perQuery.map((q) => q.ms));
  table(
    `Storage search — ${count} articles, ${(search.textChars / 1e6).toFixed(1)} M characters (Node, fake-indexeddb; median of ${ROUNDS} per query)`,
    ['query', 'Library.search', 'hits', 'indexOf scan', 'hits', 'ratio'],
    [...rows, ['median of queries', ms(queryMedian), '', ms(baseMedian), '', ratio(queryMedian / baseMedian)]],
  );
  table('Storage search — other figures', ['figure', 'value'], [
    ['import of all articles (fake-indexeddb)', `${(search.saveMs / 1000).toFixed(1)} s`],
    ['first search (loads the index)', ms(search.firstLoadMs, 0)],
    ['list() of every index row', ms(search.listMs, 0)],
    ['search index heap', `${search.heapMB.toFixed(0)} MB${globalThis.gc ? '' : ' (no --expose-gc: rough)'}`],
    ['median of all query runs / p95', `${ms(search.medianMs, 1)} / ${ms(search.p95Ms, 1)}`],
  ]);
  // Hit counts differ where the two disagree on purpose: Library.search matches Latin words by prefix, indexOf anywhere.
  return {
    section: 'search',
    figures: { ...search, baselinePerQuery: Object.fromEntries(baseline), baselineMedianMs: baseMedian, queryMedianMs: queryMedian },
    headlines: [
      {
        section: 'search', name: 'storage search per query (Node)', value: queryMedian, unit: 'ms', baseline: baseMedian,
        ratio: queryMedian / baseMedian, target: `≤ ${TARGET_MS} ms`, pass: queryMedian <= TARGET_MS,
      },
    ],
    notes: [],
  };
}
