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
import { DB_VERSION, SEGMENT_SIZE, type EntryV1, type SearchSegment } from '../../../src/storage/schema';
import { article, createV1Stores, rawGetAll, rawOpen, rawPut } from './helpers';

const N = 10_000;
/** Every fourth article was saved from FT's mirror host, under the id its URL had before v9 folded the hosts. */
const urlOf = (i: number) => `https://${i % 4 ? 'www.ftchinese.com' : 'cn.ft.com'}/story/${String(1_000_000 + i).padStart(9, '0')}`;
const storedId = (url: string) => (url.startsWith('https://cn.ft.com/') ? idForUrl(`https://before.test/${url}`) : idForUrl(url));

/** Every second article has a standfirst, every fifth an author. */
const lead = (i: number) => (i % 2 ? null : `导语${i}：降息之后`);
const byline = (i: number) => (i % 5 ? null : `作者${i}`);

function entryV1(i: number): EntryV1 {
  const url = urlOf(i);
  return {
    id: storedId(url), url, title: `第${i}篇：央行与市场`, siteName: 'FT中文网', lang: 'zh-CN', byline: byline(i), lead: lead(i),
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
    tx.objectStore('bodies').put(article(entry.url, { title: entry.title, lead: entry.lead, byline: entry.byline, textContent: `正文${i}：利率与房地产市场。` }), entry.id);
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

/** Every article with a standfirst and only those are found by a word of it; the same for authors. */
function expectLeadsAndBylines(leadHits: string[], bylineHits: string[]): void {
  const ids = (has: (i: number) => unknown) => Array.from({ length: N }, (_, i) => i).filter(has).map((i) => idForUrl(urlOf(i)));
  expect(new Set(leadHits)).toEqual(new Set(ids(lead)));
  expect(new Set(bylineHits)).toEqual(new Set(ids(byline)));
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
      // The articles saved from the mirror host moved to the ids their URLs have now (v9), bodies with them.
      expect(list.filter((e) => e.id !== idForUrl(e.url))).toEqual([]);
      expect((await library.getBody(idForUrl(urlOf(4320))))?.textContent).toBe('正文4320：利率与房地产市场。');
      expect(await library.search('正文9999')).toEqual([idForUrl(urlOf(9999))]);
      expectLeadsAndBylines(await library.search('导语'), await library.search('作者'));
      expect(await library.search('导语4320')).toEqual([idForUrl(urlOf(4320))]);
      expect(await library.search('作者4320')).toEqual([idForUrl(urlOf(4320))]);
      expect(await library.getEntry(idForUrl(urlOf(4320)))).toMatchObject({ title: '第4320篇：央行与市场', state: 'read', tags: [] });
      await library.close();
      expect(await count(factory, 'entrySegments')).toEqual({ version: DB_VERSION, n: N / SEGMENT_SIZE });
      expect(await count(factory, 'searchSegments')).toEqual({ version: DB_VERSION, n: N / SEGMENT_SIZE });
    }, 120_000);
  }

  it(`from v7, in numbered segments and rows of their own: the standfirsts and authors are found at v${DB_VERSION}, and every article is kept`, async () => {
    const factory = new IDBFactory();
    await createOld(factory, 1);
    // Up to v7 through the migrations, whose search text holds title and body only, as it did in the v7 release.
    const old = await Library.open({ factory, version: 7 });
    expect(await old.search('导语4320')).toEqual([]);
    // Three saves at v7, each into a row of its own; their text is put back as v7 wrote it below.
    const saved = [];
    for (const k of [0, 1, 2]) {
      const i = N + k;
      saved.push(await old.save(article(urlOf(i), { title: `第${i}篇`, lead: lead(i), byline: byline(i), textContent: `正文${i}` }), { now: new Date(Date.UTC(2025, 0, 1) + k) }));
    }
    await old.close();
    const raw = await rawOpen(factory, 7);
    for (const [k, a] of saved.entries()) {
      const text = `第${N + k}篇 正文${N + k}`;
      const [segment] = (await rawGetAll(raw, 'searchSegments', a.id)) as SearchSegment[];
      await rawPut(raw, 'searchSegments', { ...segment, rows: segment!.rows.map((row) => ({ ...row, text })) }, a.id);
    }
    raw.close();

    const library = await Library.open({ factory });
    const list = await library.list();
    expect(list).toHaveLength(N + 3);
    expect(new Set(list.map((e) => e.id)).size).toBe(N + 3);
    const [leadHits, bylineHits] = [await library.search('导语'), await library.search('作者')];
    // N and N + 2 have a standfirst, N an author: rows of their own, appended too.
    expect(leadHits.slice(0, 2)).toEqual([saved[2]!.id, saved[0]!.id]);
    expect(bylineHits[0]).toBe(saved[0]!.id);
    expectLeadsAndBylines(leadHits.slice(2), bylineHits.slice(1));
    expect(await library.search('作者4320')).toEqual([idForUrl(urlOf(4320))]);
    expect(await library.search('导语10002')).toEqual([saved[2]!.id]);
    expect(await library.getEntry(idForUrl(urlOf(4320)))).toMatchObject({ title: '第4320篇：央行与市场', lead: lead(4320), byline: byline(4320) });
    await library.close();
    expect(await count(factory, 'entrySegments')).toEqual({ version: DB_VERSION, n: N / SEGMENT_SIZE + 3 });
    expect(await count(factory, 'searchSegments')).toEqual({ version: DB_VERSION, n: N / SEGMENT_SIZE + 3 });
  }, 120_000);

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
