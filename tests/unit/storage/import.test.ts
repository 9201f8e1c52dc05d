import { describe, expect, it } from 'vitest';
import { idForUrl } from '../../../src/storage/ids';
import type { ImportRecord } from '../../../src/storage/records';
import { prepareText } from '../../../src/storage/search-text';
import type { SavedArticle } from '../../../src/storage/types';
import { article, bytes, freshLibrary, NOW, searchRows } from './helpers';

const URL_A = 'https://www.ftchinese.com/story/001';
const iso = (hours: number) => new Date(NOW.getTime() + hours * 3_600_000).toISOString();

/** A record as another device would export it. */
function exported(url: string, fields: Partial<SavedArticle> = {}, body: Parameters<typeof article>[1] = {}): ImportRecord {
  const a = article(url, body);
  return {
    id: 'whatever-the-other-device-used',
    url,
    title: a.title,
    siteName: a.siteName,
    lang: a.lang,
    byline: null,
    lead: null,
    leadImage: null,
    published: a.published,
    savedAt: iso(0),
    updatedAt: iso(0),
    readAt: null,
    state: 'unread',
    tags: [],
    readingMinutes: 1,
    length: 10,
    partial: false,
    progress: 0,
    linkOnly: false,
    bodyBytes: 0,
    imageBytes: 0,
    missingImages: [],
    ...fields,
    article: a,
  };
}

describe('importRecords', () => {
  it('adds new records, keyed by their URL, and skips malformed ones', async () => {
    const { library } = freshLibrary();
    const result = await library.importRecords([
      exported(URL_A, { tags: ['x'], state: 'read' }, { textContent: '导入的文章' }),
      { nonsense: true } as unknown as ImportRecord,
      exported('https://e.com/no-body', {}, { contentHtml: undefined as unknown as string }),
    ]);
    expect(result).toEqual({ added: 1, updated: 0, skipped: 2 });
    const saved = await library.get(idForUrl(URL_A));
    expect(saved).toMatchObject({ id: idForUrl(URL_A), tags: ['x'], state: 'read', bodyBytes: expect.any(Number) });
    expect(saved?.bodyBytes).toBeGreaterThan(0);
    expect(await library.search('导入')).toEqual([idForUrl(URL_A)]);
  });

  it('merges into an existing article: newer fields win, tags union, state never goes back', async () => {
    const { library } = freshLibrary();
    const local = await library.save(article(URL_A, { title: '本地标题', textContent: '本地正文' }), { now: new Date(iso(1)) });
    await library.update(local.id, { tags: ['本地', 'shared'], state: 'archived', progress: 0.9 });

    const result = await library.importRecords([
      exported(URL_A, { savedAt: iso(-5), updatedAt: iso(3), tags: ['shared', '远端'], state: 'read', progress: 0.2, readAt: iso(2) }, {
        title: '远端新标题',
        textContent: '远端更新的正文',
      }),
    ]);
    expect(result).toEqual({ added: 0, updated: 1, skipped: 0 });
    const merged = await library.get(local.id);
    expect(merged).toMatchObject({
      title: '远端新标题',
      savedAt: iso(-5),
      updatedAt: iso(3),
      tags: ['本地', 'shared', '远端'],
      state: 'archived',
      progress: 0.9,
      readAt: iso(2),
    });
    expect(merged?.article.textContent).toBe('远端更新的正文');
    expect(await library.search('远端更新')).toEqual([local.id]);
    expect(await library.search('本地正文')).toEqual([]);
  });

  it('an older incoming record does not overwrite the text but still contributes tags and state', async () => {
    const { library } = freshLibrary();
    const local = await library.save(article(URL_A, { title: '新', textContent: '新正文' }), { now: new Date(iso(5)) });
    const result = await library.importRecords([
      exported(URL_A, { updatedAt: iso(1), savedAt: iso(1), tags: ['旧标签'], state: 'read' }, { title: '旧', textContent: '旧正文' }),
    ]);
    expect(result).toEqual({ added: 0, updated: 1, skipped: 0 });
    const merged = await library.get(local.id);
    expect(merged).toMatchObject({ title: '新', tags: ['旧标签'], state: 'read', updatedAt: iso(5), savedAt: iso(1) });
    expect(merged?.article.textContent).toBe('新正文');
  });

  it('a link-only record never replaces a full article, however new', async () => {
    const { library } = freshLibrary();
    const local = await library.save(article(URL_A, { textContent: '全文' }), { now: NOW });
    await library.importRecords([exported(URL_A, { updatedAt: iso(10), linkOnly: true }, { textContent: '' })]);
    const merged = await library.get(local.id);
    expect(merged?.article.textContent).toBe('全文');
    expect(merged?.linkOnly).toBe(false);
  });

  // The link's newer time used to become the article's: a text newer than the stored one then looked older, and was dropped.
  it('a newer link-only record leaves the text dated as it was, so a newer text imported later still wins', async () => {
    const { library } = freshLibrary();
    await library.importRecords([exported(URL_A, { updatedAt: iso(1) }, { textContent: '第一版' })]);
    await library.importRecords([exported(URL_A, { updatedAt: iso(10), linkOnly: true, tags: ['书签'] }, { textContent: '' })]);
    const id = idForUrl(URL_A);
    expect(await library.get(id)).toMatchObject({ updatedAt: iso(1), tags: ['书签'], article: { textContent: '第一版' } });
    expect(await library.importRecords([exported(URL_A, { updatedAt: iso(5) }, { textContent: '第二版' })])).toMatchObject({ updated: 1 });
    expect(await library.get(id)).toMatchObject({ updatedAt: iso(5), tags: ['书签'], article: { textContent: '第二版' } });
  });

  it('stores an imported bookmark without a body row until its text is saved', async () => {
    const { library } = freshLibrary();
    const link = (title: string, updatedAt: string) =>
      exported(URL_A, { title, updatedAt, linkOnly: true }, { title, contentHtml: '', textContent: '' });
    expect(await library.importRecords([link('书签', iso(0))])).toEqual({ added: 1, updated: 0, skipped: 0 });
    const id = idForUrl(URL_A);
    expect(await library.getBody(id)).toBeUndefined();
    expect(await library.get(id)).toMatchObject({ linkOnly: true, title: '书签', article: { url: URL_A, title: '书签', contentHtml: '' } });
    expect(await library.search('书签')).toEqual([id]);
    // A newer copy of the bookmark renames it, still with no body row.
    expect(await library.importRecords([link('新书签', iso(1))])).toEqual({ added: 0, updated: 1, skipped: 0 });
    expect(await library.getBody(id)).toBeUndefined();
    expect(await library.get(id)).toMatchObject({ title: '新书签', article: { title: '新书签' } });
    // Its text, once saved, is read like any article's.
    await library.save(article(URL_A, { textContent: '正文到了' }), { now: NOW });
    expect(await library.get(id)).toMatchObject({ linkOnly: false, article: { textContent: '正文到了' } });
    expect(await library.search('正文到了')).toEqual([id]);
  });

  it('a record marked new that is stored after all is merged, never written over', async () => {
    const { library } = freshLibrary();
    const local = await library.save(article(URL_A, { textContent: '本地较新的正文' }), { now: new Date(NOW.getTime() + 10 * 3_600_000) });
    await library.update(local.id, { tags: ['本地'], state: 'read' });
    const stale = { ...exported(URL_A, { tags: ['导入'], updatedAt: iso(1) }, { textContent: '导入的旧正文' }), isNew: true };
    const fresh = { ...exported('https://www.ftchinese.com/story/002', { tags: ['新'] }), isNew: true };
    expect(await library.importRecords([stale, fresh, { ...fresh, tags: ['又一次'], isNew: true }])).toEqual({ added: 1, updated: 2, skipped: 0 });
    expect(await library.get(local.id)).toMatchObject({ tags: ['本地', '导入'], state: 'read', article: { textContent: '本地较新的正文' } });
    expect(await library.search('导入的旧正文')).toEqual([]);
    const second = idForUrl('https://www.ftchinese.com/story/002');
    expect(await library.get(second)).toMatchObject({ tags: ['新', '又一次'] });
    expect(await library.search('story/002')).toEqual([second]);
  });

  it('re-importing what is already there is skipped, and images are added once', async () => {
    const { library } = freshLibrary();
    const image = { articleId: 'x', url: 'https://img/1', type: 'image/png', bytes: bytes(1, 2, 3) };
    const record = { ...exported(URL_A, { missingImages: ['https://img/1', 'https://img/2'] }), images: [image] };
    expect(await library.importRecords([record])).toEqual({ added: 1, updated: 0, skipped: 0 });
    expect(await library.importRecords([record])).toEqual({ added: 0, updated: 0, skipped: 1 });
    const id = idForUrl(URL_A);
    expect(await library.get(id)).toMatchObject({ imageBytes: 3, missingImages: ['https://img/2'] });
    expect((await library.getImage(id, 'https://img/1'))?.bytes).toEqual(bytes(1, 2, 3));
    expect(await library.usage()).toMatchObject({ articles: 1, imageBytes: 3 });
  });

  it('the same URL twice in one batch: the second merges into the first', async () => {
    const { library } = freshLibrary();
    const image = { articleId: 'x', url: 'https://img/1', type: 'image/png', bytes: bytes(1, 2, 3) };
    const first = { ...exported(URL_A, { tags: ['甲'] }, { textContent: '第一版正文' }), images: [image] };
    const second = { ...exported(URL_A, { tags: ['乙'], state: 'read', updatedAt: iso(1) }, { textContent: '第二版正文' }), images: [image] };
    expect(await library.importRecords([first, second, second])).toEqual({ added: 1, updated: 1, skipped: 1 });
    const id = idForUrl(URL_A);
    expect(await library.get(id)).toMatchObject({ tags: ['甲', '乙'], state: 'read', imageBytes: 3, article: { textContent: '第二版正文' } });
    expect(await library.search('第二版')).toEqual([id]);
    expect(await library.search('第一版')).toEqual([]);
  });

  it('an already saved article imported twice in one batch, earlier then newer', async () => {
    const { library } = freshLibrary();
    await library.importRecords([exported(URL_A, { savedAt: iso(5), updatedAt: iso(5) }, { textContent: '本地正文' })]);
    const older = exported(URL_A, { savedAt: iso(0), updatedAt: iso(0), tags: ['旧'] }, { textContent: '旧正文' });
    const newer = exported(URL_A, { savedAt: iso(6), updatedAt: iso(9), tags: ['新'] }, { textContent: '新正文' });
    expect(await library.importRecords([older, newer])).toEqual({ added: 0, updated: 2, skipped: 0 });
    const id = idForUrl(URL_A);
    expect(await library.get(id)).toMatchObject({ savedAt: iso(0), updatedAt: iso(9), tags: ['旧', '新'], article: { textContent: '新正文' } });
    expect(await library.search('新正文')).toEqual([id]);
    expect(await library.search('本地正文')).toEqual([]);
  });

  it('an export imported into an empty library comes out identical, across batches', async () => {
    const source = freshLibrary().library;
    for (let n = 0; n < 230; n++) {
      const saved = await source.save(article(`https://e.com/${n}`, { textContent: `第${n}篇` }), { now: new Date(iso(n)) });
      if (n % 3 === 0) await source.update(saved.id, { tags: ['三'], state: 'read', progress: 1, readAt: iso(n + 1) });
    }
    const dump: ImportRecord[] = [];
    for (const entry of await source.list()) dump.push((await source.get(entry.id)) as SavedArticle);

    const target = freshLibrary().library;
    expect(await target.importRecords(dump)).toEqual({ added: 230, updated: 0, skipped: 0 });
    expect(await target.list()).toEqual(await source.list());
    expect(await target.get(idForUrl('https://e.com/3'))).toEqual(await source.get(idForUrl('https://e.com/3')));
    expect(await target.search('第229篇')).toEqual([idForUrl('https://e.com/229')]);
  });
});

describe('importRecords given prepared text', () => {
  it('stores what it would have made itself, half a surrogate pair included', async () => {
    const records = [
      exported(URL_A, {}, { title: '俄罗斯表示准备军事支持白俄罗斯', textContent: '卢卡申科 Lukashenko 說', lead: '欧盟与白俄罗斯', byline: '英国《金融时报》 Henry Foy' }),
      exported('https://example.com/b', {}, { title: 'Soft landing\ud83d', textContent: 'Ｆｕｌｌ width\udc00 text' }),
    ];
    const made = freshLibrary();
    const given = freshLibrary();
    await made.library.importRecords(records.map((r) => ({ ...r, title: r.article.title.toWellFormed(), article: { ...r.article, title: r.article.title.toWellFormed(), textContent: r.article.textContent.toWellFormed() } })), { now: NOW });
    await given.library.importRecords(
      records.map((r) => ({
        ...r,
        title: r.article.title.toWellFormed(),
        article: { ...r.article, title: r.article.title.toWellFormed(), textContent: r.article.textContent.toWellFormed() },
        prepared: prepareText(r.article),
      })),
      { now: NOW },
    );
    expect(await given.library.list()).toEqual(await made.library.list());
    expect(await searchRows(given.factory)).toEqual(await searchRows(made.factory));
  });

  it('uses what was prepared, and makes its own when that is malformed', async () => {
    const { library, factory } = freshLibrary();
    const a = exported(URL_A);
    const b = exported('https://example.com/b');
    await library.importRecords(
      [
        { ...a, prepared: { text: 'prepared', titleLength: 3, textBytes: 5 } },
        { ...b, prepared: { text: 'prepared', titleLength: 9, textBytes: 5 } },
      ],
      { now: NOW },
    );
    const rows = (await searchRows(factory)) as { id: string; text: string; titleLength: number }[];
    expect(rows.find((r) => r.id === idForUrl(URL_A))).toMatchObject({ text: 'prepared', titleLength: 3 });
    expect(rows.find((r) => r.id === idForUrl(b.url))?.text).not.toBe('prepared');
    const bytesOf = (text: string) => new TextEncoder().encode(text).length;
    expect((await library.get(idForUrl(URL_A)))?.bodyBytes).toBe(bytesOf(a.article.contentHtml) + 5);
    expect((await library.get(idForUrl(b.url)))?.bodyBytes).toBe(bytesOf(b.article.contentHtml) + bytesOf(b.article.textContent));
  });
});
