/** Corrupt, truncated, hostile and oversized files: each changes nothing, or imports exactly what it should, and says why. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, strToU8, zipSync } from 'fflate';
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { JSDOM } from 'jsdom';
import { describe, expect, it, vi } from 'vitest';
import { localizeReason } from '../../../src/library/reasons';
import { TransferStore } from '../../../src/library/transfer-data';
import { planFile } from '../../../src/library/transfer-import';
import { detectFormat } from '../../../src/transfer/detect';
import { coreHooks, coreSanitize } from '../../../src/transfer/core-hooks';
import { BACKUP_VERSION, importFile, parseOmnivore, parsePocketCsv, type ImportContext, type SavedArticle } from '../../../src/transfer/index';
import { makeArticle } from './helpers';
import { getMessage } from '../transfer-ui/messages';
import { channelReader } from '../transfer-ui/backup-channel';

vi.mock('../../../src/platform/browser', () => ({ default: {} }));

const { window } = new JSDOM('');
const win = window as unknown as Window & typeof globalThis;
const ctx: ImportContext = { sanitize: coreSanitize(win), hooks: coreHooks(win), library: [] };
const FIXTURES = join(import.meta.dirname, '../../fixtures/import');
const fixtureText = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

const enc = (s: string) => new TextEncoder().encode(s);
const stored = (i: number): SavedArticle => {
  const a = makeArticle(i);
  return { ...a, article: { ...a.article, contentHtml: ctx.sanitize(a.article.contentHtml) } };
};
const backup = (articles: unknown[], extra: Record<string, unknown> = {}) =>
  enc(JSON.stringify({ format: 'qingdu-backup', version: BACKUP_VERSION, exportedAt: '2026-01-01T00:00:00.000Z', articles, images: [], ...extra }));
const withField = (field: string, value: unknown) => ({ ...stored(1), [field]: value });

/** Deterministic noise (xorshift), so "binary garbage" is the same on every run. */
function garbage(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = 2463534242;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * A real zip bomb: `entries` entries each inflating to `size` zero bytes, all
 * sharing one deflate stream (compressed once, via gzip for its CRC-32).
 * Built by hand because compressing the same data 16 times would take seconds.
 */
function zipBomb(entries: number, size: number): Uint8Array {
  const gz = gzipSync(new Uint8Array(size), { level: 9 });
  const data = gz.subarray(10, gz.length - 8);
  const crc = new DataView(gz.buffer, gz.byteOffset + gz.length - 8, 4).getUint32(0, true);
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (let i = 0; i < entries; i++) {
    const name = strToU8(`part_${String(i).padStart(6, '0')}.csv`);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true); local.setUint16(4, 20, true); local.setUint16(8, 8, true); local.setUint16(12, 0x21, true);
    local.setUint32(14, crc, true); local.setUint32(18, data.length, true); local.setUint32(22, size, true); local.setUint16(26, name.length, true);
    const cd = new DataView(new ArrayBuffer(46));
    cd.setUint32(0, 0x02014b50, true); cd.setUint16(4, 20, true); cd.setUint16(6, 20, true); cd.setUint16(10, 8, true); cd.setUint16(14, 0x21, true);
    cd.setUint32(16, crc, true); cd.setUint32(20, data.length, true); cd.setUint32(24, size, true); cd.setUint16(28, name.length, true); cd.setUint32(42, offset, true);
    chunks.push(new Uint8Array(local.buffer), name, data);
    central.push(new Uint8Array(cd.buffer), name);
    offset += 30 + name.length + data.length;
  }
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  const eocd = new DataView(new ArrayBuffer(22));
  eocd.setUint32(0, 0x06054b50, true); eocd.setUint16(8, entries, true); eocd.setUint16(10, entries, true);
  eocd.setUint32(12, cdSize, true); eocd.setUint32(16, offset, true);
  const all = [...chunks, ...central, new Uint8Array(eocd.buffer)];
  const out = new Uint8Array(all.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of all) { out.set(c, at); at += c.length; }
  return out;
}

type Expect = { message: RegExp } | { added: number; failed?: RegExp[]; check?: (r: ReturnType<typeof importFile>) => void };

const CASES: Array<[string, string, () => Uint8Array, Expect]> = [
  ['empty file', 'x.json', () => new Uint8Array(0), { message: /^the file is empty$/ }],
  ['whitespace only', 'x.csv', () => enc(' \r\n\t\n'), { message: /^the file is empty$/ }],
  ['binary garbage', 'backup.json', () => garbage(10_000), { message: /^not a file Qingdu can import/ }],
  ['truncated backup JSON', 'b.json', () => backup([stored(1), stored(2)]).subarray(0, 700), { message: /^Qingdu backup: the backup is not valid JSON, probably truncated/ }],
  ['backup from a newer version', 'b.json', () => backup([stored(1)], { version: 99 }), { message: /newer Qingdu \(backup version 99; this one reads up to 3\)\. Update Qingdu/ }],
  ['version as a string', 'b.json', () => backup([stored(1)], { version: '3' }), { message: /no valid version number/ }],
  ['version 0', 'b.json', () => backup([stored(1)], { version: 0 }), { message: /no valid version number/ }],
  ['no articles list', 'b.json', () => backup([], { articles: {} }), { message: /no "articles" list/ }],
  ['images not a list', 'b.json', () => backup([], { images: 'x' }), { message: /"images" must be a list/ }],
  ['other JSON object', 'b.json', () => enc('{"format":"something-else","articles":[]}'), { message: /^not a file Qingdu can import/ }],
  ['empty backup', 'b.json', () => backup([]), { message: /holds no articles/ }],
  ['tags of the wrong type', 'b.json', () => backup([withField('tags', 'a,b')]), { added: 0, failed: [/^Article 1: tags must be a list of strings$/] }],
  ['unknown read state', 'b.json', () => backup([withField('state', 'deleted')]), { added: 0, failed: [/^Article 1: state must be "unread", "read" or "archived"$/] }],
  ['progress out of range', 'b.json', () => backup([withField('progress', 2)]), { added: 0, failed: [/progress must be a number from 0 to 1/] }],
  ['savedAt not a date', 'b.json', () => backup([withField('savedAt', 'yesterday')]), { added: 0, failed: [/savedAt must be an ISO 8601 date/] }],
  ['savedAt that only some browsers read as a date', 'b.json', () => backup([withField('savedAt', '2025-010Z')]), { added: 0, failed: [/^Article 1: savedAt must be an ISO 8601 date$/] }],
  ['savedAt with a UTC offset', 'b.json', () => backup([withField('savedAt', '2025-01-01T08:00:00+08:00')]),
    { added: 1, check: (r) => expect(r.toAdd[0]).toMatchObject({ article: { savedAt: '2025-01-01T00:00:00.000Z' } }) }],
  ['backup with times far in the future', 'b.json', () => backup([{ ...stored(1), savedAt: '+275760-09-13T00:00:00.000Z', updatedAt: '9999-01-01T00:00:00Z', readAt: '9999-01-01T00:00:00Z' }]),
    { added: 1, check: (r) => {
      // No save, update or read time past tomorrow: the article counts as saved at import, rather than heading the library for ever.
      const [item] = r.toAdd;
      const a = item?.kind === 'article' ? item.article : null;
      for (const t of [a?.savedAt, a?.updatedAt]) expect(Math.abs(Date.now() - Date.parse(t ?? ''))).toBeLessThan(60_000);
      expect(a?.readAt).toBeNull();
      // Nor is it newer than the stored article for ever after: the library's own title and dates stay.
      const own = { ...stored(1), title: 'Stored' };
      const hostile = { ...stored(1), title: 'Hostile', updatedAt: '9999-01-01T00:00:00Z' };
      const merged = importFile('b.json', backup([hostile]), { ...ctx, library: new Map([[own.id, own]]) });
      expect(merged).toMatchObject({ updated: 0, duplicates: 1 });
    } }],
  ['missing field', 'b.json', () => { const { title: _t, ...rest } = stored(1); return backup([rest]); }, { added: 0, failed: [/^Article 1: title is missing$/] }],
  ['javascript: URL', 'b.json', () => backup([withField('url', 'javascript:alert(1)'), stored(2)]), { added: 1, failed: [/^Article 1: url unsafe or unsupported URL scheme "javascript:"$/] }],
  ['data: lead image', 'b.json', () => backup([withField('leadImage', 'data:image/svg+xml,<svg onload=alert(1)>')]), { added: 0, failed: [/leadImage unsafe or unsupported URL scheme "data:"/] }],
  ['javascript: in the article body URL', 'b.json', () => backup([{ ...stored(1), article: { ...stored(1).article, fullTextUrl: 'javascript:void(0)' } }]), { added: 0, failed: [/article\.fullTextUrl unsafe/] }],
  ['article body missing', 'b.json', () => backup([withField('article', null)]), { added: 0, failed: [/article is missing or not an object/] }],
  ['null record', 'b.json', () => backup([null, stored(2)]), { added: 1, failed: [/^Article 1: record is not an object$/] }],
  ['duplicate ids', 'b.json', () => backup([stored(1), { ...stored(2), id: stored(1).id }]), { added: 1, failed: [/^Article 2: duplicate id "id-1"$/] }],
  ['duplicate URLs', 'b.json', () => backup([stored(1), { ...stored(1), id: 'other' }]), { added: 1, failed: [/duplicate URL/] }],
  ['hostile HTML body', 'b.json', () => backup([{ ...stored(1), article: { ...stored(1).article, contentHtml: '<p onclick="x()">hi</p><iframe src="https://evil"></iframe><a href="javascript:alert(1)">a</a>' } }]),
    { added: 1, check: (r) => expect(r.toAdd[0]?.kind === 'article' && r.toAdd[0].article.article.contentHtml).toBe('<p>hi</p><a>a</a>') }],
  ['__proto__ keys', 'b.json', () => enc(new TextDecoder().decode(backup([stored(1)])).replace('"id":"id-1"', '"__proto__":{"polluted":true},"id":"id-1"')),
    { added: 1, check: (r) => { expect(({} as Record<string, unknown>).polluted).toBeUndefined(); expect(Object.keys(r.toAdd[0]?.kind === 'article' ? r.toAdd[0].article : {})).not.toContain('__proto__'); } }],
  ['image with bad base64', 'b.json', () => backup([stored(1)], { images: [{ articleId: 'id-1', url: 'https://i/1.png', type: 'image/png', data: '!!notbase64' }] }), { added: 1, failed: [/^Image 1: invalid base64 image data$/] }],
  ['orphan image', 'b.json', () => backup([stored(1)], { images: [{ articleId: 'nope', url: 'https://i/1.png', type: 'image/png', data: 'AAAA' }] }), { added: 1, failed: [/belongs to no imported article/] }],
  ['image that is not an image', 'b.json', () => backup([stored(1)], { images: [{ articleId: 'id-1', url: 'https://i/1', type: 'text/html', data: 'AAAA' }] }), { added: 1, failed: [/"text\/html" is not an image type/] }],
  ['image with an empty type', 'b.json', () => backup([stored(1)], { images: [{ articleId: 'id-1', url: 'https://i/1', type: '', data: 'AAAA' }] }), { added: 1, failed: [/^Image 1: type "" is not an image type$/] }],
  ['version 1 backup (before image accounting)', 'b.json', () => { const { imageBytes: _i, missingImages: _m, ...v1 } = stored(1); return backup([v1], { version: 1 }); },
    { added: 1, check: (r) => expect(r.toAdd[0]).toMatchObject({ article: { imageBytes: 0, missingImages: [] } }) }],
  // The reader's retry button and a newly granted site have the background fetch these: only web addresses are kept.
  ['missing images that are not web addresses', 'b.json', () => backup([withField('missingImages', ['file:///etc/passwd', 'javascript:alert(1)', 'chrome://settings/', 'https://img.example.com/1.png', 'http://intranet.example/2.png'])]),
    { added: 1, check: (r) => expect(r.toAdd[0]).toMatchObject({ article: { missingImages: ['https://img.example.com/1.png', 'http://intranet.example/2.png'] } }) }],
  ['CSV with BOM and quoted newlines', 'i.csv', () => enc('\ufeffURL,Title,Selection,Folder,Timestamp,Tags\r\nhttps://a.example/,"two\r\nlines",,Unread,1700000000,[]\r\nhttps://b.example/,"say ""hi""",,Archive,1700000000,[]\r\n'),
    { added: 2, check: (r) => expect(r.toAdd.map((i) => i.kind === 'link' && i.title)).toEqual(['two lines', 'say "hi"']) }],
  ['CSV with 4-byte emoji and CJK extension B', 'p.csv', () => enc('title,url,time_added,tags,status\n😀𠀋 title,https://a.example/,1700000000,🀄|𩸽,unread\n'),
    { added: 1, check: (r) => expect(r.toAdd[0]).toMatchObject({ title: '😀𠀋 title', tags: ['🀄', '𩸽'] }) }],
  ['truncated CSV (open quote)', 'p.csv', () => enc('title,url,time_added,tags,status\nok,https://a.example/,1,,unread\n"cut off,https://b.example/,2,,unread\n'), { message: /Pocket CSV: unterminated quoted field starting on line 3/ }],
  // Once a failed row, and without a line break after it, a file "cut short".
  ['CSV with lines of spaces, one last', 'i.csv', () => enc('URL,Title,Selection,Folder,Timestamp,Tags\r\n  \r\nhttps://a.example/,A,,Unread,1700000000,[]\r\n\t\r\n   '), { added: 1 }],
  ['CSV rows with missing columns', 'p.csv', () => enc('title,url,time_added,tags,status\nok,https://a.example/,1,,unread\nshort,https://b.example/\n'), { added: 1, failed: [/^expected 5 columns, found 2$/] }],
  ['Instapaper CSV cut inside its last row', 'i.csv', () => enc('URL,Title,Selection,Folder,Timestamp,Tags\nhttps://a.example/,A,,Archive,1700000000,[]\nhttps://b.example/,Cut ti'),
    { message: /^Instapaper CSV: the file ends inside the row on line 3, so it was probably cut short$/ }],
  ['Instapaper CSV with a short row in the middle', 'i.csv', () => enc('URL,Title,Selection,Folder,Timestamp,Tags\nhttps://a.example/,A\nhttps://b.example/,B,,Archive,1700000000,[]\n'),
    { added: 1, failed: [/^expected 6 columns, found 2$/] }],
  ['Pocket CSV cut inside its last row', 'p.csv', () => enc('title,url,time_added,tags,status\nok,https://a.example/,1700000000,,unread\ncut,https://b.example/,17000'),
    { message: /^Pocket CSV: the file ends inside the row on line 3, so it was probably cut short$/ }],
  ['Instapaper CSV with a zero or negative Timestamp', 'i.csv', () => enc('URL,Title,Selection,Folder,Timestamp,Tags\nhttps://a.example/,A,,Unread,0,[]\nhttps://b.example/,B,,Unread,-5,[]\n'),
    { added: 2, check: (r) => {
      // No save time: both count as saved at import, not in 2000 or 2001 as Date.parse would have it.
      for (const item of r.toAdd) expect(Date.now() - Date.parse(item.kind === 'link' ? item.savedAt : '')).toBeLessThan(60_000);
      // …and the report says so before anything is written.
      expect(r.undated).toBe(2);
    } }],
  ['Pocket CSV with a time_added that is no time (a spreadsheet saved it again)', 'p.csv', () => enc('title,url,time_added,tags,status\nA,https://a.example/,2024/01/05,,unread\nB,https://b.example/,1700000000,,unread\n'),
    { added: 2, check: (r) => {
      expect(r.undated).toBe(1);
      const a = r.toAdd.find((item) => item.kind === 'link' && item.url === 'https://a.example/');
      expect(Math.abs(Date.now() - Date.parse(a?.kind === 'link' ? a.savedAt : ''))).toBeLessThan(60_000);
    } }],
  ['Pocket CSV and wallabag JSON with save times far in the future', 'p.csv', () => enc('title,url,time_added,tags,status\nA,https://a.example/,1000000000000000,,unread\nB,https://b.example/,99999999999,,unread\n'),
    { added: 2, check: (r) => {
      // The year 33658 and 5138 are no save times: both count as saved at import, rather than heading the library for ever.
      for (const item of r.toAdd) expect(Math.abs(Date.now() - Date.parse(item.kind === 'link' ? item.savedAt : ''))).toBeLessThan(60_000);
      expect(r.undated).toBe(2);
      const wallabag = importFile('w.json', enc(JSON.stringify([{ url: 'https://c.example/', title: 'C', content: '<p>正文</p>', is_archived: 0, created_at: '2999-01-01T00:00:00+0000' }])), ctx);
      const [item] = wallabag.toAdd;
      expect(Math.abs(Date.now() - Date.parse(item?.kind === 'article' ? item.article.savedAt : ''))).toBeLessThan(60_000);
    } }],
  ['Instapaper CSV without a header, 4 columns', 'instapaper.csv', () => enc('https://a.example/,A,,Archive\nhttps://b.example/,B,,Unread\n'), { added: 2 }],
  ['CSV with javascript: and data: URLs', 'i.csv', () => enc('URL,Title,Selection,Folder,Timestamp,Tags\njavascript:alert(1),x,,Unread,1,[]\ndata:text/html;base64,PHNjcmlwdD4=,y,,Unread,1,[]\nhttps://ok.example/,ok,,Unread,1,[]\n'),
    { added: 1, failed: [/"javascript:"/, /"data:"/] }],
  ['CSV header only', 'p.csv', () => enc('title,url,time_added,tags,status\r\n'), { message: /Pocket CSV: the file holds no articles/ }],
  ['CSV not in UTF-8 (Latin-1)', 'i.csv', () => Uint8Array.from([...enc('URL,Title\nhttps://a.example/,Caf'), 0xe9, 0x0a]), { message: /^Instapaper CSV: the file is not text in UTF-8, GB18030 \(GBK\) or Big5; save it as UTF-8 and import it again$/ }],
  ['CSV in UTF-16 (its BOM) with a lone surrogate', 'i.csv', () => {
    const text = 'URL,Title\nhttps://a.example/,x\ud800\n';
    const out = new Uint8Array(2 + text.length * 2);
    out.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) out.set([text.charCodeAt(i) & 0xff, text.charCodeAt(i) >> 8], 2 + i * 2);
    return out;
  }, { message: /^Instapaper CSV: the file is not UTF-16LE text$/ }],
  ['bookmarks that declare GBK with bytes that are no GBK character', 'bookmarks.html',
    () => Uint8Array.from([...enc('<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=GBK">\n<DL><p>\n<DT><A HREF="https://a.example/">'), 0xd6, 0xd0, 0x81, ...enc(' </A>\n</DL><p>\n')]),
    { message: /^browser bookmarks: the file is not GBK text$/ }],
  ['unknown CSV', 'data.csv', () => enc('a,b,c\n1,2,3\n'), { message: /^not a file Qingdu can import/ }],
  ['HTML that is not bookmarks', 'page.html', () => enc('<!DOCTYPE html><html><head><title>Hi</title></head><body><a href="https://x.example/">x</a></body></html>'), { message: /^not a file Qingdu can import/ }],
  ['bookmarks with no links', 'bookmarks.html', () => enc('<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<TITLE>Bookmarks</TITLE><DL><p></DL>'), { message: /browser bookmarks: the file holds no articles/ }],
  ['bookmarks with a BOM and hostile links', 'bookmarks.html', () => enc('\ufeff<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><A HREF="data:text/html,<script>alert(1)</script>">d</A>\n<DT><A HREF="https://ok.example/" ADD_DATE="1700000000" onclick="x">&lt;b&gt;ok</A>\n</DL>'),
    { added: 1, failed: [/"data:"/], check: (r) => expect(r.toAdd[0]).toMatchObject({ title: '<b>ok', url: 'https://ok.example/' }) }],
  ['bookmark link left unclosed, with many attributes', 'bookmarks.html', () => enc(`<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><A HREF="https://b.example/">B</A>\n<DT><A HREF="https://a.example/"${' X="1"'.repeat(24)}\n</DL><p>\n`),
    { added: 2, check: (r) => expect(r.toAdd.map((i) => i.kind === 'link' && i.title)).toEqual(['B', 'https://a.example/']) }],
  ['truncated bookmarks (cut inside a folder)', 'bookmarks.html', () => enc(fixtureText('bookmarks.html').slice(0, fixtureText('bookmarks.html').indexOf('</DL>'))),
    { message: /^browser bookmarks: the file ends inside a list, so it was probably cut short$/ }],
  ['truncated Pocket HTML (cut inside a list)', 'ril_export.html', () => enc(fixtureText('pocket-ril_export.html').slice(0, fixtureText('pocket-ril_export.html').lastIndexOf('</ul>'))),
    { message: /^Pocket HTML export: the file ends inside a list, so it was probably cut short$/ }],
  ['Pocket HTML with a data: link', 'ril_export.html', () => enc('<!DOCTYPE html><html><head><title>Pocket Export</title></head><body><h1>Unread</h1><ul><li><a href="data:,x" time_added="1">x</a></li></ul></body></html>'),
    { added: 0, failed: [/"data:"/] }],
  ['truncated wallabag JSON', 'wallabag.json', () => enc(fixtureText('wallabag-v2.json').slice(0, 300)), { message: /^wallabag JSON: the file is not valid JSON/ }],
  ['Omnivore entries of the wrong types', 'omnivore.json', () => enc('[{"slug":"a","url":42,"labels":"x","savedAt":"2024-01-01T00:00:00.000Z"},"text",{"slug":"b","url":"https://ok.example/","labels":[1,"y"],"savedAt":"nope"}]'),
    { added: 1, failed: [/^Entry 1: missing URL$/, /^Entry 2: not an object$/], check: (r) => {
      // A save time that does not parse is none: the link counts as saved at import.
      expect(r.toAdd[0]).toMatchObject({ tags: ['y'] });
      expect(Date.now() - Date.parse(r.toAdd[0]?.kind === 'link' ? r.toAdd[0].savedAt : '')).toBeLessThan(60_000);
    } }],
  ['feed that is not well-formed XML', 'feed.xml', () => enc('<?xml version="1.0"?><rss><channel><item><title>x</item></rss>'), { message: /^RSS\/Atom feed: the feed does not parse/ }],
  ['incomplete seed', 'seed.html', () => enc('<!--1764057600000-->\nno link line\n'), { message: /not a feedx article page/ }],
  ['zip that is damaged', 'pocket.zip', () => Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...garbage(500)]), { message: /^not a file Qingdu can import/ }],
  // fflate does not check CRC-32: a byte damaged in an entry stored as is read as other text.
  ['zip with a damaged entry', 'pocket.zip', () => {
    const zip = zipSync({ 'part_000000.csv': strToU8('title,url,time_added,tags,status\nA,https://example.com/aaaa,1700000000,,unread\n') }, { level: 0 });
    zip[zip.indexOf(0x61, zip.indexOf(0x2f, 60))] = 0x62;
    return zip;
  }, { message: /^Pocket CSV: the zip archive is damaged \(part_000000\.csv: its checksum does not match\)$/ }],
  ['zip without CSV or metadata', 'other.zip', () => zipSync({ 'readme.txt': strToU8('hello') }), { message: /^not a file Qingdu can import/ }],
  // Qingdu's own exports for other apps: the refusal points to the backup.
  ['a Markdown export', 'qingdu-2026-11-26-2篇.zip', () => zipSync({ 'qingdu/一篇.md': strToU8('---\ntitle: "一篇"\n---\n'), 'qingdu/reading-list.md': strToU8('# 清读\n') }), { message: /^a Markdown or EPUB export .* export and import the JSON backup$/ }],
  ['an EPUB export', 'book.zip', () => zipSync({ mimetype: strToU8('application/epub+zip'), 'OEBPS/content.opf': strToU8('<package/>') }, { level: 0 }), { message: /^a Markdown or EPUB export/ }],
  ['a Markdown file', 'note.md', () => enc('# 标题\n\n正文\n'), { message: /^a Markdown or EPUB export/ }],
  ['zip with too many entries', 'pocket.zip', () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i <= 20_000; i++) files[`part_${i}.csv`] = new Uint8Array(0);
    return zipSync(files, { level: 0 });
  }, { message: /Pocket CSV: the zip archive has too many entries \(20001 > 20000\)/ }],
  ['zip bomb (256 MB of zeros in 250 KB)', 'pocket.zip', () => zipBomb(16, 16 * 1024 * 1024), { message: /Pocket CSV: the zip archive would unpack to 256 MB, above the 200 MB limit/ }],
];

/** The failed rows are the expected ones, each reason matching in order. */
function expectFailed(failed: readonly { reason: string }[], expected: readonly RegExp[] = []): void {
  const reasons = failed.map((f) => f.reason);
  expect(reasons).toHaveLength(expected.length);
  expected.forEach((re, i) => expect(reasons[i]).toMatch(re));
}

describe('bad files', () => {
  it('has at least 30 cases', () => expect(CASES.length).toBeGreaterThanOrEqual(30));

  /** Every reason the cases gave, to check each reads in Chinese too. */
  const given: string[] = [];

  it.each(CASES)('%s', (_label, name, make, expected) => {
    const bytes = make();
    const r = importFile(name, bytes, ctx);
    given.push(...(r.message ? [r.message] : []), ...r.failed.map((f) => f.reason));
    if ('message' in expected) {
      expect(r.ok).toBe(false);
      expect(r.message).toMatch(expected.message);
      expect(r.toAdd).toEqual([]);
      expect(r.toUpdate).toEqual([]);
      expect(r.added + r.updated + r.duplicates).toBe(0);
    } else {
      expect(r.message).toBeNull();
      expect(r.added).toBe(expected.added);
      expect(r.toAdd).toHaveLength(expected.added);
      expectFailed(r.failed, expected.failed);
      expected.check?.(r);
    }
  }, 60_000);

  it('gives every one of those reasons in Chinese on a Chinese UI', () => {
    expect(given.length).toBeGreaterThanOrEqual(30);
    const zh = getMessage('zh_CN');
    const untranslated = given.filter((reason) => {
      const shown = localizeReason(reason, (format) => format, zh);
      // What stays in Latin letters is a value quoted from the file (a field name, a URL, a parser's detail).
      return shown === reason || !/\p{Script=Han}/u.test(shown);
    });
    expect(untranslated).toEqual([]);
  });

  // The library page reads backups and bookmark files above 4 KB as a stream: padded to that, each case says the same.
  const streamed = CASES.filter(([, name, make]) => /\.(json|html)$/.test(name) && ['qingdu-backup', 'netscape'].includes(detectFormat(name, make()) ?? ''));
  it('streams the backup and bookmarks cases', () => expect(streamed.length).toBeGreaterThanOrEqual(25));

  it.each(streamed)('read as a stream by the library page: %s', async (_label, name, make, expected) => {
    const bytes = make();
    const padded = new Uint8Array(bytes.length + 5000).fill(0x0a);
    padded.set(bytes);
    const sent: unknown[] = [];
    const plan = await planFile(new File([padded], name), new TransferStore({ factory: new IDBFactory() }), { backupReader: channelReader, sanitize: ctx.sanitize, hooks: {} });
    const r = plan.report;
    if ('message' in expected) {
      expect(r.ok).toBe(false);
      expect(r.message).toMatch(expected.message);
      expect(plan.writes).toBe(0);
      await plan.apply({ write: async (batch) => (sent.push(batch), { added: 0, updated: 0, skipped: 0, rejected: [] }), announce: () => sent.push('announce') });
      expect(sent).toEqual([]);
    } else {
      expect(r.message).toBeNull();
      expect(r.added).toBe(expected.added);
      expect(plan.writes).toBe(expected.added);
      expectFailed(r.failed, expected.failed);
    }
  }, 60_000);

  it('the hand-built bomb is a valid zip that fflate would inflate', async () => {
    const { unzipSync } = await import('fflate');
    const small = unzipSync(zipBomb(2, 1024));
    expect(Object.keys(small)).toEqual(['part_000000.csv', 'part_000001.csv']);
    expect(small['part_000001.csv']).toEqual(new Uint8Array(1024));
    expect(zipBomb(16, 16 * 1024 * 1024).length).toBeLessThan(300 * 1024);
  });

  // Spread into one call, more than about 125,000 rows overflowed the call stack and the file was refused.
  it('reads a zipped Pocket CSV part or Omnivore metadata file of 150,000 rows', () => {
    const rows = 150_000;
    let csv = 'title,url,time_added,tags,status\n';
    for (let i = 0; i < rows; i++) csv += `t${i},https://example.com/${i},1700000000,,unread\n`;
    expect(parsePocketCsv(zipSync({ 'part_000000.csv': strToU8(csv) }))).toMatchObject({ items: { length: rows }, errors: [] });
    const meta = JSON.stringify(Array.from({ length: rows }, (_, i) => ({ url: `https://example.com/${i}`, title: `t${i}` })));
    expect(parseOmnivore(zipSync({ 'metadata_0_to_149999.json': strToU8(meta) }), ctx)).toMatchObject({ items: { length: rows }, errors: [] });
  });

  // Each tag was looked for among those kept before it: 80,000 tags on one link took 12 s.
  it('keeps the 80,000 tags of one bookmark, each once, in linear time', () => {
    const tags = Array.from({ length: 80_000 }, (_, i) => `t${i % 40_000}`);
    const file = enc(`<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><A HREF="https://example.com/" ADD_DATE="1700000000" TAGS="${tags.join(',')}">x</A>\n</DL><p>\n`);
    const start = performance.now();
    const r = importFile('bookmarks.html', file, ctx);
    expect(performance.now() - start).toBeLessThan(2000);
    expect(r.toAdd[0]).toMatchObject({ kind: 'link', tags: tags.slice(0, 40_000) });
  });

  it('reads a file of unclosed tags in linear time', () => {
    const unclosed = enc(`<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT>${'<A '.repeat(30_000)}\n</DL><p>\n`);
    const start = performance.now();
    const r = importFile('bookmarks.html', unclosed, ctx);
    expect(performance.now() - start).toBeLessThan(2000);
    expect(r).toMatchObject({ ok: true, added: 0 });
    expect(r.failed).toHaveLength(30_000);
    expect(r.failed[0]).toEqual({ line: 3, reason: 'missing URL' });
  });

  it('reads a feedx page whose link line never closes in linear time', () => {
    const page = enc(`<!--1764057600000-->\n[${'](x'.repeat(40_000)}\n------\n<p>x</p>`);
    const start = performance.now();
    const r = importFile('seed.html', page, ctx);
    expect(performance.now() - start).toBeLessThan(2000);
    expect(r).toMatchObject({ ok: false, message: 'feedx article page: not a feedx article page (expected <!--time-->, [title](url), ------, then HTML)' });
  });

  it('refuses a file over 50 MB before parsing', () => {
    const big = new Uint8Array(50 * 1024 * 1024 + 1).fill(0x20);
    big.set(enc('{"format":"qingdu-backup","version":3,"articles":['));
    const r = importFile('huge.json', big, ctx);
    expect(r).toMatchObject({ ok: false, format: null, message: 'the file is 50.0 MB; files above 50 MB are refused', added: 0, toAdd: [] });
  });
});
