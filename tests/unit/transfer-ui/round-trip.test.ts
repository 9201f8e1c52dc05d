/**
 * The backup's promise, end to end through the library page's own code:
 * exported from one library, imported into an empty one, it gives back the
 * same library — every row, body and image.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { localWriter } from '../../../src/library/export-writing';
import { libraryWriter } from '../../../src/library/import-writer';
import { TransferStore } from '../../../src/library/transfer-data';
import { exportList } from '../../../src/library/transfer-export';
import { planFile } from '../../../src/library/transfer-import';
import { Library } from '../../../src/storage/library';
import { emptyBody } from '../../../src/storage/records';
import type { LibraryEntry } from '../../../src/storage/types';
import { coreSanitize } from '../../../src/transfer/core-hooks';
import { imagesOf } from '../../../src/transfer/index';
import { makeImageLookup, makeLibrary } from '../transfer/helpers';
import { channelReader } from './backup-channel';

const { window } = new JSDOM('');
const sanitize = coreSanitize(window as unknown as Window & typeof globalThis);

/** Everything a library holds, by article id, for comparing two libraries. */
async function contents(factory: IDBFactory) {
  const store = new TransferStore({ factory });
  const library = new Library({ factory });
  // The rows as the library hands them out: where a body is stored (its pack) is no part of what it holds.
  const rows = [...(await library.list())].sort((a, b) => a.id.localeCompare(b.id));
  const whole = await Promise.all(
    rows.map(async (row: LibraryEntry) => {
      const urls = [...(await store.imageUrls(row.id))].sort();
      const images = await Promise.all(urls.map((url) => library.getImage(row.id, url)));
      return { row, body: await store.body(row.id), images };
    }),
  );
  await library.close();
  return whole;
}

describe('a JSON backup through the library page', () => {
  it('exported from a library of 1,000 articles with images and imported into an empty profile, gives back the same library', async () => {
    // The source library, as storage holds it: bodies through the shared sanitizer, images stored.
    const source = new IDBFactory();
    const lookup = makeImageLookup();
    const articles = makeLibrary(1000, { images: true }).map((a) => ({ ...a, article: { ...a.article, contentHtml: sanitize(a.article.contentHtml) } }));
    const filler = new Library({ factory: source });
    await filler.importRecords(articles.map((a) => ({ ...a, images: imagesOf(a, lookup) })));
    await filler.close();

    const from = new TransferStore({ factory: source });
    const rows = await from.entries();
    const file = await exportList('backup', rows, localWriter(from, 'backup', { bodies: true, images: await from.imageOwners() }));
    expect(file.name).toMatch(/^qingdu-\d{4}-\d{2}-\d{2}-1000篇\.json$/);

    const target = new IDBFactory();
    const library = new Library({ factory: target });
    const plan = await planFile(new File(file.parts, file.name), new TransferStore({ factory: target }), { backupReader: channelReader, sanitize, hooks: {} });
    expect(plan.report).toMatchObject({ ok: true, format: 'qingdu-backup', added: 1000, updated: 0, duplicates: 0, failed: [] });
    const outcome = await plan.apply(libraryWriter(library, () => undefined));
    expect(outcome).toEqual({ added: 1000, updated: 0, skipped: 0, rejected: [] });
    await library.close();

    const [before, after] = await Promise.all([contents(source), contents(target)]);
    expect(after).toHaveLength(1000);
    expect(after.filter((a) => a.images.length).length).toBe(334);
    expect(after).toEqual(before);
  }, 120_000); // DOMPurify over jsdom sanitizes the 1,000 bodies twice
});

describe('a JSON backup of edge records through the library page', () => {
  it('gives back link-only entries, progress 0 and 1, no read time, no tags and missing images exactly', async () => {
    const lookup = makeImageLookup();
    const base = makeLibrary(8, { images: true }).map((a) => ({ ...a, article: { ...a.article, contentHtml: sanitize(a.article.contentHtml) } }));
    const link = (i: number, extra: Partial<LibraryEntry>) => {
      const a = base[i]!;
      const entry = { ...a, linkOnly: true, byline: null, lead: null, leadImage: null, published: null, partial: false, missingImages: [], ...extra };
      return { ...entry, article: emptyBody(entry) };
    };
    const articles = [
      link(0, { tags: [], state: 'unread', readAt: null, progress: 0, title: 'https://example.com/only-a-link' }),
      link(1, { tags: ['待读', 'long read'], state: 'archived', readAt: null, progress: 0 }),
      { ...base[2]!, state: 'read' as const, progress: 1, tags: [] },
      { ...base[3]!, state: 'archived' as const, readAt: null, progress: 0, tags: ['a,b', 'pipe|tag', '=formula', '😀'] },
      { ...base[4]!, missingImages: ['https://img.example.com/missing-4.jpg', 'https://img.example.com/missing-4b.jpg'] },
      { ...base[5]!, lang: null, byline: null, published: null, partial: true, progress: 0.5 },
      { ...base[6]!, state: 'unread' as const, readAt: null, progress: 0, tags: [] },
    ];
    const source = new IDBFactory();
    const filler = new Library({ factory: source });
    await filler.importRecords(articles.map((a) => ({ ...a, images: imagesOf(a, lookup) })));
    await filler.close();

    const from = new TransferStore({ factory: source });
    const file = await exportList('backup', await from.entries(), localWriter(from, 'backup', { bodies: true, images: await from.imageOwners() }));
    const target = new IDBFactory();
    const library = new Library({ factory: target });
    const plan = await planFile(new File(file.parts, file.name), new TransferStore({ factory: target }), { backupReader: channelReader, sanitize, hooks: {} });
    expect(plan.report).toMatchObject({ ok: true, added: articles.length, failed: [] });
    await plan.apply(libraryWriter(library, () => undefined));
    await library.close();

    const [before, after] = await Promise.all([contents(source), contents(target)]);
    expect(before.filter((a) => a.row.linkOnly)).toHaveLength(2);
    expect(before.map((a) => a.row.progress).sort()).toContain(1);
    expect(after).toEqual(before);
  }, 60_000);
});
