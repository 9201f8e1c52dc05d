/**
 * Search benchmark: N Chinese articles of ~5 KB saved under fake-indexeddb,
 * then a second Library (as the library page would) loads the search index
 * and runs a mix of queries.
 *
 *   npx tsx tests/bench/storage-search.ts [count=20000]
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { Library } from '../../src/storage/library';
import type { ImportRecord } from '../../src/storage/records';
import { generateChineseArticles } from './storage-fixtures';

/** Two- and three-character Chinese phrases (common, rare, absent) and English words. */
export const SEARCH_QUERIES = [
  '经济', '央行', '汇率', '芯片', '关税', '通胀', '电池', '选举',
  '人工智能', '供应链', '房地产', '半导体', '人民币', '制造业',
  '清读', '量子', '熊猫', '长城', '绿茶',
  'tesla', 'nvidia', 'gdp', 'iphone', 'reader', 'covid', 'openai byd',
  '经济 tesla', '市场 央行',
];

export interface SearchBench {
  articles: number;
  textChars: number;
  saveMs: number;
  firstLoadMs: number;
  /** `list()` of every index row, as the library page opens. */
  listMs: number;
  heapMB: number;
  medianMs: number;
  p95Ms: number;
  perQuery: { query: string; ms: number; hits: number }[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0;

export async function benchSearch(count = 20_000, rounds = 5): Promise<SearchBench> {
  const factory = new IDBFactory();
  const background = new Library({ factory });
  const articles = generateChineseArticles(count);
  const textChars = articles.reduce((n, a) => n + a.textContent.length + a.title.length, 0);

  let t = performance.now();
  const BATCH = 1000;
  for (let start = 0; start < articles.length; start += BATCH) {
    const records = articles.slice(start, start + BATCH).map((article, k) => {
      const savedAt = new Date(Date.UTC(2024, 0, 1) + (start + k) * 60_000).toISOString();
      return { article, url: article.url, savedAt, updatedAt: savedAt } as unknown as ImportRecord;
    });
    await background.importRecords(records);
  }
  const saveMs = performance.now() - t;
  await background.close();

  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const page = new Library({ factory });
  t = performance.now();
  await page.search('预热');
  const firstLoadMs = performance.now() - t;
  globalThis.gc?.();
  const heapMB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  t = performance.now();
  await page.list();
  const listMs = performance.now() - t;

  const times: number[] = [];
  const perQuery: SearchBench['perQuery'] = [];
  for (const query of SEARCH_QUERIES) {
    const mine: number[] = [];
    let hits = 0;
    for (let r = 0; r < rounds; r++) {
      const s = performance.now();
      hits = (await page.search(query)).length;
      mine.push(performance.now() - s);
    }
    times.push(...mine);
    perQuery.push({ query, ms: median(mine), hits });
  }
  await page.close();
  return { articles: count, textChars, saveMs, firstLoadMs, listMs, heapMB, medianMs: median(times), p95Ms: percentile(times, 0.95), perQuery };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const count = Number(process.argv[2] ?? 20_000);
  const result = await benchSearch(count);
  console.log(`articles            ${result.articles}`);
  console.log(`text characters     ${(result.textChars / 1e6).toFixed(1)} M`);
  console.log(`import (fake IDB)   ${(result.saveMs / 1000).toFixed(1)} s`);
  console.log(`first search (load) ${result.firstLoadMs.toFixed(0)} ms`);
  console.log(`list() all rows      ${result.listMs.toFixed(0)} ms`);
  console.log(`index heap          ${result.heapMB.toFixed(0)} MB${globalThis.gc ? '' : ' (run with --expose-gc for a steadier figure)'}`);
  for (const q of result.perQuery) console.log(`  ${q.ms.toFixed(1).padStart(6)} ms  ${String(q.hits).padStart(6)} hits  ${q.query}`);
  console.log(`median per query    ${result.medianMs.toFixed(1)} ms   (p95 ${result.p95Ms.toFixed(1)} ms)`);
}
