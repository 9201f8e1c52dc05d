/**
 * Lists and bookmarks in the encodings they come in: a CSV saved again by
 * Excel on Chinese Windows (GBK or Big5, no BOM), Excel's "CSV UTF-8" (a BOM)
 * and "Unicode Text" (UTF-16LE, tab-separated), a bookmarks page that declares
 * its charset. Each is read in its encoding, whole and as the library page
 * reads it, and the plan says which.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { JSDOM } from 'jsdom';
import { describe, expect, it, vi } from 'vitest';
import { TransferStore } from '../../../src/library/transfer-data';
import { planFile } from '../../../src/library/transfer-import';
import { coreSanitize } from '../../../src/transfer/core-hooks';
import { detectFormat, importFile, type ImportContext, type ImportItem, type ImportReport } from '../../../src/transfer/index';
import { decodeText } from '../../../src/transfer/text-encoding';
import { encodeLegacy } from './helpers';

vi.mock('../../../src/platform/browser', () => ({ default: {} }));

const FIXTURES = join(import.meta.dirname, '../../fixtures/import');
const fixture = (name: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(join(FIXTURES, name)));
const { window } = new JSDOM('');
const ctx: ImportContext = { sanitize: coreSanitize(window as unknown as Window & typeof globalThis), library: [] };
const enc = (s: string) => new TextEncoder().encode(s);

const titles = (r: ImportReport) => r.toAdd.map((i: ImportItem) => (i.kind === 'link' ? i.title : i.article.title));
const tags = (r: ImportReport) => r.toAdd.map((i: ImportItem) => (i.kind === 'link' ? i.tags : i.article.tags));

/** The plan the library page makes of `bytes`, as a file the user picked. */
async function pagePlan(name: string, bytes: Uint8Array<ArrayBuffer>): Promise<ImportReport> {
  const plan = await planFile(new File([bytes], name), new TransferStore({ factory: new IDBFactory() }), { sanitize: ctx.sanitize, hooks: {} });
  return plan.report;
}

/** `text` in UTF-16 with its BOM, as Excel's "Unicode Text" and Notepad's "Unicode" save it. */
function utf16(text: string, endian: 'le' | 'be'): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0xfeff, endian === 'le');
  for (let i = 0; i < text.length; i++) view.setUint16(2 + i * 2, text.charCodeAt(i), endian === 'le');
  return out;
}

const SIMPLIFIED = ['中国经济“软着陆”的前景', '美联储维持利率不变，市场反应平淡', '读书笔记：《三体》与科幻', '沃顿商学院位居影响力商学院排名榜首', '人工智能会改变新闻业吗？'];
const TRADITIONAL = ['臺灣半導體產業的下一步', '聯準會維持利率不變，市場反應平淡', '「閱讀」與寫作', '華頓商學院位居影響力商學院排名榜首', '人工智慧會改變新聞業嗎？'];

describe('lists in the encodings spreadsheets save them in', () => {
  it('a Pocket CSV that Excel saved again on Simplified Chinese Windows (GBK, no BOM) is read in GB18030', async () => {
    const bytes = fixture('pocket-gbk.csv');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const r = importFile('part_000000.csv', bytes, ctx);
    expect(r).toMatchObject({ ok: true, format: 'pocket-csv', encoding: 'gb18030', added: 2, failed: [] });
    expect(titles(r)).toEqual(['中国经济“软着陆”的前景', '读书笔记：《三体》与科幻']);
    expect(tags(r)).toEqual([['经济', '长文'], ['阅读']]);
    expect(await pagePlan('part_000000.csv', bytes)).toMatchObject({ ok: true, format: 'pocket-csv', encoding: 'gb18030', added: 2 });
  });

  it('an Instapaper CSV saved on Traditional Chinese Windows (Big5) is read in Big5', () => {
    const r = importFile('instapaper.csv', fixture('instapaper-big5.csv'), ctx);
    expect(r).toMatchObject({ ok: true, format: 'instapaper-csv', encoding: 'big5', added: 2, failed: [] });
    expect(titles(r)).toEqual(['臺灣半導體產業的下一步', '「閱讀」與寫作']);
    expect(tags(r)).toEqual([['科技'], []]);
    expect(r.toAdd[1]).toMatchObject({ state: 'archived' });
  });

  it('tells GBK from Big5 by which reads as common Chinese characters, for lists of a few titles', () => {
    for (let n = 1; n <= SIMPLIFIED.length; n++) {
      const rows = (list: string[]) => list.slice(0, n).map((t, i) => `https://example.com/${i},${t}\r\n`).join('');
      const gbk = importFile('i.csv', encodeLegacy(`URL,Title\r\n${rows(SIMPLIFIED)}`, 'gbk'), ctx);
      expect(gbk).toMatchObject({ encoding: 'gb18030', added: n });
      expect(titles(gbk)).toEqual(SIMPLIFIED.slice(0, n));
      const big5 = importFile('i.csv', encodeLegacy(`URL,Title\r\n${rows(TRADITIONAL)}`, 'big5'), ctx);
      expect(big5).toMatchObject({ encoding: 'big5', added: n });
      expect(titles(big5)).toEqual(TRADITIONAL.slice(0, n));
    }
  });

  it('a GBK list longer than the part read to recognise it (cut there inside a character) and than the megabyte its encoding is judged on is read whole, here and in the library page', async () => {
    const header = 'title,url,time_added,tags,status\r\n';
    const rows: string[] = [];
    for (let i = 0; i < 20_000; i++) rows.push(`${SIMPLIFIED[i % SIMPLIFIED.length]}${i},https://example.com/${i},1700000000,标签,unread\r\n`);
    // Padded, an ASCII byte at a time, until the 64 KB the format is told from ends between a character's two bytes.
    const cutInside = (b: Uint8Array) => new TextDecoder('gbk').decode(b.subarray(0, 65536)).endsWith('\ufffd');
    let bytes = encodeLegacy(header + rows.join(''), 'gbk');
    for (let pad = 'x'; !cutInside(bytes); pad += 'x') bytes = encodeLegacy(`${header}${pad},https://example.com/pad,1700000000,,unread\r\n${rows.join('')}`, 'gbk');
    expect(bytes.length).toBeGreaterThan(1 << 20);
    expect(detectFormat('export.csv', bytes)).toBe('pocket-csv');
    const r = importFile('export.csv', bytes, ctx);
    expect(r).toMatchObject({ ok: true, encoding: 'gb18030', added: 20_001, failed: [] });
    expect(titles(r).at(-1)).toBe(`${SIMPLIFIED[19_999 % SIMPLIFIED.length]}19999`);
    expect(await pagePlan('export.csv', bytes)).toMatchObject({ ok: true, format: 'pocket-csv', encoding: 'gb18030', added: 20_001 });
  });

  it('a zipped Pocket export whose part was saved again in GBK', () => {
    const r = importFile('pocket.zip', zipSync({ 'part_000000.csv': fixture('pocket-gbk.csv') }), ctx);
    expect(r).toMatchObject({ ok: true, format: 'pocket-csv', encoding: 'gb18030', added: 2 });
    expect(titles(r)).toEqual(['中国经济“软着陆”的前景', '读书笔记：《三体》与科幻']);
  });

  it("Excel's \"Unicode Text\" (UTF-16LE with a BOM, cells between tabs) reads as the list it was saved from", async () => {
    const bytes = fixture('pocket-unicode-text.txt');
    const r = importFile('pocket.txt', bytes, ctx);
    expect(r).toMatchObject({ ok: true, format: 'pocket-csv', encoding: 'utf-16le', added: 2, failed: [] });
    expect(titles(r)).toEqual(['中国经济“软着陆”的前景', 'Tabs, commas and "quotes"']);
    expect(tags(r)).toEqual([['经济', '长文'], []]);
    expect(await pagePlan('pocket.txt', bytes)).toMatchObject({ ok: true, format: 'pocket-csv', encoding: 'utf-16le', added: 2 });
  });

  it('UTF-16BE with a BOM, and UTF-8 with a BOM or without, are read in their encodings', () => {
    const csv = 'URL,Title\r\nhttps://example.com/a,一篇 😀\r\n';
    for (const [bytes, encoding] of [[utf16(csv, 'be'), 'utf-16be'], [enc(`\ufeff${csv}`), 'utf-8'], [enc(csv), 'utf-8']] as const) {
      const r = importFile('i.csv', bytes, ctx);
      expect(r).toMatchObject({ ok: true, format: 'instapaper-csv', encoding, added: 1 });
      expect(titles(r)).toEqual(['一篇 😀']);
    }
  });

  it('a list that is valid UTF-8 stays UTF-8, though its accented letters would read as Chinese in GBK', () => {
    // "é" is C3 A9 in UTF-8, which GBK reads as 莽, a common character.
    const r = importFile('i.csv', enc('URL,Title\r\nhttps://example.com/a,Café crème\r\n'), ctx);
    expect(r).toMatchObject({ encoding: 'utf-8' });
    expect(titles(r)).toEqual(['Café crème']);
  });

  it('a Windows-1252 list whose accented letters pair up into rare Chinese characters is refused, not read as them', () => {
    // "Ménière" in Windows-1252 is valid GBK: "M", a rare character of "é" and "n", "i", another of "è" and "r", "e".
    const bytes = Uint8Array.from([...enc('URL,Title\r\nhttps://example.com/a,M'), 0xe9, ...enc('ni'), 0xe8, ...enc('re\r\n')]);
    expect(new TextDecoder('gbk', { fatal: true }).decode(bytes)).toMatch(/^URL,Title\r\nhttps:\/\/example.com\/a,M\p{Script=Han}i\p{Script=Han}e\r\n$/u);
    expect(importFile('i.csv', bytes, ctx)).toMatchObject({ ok: false, message: 'Instapaper CSV: the file is not text in UTF-8, GB18030 (GBK) or Big5; save it as UTF-8 and import it again' });
  });

  it('decodeText drops the BOM and names the encoding', () => {
    expect(decodeText(utf16('ab', 'le'))).toEqual({ text: 'ab', encoding: 'utf-16le' });
    expect(decodeText(Uint8Array.of(0xef, 0xbb, 0xbf, 0x61))).toEqual({ text: 'a', encoding: 'utf-8' });
  });
});

describe('bookmarks in the charset they declare', () => {
  it('a bookmarks page with <meta charset=GBK> is read in GBK, whole and as a stream', async () => {
    const bytes = fixture('bookmarks-gbk.html');
    const r = importFile('bookmarks.html', bytes, ctx);
    expect(r).toMatchObject({ ok: true, format: 'netscape', encoding: 'gbk', added: 2, failed: [] });
    expect(titles(r)).toEqual(['中国经济“软着陆”的前景', '简体中文与繁體中文']);
    // Over 4 KB the library page reads bookmarks as a stream, in the encoding their first bytes give.
    const padded = new Uint8Array(bytes.length + 5000).fill(0x0a);
    padded.set(bytes);
    const streamed = await pagePlan('bookmarks.html', padded);
    expect(streamed).toMatchObject({ ok: true, format: 'netscape', encoding: 'gbk', added: 2 });
    expect(titles(streamed)).toEqual(titles(r));
  });

  it('a GBK bookmarks page is told from its first 64 KB when they end inside a character, as the library page reads no more to choose to stream it', () => {
    const links = Array.from({ length: 2000 }, (_, i) => `<DT><A HREF="https://example.com/${i}" ADD_DATE="1700000000">${SIMPLIFIED[i % SIMPLIFIED.length]}</A>`);
    const page = (pad: string) => encodeLegacy(`<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=GBK">\n<!--${pad}-->\n<DL><p>\n${links.join('\n')}\n</DL><p>\n`, 'gbk');
    let bytes = page('');
    for (let pad = 'x'; !new TextDecoder('gbk').decode(bytes.subarray(0, 65536)).endsWith('\ufffd'); pad += 'x') bytes = page(pad);
    expect(detectFormat('bookmarks.html', bytes.subarray(0, 65536))).toBe('netscape');
    expect(importFile('bookmarks.html', bytes, ctx)).toMatchObject({ ok: true, encoding: 'gbk', added: 2000 });
  });

  it('a Big5 bookmarks page that declares nothing is read in Big5', () => {
    const page = `<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n${TRADITIONAL.map((t, i) => `<DT><A HREF="https://example.com/${i}">${t}</A>`).join('\n')}\n</DL><p>\n`;
    const r = importFile('bookmarks.html', encodeLegacy(page, 'big5'), ctx);
    expect(r).toMatchObject({ ok: true, format: 'netscape', encoding: 'big5', added: TRADITIONAL.length });
    expect(titles(r)).toEqual(TRADITIONAL);
  });

  it('a page that declares GBK but is UTF-8 throughout is read as UTF-8', () => {
    const page = '<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=gb2312">\n<DL><p>\n<DT><A HREF="https://example.com/">中文标题</A>\n</DL><p>\n';
    expect(importFile('bookmarks.html', enc(page), ctx)).toMatchObject({ ok: true, encoding: 'utf-8', toAdd: [{ title: '中文标题' }] });
  });
});
