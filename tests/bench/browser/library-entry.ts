/**
 * Runs inside an extension page of the built extension (bundled by
 * browser-bundle.ts): fills the library with the real storage module, and
 * measures the raw IndexedDB baselines and the storage search in Chromium.
 */
import { openDatabase } from '../../../src/storage/db';
import { idForUrl } from '../../../src/storage/ids';
import { Library } from '../../../src/storage/library';
import { articleFields, bodyBytesOf, type ImportRecord } from '../../../src/storage/records';
import { META_REV, type EntrySegment } from '../../../src/storage/schema';
import { entrySegment } from '../../../src/storage/segments';
import { buildSearchRecord } from '../../../src/storage/search-text';
import { generateChineseArticles } from '../storage-fixtures';

export function request<T>(req: IDBRequest<T>): Promise<T> {
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

export function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/** The scratch database of the raw-write baselines. */
let scratch: IDBDatabase | null = null;
/** The page's own library, for the storage module's writes without the message hop. */
let writer: Library | null = null;

/** Export-file records of generated articles, the way a backup carries them. */
function importRecordsOf(count: number, options: { seed?: number; base?: string } = {}): ImportRecord[] {
  return generateChineseArticles(count, options).map((article, k) => {
    const savedAt = new Date(Date.UTC(2024, 0, 1) + k * 60_000).toISOString();
    return { article, url: article.url, savedAt, updatedAt: savedAt, tags: k % 5 ? [] : ['经济'] } as unknown as ImportRecord;
  });
}

/** Imports `count` generated articles through `Library.importRecords`, `batch` records a call. */
async function fill(count: number, batch: number): Promise<{ ms: number; textChars: number }> {
  const t0 = performance.now();
  const records = importRecordsOf(count);
  const textChars = records.reduce((n, r) => n + r.article.textContent.length + r.article.title.length, 0);
  const library = new Library();
  for (let start = 0; start < count; start += batch) await library.importRecords(records.slice(start, start + batch));
  await library.close();
  return { ms: performance.now() - t0, textChars };
}

const importSets = new Map<number, ImportRecord[]>();

/** `count` articles not in the library before, a different set for each `round`. */
function importSetOf(count: number, round: number): ImportRecord[] {
  let set = importSets.get(round);
  if (set?.length !== count) {
    set = importRecordsOf(count, { seed: 11 + round, base: `https://www.ftchinese.com/bench-import-${round}` });
    importSets.set(round, set);
  }
  return set;
}

/**
 * `Library.importRecords` of round `round`'s `count` articles, as one import.
 * The first call for a round adds them; calling it again merges the same
 * records into the stored ones (all unchanged, so skipped), as re-importing a
 * backup does.
 */
async function directImport(count: number, round: number): Promise<{ ms: number; added: number; skipped: number }> {
  const records = importSetOf(count, round);
  writer ??= new Library();
  const t0 = performance.now();
  const result = await writer.importRecords(records);
  return { ms: performance.now() - t0, added: result.added, skipped: result.skipped };
}

/**
 * Baseline for an import: raw puts of the same record objects into a scratch
 * database, 100 a transaction as the library does, under fresh keys.
 */
async function rawImport(count: number, round: number): Promise<number> {
  const records = importSetOf(count, round);
  scratch ??= await openRaw('qingdu-bench-scratch', (db) => db.createObjectStore('articles'));
  const db = scratch;
  const t0 = performance.now();
  for (let start = 0; start < records.length; start += 100) {
    const tx = db.transaction('articles', 'readwrite');
    const store = tx.objectStore('articles');
    records.slice(start, start + 100).forEach((record, k) => store.put(record, `import-${round}-${start + k}`));
    await done(tx);
  }
  return performance.now() - t0;
}

/** Baseline for the first screen of rows: open the database and read the whole index (its segments, unpacked). */
async function rawIndexRead(): Promise<{ ms: number; rows: number }> {
  const t0 = performance.now();
  const db = await openRaw('qingdu');
  const segments = await request(db.transaction('entrySegments').objectStore('entrySegments').getAll() as IDBRequest<EntrySegment[]>);
  const rows = segments.flatMap((segment) => segment.entries);
  const ms = performance.now() - t0;
  db.close();
  // Keep the rows reachable for a heap reading taken by the caller.
  (globalThis as unknown as { heldRows: unknown }).heldRows = rows;
  return { ms, rows: rows.length };
}

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

let shaped: Awaited<ReturnType<typeof openDatabase>> | null = null;

/**
 * What the save's writes cost by themselves: one transaction putting exactly
 * the records `Library.save` writes for a new article (its index row and its
 * search text, each in a row of its own, body, revision), without reading
 * anything first. The writes go to a scratch database with the library's own
 * schema (its stores and indexes), so the library itself is left alone. The
 * one save in SEGMENT_SIZE that folds the rows of their own into a segment
 * writes more: it shows among the runs the bench prints, not in their median.
 */
async function rawSaveRecords(json: string, n: number): Promise<number> {
  shaped ??= await openDatabase({ name: 'qingdu-bench-shape' });
  const db = shaped;
  const { article } = JSON.parse(json) as { article: Parameters<Library['save']>[0] };
  const id = idForUrl(article.url);
  const now = new Date().toISOString();
  const entry = {
    id, ...articleFields(article), savedAt: now, updatedAt: now, readAt: null, state: 'unread' as const, tags: [], progress: 0,
    linkOnly: false, bodyBytes: bodyBytesOf(article), imageBytes: 0, missingImages: [],
  };
  const search = buildSearchRecord(id, article, now, n);
  const t0 = performance.now();
  const tx = db.transaction(['entrySegments', 'bodies', 'searchSegments', 'meta'], 'readwrite');
  void tx.objectStore('entrySegments').put(entrySegment([entry]), id);
  void tx.objectStore('bodies').put(article, id);
  void tx.objectStore('searchSegments').put({ rev: n, rows: [search] }, id);
  void tx.objectStore('meta').put(n, META_REV);
  await tx.done;
  return performance.now() - t0;
}

/** The storage module's save called in this page: the save path without the message hop and the background. */
async function directSave(json: string): Promise<number> {
  writer ??= new Library();
  const { article } = JSON.parse(json) as { article: Parameters<Library['save']>[0] };
  const t0 = performance.now();
  await writer.save(article);
  return performance.now() - t0;
}

let otherWriter: Library | null = null;

/** `directSave` right after another connection saved an article (untimed). */
async function directSaveAfterOther(json: string, otherJson: string): Promise<number> {
  otherWriter ??= new Library();
  await otherWriter.save((JSON.parse(otherJson) as { article: Parameters<Library['save']>[0] }).article);
  return directSave(json);
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

export const libraryBench = {
  fill, rawIndexRead, rawWrite, rawSaveRecords, messageSave, directSave, directSaveAfterOther, messageLookup, articleJson, directImport, rawImport, storageSearch, indexOfScan,
};
export type LibraryBenchApi = typeof libraryBench;

(globalThis as unknown as { qingduLibraryBench: LibraryBenchApi }).qingduLibraryBench = libraryBench;
