/**
 * Runs inside an extension page of the built extension (bundled by
 * browser-bundle.ts): fills the library through the storage module, and
 * measures the raw baselines of the transfer bench there: `getAll` of the
 * library's stores + `JSON.stringify` (export), `JSON.parse` + raw puts of the
 * same records into an empty scratch database (import).
 */
import { libraryBench } from './library-entry';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/** The last baseline export, kept (outside any timing) for the import baseline. */
let exported: string | null = null;

/** getAll of entries and bodies, joined into records, JSON.stringify, into a Blob. */
async function rawExport(): Promise<{ ms: number; bytes: number; records: number }> {
  const t0 = performance.now();
  const db = await request(indexedDB.open('qingdu'));
  const tx = db.transaction(['entries', 'bodies'], 'readonly');
  const [entries, bodies] = await Promise.all([
    request(tx.objectStore('entries').getAll() as IDBRequest<{ id: string }[]>),
    request(tx.objectStore('bodies').getAll() as IDBRequest<unknown[]>),
  ]);
  const keys = await request(tx.objectStore('bodies').getAllKeys());
  const byId = new Map(keys.map((k, i) => [k as string, bodies[i]]));
  const records = entries.map((e) => ({ ...e, article: byId.get(e.id) }));
  const json = JSON.stringify({ articles: records });
  const blob = new Blob([json], { type: 'application/json' });
  const ms = performance.now() - t0;
  db.close();
  exported = json;
  return { ms, bytes: blob.size, records: records.length };
}

/** JSON.parse of the last baseline export and one put per store and record into an empty scratch database, 500 records a transaction. */
async function rawImport(): Promise<{ ms: number; parseMs: number; records: number }> {
  if (!exported) throw new Error('run rawExport first');
  const name = 'qingdu-bench-import';
  await request(indexedDB.deleteDatabase(name));
  const open = indexedDB.open(name);
  open.onupgradeneeded = () => {
    open.result.createObjectStore('entries', { keyPath: 'id' });
    open.result.createObjectStore('bodies');
  };
  const db = await request(open);
  const t0 = performance.now();
  const { articles } = JSON.parse(exported) as { articles: { id: string; article: unknown }[] };
  const parseMs = performance.now() - t0;
  for (let start = 0; start < articles.length; start += 500) {
    const tx = db.transaction(['entries', 'bodies'], 'readwrite');
    for (const { article, ...entry } of articles.slice(start, start + 500)) {
      tx.objectStore('entries').put(entry);
      tx.objectStore('bodies').put(article, entry.id);
    }
    await done(tx);
  }
  const ms = performance.now() - t0;
  db.close();
  await request(indexedDB.deleteDatabase(name));
  return { ms, parseMs, records: articles.length };
}

/** Drops the held baseline export, so the page's heap is back to nothing. */
function release(): void {
  exported = null;
}

export const transferBench = { fill: libraryBench.fill, rawExport, rawImport, release };
export type TransferBenchApi = typeof transferBench;

(globalThis as unknown as { qingduTransferBench: TransferBenchApi }).qingduTransferBench = transferBench;
