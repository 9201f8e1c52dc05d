import { describe, expect, it } from 'vitest';
import { idForUrl } from '../../../src/storage/ids';
import { article, bytes, freshLibrary, NOW } from './helpers';

const URL_A = 'https://www.ftchinese.com/story/001';
const later = new Date(NOW.getTime() + 3_600_000);

describe('idForUrl', () => {
  it('is stable for a URL and differs between URLs', () => {
    expect(idForUrl(URL_A)).toBe(idForUrl(URL_A));
    expect(idForUrl(URL_A)).toMatch(/^[0-9a-f]{16}$/);
    expect(idForUrl(URL_A)).not.toBe(idForUrl('https://www.ftchinese.com/story/002'));
  });

  it('ignores differences that never change the page (host case, fragment)', () => {
    expect(idForUrl('HTTPS://WWW.FTChinese.com/story/001#comments')).toBe(idForUrl(URL_A));
  });

  it('is one id for one story read over http or https, or on a mirror host of its site', () => {
    expect(idForUrl('http://www.ftchinese.com/story/001')).toBe(idForUrl(URL_A));
    for (const host of ['cn.ft.com', 'ftchinese.com', 'm.ftchinese.com', 'www.chineseft.com', 'www.chineseft.net']) {
      expect(idForUrl(`https://${host}/story/001`), host).toBe(idForUrl(URL_A));
      expect(idForUrl(`http://${host.toUpperCase()}/story/001#x`), host).toBe(idForUrl(URL_A));
    }
    expect(idForUrl('http://example.com/a?b=1')).toBe(idForUrl('https://example.com/a?b=1'));
    expect(idForUrl('http://example.com:443/a')).toBe(idForUrl('https://example.com/a'));
    expect(idForUrl('https://example.com:443/a')).toBe(idForUrl('https://example.com/a'));
    // The Traditional edition is another text, a host not named stays itself, and so do the path and a port.
    expect(idForUrl('https://big5.ftchinese.com/story/001')).not.toBe(idForUrl(URL_A));
    expect(idForUrl('https://www.example.com/a')).not.toBe(idForUrl('https://example.com/a'));
    expect(idForUrl('https://cn.ft.com/story/002')).not.toBe(idForUrl(URL_A));
    expect(idForUrl('https://cn.ft.com:8443/story/001')).not.toBe(idForUrl(URL_A));
  });

  it('does not collide across 50,000 URLs', () => {
    const ids = new Set<string>();
    for (let n = 0; n < 50_000; n++) ids.add(idForUrl(`https://example.com/story/${n}`));
    expect(ids.size).toBe(50_000);
  });
});

describe('save', () => {
  it('stores the index row and the body apart, and lists newest first', async () => {
    const { library } = freshLibrary();
    const first = await library.save(article(URL_A), { now: NOW });
    await library.save(article('https://example.com/b'), { now: later });

    expect(first.id).toBe(idForUrl(URL_A));
    expect(first).toMatchObject({ savedAt: NOW.toISOString(), updatedAt: NOW.toISOString(), state: 'unread', tags: [], progress: 0 });
    expect(first.bodyBytes).toBeGreaterThan(0);

    const list = await library.list();
    expect(list.map((e) => e.url)).toEqual(['https://example.com/b', URL_A]);
    expect(list[0]).not.toHaveProperty('article');
    expect(await library.getBody(first.id)).toEqual(article(URL_A));
    expect(await library.get(first.id)).toEqual(first);
    const { article: body, ...row } = first;
    expect(body).toEqual(article(URL_A));
    expect(await library.getEntry(first.id)).toEqual(row);
    expect(await library.getEntry('nope')).toBeUndefined();
  });

  it('saving a story again from a mirror host of its site updates the one entry', async () => {
    const { library } = freshLibrary();
    const first = await library.save(article('https://cn.ft.com/story/001'), { now: NOW });
    await library.update(first.id, { tags: ['央行'], state: 'read' });
    const again = await library.save(article(URL_A, { title: '新标题' }), { now: later });
    expect(again).toMatchObject({ id: first.id, url: URL_A, title: '新标题', tags: ['央行'], state: 'read', savedAt: NOW.toISOString() });
    expect((await library.list()).map((e) => e.id)).toEqual([first.id]);
  });

  it('re-saving the same story updates text and metadata but keeps savedAt, tags, state, progress and readAt', async () => {
    const { library } = freshLibrary();
    const { id } = await library.save(article(URL_A), { now: NOW });
    await library.update(id, { state: 'read', tags: ['经济', 'china'], progress: 0.6, readAt: NOW.toISOString() });

    const again = await library.save(article(URL_A, { title: '新标题', textContent: '更新后的正文' }), { now: later });

    expect(again).toMatchObject({
      id,
      title: '新标题',
      savedAt: NOW.toISOString(),
      updatedAt: later.toISOString(),
      state: 'read',
      tags: ['经济', 'china'],
      progress: 0.6,
      readAt: NOW.toISOString(),
    });
    expect((await library.getBody(id))?.textContent).toBe('更新后的正文');
    expect(await library.list()).toHaveLength(1);
  });

  it('keeps earlier images on a re-save without images, and replaces them when given', async () => {
    const { library } = freshLibrary();
    const { id } = await library.save(article(URL_A), {
      now: NOW,
      images: [{ articleId: 'ignored', url: 'https://img/1.jpg', type: 'image/jpeg', bytes: bytes(1, 2, 3) }],
      missingImages: ['https://img/2.jpg'],
    });
    const kept = await library.save(article(URL_A), { now: later });
    expect(kept).toMatchObject({ imageBytes: 3, missingImages: ['https://img/2.jpg'] });
    expect(await library.getImage(id, 'https://img/1.jpg')).toEqual({
      articleId: id,
      url: 'https://img/1.jpg',
      type: 'image/jpeg',
      bytes: bytes(1, 2, 3),
    });

    const replaced = await library.save(article(URL_A), {
      now: later,
      images: [{ articleId: id, url: 'https://img/2.jpg', type: 'image/png', bytes: bytes(9, 9) }],
    });
    expect(replaced).toMatchObject({ imageBytes: 2, missingImages: [] });
    expect(await library.getImage(id, 'https://img/1.jpg')).toBeUndefined();
  });

  it('a re-save that cannot fetch an image again keeps the stored copy', async () => {
    const { library } = freshLibrary();
    const { id } = await library.save(article(URL_A), {
      now: NOW,
      images: [{ articleId: 'ignored', url: 'https://img/1.jpg', type: 'image/jpeg', bytes: bytes(1, 2, 3) }],
    });
    // The image host is down this time: the fetch failed, the old copy stays and is not reported missing.
    const resaved = await library.save(article(URL_A), { now: later, images: [], missingImages: ['https://img/1.jpg'] });
    expect(resaved).toMatchObject({ imageBytes: 3, missingImages: [] });
    expect((await library.getImage(id, 'https://img/1.jpg'))?.bytes).toEqual(bytes(1, 2, 3));
  });
});

describe('update', () => {
  it('cleans its input and resolves undefined for an unknown id', async () => {
    const { library } = freshLibrary();
    const { id } = await library.save(article(URL_A), { now: NOW });
    const updated = await library.update(id, { tags: [' a ', 'a', '', 'b'], progress: 7 });
    expect(updated).toMatchObject({ tags: ['a', 'b'], progress: 1, state: 'unread' });
    expect(await library.update('nope', { state: 'read' })).toBeUndefined();
  });
});

describe('setState', () => {
  it('moves many articles at once as the list moves one, skipping ids not stored, and it lasts', async () => {
    const { library } = freshLibrary();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await library.save(article(`${URL_A}${i}`), { now: NOW })).id);
    const [a, b, c] = ids as [string, string, string];
    await library.update(a, { state: 'read', readAt: NOW.toISOString(), progress: 0.5 });
    await library.update(c, { progress: 0.4 });

    const read = await library.setState([a, b, 'nope', b], 'read', later);
    expect(read.map((e) => e.id).sort()).toEqual([a, b].sort());
    // The first reading is kept; the one just marked gets now.
    expect((await library.getEntry(a))?.readAt).toBe(NOW.toISOString());
    expect((await library.getEntry(b))).toMatchObject({ state: 'read', readAt: later.toISOString() });
    expect((await library.getEntry(c))).toMatchObject({ state: 'unread', progress: 0.4 });

    await library.setState([a, c], 'unread');
    expect((await library.getEntry(a))).toMatchObject({ state: 'unread', progress: 0, readAt: NOW.toISOString() });
    expect((await library.getEntry(c))?.progress).toBe(0);
    await library.setState(ids, 'archived');
    expect((await library.list()).map((e) => e.state)).toEqual(['archived', 'archived', 'archived']);
    await expect(library.setState([a], 'gone' as never)).rejects.toThrow(/state/);
  });
});

describe('images', () => {
  it('putImages adds images, clears them from missingImages and counts their bytes', async () => {
    const { library } = freshLibrary();
    const { id } = await library.save(article(URL_A), { now: NOW, missingImages: ['https://img/a', 'https://img/b'] });
    const entry = await library.putImages(id, [{ articleId: id, url: 'https://img/a', type: 'image/webp', bytes: bytes(1, 2, 3, 4) }]);
    expect(entry).toMatchObject({ imageBytes: 4, missingImages: ['https://img/b'] });
    expect((await library.getImage(id, 'https://img/a'))?.bytes).toEqual(bytes(1, 2, 3, 4));
    expect(await library.putImages('missing', [])).toBeUndefined();
  });
});

describe('remove and restore', () => {
  it('round-trips an article, its body, images and search text identically', async () => {
    const { library } = freshLibrary();
    const saved = await library.save(article(URL_A, { textContent: '人民币汇率今天上涨' }), {
      now: NOW,
      images: [{ articleId: 'x', url: 'https://img/1', type: 'image/png', bytes: bytes(5, 6) }],
      missingImages: ['https://img/2'],
    });
    await library.update(saved.id, { tags: ['汇率'], state: 'archived', progress: 0.3 });
    const before = await library.get(saved.id);
    const listBefore = await library.list();
    expect(await library.search('汇率')).toEqual([saved.id]);

    const removed = await library.remove(saved.id);
    expect(removed).toEqual({ ...before, images: [{ articleId: saved.id, url: 'https://img/1', type: 'image/png', bytes: bytes(5, 6) }] });
    expect(await library.get(saved.id)).toBeUndefined();
    expect(await library.getImage(saved.id, 'https://img/1')).toBeUndefined();
    expect(await library.search('汇率')).toEqual([]);
    expect(await library.usage()).toEqual({ articles: 0, bodyBytes: 0, imageBytes: 0 });

    await library.restore(removed!);
    expect(await library.get(saved.id)).toEqual(before);
    expect(await library.list()).toEqual(listBefore);
    expect((await library.getImage(saved.id, 'https://img/1'))?.bytes).toEqual(bytes(5, 6));
    expect(await library.search('汇率')).toEqual([saved.id]);
  });

  it('resolves undefined when removing an unknown id', async () => {
    const { library } = freshLibrary();
    expect(await library.remove('nope')).toBeUndefined();
  });

  it('removes many articles in one write and restores them all, images and search text included', async () => {
    const { library } = freshLibrary();
    const saved = [];
    for (let i = 0; i < 5; i++) {
      saved.push(await library.save(article(`${URL_A}${i}`, { textContent: `第${i}篇 汇率${i}` }), { now: NOW, images: [{ articleId: 'ignored', url: `https://img/${i}`, type: 'image/png', bytes: bytes(i, 1) }] }));
    }
    const ids = saved.map((a) => a.id);
    const listBefore = await library.list();
    const gone = [ids[1]!, ids[3]!, 'nope', ids[1]!];

    const removed = await library.removeMany(gone);
    expect(removed.map((r) => r.id)).toEqual([ids[1], ids[3]]);
    expect((await library.list()).map((e) => e.id)).toEqual(listBefore.map((e) => e.id).filter((id) => id !== ids[1] && id !== ids[3]));
    expect(await library.search('汇率3')).toEqual([]);
    expect(await library.getImage(ids[1]!, 'https://img/1')).toBeUndefined();
    expect(await library.removeMany(['nope'])).toEqual([]);

    await library.restoreMany(removed);
    expect(await library.list()).toEqual(listBefore);
    expect(await library.search('汇率3')).toEqual([ids[3]]);
    expect((await library.getImage(ids[1]!, 'https://img/1'))?.bytes).toEqual(bytes(1, 1));
    for (const r of removed) expect(await library.get(r.id)).toEqual((({ images: _, ...rest }) => rest)(r));
  });
});

describe('undo after the article was saved again', () => {
  /**
   * Deleted, saved again with new text and a new picture, tagged again, then
   * the delete undone: the undo put back the old copy over the new save,
   * its text and tag lost and its picture stored but counted nowhere.
   */
  it('merges the deleted copy with the new save: the newer text, both tags and pictures, the first save date', async () => {
    const { library } = freshLibrary();
    const first = await library.save(article(URL_A, { textContent: '第一版 汇率' }), {
      now: NOW,
      images: [{ articleId: 'x', url: 'https://img/old', type: 'image/png', bytes: bytes(1, 3) }],
    });
    await library.update(first.id, { tags: ['keep'], state: 'read', progress: 0.5 });
    const removed = (await library.remove(first.id))!;
    await library.save(article(URL_A, { textContent: '第二版 利率' }), {
      now: later,
      images: [{ articleId: 'x', url: 'https://img/new', type: 'image/png', bytes: bytes(2, 5) }],
    });
    await library.update(first.id, { tags: ['after'] });

    await library.restore(removed);
    const entry = await library.getEntry(first.id);
    expect(entry).toMatchObject({ savedAt: NOW.toISOString(), updatedAt: later.toISOString(), tags: ['after', 'keep'], state: 'read', progress: 0.5, imageBytes: 4 });
    expect((await library.getBody(first.id))?.textContent).toBe('第二版 利率');
    expect((await library.getImage(first.id, 'https://img/old'))?.bytes).toEqual(bytes(1, 3));
    expect((await library.getImage(first.id, 'https://img/new'))?.bytes).toEqual(bytes(2, 5));
    expect(await library.usage()).toMatchObject({ articles: 1, imageBytes: 4 });
    expect(await library.search('利率')).toEqual([first.id]);
    expect(await library.search('汇率')).toEqual([]);
  });
});

describe('usage', () => {
  it('sums articles, body bytes and image bytes', async () => {
    const { library } = freshLibrary();
    const a = await library.save(article('https://e.com/1', { contentHtml: '<p>中文</p>', textContent: '中文' }), {
      now: NOW,
      images: [{ articleId: '', url: 'https://img/1', type: 'image/png', bytes: new Uint8Array(100) }],
    });
    const b = await library.save(article('https://e.com/2', { contentHtml: 'abc', textContent: 'abc' }), { now: NOW });
    // UTF-8: '<p>中文</p>' is 7 + 6 bytes, '中文' 6; 'abc' twice is 6.
    expect(a.bodyBytes).toBe(19);
    expect(b.bodyBytes).toBe(6);
    expect(await library.usage()).toEqual({ articles: 2, bodyBytes: 25, imageBytes: 100 });
  });
});
