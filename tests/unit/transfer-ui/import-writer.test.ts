// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { libraryWriter, type ImportTarget } from '../../../src/library/import-writer';
import { TransferStore } from '../../../src/library/transfer-data';
import { batchRecords, linkRecord, recordsFromPlan } from '../../../src/library/transfer-plan';
import { idForUrl } from '../../../src/storage/ids';
import { Library } from '../../../src/storage/library';
import type { ImportRecord } from '../../../src/storage/records';
import type { StoredImage } from '../../../src/storage/types';
import { BACKUP_VERSION, BackupRecords, isRefusal, MAX_BACKUP_IMAGE_BYTES } from '../../../src/transfer/backup';
import { exportBackup, importFile } from '../../../src/transfer/index';
import { toBase64 } from '../../../src/transfer/util';
import { makeArticle, PNG_1x1 } from '../transfer/helpers';

const png = (articleId: string, url: string): StoredImage => ({ articleId, url, type: 'image/png', bytes: PNG_1x1 });
const noAnnounce = () => undefined;

class FakeTarget implements ImportTarget {
  imported: ImportRecord[] = [];
  putCalls: [string, StoredImage[]][] = [];
  constructor(private readonly known: Set<string> = new Set()) {}
  async importRecords(records: readonly ImportRecord[]) {
    this.imported.push(...records);
    return { added: records.length, updated: 0, skipped: 0 };
  }
  async putImages(articleId: string, images: StoredImage[]) {
    this.putCalls.push([articleId, images]);
    return this.known.has(articleId) ? ({} as Awaited<ReturnType<Library['putImages']>>) : undefined;
  }
}

describe('the import writer', () => {
  it('stores a record with its own images in one go', async () => {
    const target = new FakeTarget();
    const a = makeArticle(0);
    const outcome = await libraryWriter(target, noAnnounce).write({ records: [a], images: [png(a.id, 'https://img.example.com/0.png')] });
    expect(outcome).toEqual({ added: 1, updated: 0, skipped: 0, rejected: [] });
    expect(target.imported[0]?.images?.map((i) => i.url)).toEqual(['https://img.example.com/0.png']);
    expect(target.putCalls).toEqual([]);
  });

  it('stores images of articles outside the batch with putImages, and reports those with no article', async () => {
    const target = new FakeTarget(new Set(['saved']));
    const outcome = await libraryWriter(target, noAnnounce).write({ records: [], images: [png('saved', 'https://i.example/1.png'), png('gone', 'https://i.example/2.png')] });
    expect(target.imported).toEqual([]);
    expect(target.putCalls.map(([id]) => id)).toEqual(['saved', 'gone']);
    expect(outcome.rejected).toEqual(['1 image(s) for an article not in the library (gone)']);
  });

  it('quotes only the start of a long article id in what it reports', async () => {
    const id = '图'.repeat(100_000);
    const outcome = await libraryWriter(new FakeTarget(), noAnnounce).write({ records: [], images: [png(id, 'https://i.example/1.png')] });
    expect(outcome.rejected).toEqual([`1 image(s) for an article not in the library (${'图'.repeat(80)}…)`]);
  });
});

describe('backup images', () => {
  const article = makeArticle(4);
  const records = () => {
    const r = new BackupRecords((h) => h, BACKUP_VERSION);
    expect(isRefusal(r.article(JSON.parse(JSON.stringify(article)), 0))).toBe(false);
    return r;
  };
  const good = { articleId: article.id, url: 'https://img.example.com/4.png', type: 'image/png', data: toBase64(PNG_1x1) };

  it.each([
    ['a javascript: URL', { url: 'javascript:alert(1)' }, /not an http\(s\) URL/],
    ['a file: URL', { url: 'file:///etc/passwd' }, /not an http\(s\) URL/],
    ['a type that is not an image', { type: 'text/html' }, /not an image type/],
    ['data that is not base64', { data: 'not base64!' }, /base64/],
    ['no data', { data: '' }, /no image data/],
    ['a number for its article', { articleId: 7 }, /needs articleId/],
    ['an article not in the file', { articleId: 'other' }, /belongs to no imported article/],
    ['more bytes than an image may have', { data: 'A'.repeat(Math.ceil(MAX_BACKUP_IMAGE_BYTES / 3) * 4 + 4) }, /larger than 20 MB/],
  ])('refuses %s', (_name, patch, reason) => {
    const image = records().image({ ...good, ...patch }, 2);
    expect(isRefusal(image) && image.reason).toMatch(/^Image 3: /);
    expect(isRefusal(image) && image.reason).toMatch(reason);
  });

  it('accepts an image URL relative to its article, as the article wrote it', () => {
    expect(records().image({ ...good, url: '/img/a.png' }, 0)).toMatchObject({ url: '/img/a.png', bytes: PNG_1x1 });
  });
});

describe('a backup through the page into IndexedDB', () => {
  it('stores the same articles and image bytes, and a second import changes nothing', async () => {
    const articles = Array.from({ length: 7 }, (_, i) => makeArticle(i, { images: true }));
    const images = new Map<string, StoredImage>();
    for (const a of articles) if (a.leadImage) images.set(`${a.id} ${a.leadImage}`, png(a.id, a.leadImage));
    const parts = await exportBackup(articles, (id, url) => images.get(`${id} ${url}`));
    const bytes = new TextEncoder().encode(parts.join(''));

    const factory = new IDBFactory();
    const library = new Library({ factory });
    const store = new TransferStore({ factory });
    const writer = libraryWriter(library, noAnnounce);
    const identity = (html: string) => html;

    const report = importFile('qingdu.json', bytes, { sanitize: identity, library: new Map(), idFor: idForUrl });
    expect(report).toMatchObject({ ok: true, added: 7, failed: [] });
    const outgoing = await recordsFromPlan(report, idForUrl, (id) => store.body(id));
    let added = 0;
    for (const batch of batchRecords(outgoing, { maxRecords: 3 })) {
      const outcome = await writer.write(batch);
      expect(outcome.rejected).toEqual([]);
      added += outcome.added;
    }
    expect(added).toBe(7);

    const stored = await library.list();
    expect(stored.map((e) => e.title).sort()).toEqual(articles.map((a) => a.title).sort());
    const withImage = articles.find((a) => a.leadImage) as (typeof articles)[number];
    const id = idForUrl(withImage.url);
    expect((await library.getImage(id, withImage.leadImage as string))?.bytes).toEqual(PNG_1x1);
    expect((await library.getBody(id))?.contentHtml).toBe(withImage.article.contentHtml);

    // The page's export reads give back what was imported.
    const ids = stored.map((e) => e.id);
    const read: { id: string; article: { contentHtml: string } }[] = [];
    let lookup: ((articleId: string, url: string) => StoredImage | undefined) | undefined;
    for await (const page of store.pages([...ids, 'not-there'], { images: true })) {
      read.push(...page.articles);
      lookup = page.lookup;
    }
    expect(read.map((a) => a.id)).toEqual(ids);
    expect(read.find((a) => a.id === id)?.article.contentHtml).toBe(withImage.article.contentHtml);
    const { articles: rows } = await store.articles(stored, { bodies: false, images: null });
    expect(rows.map((a) => a.id)).toEqual(ids);
    expect(rows.every((a) => a.article.contentHtml === '')).toBe(true);
    expect(lookup?.(id, withImage.leadImage as string)?.bytes).toEqual(PNG_1x1);
    expect(await store.imageUrls(id)).toEqual(new Set([withImage.leadImage]));

    // Again, against the now-filled library: nothing to add.
    const again = importFile('qingdu.json', bytes, { sanitize: identity, library: new Map(stored.map((e) => [e.id, e])), idFor: idForUrl });
    expect(again.added).toBe(0);
  });

  it('stores imported bookmarks as link-only entries', async () => {
    const factory = new IDBFactory();
    const library = new Library({ factory });
    const record = linkRecord({ kind: 'link', url: 'https://example.com/x', title: 'X', tags: ['a'], state: 'unread', savedAt: '2025-01-01T00:00:00.000Z' }, idForUrl('https://example.com/x'));
    const outcome = await libraryWriter(library, noAnnounce).write({ records: [record], images: [] });
    expect(outcome).toMatchObject({ added: 1, rejected: [] });
    expect(await library.list()).toEqual([expect.objectContaining({ title: 'X', linkOnly: true, tags: ['a'] })]);
  });
});
