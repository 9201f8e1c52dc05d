/**
 * Why the library lives in IndexedDB: the same articles written to and listed
 * from `storage.local` and from IndexedDB, in real Chromium with the built
 * extension. Run: `npx tsx tests/bench/storage-choice.ts [n]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../e2e/chromium';
import { AS_USERS } from './common';

const N = Number(process.argv[2] ?? 2000);

async function main(): Promise<void> {
  const profile = mkdtempSync(join(tmpdir(), 'qingdu-choice-'));
  const { context, extensionId } = await launchChromium(profile, new Map(), undefined, AS_USERS);
  try {
    const page = await context.newPage();
    await page.goto(`chrome-extension://${extensionId}/library.html`);
    // tsx keeps function names with a `__name` helper that the page does not have.
    await page.evaluate('globalThis.__name = (f) => f');
    const figures = await page.evaluate(async (n: number) => {
      const body = '俄罗斯表示准备为白俄罗斯提供安全支持。'.repeat(90); // ~1,700 characters, ~5 KB UTF-8
      const rows = Array.from({ length: n }, (_, i) => ({
        id: `a${i}`, url: `https://cn.ft.com/story/${100000 + i}`, title: `标题 ${i}`, savedAt: new Date(i * 1000).toISOString(), tags: [],
      }));
      const time = async (fn: () => Promise<unknown>) => { const t = performance.now(); await fn(); return performance.now() - t; };
      const api = (globalThis as unknown as { chrome: { storage: { local: { set(v: object): Promise<void>; get(k: string | null): Promise<Record<string, unknown>>; clear(): Promise<void> } } } }).chrome.storage.local;

      // storage.local: one key per body, one key for the index (it has no secondary indexes or cursors).
      const localWrite = await time(async () => {
        for (let i = 0; i < n; i += 100) {
          const batch: Record<string, unknown> = {};
          for (let j = i; j < Math.min(n, i + 100); j++) batch[`body:${j}`] = { id: `a${j}`, contentHtml: body, textContent: body };
          await api.set(batch);
        }
        await api.set({ index: rows });
      });
      const localList = await time(() => api.get('index'));
      // One more save means rewriting the whole index array.
      const localSaveOne = await time(async () => {
        const { index } = await api.get('index');
        await api.set({ 'body:new': { id: 'new', contentHtml: body }, index: [...(index as unknown[]), { id: 'new' }] });
      });

      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('qingdu-choice', 1);
        open.onupgradeneeded = () => { open.result.createObjectStore('entries', { keyPath: 'id' }); open.result.createObjectStore('bodies', { keyPath: 'id' }); };
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const done = (tx: IDBTransaction) => new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
      const idbWrite = await time(async () => {
        for (let i = 0; i < n; i += 100) {
          const tx = db.transaction(['entries', 'bodies'], 'readwrite');
          for (let j = i; j < Math.min(n, i + 100); j++) {
            tx.objectStore('entries').put(rows[j]);
            tx.objectStore('bodies').put({ id: `a${j}`, contentHtml: body, textContent: body });
          }
          await done(tx);
        }
      });
      const idbList = await time(() => new Promise((resolve) => { const r = db.transaction('entries').objectStore('entries').getAll(); r.onsuccess = resolve; }));
      const idbSaveOne = await time(async () => {
        const tx = db.transaction(['entries', 'bodies'], 'readwrite');
        tx.objectStore('entries').put({ id: 'new' });
        tx.objectStore('bodies').put({ id: 'new', contentHtml: body });
        await done(tx);
      });
      db.close();
      await api.clear();
      return { localWrite, localList, localSaveOne, idbWrite, idbList, idbSaveOne };
    }, N);
    const f = (x: number) => `${x.toFixed(1)} ms`;
    console.log(`storage choice, ${N} articles of ~5 KB, real Chromium (${extensionId})`);
    console.log(`                     storage.local   IndexedDB   ratio local/idb`);
    for (const [name, a, b] of [
      ['write all', figures.localWrite, figures.idbWrite],
      ['list the index', figures.localList, figures.idbList],
      ['save one more', figures.localSaveOne, figures.idbSaveOne],
    ] as const) console.log(`  ${name.padEnd(18)} ${f(a).padStart(14)} ${f(b).padStart(11)}   ${(a / b).toFixed(2)}×`);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

await main();
