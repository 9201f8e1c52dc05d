import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { idForUrl } from '../../../src/storage/ids';
import { Library } from '../../../src/storage/library';
import { DB_VERSION, SEGMENT_SIZE, type EntrySegment } from '../../../src/storage/schema';
import { article, freshLibrary, NOW, rawGetAll, rawOpen } from './helpers';

const urlOf = (i: number) => `https://www.ftchinese.com/story/${1000 + i}`;
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

async function segments(factory: IDBFactory): Promise<EntrySegment[]> {
  const db = await rawOpen(factory, DB_VERSION);
  const rows = (await rawGetAll(db, 'entrySegments')) as EntrySegment[];
  db.close();
  return rows;
}

describe('segments', () => {
  it('an import of 120 articles fills segments of 50 in order, and each article is found again', async () => {
    const { library, factory } = freshLibrary();
    const records = Array.from({ length: 120 }, (_, i) => {
      const saved = { id: 'x', ...article(urlOf(i)), savedAt: at(i).toISOString(), updatedAt: at(i).toISOString() };
      return { ...saved, readAt: null, state: 'unread' as const, tags: [], progress: 0, linkOnly: false, bodyBytes: 0, imageBytes: 0, missingImages: [], article: article(urlOf(i)), isNew: true };
    });
    expect(await library.importRecords(records)).toEqual({ added: 120, updated: 0, skipped: 0 });
    const stored = await segments(factory);
    expect(stored.map((s) => s.entries.length)).toEqual([SEGMENT_SIZE, SEGMENT_SIZE, 20]);
    expect(stored[1]?.ids[0]).toBe(idForUrl(urlOf(50)));
    expect(stored[2]?.newest).toBe(at(119).toISOString());
    expect(await library.getEntry(idForUrl(urlOf(77)))).toMatchObject({ url: urlOf(77) });
    expect((await library.get(idForUrl(urlOf(119))))?.article.textContent).toBe(`Body of ${urlOf(119)}`);
    // A save after the import goes to the last segment, which has room.
    await library.save(article(urlOf(500)), { now: at(600) });
    expect((await segments(factory)).map((s) => s.entries.length)).toEqual([SEGMENT_SIZE, SEGMENT_SIZE, 21]);
  });

  it('the first screen is exact when older segments hold newer articles', async () => {
    const { library } = freshLibrary();
    // 60 saves in time order fill the first segment and start the second...
    for (let i = 0; i < 60; i++) await library.save(article(urlOf(i)), { now: at(i) });
    // ...then re-saves keep their segment and savedAt, while tags (not time) change: order is by savedAt.
    await library.update(idForUrl(urlOf(3)), { tags: ['旧'] });
    // An import of old articles lands in later segments but sorts last.
    const old = Array.from({ length: 60 }, (_, i) => ({
      id: 'x', ...article(urlOf(100 + i)), savedAt: at(-1000 - i).toISOString(), updatedAt: at(-1000).toISOString(), readAt: null,
      state: 'read' as const, tags: [], progress: 0, linkOnly: false, bodyBytes: 0, imageBytes: 0, missingImages: [], article: article(urlOf(100 + i)),
    }));
    await library.importRecords(old);
    // One more save: the newest of all, appended to the last segment.
    await library.save(article(urlOf(999)), { now: at(2000) });
    const all = await library.list();
    expect(all).toHaveLength(121);
    for (const limit of [1, 10, 40, 61, 200]) {
      expect((await library.firstEntries(limit)).map((e) => e.id)).toEqual(all.slice(0, limit).map((e) => e.id));
    }
  });

  it('a removal in one context reaches the search index of another', async () => {
    const factory = new IDBFactory();
    const [writer, reader] = [new Library({ factory }), new Library({ factory })];
    const saved = [];
    for (let i = 0; i < 3; i++) saved.push(await writer.save(article(urlOf(i), { textContent: `第${i}篇 央行` }), { now: at(i) }));
    expect(new Set(await reader.search('央行'))).toEqual(new Set(saved.map((s) => s.id)));
    const removed = await writer.remove(saved[1]!.id);
    expect(new Set(await reader.search('央行'))).toEqual(new Set([saved[0]!.id, saved[2]!.id]));
    await writer.restore(removed!);
    expect(new Set(await reader.search('央行'))).toEqual(new Set(saved.map((s) => s.id)));
    expect(await reader.getEntry(saved[1]!.id)).toEqual(await writer.getEntry(saved[1]!.id));
    await Promise.all([writer.close(), reader.close()]);
  });
});
