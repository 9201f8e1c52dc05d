import { describe, expect, it, vi } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { idForUrl } from '../../../src/storage/ids';
import { Library } from '../../../src/storage/library';
import type { SavedArticle } from '../../../src/storage/types';
import { article, bytes, NOW, rawGetAll, rawKeys, rawOpen, rawPut } from './helpers';

/** While on, ids are made as schema v8 made them: http and every mirror host apart. */
const before = vi.hoisted(() => ({ on: false }));

vi.mock('../../../src/storage/ids', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/storage/ids')>();
  // Only http and mirror-host URLs had other ids: any id of their own will do.
  const unfolded = (url: string) => (/^(?:http:|https:\/\/cn\.ft\.com\/)/.test(url) ? real.idForUrl(`https://before.test/${url}`) : real.idForUrl(url));
  return { ...real, idForUrl: (url: string) => (before.on ? unfolded(url) : real.idForUrl(url)) };
});

const WWW = 'https://www.ftchinese.com/story/001108000';
const MIRROR = 'https://cn.ft.com/story/001108000';
const HTTP = 'http://example.com/2019/old-post';
const ALONE = 'https://cn.ft.com/story/001108001';
const KEPT = 'https://example.com/kept';
/** A second story whose mirror copy is the newer. */
const WWW_2 = 'https://www.ftchinese.com/story/001108002';
const MIRROR_2 = 'https://cn.ft.com/story/001108002';
const later = (hours: number) => new Date(NOW.getTime() + hours * 3_600_000);
const image = (url: string, ...values: number[]) => ({ articleId: '', url, type: 'image/jpeg', bytes: bytes(...values) });

/** A v8 library with the story saved from both FT hosts, an http import, a lone mirror save and one that stays. */
async function v8Library(factory: IDBFactory) {
  before.on = true;
  const old = await Library.open({ factory, version: 8 });
  const mirror = await old.save(article(MIRROR, { title: '旧标题', textContent: '央行降息的初稿。' }), { now: NOW, images: [image('https://img/a.jpg', 1, 2, 3)] });
  await old.update(mirror.id, { tags: ['央行'], state: 'read', progress: 0.4, readAt: later(1).toISOString() });
  const www = await old.save(article(WWW, { title: '新标题', textContent: '房地产市场的定稿。' }), { now: later(2), images: [image('https://img/b.jpg', 4, 5)] });
  await old.update(www.id, { tags: ['利率'] });
  const body = article(HTTP, { title: 'An old post', textContent: 'Written long ago over plain http.' });
  const entry = { ...mirror, id: old.idForUrl(HTTP), url: HTTP, title: body.title, tags: ['blog'], state: 'unread', article: body } satisfies SavedArticle;
  await old.importRecords([entry]);
  const alone = await old.save(article(ALONE, { title: '另一篇', textContent: '只在镜像上保存过。' }), { now: later(3) });
  await old.save(article(WWW_2, { title: '旧版', textContent: '第一版的正文。' }), { now: NOW });
  const mirror2 = await old.save(article(MIRROR_2, { title: '新版', textContent: '改过的正文。' }), { now: later(1), images: [image('https://img/c.jpg', 6)] });
  const kept = await old.save(article(KEPT, { title: 'Kept', textContent: 'Nothing to move.' }), { now: later(4) });
  expect(await old.list()).toHaveLength(7);
  await old.close();
  before.on = false;
  return { mirror: mirror.id, www: www.id, http: entry.id, alone: alone.id, kept: kept.id, mirror2: mirror2.id };
}

describe('v9: one id per story', () => {
  it('moves articles to the ids their URLs now have and makes the two copies of one story one', async () => {
    const factory = new IDBFactory();
    const old = await v8Library(factory);
    const library = await Library.open({ factory });
    const story = idForUrl(WWW);
    expect(idForUrl(MIRROR)).toBe(story);

    const list = await library.list();
    expect(list.map((e) => e.id).sort()).toEqual([story, idForUrl(HTTP), idForUrl(ALONE), idForUrl(WWW_2), old.kept].sort());
    // The newer text wins; tags are unioned (the copy already at the id first); the read state, progress and first save date stay.
    expect(await library.get(story)).toMatchObject({
      url: WWW, title: '新标题', tags: ['利率', '央行'], state: 'read', progress: 0.4, readAt: later(1).toISOString(),
      savedAt: NOW.toISOString(), updatedAt: later(2).toISOString(), imageBytes: 5, missingImages: [], linkOnly: false,
      article: { title: '新标题', textContent: '房地产市场的定稿。' },
    });
    // Both copies' pictures are the story's now.
    expect((await library.getImage(story, 'https://img/a.jpg'))?.bytes).toEqual(bytes(1, 2, 3));
    expect((await library.getImage(story, 'https://img/b.jpg'))?.bytes).toEqual(bytes(4, 5));
    expect(await library.get(idForUrl(HTTP))).toMatchObject({ url: HTTP, tags: ['blog'], article: { textContent: 'Written long ago over plain http.' } });
    expect(await library.get(idForUrl(ALONE))).toMatchObject({ title: '另一篇', article: { textContent: '只在镜像上保存过。' } });
    expect(await library.get(old.kept)).toMatchObject({ title: 'Kept' });
    // When the copy that moves has the newer text, its body and pictures replace those at the id.
    expect(await library.get(idForUrl(WWW_2))).toMatchObject({ url: MIRROR_2, title: '新版', imageBytes: 1, article: { textContent: '改过的正文。' } });
    expect((await library.getImage(idForUrl(WWW_2), 'https://img/c.jpg'))?.bytes).toEqual(bytes(6));
    expect(await library.search('第一版')).toEqual([]);
    expect(await library.search('改过')).toEqual([idForUrl(WWW_2)]);

    // Search finds each under its new id; the text that lost is not searched.
    expect(await library.search('房地产')).toEqual([story]);
    expect(await library.search('初稿')).toEqual([]);
    expect(await library.search('plain http')).toEqual([idForUrl(HTTP)]);
    expect(await library.search('镜像')).toEqual([idForUrl(ALONE)]);

    // Saving the story again from the mirror, or the old post over https, updates the one entry.
    await library.save(article(MIRROR, { title: '第三稿', textContent: '再次保存。' }), { now: later(5) });
    await library.save(article('https://example.com/2019/old-post', { title: 'An old post, again' }), { now: later(6) });
    expect((await library.list()).map((e) => e.id).sort()).toEqual(list.map((e) => e.id).sort());
    expect(await library.getEntry(story)).toMatchObject({ title: '第三稿', tags: ['利率', '央行'], state: 'read' });
    await library.close();

    // No row is left under an old id (the www copy's id was already the story's).
    expect(old.www).toBe(story);
    const db = await rawOpen(factory, 9);
    // Each moved row kept its place: the import in its numbered segment, a lone save in a row of its own under its new id.
    const keys = (await rawKeys(db, 'entrySegments')).map(String).sort();
    expect(keys).toEqual(['0', story, idForUrl(ALONE), idForUrl(WWW_2), old.kept].sort());
    const gone = [old.mirror, old.http, old.alone, old.mirror2];
    const stored = JSON.stringify(await Promise.all(['entrySegments', 'searchSegments', 'bodyPacks', 'images'].map((s) => rawGetAll(db, s))));
    for (const id of gone) expect(stored).not.toContain(id);
    const bodyKeys = await new Promise<IDBValidKey[]>((resolve) => {
      const request = db.transaction('bodies').objectStore('bodies').getAllKeys();
      request.onsuccess = () => resolve(request.result);
    });
    for (const id of gone) expect(bodyKeys).not.toContain(id);
    db.close();
  });

  it('moves an image row whose bytes are empty, and leaves alone the copies of a story whose row at the new id is unreadable, and a segment it cannot read', async () => {
    const factory = new IDBFactory();
    before.on = true;
    const old = await Library.open({ factory, version: 8 });
    const empty = await old.save(article(HTTP), { now: NOW, images: [{ ...image('https://img/empty.gif'), type: 'image/gif' }] });
    const mirror = await old.save(article(MIRROR), { now: NOW });
    const www = await old.save(article(WWW), { now: NOW });
    await old.close();
    before.on = false;
    // A row the library cannot read sits where the mirror copy would go.
    const raw = await rawOpen(factory, 8);
    const [segment] = (await rawGetAll(raw, 'entrySegments', www.id)) as { ids: string[]; entries: Record<string, unknown>[] }[];
    await rawPut(raw, 'entrySegments', { ...segment, entries: [{ ...segment!.entries[0], tags: 'not a list' }] }, www.id);
    // And a segment of another shape altogether.
    await rawPut(raw, 'entrySegments', { ids: 'not a list', entries: null }, 'ffffffffffffffff');
    raw.close();

    const library = await Library.open({ factory });
    expect((await library.getImage(idForUrl(HTTP), 'https://img/empty.gif'))?.bytes).toEqual(bytes());
    expect(await library.getEntry(mirror.id)).toMatchObject({ url: MIRROR });
    await library.close();
    const db = await rawOpen(factory, 9);
    expect(JSON.stringify(await rawKeys(db, 'images'))).not.toContain(empty.id);
    db.close();
  });

  it('leaves a library with nothing to move exactly as it was', async () => {
    const factory = new IDBFactory();
    const old = await Library.open({ factory, version: 8 });
    await old.save(article(WWW), { now: NOW, images: [image('https://img/a.jpg', 1)] });
    await old.importRecords([{ ...(await old.get(idForUrl(WWW)))!, id: idForUrl(KEPT), url: KEPT, article: article(KEPT) }]);
    await old.close();
    const stores = ['entrySegments', 'searchSegments', 'bodies', 'bodyPacks', 'images', 'meta'];
    const read = async (version: number) => {
      const db = await rawOpen(factory, version);
      const all = await Promise.all(stores.map((s) => rawGetAll(db, s)));
      db.close();
      return all;
    };
    const v8 = await read(8);
    (await Library.open({ factory })).close();
    expect(await read(9)).toEqual(v8);
  });
});
