/**
 * Every export that imports back, through the library page's own code: a
 * library exported as a backup, bookmarks, Instapaper CSV, Pocket CSV or
 * wallabag JSON and imported into an empty library gives back what the format
 * carries, exactly; imported into the library it came from, or a second time,
 * it changes nothing.
 */
import 'fake-indexeddb/auto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { strToU8, zipSync } from 'fflate';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { localWriter } from '../../../src/library/export-writing';
import { libraryWriter } from '../../../src/library/import-writer';
import { TransferStore } from '../../../src/library/transfer-data';
import { exportList, type ListFormatId } from '../../../src/library/transfer-export';
import { planFile } from '../../../src/library/transfer-import';
import { Library } from '../../../src/storage/library';
import type { LibraryEntry, SavedArticle } from '../../../src/storage/types';
import { coreHooks, coreSanitize } from '../../../src/transfer/core-hooks';
import { channelReader } from '../transfer-ui/backup-channel';
import { makeArticle } from './helpers';

const { window } = new JSDOM('');
const win = window as unknown as Window & typeof globalThis;
const sanitize = coreSanitize(win);

/** Titles a spreadsheet, an HTML writer or a JSON writer could get wrong. */
const TITLES = [
  'He said "hi", then left', 'Two\nlines', '=SUM(A1:A9)', '+1 for this', '-5% GDP', '@mention me', "'=already quoted", "''=two quotes",
  "'quoted' word", '𠀋𩸽 and 😀', '中国经济“软着陆”的代价，分析', 'a <b>bold</b> &amp; entity', 'pipe | title', '=', '-', '2024',
];
const URLS = [
  'https://example.com/a?x=1&y=2#frag', 'https://例子.测试/路径?q=中文#片段', 'https://example.com/search?q=a,b&tag=x|y',
  "https://example.com/it's?a=\"q\"", 'https://www.ftchinese.com/story/001099999?full=y#s2', 'http://example.org/',
];
const TAGS = [['long read', 'a,b'], ['中文', '2024'], ['=formula', '-minus', '@at', '+plus'], ['pipe|tag', '😀', "'quote", "'=q"], [], ['42']];
const STATES = ['unread', 'read', 'archived'] as const;

/** The library as storage holds it: bodies through the shared sanitizer, the row's fields the body's. */
function library(): SavedArticle[] {
  return TITLES.map((title, i) => {
    const base = makeArticle(i);
    const u = new URL(URLS[i % URLS.length] as string);
    u.searchParams.append('n', String(i));
    const url = u.href;
    const state = STATES[i % 3] as SavedArticle['state'];
    const savedAt = new Date(Date.UTC(2025, 0, 1, 0, 0, i, 123)).toISOString();
    const published = i % 4 === 0 ? null : new Date(Date.UTC(2024, 11, 31, 8, i)).toISOString();
    const byline = i % 5 === 0 ? null : i % 2 ? 'Jane Doe' : '王小明';
    const leadImage = i % 3 ? null : `https://img.example.com/${i}.png`;
    const lead = i % 4 === 3 ? null : `The standfirst of article ${i}, with a comma and "quotes"\n第${i}篇的导语，第二行`;
    const fields = { url, title, byline, published, leadImage, lead, lang: base.lang };
    return {
      ...base, ...fields, id: `id-${i}`, state, tags: TAGS[i % TAGS.length] as string[], readAt: state === 'unread' ? null : savedAt,
      progress: state === 'unread' ? 0 : 0.5, savedAt, updatedAt: new Date(Date.UTC(2025, 0, 2, 0, 0, i, 456)).toISOString(),
      missingImages: [], article: { ...base.article, ...fields, translator: i % 2 ? null : '李四', contentHtml: sanitize(base.article.contentHtml) },
    };
  });
}

async function fill(factory: IDBFactory, articles: readonly SavedArticle[]): Promise<void> {
  const lib = new Library({ factory });
  await lib.importRecords(articles.map((a) => ({ ...a, images: [] })));
  await lib.close();
}

/** Every row and body of a library, by URL. */
async function contents(factory: IDBFactory): Promise<Map<string, { row: LibraryEntry; body: SavedArticle['article'] | undefined }>> {
  const store = new TransferStore({ factory });
  const out = new Map<string, { row: LibraryEntry; body: SavedArticle['article'] | undefined }>();
  for (const row of await store.entries()) out.set(row.url, { row, body: await store.body(row.id) });
  return out;
}

async function exported(factory: IDBFactory, id: ListFormatId): Promise<File> {
  const from = new TransferStore({ factory });
  const file = await exportList(id, await from.entries(), localWriter(from, id, { bodies: true, images: await from.imageOwners() }));
  const out = new File(file.parts, file.name);
  return out;
}

async function importInto(factory: IDBFactory, file: File) {
  const library = new Library({ factory });
  const plan = await planFile(file, new TransferStore({ factory }), { backupReader: channelReader, sanitize, hooks: coreHooks(win) });
  const outcome = await plan.apply(libraryWriter(library, () => undefined));
  await library.close();
  return { report: plan.report, outcome };
}

const FORMATS: ListFormatId[] = ['backup', 'bookmarks', 'instapaper', 'pocket', 'wallabag'];

/** A time as the file carries it: whole seconds, except in the backup. */
const seconds = (iso: string | null): string | null => (iso === null ? null : new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString());

/** A tag as the format writes it: a bookmarks file's TAGS are comma-separated, a Pocket CSV's `|`-separated (and read as commas by wallabag). */
function tagAs(id: ListFormatId, tag: string): string {
  if (id === 'bookmarks') return tag.replace(/,/g, ' ');
  if (id === 'pocket') return tag.replace(/\|/g, '/').replace(/,/g, ' ').trim();
  return tag;
}

/** What an article comes back as, from a format that does not carry everything. */
function carried(id: ListFormatId, a: SavedArticle) {
  return {
    url: a.url,
    // Imported titles are kept on one line, as saved pages' are.
    title: a.title.replace(/\s+/g, ' '),
    tags: a.tags.map((t) => tagAs(id, t)),
    // These formats have a list and an archive: a read article goes to the list.
    state: a.state === 'archived' ? 'archived' : 'unread',
    savedAt: seconds(a.savedAt),
    ...(id === 'wallabag'
      ? {
          linkOnly: false, updatedAt: seconds(a.updatedAt), published: seconds(a.published), byline: a.byline, lang: a.lang,
          lead: a.lead, leadImage: a.leadImage,
        }
      : { linkOnly: true }),
  };
}

describe('a library exported and imported back', () => {
  const articles = library();

  it.each(FORMATS)('%s into an empty library gives back what the format carries, exactly', async (id) => {
    const source = new IDBFactory();
    await fill(source, articles);
    const file = await exported(source, id);
    // Over 4 KB, the library page reads a backup or a bookmarks file as a stream, as it reads a real one.
    if (id === 'backup' || id === 'bookmarks') expect(file.size).toBeGreaterThan(4096);
    const target = new IDBFactory();
    const { report, outcome } = await importInto(target, file);
    expect(report).toMatchObject({ ok: true, added: articles.length, updated: 0, duplicates: 0, failed: [] });
    expect(outcome).toMatchObject({ added: articles.length, updated: 0, skipped: 0 });
    const [before, after] = await Promise.all([contents(source), contents(target)]);
    if (id === 'backup') {
      expect(after).toEqual(before);
      return;
    }
    for (const a of articles) {
      const back = after.get(a.url);
      expect(back, a.title).toBeDefined();
      const { row, body } = back!;
      const expected = carried(id, a);
      expect(Object.fromEntries(Object.keys(expected).map((k) => [k, row[k as keyof LibraryEntry]]))).toEqual(expected);
      if (id === 'wallabag') expect(body).toMatchObject({ contentHtml: a.article.contentHtml, lead: a.article.lead, translator: a.article.translator });
    }
  }, 60_000);

  it.each(FORMATS)('%s into the library it came from changes nothing', async (id) => {
    const source = new IDBFactory();
    await fill(source, articles);
    const file = await exported(source, id);
    const before = await contents(source);
    const { report, outcome } = await importInto(source, file);
    expect(report.toUpdate.map((u) => [u.record.title, u.changes])).toEqual([]);
    expect(report).toMatchObject({ ok: true, added: 0, updated: 0, duplicates: articles.length, failed: [] });
    expect(outcome).toMatchObject({ added: 0, updated: 0 });
    expect(await contents(source)).toEqual(before);
  }, 60_000);

  it.each(FORMATS)('%s imported twice: the second import skips everything', async (id) => {
    const source = new IDBFactory();
    await fill(source, articles);
    const file = await exported(source, id);
    const target = new IDBFactory();
    await importInto(target, file);
    const once = await contents(target);
    const { report, outcome } = await importInto(target, file);
    expect(report).toMatchObject({ ok: true, added: 0, updated: 0, duplicates: articles.length });
    expect(outcome).toMatchObject({ added: 0, updated: 0 });
    expect(await contents(target)).toEqual(once);
  }, 60_000);
});

describe('every kind of file Qingdu imports, imported twice', () => {
  const dir = join(import.meta.dirname, '../../fixtures/import');
  const files: [string, Uint8Array<ArrayBuffer>][] = readdirSync(dir).map((name) => [name, new Uint8Array(readFileSync(join(dir, name)))]);
  const omnivore = readFileSync(join(dir, 'omnivore.json'));
  const slug = (JSON.parse(omnivore.toString()) as { slug: string }[])[0]!.slug;
  files.push(['omnivore-export.zip', new Uint8Array(zipSync({ 'metadata_0_to_20.json': omnivore, [`content/${slug}.html`]: strToU8('<p>The text.</p>') }))]);

  it.each(files)('%s: the second import skips everything and changes nothing', async (name, bytes) => {
    const target = new IDBFactory();
    const first = await importInto(target, new File([bytes], name));
    expect(first.report).toMatchObject({ ok: true });
    expect(first.report.added).toBeGreaterThan(0);
    const once = await contents(target);
    const { report, outcome } = await importInto(target, new File([bytes], name));
    expect(report.toUpdate.map((u) => [u.record.title, u.changes])).toEqual([]);
    expect(report).toMatchObject({ ok: true, added: 0, updated: 0, duplicates: first.report.added });
    expect(outcome).toMatchObject({ added: 0, updated: 0 });
    expect(await contents(target)).toEqual(once);
  }, 60_000);
});
