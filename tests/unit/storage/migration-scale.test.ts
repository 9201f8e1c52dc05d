/**
 * A 10,000-article library written by every older schema version opens at the
 * current version with nothing lost; a migration that fails part-way leaves it
 * readable at its old version.
 */
import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { openDatabase } from '../../../src/storage/db';
import { idForUrl } from '../../../src/storage/ids';
import { Library } from '../../../src/storage/library';
import { MIGRATIONS } from '../../../src/storage/migrations';
import { DB_VERSION, SEGMENT_SIZE, type EntryV1 } from '../../../src/storage/schema';
import { article, createV1Stores, rawOpen } from './helpers';

const N = 10_000;
const urlOf = (i: number) => `https://www.ftchinese.com/story/${String(1_000_000 + i).padStart(9, '0')}`;

function entryV1(i: number): EntryV1 {
  const url = urlOf(i);
  return {
    id: idForUrl(url), url, title: `第${i}篇：央行与市场`, siteName: 'FT中文网', lang: 'zh-CN', byline: null, lead: null,
    leadImage: null, published: null, savedAt: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
    updatedAt: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(), readAt: null, state: i % 3 ? 'unread' : 'read',
    tags: i % 7 ? [] : ['每周'], readingMinutes: 2, length: 400, partial: false, progress: 0, linkOnly: false, bodyBytes: 900,
  };
}

/** Writes the old shape in one transaction (fake-indexeddb is slow per transaction). */
async function createOld(factory: IDBFactory, version: 1 | 2): Promise<void> {
  const db = await rawOpen(factory, 1, createV1Stores);
  const tx = db.transaction(['entries', 'bodies'], 'readwrite');
  for (let i = 0; i < N; i++) {
    const entry = entryV1(i);
    tx.objectStore('entries').put(entry);
    tx.objectStore('bodies').put(article(entry.url, { title: entry.title, textContent: `正文${i}：利率与房地产市场。` }), entry.id);
  }
  await new Promise((resolve, reject) => ((tx.oncomplete = resolve), (tx.onerror = () => reject(tx.error))));
  db.close();
  if (version === 2) {
    const db2 = await rawOpen(factory, 2, (raw, up) => {
      raw.createObjectStore('images', { keyPath: ['articleId', 'url'] }).createIndex('articleId', 'articleId');
      const entries = up.objectStore('entries');
      const all = entries.getAll();
      all.onsuccess = () => {
        for (const e of all.result as EntryV1[]) entries.put({ ...e, imageBytes: 0, missingImages: [] });
      };
    });
    db2.close();
  }
}

async function count(factory: IDBFactory, store: string): Promise<{ version: number; n: number }> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = factory.open("qingdu");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const n = await new Promise<number>((resolve) => {
    const req = db.transaction(store).objectStore(store).count();
    req.onsuccess = () => resolve(req.result);
  });
  const version = db.version;
  db.close();
  return { version, n };
}

describe(`migrating a ${N.toLocaleString('en')}-article library`, () => {
  for (const version of [1, 2] as const) {
    it(`from v${version}: every article, its state and tags arrive at v${DB_VERSION}, and search works`, async () => {
      const factory = new IDBFactory();
      await createOld(factory, version);
      const library = await Library.open({ factory });
      const list = await library.list();
      expect(list).toHaveLength(N);
      expect(list.filter((e) => e.state === 'read')).toHaveLength(Math.ceil(N / 3));
      expect(list.filter((e) => e.tags.includes('每周'))).toHaveLength(Math.ceil(N / 7));
      expect((await library.getBody(idForUrl(urlOf(4321))))?.textContent).toBe('正文4321：利率与房地产市场。');
      expect(await library.search('正文9999')).toEqual([idForUrl(urlOf(9999))]);
      expect(await library.getEntry(idForUrl(urlOf(4320)))).toMatchObject({ title: '第4320篇：央行与市场', state: 'read', tags: [] });
      await library.close();
      expect(await count(factory, 'entrySegments')).toEqual({ version: DB_VERSION, n: N / SEGMENT_SIZE });
      expect(await count(factory, 'searchSegments')).toEqual({ version: DB_VERSION, n: N / SEGMENT_SIZE });
    }, 120_000);
  }

  it('a migration failing half-way leaves all of them readable at the old version', async () => {
    const factory = new IDBFactory();
    await createOld(factory, 1);
    const failing = {
      ...MIGRATIONS,
      4: async (...args: Parameters<(typeof MIGRATIONS)[4]>) => {
        await MIGRATIONS[4]?.(...args);
        throw new Error('the disk filled up during the upgrade');
      },
    };
    await expect(openDatabase({ factory, migrations: failing })).rejects.toThrow();
    expect(await count(factory, 'entries')).toEqual({ version: 1, n: N });
    expect(await count(factory, 'bodies')).toEqual({ version: 1, n: N });
    // And the normal upgrade still succeeds afterwards.
    const library = await Library.open({ factory });
    expect(await library.list()).toHaveLength(N);
    await library.close();
  }, 120_000);
});
