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
    // A save after the import gets a row of its own, after the numbered segments.
    await library.save(article(urlOf(500)), { now: at(600) });
    expect((await segments(factory)).map((s) => s.ids)).toEqual([...stored.map((s) => s.ids), [idForUrl(urlOf(500))]]);
  });

  it('saves get rows of their own until SEGMENT_SIZE would gather, when they are folded into a segment in the order saved', async () => {
    const { library, factory } = freshLibrary();
    const ids: string[] = [];
    for (let i = 0; i < SEGMENT_SIZE - 1; i++) ids.push((await library.save(article(urlOf(i), { textContent: `第${i}篇 央行` }), { now: at(i) })).id);
    // Re-saving one changes its own row in place.
    await library.save(article(urlOf(7), { textContent: '第7篇 改过 央行' }), { now: at(100) });
    let stored = await segments(factory);
    expect(stored).toHaveLength(SEGMENT_SIZE - 1);
    expect(stored.every((s) => s.ids.length === 1)).toBe(true);
    // The save that would make the 50th row of its own folds them all, with itself last.
    ids.push((await library.save(article(urlOf(99), { textContent: '第99篇 央行' }), { now: at(200) })).id);
    stored = await segments(factory);
    expect(stored.map((s) => s.ids)).toEqual([ids]);
    const db = await rawOpen(factory, DB_VERSION);
    const texts = (await rawGetAll(db, 'searchSegments')) as { rows: { id: string }[] }[];
    db.close();
    expect(texts.map((t) => t.rows.map((r) => r.id))).toEqual([ids]);
    expect(new Set(await library.search('央行'))).toEqual(new Set(ids));
    expect(await library.search('改过')).toEqual([idForUrl(urlOf(7))]);
    // The next save starts a row of its own again.
    await library.save(article(urlOf(100)), { now: at(300) });
    expect((await segments(factory)).map((s) => s.ids.length)).toEqual([SEGMENT_SIZE, 1]);
    expect((await library.firstEntries(3)).map((e) => e.url)).toEqual([urlOf(100), urlOf(99), urlOf(SEGMENT_SIZE - 2)]);
  });

  it('another context follows a fold and a removal of an article in a row of its own', async () => {
    const factory = new IDBFactory();
    const [writer, reader] = [new Library({ factory }), new Library({ factory })];
    const ids: string[] = [];
    for (let i = 0; i < SEGMENT_SIZE - 2; i++) ids.push((await writer.save(article(urlOf(i), { textContent: `第${i}篇 央行` }), { now: at(i) })).id);
    // Both have their search index loaded, which each then keeps up to date.
    expect(await reader.search('央行')).toHaveLength(SEGMENT_SIZE - 2);
    expect(await writer.search('央行')).toHaveLength(SEGMENT_SIZE - 2);
    // Removed from its row of its own, which goes; then the next two saves: a row of its own, and the fold.
    await writer.remove(ids[5]!);
    const extra = await writer.save(article(urlOf(200), { textContent: '另一篇 央行' }), { now: at(200) });
    expect(await reader.search('第5篇')).toEqual([]);
    await writer.save(article(urlOf(201), { textContent: '又一篇 央行' }), { now: at(201) });
    await writer.save(article(urlOf(202), { textContent: '最后一篇 央行' }), { now: at(202) });
    expect((await segments(factory)).map((s) => s.ids.length)).toEqual([SEGMENT_SIZE]);
    expect(await reader.search('央行')).toHaveLength(SEGMENT_SIZE);
    expect(await reader.search('另一篇')).toEqual([extra.id]);
    // The folded articles stay searchable from both sides after another write, and removable.
    await reader.save(article(urlOf(300), { textContent: '读者存的 央行' }), { now: at(300) });
    expect(await writer.search('央行')).toHaveLength(SEGMENT_SIZE + 1);
    await reader.remove(ids[0]!);
    expect(await writer.search('第0篇')).toEqual([]);
    expect(await writer.search('央行')).toHaveLength(SEGMENT_SIZE);
    await Promise.all([writer.close(), reader.close()]);
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
