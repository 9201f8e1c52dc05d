/**
 * Runs inside an extension page of the built extension (bundled by
 * browser-bundle.ts): fills the library with the real storage module, and
 * measures the raw IndexedDB baselines and the storage search in Chromium.
 */
import { Library } from '../../../src/storage/library';
import type { ImportRecord } from '../../../src/storage/records';
import { generateChineseArticles } from '../storage-fixtures';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openRaw(name: string, upgrade?: (db: IDBDatabase) => void): Promise<IDBDatabase> {
  const req = indexedDB.open(name);
  if (upgrade) req.onupgradeneeded = () => upgrade(req.result);
  return request(req);
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/** Imports `count` generated articles through `Library.importRecords`, `batch` records a call. */
async function fill(count: number, batch: number): Promise<{ ms: number; textChars: number }> {
  const t0 = performance.now();
  const articles = generateChineseArticles(count);
  const textChars = articles.reduce((n, a) => n + a.textContent.length + a.title.length, 0);
  const library = new Library();
  for (let start = 0; start < count; start += batch) {
    const records = articles.slice(start, start + batch).map((article, k) => {
      const savedAt = new Date(Date.UTC(2024, 0, 1) + (start + k) * 60_000).toISOString();
      return { article, url: article.url, savedAt, updatedAt: savedAt, tags: (start + k) % 5 ? [] : ['经济'] } as unknown as ImportRecord;
    });
    await library.importRecords(records);
  }
  await library.close();
  return { ms: performance.now() - t0, textChars };
}

/** Baseline for the first screen of rows: open the database and read the whole index. */
async function rawIndexRead(): Promise<{ ms: number; rows: number }> {
  const t0 = performance.now();
  const db = await openRaw('qingdu');
  const rows = await request(db.transaction('entries').objectStore('entries').getAll());
  const ms = performance.now() - t0;
  db.close();
  // Keep the rows reachable for a heap reading taken by the caller.
  (globalThis as unknown as { heldRows: unknown }).heldRows = rows;
  return { ms, rows: rows.length };
}

let scratch: IDBDatabase | null = null;

/** Baseline for a save: one put of the same JSON into a scratch database, until the transaction commits. */
async function rawWrite(json: string, key: string): Promise<number> {
  scratch ??= await openRaw('qingdu-bench-scratch', (db) => db.createObjectStore('articles'));
  const t0 = performance.now();
  const tx = scratch.transaction('articles', 'readwrite');
  tx.objectStore('articles').put(JSON.parse(json) as unknown, key);
  await done(tx);
  return performance.now() - t0;
}

/** The real save path: `library.save` to the background, as the popup sends it. */
async function messageSave(json: string): Promise<{ ms: number; ok: boolean; error?: string }> {
  const t0 = performance.now();
  const res = (await chrome.runtime.sendMessage({ type: 'library.save', data: JSON.parse(json) as unknown })) as { ok: boolean; message?: string };
  return { ms: performance.now() - t0, ok: res?.ok === true, error: res?.ok ? undefined : (res?.message ?? 'no response') };
}

let writer: Library | null = null;

/** The storage module's save called in this page: the save path without the message hop and the background. */
async function directSave(json: string): Promise<number> {
  writer ??= new Library();
  const { article } = JSON.parse(json) as { article: Parameters<Library['save']>[0] };
  const t0 = performance.now();
  await writer.save(article);
  return performance.now() - t0;
}

/** A message round trip to the background with a one-row read behind it (`library.lookup`). */
async function messageLookup(url: string): Promise<number> {
  const t0 = performance.now();
  await chrome.runtime.sendMessage({ type: 'library.lookup', data: { url } });
  return performance.now() - t0;
}

/** A fresh article for each save (new URL), ~5 KB like the library's. */
function articleJson(n: number): string {
  const [article] = generateChineseArticles(1, { seed: 7_000 + n, base: `https://www.ftchinese.com/bench-${n}` });
  return JSON.stringify({ article });
}

let reader: Library | null = null;

/** `Library.search` as the library page calls it (its own read connection and in-memory index). */
async function storageSearch(query: string): Promise<{ ms: number; hits: number }> {
  reader ??= new Library();
  const t0 = performance.now();
  const hits = (await reader.search(query)).length;
  return { ms: performance.now() - t0, hits };
}

let texts: string[] | null = null;

/** Baseline for search: a plain indexOf scan over the same titles and texts (generated again here, outside the timing). */
function indexOfScan(query: string, count: number): { ms: number; hits: number } {
  texts ??= generateChineseArticles(count).map((a) => `${a.title}\n${a.textContent}`.toLowerCase());
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  const t0 = performance.now();
  let hits = 0;
  for (const text of texts) if (terms.every((t) => text.indexOf(t) >= 0)) hits++;
  return { ms: performance.now() - t0, hits };
}

export const libraryBench = { fill, rawIndexRead, rawWrite, messageSave, directSave, messageLookup, articleJson, storageSearch, indexOfScan };
export type LibraryBenchApi = typeof libraryBench;

(globalThis as unknown as { qingduLibraryBench: LibraryBenchApi }).qingduLibraryBench = libraryBench;
