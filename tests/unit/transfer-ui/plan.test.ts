// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import {
  batchRecords,
  linkRecord,
  recordBytes,
  recordsFromPlan,
  settleImageUpdates,
  type OutgoingRecord,
} from '../../../src/library/transfer-plan';
import { emptyBody } from '../../../src/storage/records';
import { idForUrl } from '../../../src/storage/ids';
import type { SavedArticle, StoredImage } from '../../../src/storage/types';
import type { ImportedLink, ImportReport, PlannedUpdate } from '../../../src/transfer/index';
import { validateSavedArticle } from '../../../src/transfer/backup';
import { makeArticle, PNG_1x1 } from '../transfer/helpers';

const link: ImportedLink = {
  kind: 'link', url: 'https://example.com/a?x=1', title: '一篇书签', tags: ['t1'], state: 'archived', savedAt: '2025-03-01T00:00:00.000Z',
};

function image(articleId: string, url: string, bytes = PNG_1x1): StoredImage {
  return { articleId, url, type: 'image/png', bytes };
}

function plan(partial: Partial<ImportReport>): ImportReport {
  return { ok: true, format: 'qingdu-backup', message: null, added: 0, updated: 0, duplicates: 0, failed: [], toAdd: [], toUpdate: [], ...partial };
}

describe('records from an import plan', () => {
  it('turns a bookmark into a link-only record with an empty body that passes the backup record check', () => {
    const record = linkRecord(link, idForUrl(link.url));
    expect(record).toMatchObject({ id: idForUrl(link.url), url: link.url, title: '一篇书签', linkOnly: true, state: 'archived', tags: ['t1'], siteName: 'example.com' });
    expect(record.article).toMatchObject({ url: link.url, title: '一篇书签', contentHtml: '', textContent: '' });
    expect(validateSavedArticle(JSON.parse(JSON.stringify(record)), (html) => html)).toMatchObject({ id: record.id, linkOnly: true });
  });

  it("lists a bookmark of a site with a rule under the rule's site name, as the articles saved from it are", () => {
    expect(linkRecord({ ...link, url: 'https://www.ftchinese.com/story/001088998' }, 'ft').siteName).toBe('FT中文网');
    expect(linkRecord({ ...link, url: 'https://big5.ftchinese.com/story/001088998' }, 'big5').siteName).toBe('FT中文網');
    expect(linkRecord({ ...link, url: 'https://notftchinese.com/story/1' }, 'other').siteName).toBe('notftchinese.com');
  });

  it('uses the URL as the title of an untitled bookmark', () => {
    expect(linkRecord({ ...link, title: '' }, 'x').title).toBe(link.url);
  });

  it('keeps imported articles with their images, and reads stored bodies only for merges that keep them', async () => {
    const added = makeArticle(1);
    const img = image(added.id, 'https://img.example.com/1.png');
    const full = makeArticle(2);
    const { article: storedBody, ...row } = full;
    const keepBody: PlannedUpdate = { record: { ...row, tags: ['merged'] }, images: [], changes: ['tags'], kept: [] };
    const linkRow = { ...linkRecord(link, 'L'), article: undefined };
    const retitled: PlannedUpdate = { record: { ...linkRow, title: '新标题' }, images: [], changes: ['title'], kept: [] };
    const asked: string[] = [];
    const out = await recordsFromPlan(
      plan({ toAdd: [{ kind: 'article', article: added, images: [img] }, link], toUpdate: [keepBody, retitled] }),
      idForUrl,
      async (id) => {
        asked.push(id);
        return id === full.id ? storedBody : undefined;
      },
    );
    expect(out.map((o) => o.record.id)).toEqual([added.id, idForUrl(link.url), full.id, 'L']);
    expect(out[0]?.images).toEqual([img]);
    expect(out[2]?.record.article).toBe(storedBody);
    expect(out[2]?.record.tags).toEqual(['merged']);
    // A link-only body is rebuilt from the merged row (so the newer title is what storage indexes).
    expect(out[3]?.record.article).toEqual(emptyBody({ ...linkRow, title: '新标题' }));
    expect(asked).toEqual([full.id]);
  });

  it('falls back to an empty body when a stored body is missing', async () => {
    const { article: _body, ...row } = makeArticle(3);
    const out = await recordsFromPlan(plan({ toUpdate: [{ record: row, images: [], changes: ['state'], kept: [] }] }), idForUrl, async () => undefined);
    expect(out[0]?.record.article.contentHtml).toBe('');
    expect(out[0]?.record.article.url).toBe(row.url);
  });
});

describe('images in batches', () => {
  it('are stored under the id of their record', () => {
    const a = makeArticle(4);
    const [batch] = batchRecords([{ record: a, images: [image('old-id', 'https://img.example.com/4.png')] }]);
    expect(batch?.images).toHaveLength(1);
    expect(batch?.images[0]?.articleId).toBe(a.id);
  });
});

describe('batching', () => {
  const records = (n: number, withImages = 0): OutgoingRecord[] =>
    Array.from({ length: n }, (_, i) => {
      const record = makeArticle(i);
      return { record, images: Array.from({ length: withImages }, (_, k) => image(record.id, `https://img.example.com/${i}-${k}.png`)) };
    });

  it('splits by record count, keeping order', () => {
    const batches = batchRecords(records(120), { maxRecords: 50 });
    expect(batches.map((b) => b.records.length)).toEqual([50, 50, 20]);
    expect(batches.flatMap((b) => b.records.map((r) => r.id))).toEqual(records(120).map((r) => r.record.id));
  });

  it('splits by estimated size, and sends a record larger than the limit alone', () => {
    const big = makeArticle(999);
    const huge: SavedArticle = { ...big, article: { ...big.article, contentHtml: '<p>' + '长'.repeat(300_000) + '</p>' } };
    const input = [...records(3), { record: huge, images: [] }, ...records(2)];
    const batches = batchRecords(input, { maxBytes: 100_000 });
    expect(batches.some((b) => b.records.length === 1 && b.records[0] === huge)).toBe(true);
    for (const b of batches) if (b.records[0] !== huge) expect(b.records.reduce((n, r) => n + recordBytes(r), 0)).toBeLessThanOrEqual(100_000);
    expect(batches.flatMap((b) => b.records)).toHaveLength(6);
  });

  it('splits by image count', () => {
    const batches = batchRecords(records(10, 3), { maxImages: 7 });
    for (const b of batches) expect(b.images.length).toBeLessThanOrEqual(7);
    expect(batches.flatMap((b) => b.images)).toHaveLength(30);
  });

  it('sends nothing for an empty plan', () => {
    expect(batchRecords([])).toEqual([]);
  });

  it('by default sends links a thousand at a time, and articles two hundred, in file order', () => {
    const links = Array.from({ length: 1500 }, (_, i) => ({ record: linkRecord({ ...link, url: `https://example.com/${i}` }, `id-${i}`), images: [] }));
    expect(batchRecords(links).map((b) => b.records.length)).toEqual([1000, 500]);
    expect(batchRecords(records(450)).map((b) => b.records.length)).toEqual([200, 200, 50]);
    // A batch holds up to 200 articles among the links.
    const mixed = [...records(150), ...links.slice(0, 100), ...records(100).map(({ record }) => ({ record: { ...record, id: `more-${record.id}` }, images: [] }))];
    expect(batchRecords(mixed).map((b) => b.records.length)).toEqual([300, 50]);
    expect(batchRecords(mixed).flatMap((b) => b.records.map((r) => r.id))).toEqual(mixed.map((r) => r.record.id));
  });
});

describe('updates that only bring images', () => {
  const { article: _a, ...row } = makeArticle(5);
  const update = (images: StoredImage[], changes: string[] = []): PlannedUpdate => ({ record: row, images, changes, kept: [] });

  it('become duplicates when every image is already stored', async () => {
    const report = plan({ updated: 1, toUpdate: [update([image(row.id, 'https://i/1.png')])] });
    await settleImageUpdates(report, async () => new Set(['https://i/1.png']));
    expect(report).toMatchObject({ updated: 0, duplicates: 1, toUpdate: [] });
  });

  it('send only the images not stored yet', async () => {
    const report = plan({ updated: 1, toUpdate: [update([image(row.id, 'https://i/1.png'), image(row.id, 'https://i/2.png')])] });
    await settleImageUpdates(report, async () => new Set(['https://i/1.png']));
    expect(report.updated).toBe(1);
    expect(report.toUpdate[0]?.images.map((i) => i.url)).toEqual(['https://i/2.png']);
  });

  it('stay updates when a field changed', async () => {
    const report = plan({ updated: 1, toUpdate: [update([image(row.id, 'https://i/1.png')], ['tags'])] });
    await settleImageUpdates(report, async () => new Set(['https://i/1.png']));
    expect(report).toMatchObject({ updated: 1, duplicates: 0 });
    expect(report.toUpdate[0]?.images).toEqual([]);
  });
});
