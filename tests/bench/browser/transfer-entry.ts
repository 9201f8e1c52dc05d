/**
 * Runs inside an extension page of the built extension (bundled by
 * browser-bundle.ts): fills the library through the storage module, and
 * measures the raw baselines of the transfer bench there: `getAll` of the
 * library's stores + `JSON.stringify` (export), `JSON.parse` + raw puts of the
 * same records into an empty scratch database (import).
 */
import { TransferStore } from '../../../src/library/transfer-data';
import { exportList } from '../../../src/library/transfer-export';
import { localWriter } from '../../../src/library/export-writing';
import { libraryWriter, type ImportBatch } from '../../../src/library/import-writer';
import { Batcher } from '../../../src/library/transfer-plan';
import { unwrap } from 'idb';
import type { Article } from '../../../src/core/types';
import { openDatabase } from '../../../src/storage/db';
import { Library } from '../../../src/storage/library';
import { emptyBody } from '../../../src/storage/records';
import { BODY_PACK_SIZE, META_REV, SEGMENT_SIZE, type BodyPack, type EntrySegment } from '../../../src/storage/schema';
import { entrySegment } from '../../../src/storage/segments';
import { buildSearchRecord } from '../../../src/storage/search-text';
import type { LibraryEntry } from '../../../src/storage/types';
import { coreSanitize } from '../../../src/transfer/core-hooks';
import { blobText, readBackup, type Sanitize } from '../../../src/transfer/index';
import { done, libraryBench, request } from './library-entry';

/** The last baseline export, kept (outside any timing) for the import baseline. */
let exported: string | null = null;

/** getAll of entries and bodies (rows and packs), joined into records, JSON.stringify, into a Blob. */
async function rawExport(): Promise<{ ms: number; bytes: number; records: number }> {
  const t0 = performance.now();
  const db = await request(indexedDB.open('qingdu'));
  const tx = db.transaction(['entrySegments', 'bodies', 'bodyPacks'], 'readonly');
  const [segments, bodies, keys, packs] = await Promise.all([
    request(tx.objectStore('entrySegments').getAll() as IDBRequest<EntrySegment[]>),
    request(tx.objectStore('bodies').getAll() as IDBRequest<unknown[]>),
    request(tx.objectStore('bodies').getAllKeys()),
    request(tx.objectStore('bodyPacks').getAll() as IDBRequest<BodyPack[]>),
  ]);
  const entries = segments.flatMap((segment) => segment.entries);
  const byId = new Map<string, unknown>(keys.map((k, i) => [k as string, bodies[i]]));
  for (const pack of packs) pack.ids.forEach((id, i) => byId.set(id, pack.bodies[i]));
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

/**
 * The floor of an import in Qingdu's own layout: JSON.parse of the last
 * baseline export, then raw puts of exactly the rows an import of it writes
 * into an empty library (segments of index rows and of search text, bodies,
 * packs of bodies, revision), 100 records a transaction, into a scratch database with the
 * library's schema. `links`: the rows a bookmarks import of the same
 * articles writes instead (a link-only entry's index row and search text, no body).
 */
async function rawLayoutImport(links: boolean): Promise<{ ms: number; records: number }> {
  if (!exported) throw new Error('run rawExport first');
  const name = 'qingdu-bench-layout';
  await request(indexedDB.deleteDatabase(name));
  const db = unwrap(await openDatabase({ name }));
  const t0 = performance.now();
  const { articles } = JSON.parse(exported) as { articles: (LibraryEntry & { article: Article })[] };
  for (let start = 0; start < articles.length; start += 100) {
    const tx = db.transaction(['entrySegments', 'bodyPacks', 'searchSegments', 'meta'], 'readwrite', { durability: 'relaxed' });
    const rev = start / 100 + 1;
    const batch = articles.slice(start, start + 100).map(({ article, ...entry }) => {
      if (!links) return { entry, search: buildSearchRecord(entry.id, article, entry.savedAt, rev), article };
      const link = { ...entry, linkOnly: true, bodyBytes: 0, length: 0, readingMinutes: 0 };
      return { entry: link, search: buildSearchRecord(entry.id, emptyBody(link), entry.savedAt, rev), article: null };
    });
    for (let k = 0; k < batch.length; k += SEGMENT_SIZE) {
      const part = batch.slice(k, k + SEGMENT_SIZE);
      const key = (start + k) / SEGMENT_SIZE;
      tx.objectStore('entrySegments').put(entrySegment(part.map((r) => r.entry)), key);
      tx.objectStore('searchSegments').put({ rev, rows: part.map((r) => r.search) }, key);
    }
    const bodies = batch.filter((r) => r.article);
    for (let k = 0; k < bodies.length; k += BODY_PACK_SIZE) {
      const pack = bodies.slice(k, k + BODY_PACK_SIZE);
      tx.objectStore('bodyPacks').put({ ids: pack.map((r) => r.entry.id), bodies: pack.map((r) => r.article as Article) } satisfies BodyPack);
    }
    tx.objectStore('meta').put(rev, META_REV);
    tx.commit();
    await done(tx);
  }
  const ms = performance.now() - t0;
  db.close();
  await request(indexedDB.deleteDatabase(name));
  return { ms, records: articles.length };
}

/** A hostile snippet, and what the shared sanitizer makes of it. */
const PROBE = '<p class="x">a<script>b</script></p>';
const PROBED = '<p>a</p>';

/**
 * `sanitizeHtml` of src/core/sanitize.ts as the extension ships it: the built
 * chunk `sanitize.js`, loaded by this extension page, its export found by what
 * it does (the build renames exports). Null when the chunk is not there.
 */
async function builtSanitizer(): Promise<Sanitize | null> {
  const chunk = (await import(/* @vite-ignore */ `${location.origin}/sanitize.js`).catch(() => null)) as Record<string, unknown> | null;
  for (const f of Object.values(chunk ?? {})) {
    if (typeof f !== 'function') continue;
    const call = (html: string) => (f as (html: string, win: Window) => unknown)(html, window);
    try {
      if (call(PROBE) === PROBED) return (html) => call(html) as string;
    } catch {
      // Another export, with other arguments.
    }
  }
  return null;
}

/**
 * Where the time of a backup import goes, stage by stage, over the backup of
 * the library in this profile (written by the page's own exporter): reading
 * and checking (first pass), sanitizing (second pass), and storing every
 * batch into an empty scratch database through the page's import writer.
 */
async function profileImport(): Promise<Record<string, number>> {
  const store = new TransferStore();
  const rows = await store.entries();
  const file = await exportList('backup', rows, localWriter(store, 'backup', { bodies: true, images: await store.imageOwners() }));
  const blob = new Blob(file.parts);
  const out: Record<string, number> = { records: rows.length, bytes: blob.size };
  let t0 = performance.now();
  let n = 0;
  await readBackup(blobText(blob), (h) => h, { article: () => void n++, image: () => undefined, failed: () => undefined });
  out.readAndCheckMs = performance.now() - t0;
  t0 = performance.now();
  for await (const piece of blobText(blob)) n += piece.length > 0 ? 0 : 1;
  out.decodeOnlyMs = performance.now() - t0;

  const sanitize = coreSanitize(window);
  let sanitizeMs = 0;
  const timed = (clean: Sanitize, add: (ms: number) => void) => (html: string) => {
    const s0 = performance.now();
    const out = clean(html);
    add(performance.now() - s0);
    return out;
  };
  const timedSanitize = timed(sanitize, (ms) => (sanitizeMs += ms));
  const batches: ImportBatch[] = [];
  const batcher = new Batcher();
  t0 = performance.now();
  await readBackup(blobText(blob), timedSanitize, {
    article: (saved) => {
      const closed = batcher.record({ record: saved, images: [] });
      if (closed) batches.push(closed);
    },
    image: () => undefined,
    failed: () => undefined,
  });
  const last = batcher.flush();
  if (last) batches.push(last);
  out.readCheckSanitizeBatchMs = performance.now() - t0;
  out.sanitizeMs = sanitizeMs;

  // The same sanitizing through the extension's own build of it, which a minifier can make slower than this bundle.
  const built = await builtSanitizer();
  if (built) {
    let builtMs = 0;
    await readBackup(blobText(blob), timed(built, (ms) => (builtMs += ms)), { article: () => undefined, image: () => undefined, failed: () => undefined });
    out.builtSanitizeMs = builtMs;
  }

  let writeMs = 0;
  const name = 'qingdu-bench-write';
  await new Promise((resolve) => { const r = indexedDB.deleteDatabase(name); r.onsuccess = r.onerror = resolve; });
  const library = new Library({ name });
  const writer = libraryWriter(library, () => undefined);
  for (const batch of batches) {
    const s0 = performance.now();
    await writer.write(batch);
    writeMs += performance.now() - s0;
  }
  await library.close();
  await new Promise((resolve) => { const r = indexedDB.deleteDatabase(name); r.onsuccess = r.onerror = resolve; });
  Object.assign(out, { batches: batches.length, writeMs });
  return out;
}

/** Drops the held baseline export, so the page's heap is back to nothing. */
function release(): void {
  exported = null;
}

export const transferBench = { fill: libraryBench.fill, rawExport, rawImport, rawLayoutImport, release, profileImport };
export type TransferBenchApi = typeof transferBench;

(globalThis as unknown as { qingduTransferBench: TransferBenchApi }).qingduTransferBench = transferBench;
