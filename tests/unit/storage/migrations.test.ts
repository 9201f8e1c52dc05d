import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { STORY_HOSTS } from '../../../src/core/rules/story-hosts';
import { openDatabase } from '../../../src/storage/db';
import { StorageError } from '../../../src/storage/errors';
import { idForUrl } from '../../../src/storage/ids';
import { Library } from '../../../src/storage/library';
import { MIGRATIONS } from '../../../src/storage/migrations';
import { DB_VERSION, META_REV, type EntryV1, type SearchSegment } from '../../../src/storage/schema';
import { buildSearchRecord } from '../../../src/storage/search-text';
import { linkRecord } from '../../../src/library/transfer-plan';
import type { LibraryEntry } from '../../../src/storage/types';
import { article, bytes, createV1Stores, NOW, rawGetAll, rawKeys, rawOpen, rawPut } from './helpers';

const URL_1 = 'https://www.ftchinese.com/story/001108000';
const URL_2 = 'https://example.com/en/reader-mode';
const ID_1 = idForUrl(URL_1);
const ID_2 = idForUrl(URL_2);

const BODY_1 = article(URL_1, { title: '中国央行下调利率', lead: '降息幅度超出市场预期。', textContent: '分析师认为，央行此举意在稳定房地产市场。' });
const BODY_2 = article(URL_2, { title: 'Reader Mode Explained', textContent: 'Readers prefer calm pages.' });

/** Index rows exactly as v1 wrote them: no image accounting. */
const V1_ENTRIES: EntryV1[] = [
  {
    id: ID_1, url: URL_1, title: BODY_1.title, siteName: 'FT中文网', lang: 'zh-CN', byline: null, lead: BODY_1.lead, leadImage: null,
    published: null, savedAt: '2024-05-01T10:00:00.000Z', updatedAt: '2024-05-02T10:00:00.000Z', readAt: '2024-05-03T10:00:00.000Z',
    state: 'read', tags: ['央行', '利率'], readingMinutes: 1, length: 20, partial: false, progress: 0.5, linkOnly: false, bodyBytes: 120,
  },
  {
    id: ID_2, url: URL_2, title: BODY_2.title, siteName: null, lang: 'en', byline: 'A. Writer', lead: null, leadImage: null,
    published: null, savedAt: '2024-06-01T10:00:00.000Z', updatedAt: '2024-06-01T10:00:00.000Z', readAt: null,
    state: 'unread', tags: [], readingMinutes: 1, length: 4, partial: false, progress: 0, linkOnly: false, bodyBytes: 80,
  },
];

/** Builds a v1 database by hand, the way the v1 release created it. */
async function createV1(factory: IDBFactory): Promise<void> {
  const db = await rawOpen(factory, 1, createV1Stores);
  for (const entry of V1_ENTRIES) await rawPut(db, 'entries', entry);
  await rawPut(db, 'bodies', BODY_1, ID_1);
  await rawPut(db, 'bodies', BODY_2, ID_2);
  db.close();
}

/** Builds a v2 database by hand: v1 plus images, entries with image accounting. */
async function createV2(factory: IDBFactory): Promise<void> {
  await createV1(factory);
  const db = await rawOpen(factory, 2, (raw, tx) => {
    const images = raw.createObjectStore('images', { keyPath: ['articleId', 'url'] });
    images.createIndex('articleId', 'articleId');
    const entries = tx.objectStore('entries');
    for (const entry of V1_ENTRIES) {
      entries.put({ ...entry, imageBytes: entry.id === ID_1 ? 3 : 0, missingImages: entry.id === ID_1 ? ['https://img/b'] : [] });
    }
  });
  await rawPut(db, 'images', { articleId: ID_1, url: 'https://img/a', type: 'image/jpeg', bytes: bytes(7, 8, 9) });
  db.close();
}

async function expectCurrent(library: Library, factory: IDBFactory, imageBytes: number, missing: string[]): Promise<void> {
  const list = await library.list();
  expect(list.map((e) => e.id)).toEqual([ID_2, ID_1]);
  const expected1: LibraryEntry = { ...(V1_ENTRIES[0] as EntryV1), imageBytes, missingImages: missing };
  expect(await library.get(ID_1)).toEqual({ ...expected1, article: BODY_1 });
  expect(await library.getBody(ID_2)).toEqual(BODY_2);
  // The v3 search text was filled from the old bodies, and v4 carried it into segments.
  expect(await library.search('房地产')).toEqual([ID_1]);
  expect(await library.search('reader')).toEqual([ID_2]);
  expect(await library.search('央行')).toEqual([ID_1]);
  // v8 added the standfirst and the byline of each index row.
  expect(await library.search('超出市场预期')).toEqual([ID_1]);
  expect(await library.search('writer')).toEqual([ID_2]);
  await library.close();
  const db = await rawOpen(factory, DB_VERSION);
  expect(db.version).toBe(DB_VERSION);
  expect([...db.objectStoreNames].sort()).toEqual(['bodies', 'bodyPacks', 'entrySegments', 'images', 'meta', 'searchSegments']);
  // Both articles fit one segment, oldest saved first.
  expect(await rawGetAll(db, 'entrySegments')).toMatchObject([{ ids: [ID_1, ID_2] }]);
  db.close();
}

describe('migrations', () => {
  it('has one numbered migration for every version up to the current one', () => {
    expect(Object.keys(MIGRATIONS).map(Number)).toEqual(Array.from({ length: DB_VERSION }, (_, i) => i + 1));
  });

  it('keys ids by the story hosts v9 re-keyed saved articles by', () => {
    // Ids hash URLs with these hosts folded: changing them needs a migration that re-keys again (see rekey.ts).
    expect(Object.fromEntries(STORY_HOSTS)).toEqual({
      'www.ftchinese.com': 'www.ftchinese.com', 'cn.ft.com': 'www.ftchinese.com', 'ftchinese.com': 'www.ftchinese.com',
      'm.ftchinese.com': 'www.ftchinese.com', 'www.chineseft.com': 'www.ftchinese.com', 'www.chineseft.net': 'www.ftchinese.com',
    });
  });

  it('creates an empty current database', async () => {
    const factory = new IDBFactory();
    const library = await Library.open({ factory });
    expect(await library.list()).toEqual([]);
    expect(await library.usage()).toEqual({ articles: 0, bodyBytes: 0, imageBytes: 0 });
    await library.close();
    const db = await rawOpen(factory, DB_VERSION);
    expect(db.version).toBe(DB_VERSION);
    db.close();
  });

  it('upgrades v1 data to the current version intact', async () => {
    const factory = new IDBFactory();
    await createV1(factory);
    const library = await Library.open({ factory });
    await expectCurrent(library, factory, 0, []);
  });

  it('upgrades v2 data (with images) to the current version intact', async () => {
    const factory = new IDBFactory();
    await createV2(factory);
    const library = await Library.open({ factory });
    expect((await library.getImage(ID_1, 'https://img/a'))?.bytes).toEqual(bytes(7, 8, 9));
    await expectCurrent(library, factory, 3, ['https://img/b']);
  });

  it('upgraded data keeps working: re-saving keeps the v1 tags and state', async () => {
    const factory = new IDBFactory();
    await createV1(factory);
    const library = await Library.open({ factory });
    const saved = await library.save({ ...BODY_1, textContent: '新的正文' });
    expect(saved).toMatchObject({ tags: ['央行', '利率'], state: 'read', progress: 0.5, savedAt: '2024-05-01T10:00:00.000Z' });
    expect(await library.search('新的正文')).toEqual([ID_1]);
    expect(await library.search('房地产')).toEqual([]);
    await library.close();
  });

  it('v7 folds the search text v6 stored, in numbered segments and rows of their own', async () => {
    const factory = new IDBFactory();
    const old = await Library.open({ factory, version: 6 });
    const texts: Record<string, { title: string; textContent: string }> = {};
    const make = (k: number, title: string, textContent: string) => {
      const url = `https://big5.ftchinese.com/story/00109000${k}`;
      texts[idForUrl(url)] = { title, textContent };
      return article(url, { title, textContent, lang: 'zh-TW' });
    };
    // An import goes to a numbered segment, a save to a row of its own.
    const typhoon = make(1, '颱風登陸臺灣', '氣象局說，颱風之後還會下雨。');
    // U+3823 folds to an astral character: the title grows by one UTF-16 unit.
    const hair = make(2, '\u3823山理髮', '她剪短了頭髮。');
    await old.importRecords(
      [typhoon, hair].map((a) => ({
        ...V1_ENTRIES[0]!, id: idForUrl(a.url), url: a.url, title: a.title, tags: [], state: 'unread' as const, imageBytes: 0, missingImages: [], article: a,
      })),
    );
    const own = await old.save(make(3, '後來', '吃了一碗麵。'), { now: NOW });
    await old.close();
    // Put the text back as v6 stored it: normalized, not folded.
    const raw = await rawOpen(factory, 6);
    const keys = (await rawKeys(raw, 'searchSegments')).sort((a, b) => String(a).localeCompare(String(b)));
    expect(keys).toEqual([0, own.id]);
    for (const key of keys) {
      const [segment] = (await rawGetAll(raw, 'searchSegments', key)) as SearchSegment[];
      const rows = segment!.rows.map((row) => ({ ...row, text: `${texts[row.id]!.title} ${texts[row.id]!.textContent}`, titleLength: texts[row.id]!.title.length }));
      await rawPut(raw, 'searchSegments', { ...segment, rows }, key);
    }
    raw.close();

    const library = await Library.open({ factory });
    expect(await library.search('台风')).toEqual([idForUrl(typhoon.url)]);
    expect(await library.search('之后')).toEqual([idForUrl(typhoon.url)]);
    expect(await library.search('头发')).toEqual([idForUrl(hair.url)]);
    expect(await library.search('后来 面')).toEqual([own.id]);
    await library.close();
    const db = await rawOpen(factory, DB_VERSION);
    const rows = ((await rawGetAll(db, 'searchSegments')) as SearchSegment[]).flatMap((s) => s.rows);
    db.close();
    // Each title measured after folding.
    expect(rows.map((r) => [r.text, r.titleLength])).toEqual([
      ['台风登陆台湾 气象局说，台风之后还会下雨。', 6],
      ['\u{2BD77}山理发 她剪短了头发。', 5],
      ['后来 吃了一碗面。', 2],
    ]);
  });

  it('v8 adds the standfirst and the byline to the search text v7 stored, in numbered segments and rows of their own', async () => {
    const factory = new IDBFactory();
    const old = await Library.open({ factory, version: 7 });
    const entryOf = (a: ReturnType<typeof article>) => ({
      ...V1_ENTRIES[0]!, id: idForUrl(a.url), url: a.url, title: a.title, lead: a.lead, byline: a.byline, tags: [], state: 'unread' as const,
      imageBytes: 0, missingImages: [], article: a,
    });
    // An import goes to a numbered segment (an article, a link with its description, one with neither), a save to a row of its own.
    const rates = article('https://big5.ftchinese.com/story/001090011', {
      title: '央行維持利率不變', lang: 'zh-TW', lead: '通脹壓力仍在，降息要等到明年。', byline: '瑪蒂娜·斯蒂文斯', textContent: '市場反應平淡。',
    });
    const linkUrl = 'https://www.ftchinese.com/story/001090012';
    const link = linkRecord({ kind: 'link', url: linkUrl, title: '稀土出口', tags: [], state: 'unread', savedAt: NOW.toISOString(), lead: '一份關於稀土供應鏈的說明' }, idForUrl(linkUrl));
    const plain = article('https://www.ftchinese.com/story/001090013', { title: '无导语', textContent: '只有正文。' });
    await old.importRecords([entryOf(rates), link, entryOf(plain)]);
    const own = await old.save(
      article('https://www.ftchinese.com/story/001090014', { title: '芯片之争', lead: '美国收紧出口管制。', byline: 'FT中文网专栏作家 吴晓波', textContent: '台积电加快建厂。' }),
      { now: NOW },
    );
    await old.close();
    // Put the text back as v7 stored it: title and body only.
    const raw = await rawOpen(factory, 7);
    const keys = (await rawKeys(raw, 'searchSegments')).sort((a, b) => String(a).localeCompare(String(b)));
    expect(keys).toEqual([0, own.id]);
    const bodies = new Map([rates, link.article, plain, own.article].map((a) => [idForUrl(a.url), a]));
    const v7Rows = new Map<string, unknown>();
    for (const key of keys) {
      const [segment] = (await rawGetAll(raw, 'searchSegments', key)) as SearchSegment[];
      const rows = segment!.rows.map((row) => {
        const body = bodies.get(row.id)!;
        const v7 = { ...row, text: buildSearchRecord(row.id, { title: body.title, textContent: body.textContent }, '', 0).text };
        v7Rows.set(row.id, v7);
        return v7;
      });
      await rawPut(raw, 'searchSegments', { ...segment, rows }, key);
    }
    const [rev] = await rawGetAll(raw, 'meta', META_REV);
    raw.close();
    const before = await Library.open({ factory, version: 7 });
    expect(await before.search('降息')).toEqual([]);
    await before.close();

    const library = await Library.open({ factory });
    const ids = { rates: idForUrl(rates.url), link: link.id, plain: idForUrl(plain.url), own: own.id };
    expect(await library.search('降息')).toEqual([ids.rates]);
    expect(await library.search('通胀压力')).toEqual([ids.rates]);
    expect(await library.search('玛蒂娜')).toEqual([ids.rates]);
    expect(await library.search('稀土供应链')).toEqual([ids.link]);
    expect(await library.search('出口管制')).toEqual([ids.own]);
    expect(await library.search('吳曉波')).toEqual([ids.own]);
    // Title hits first still: 出口 is in the link's title and in the saved article's standfirst.
    expect(await library.search('出口')).toEqual([ids.link, ids.own]);
    expect(await library.search('正文')).toEqual([ids.plain]);
    // Every article is still there, as it was.
    expect((await library.list()).map((e) => e.id).sort()).toEqual(Object.values(ids).sort());
    expect(await library.get(ids.rates)).toMatchObject({ lead: rates.lead, byline: rates.byline, article: rates });
    expect(await library.get(ids.link)).toMatchObject({ linkOnly: true, lead: link.lead });
    await library.close();

    const db = await rawOpen(factory, DB_VERSION);
    const segments = (await rawGetAll(db, 'searchSegments')) as SearchSegment[];
    expect((await rawKeys(db, 'searchSegments')).sort((a, b) => String(a).localeCompare(String(b)))).toEqual([0, own.id]);
    expect(await rawGetAll(db, 'meta', META_REV)).toEqual([rev]);
    db.close();
    // Each row reads as a save would write it now; the title and its length are as v7 left them.
    for (const row of segments.flatMap((s) => s.rows)) {
      const body = bodies.get(row.id)!;
      const v7 = v7Rows.get(row.id) as typeof row;
      expect(row).toEqual({ ...v7, text: buildSearchRecord(row.id, body, '', 0).text });
    }
    expect(segments.flatMap((s) => s.rows).map((r) => r.text)).toEqual([
      '央行维持利率不变 市场反应平淡。 通胀压力仍在,降息要等到明年。 玛蒂娜·斯蒂文斯',
      '稀土出口  一份关于稀土供应链的说明', // a link has no body: its description follows the title's space
      '无导语 只有正文。',
      '芯片之争 台积电加快建厂。 美国收紧出口管制。 ft中文网专栏作家 吴晓波',
    ]);
  });

  it('a migration that throws leaves the database at its old version with its data readable', async () => {
    const factory = new IDBFactory();
    await createV1(factory);
    const failing = {
      ...MIGRATIONS,
      4: async (...args: Parameters<(typeof MIGRATIONS)[4]>) => {
        await MIGRATIONS[4]?.(...args); // do all of the work first, then fail
        throw new Error('disk on fire');
      },
    };
    const opening = openDatabase({ factory, migrations: failing });
    await expect(opening).rejects.toBeInstanceOf(StorageError);
    await expect(opening).rejects.toMatchObject({ code: 'aborted' });

    const db = await rawOpen(factory, 1);
    expect(db.version).toBe(1);
    expect([...db.objectStoreNames].sort()).toEqual(['bodies', 'entries']);
    expect(await rawGetAll(db, 'entries')).toEqual(V1_ENTRIES);
    expect(await rawGetAll(db, 'bodies')).toEqual([BODY_1, BODY_2].sort((a, b) => (idForUrl(a.url) < idForUrl(b.url) ? -1 : 1)));
    db.close();

    // And the real migrations still succeed afterwards.
    const library = await Library.open({ factory });
    await expectCurrent(library, factory, 0, []);
  });

  it('a migration that throws synchronously also aborts the upgrade', async () => {
    const factory = new IDBFactory();
    await createV1(factory);
    const failing = { ...MIGRATIONS, 2: () => { throw new Error('bad'); } };
    await expect(Library.open({ factory, migrations: failing })).rejects.toMatchObject({ code: 'aborted' });
    const db = await rawOpen(factory, 1);
    expect(db.version).toBe(1);
    expect(await rawGetAll(db, 'entries')).toHaveLength(2);
    db.close();
  });

  it('an older connection steps aside when a newer version opens', async () => {
    const factory = new IDBFactory();
    let closed = 0;
    const old = await openDatabase({ factory, version: 2, onClosed: () => closed++ });
    const library = await Library.open({ factory });
    expect(await library.list()).toEqual([]);
    expect(closed).toBeGreaterThan(0);
    expect(old.version).toBe(2);
    await library.close();
  });
});
