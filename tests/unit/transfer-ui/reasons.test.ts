/** Import reasons shown in Chinese: every real reason the transfer code gives, through the real `_locales` files. */
import { zipSync } from 'fflate';
import { JSDOM } from 'jsdom';
import { describe, expect, it, vi } from 'vitest';

vi.mock('../../../src/platform/browser', () => ({ default: {} }));

const { localizeReason } = await import('../../../src/library/reasons');
const { coreHooks, coreSanitize } = await import('../../../src/transfer/core-hooks');
const { BACKUP_VERSION, importFile } = await import('../../../src/transfer/index');
const { FORMAT_NAMES } = await import('../../../src/transfer/detect');
const { makeArticle } = await import('../transfer/helpers');
const { getMessage } = await import('./messages');

const zh = getMessage('zh_CN');
const en = getMessage('en');
const FORMATS_ZH: Record<string, string> = { 'qingdu-backup': '清读备份', netscape: '浏览器书签', 'instapaper-csv': 'Instapaper CSV' };
const inChinese = (reason: string) => localizeReason(reason, (f) => FORMATS_ZH[f] ?? f, zh);
const inEnglish = (reason: string) => localizeReason(reason, (f) => FORMAT_NAMES[f as keyof typeof FORMAT_NAMES], en);

const { window } = new JSDOM('');
const win = window as unknown as Window & typeof globalThis;
const ctx = { sanitize: coreSanitize(win), hooks: coreHooks(win), library: [] };
const enc = (s: string) => new TextEncoder().encode(s);
const backup = (articles: unknown[], extra: Record<string, unknown> = {}) =>
  enc(JSON.stringify({ format: 'qingdu-backup', version: BACKUP_VERSION, exportedAt: '2026-01-01T00:00:00.000Z', articles, images: [], ...extra }));

/** Every reason a file gives: the refusal, or each failed row. */
function reasons(name: string, bytes: Uint8Array): string[] {
  const report = importFile(name, bytes, ctx);
  return report.ok ? report.failed.map((f) => f.reason) : [report.message ?? ''];
}

const BOOKMARKS = `<!DOCTYPE NETSCAPE-Bookmark-file-1>
<DL><p>
<DT><A HREF="javascript:alert(1)">bookmarklet</A>
<DT><A HREF="">empty</A>
<DT><A HREF="https://example.com/ok">fine</A>
</DL>`;

describe('import reasons in Chinese', () => {
  const cases: Array<[string, string, Uint8Array, string[]]> = [
    ['a bookmarklet and an empty link', 'bookmarks.html', enc(BOOKMARKS), ['网址的协议“javascript:”不安全或不受支持', '缺少网址']],
    ['a truncated backup', 'qingdu.json', backup([makeArticle(1)]).slice(0, 200), ['清读备份：备份不是有效的 JSON，可能不完整或已损坏（备份还没结束，文件就断了）']],
    ['a truncated wallabag export', 'wallabag.json', enc('[{"url": "https://a.example/"'), ['wallabag：文件不是有效的 JSON，可能不完整或已损坏（导出内容还没结束，文件就断了）']],
    ['a damaged wallabag export', 'wallabag.json', enc('[{"url": "https://a.example/" x}]'), ['wallabag：文件不是有效的 JSON，可能不完整或已损坏（问题在第 31 个字符处）']],
    ['a backup from a newer Qingdu', 'qingdu.json', backup([], { version: BACKUP_VERSION + 1 }), [`这个备份来自更新版本的清读（备份版本 ${BACKUP_VERSION + 1}`]],
    ['a backup article with a wrong field', 'qingdu.json', backup([{ ...makeArticle(1), state: 'done' }, makeArticle(2)]), ['第 1 篇文章：字段 state 必须是 "unread"、"read" 或 "archived"']],
    ['a backup article with an unsafe URL', 'qingdu.json', backup([{ ...makeArticle(1), url: 'javascript:alert(1)' }, makeArticle(2)]), ['第 1 篇文章：字段 url：网址的协议“javascript:”不安全或不受支持']],
    ['an Instapaper row with too few cells', 'instapaper.csv', enc('https://a.example/,A,,Unread\nhttps://b.example/\n'), ['应至少有 2 列，实际为 1 列']],
    ['an Instapaper row shorter than its header', 'instapaper.csv', enc('URL,Title,Selection,Folder\nhttps://a.example/,A,,Unread\nhttps://b.example/\n'), ['应有 4 列，实际为 1 列']],
    ['a zipped CSV without Pocket\'s columns', 'export.zip', zipSync({ 'instapaper.csv': enc('URL,Title,Selection,Folder\nhttps://a.example/,A,,Unread\n') }), ['instapaper.csv：不是 Pocket CSV（需要 title、url 和 time_added 列）']],
    ['a CSV cut inside its last row', 'pocket.csv', enc('title,url,time_added,tags,status\nok,https://a.example/,1700000000,,unread\ncut,https://b.exa'), ['文件在第 3 行中途结束，可能不完整']],
    ['a feed that is not well-formed', 'feed.xml', enc('<?xml version="1.0"?><rss><channel><item><title>x</item></rss>'), ['订阅源无法解析（XML 格式有误）']],
    ['a zip entry that is not what it held', 'pocket.zip', (() => {
      const zip = zipSync({ 'part_000000.csv': enc('title,url,time_added,tags,status\nA,https://example.com/aaaa,1700000000,,unread\n') }, { level: 0 });
      zip[zip.indexOf(0x61, zip.indexOf(0x2f, 60))] = 0x62;
      return zip;
    })(), ['zip 压缩包已损坏（part_000000.csv 与其校验和不符）']],
    // A few MB no browser writes: one start tag of 3 million attributes overflows the tokenizer's regular expression.
    ['bookmarks with a tag of millions of attributes', 'bookmarks.html', enc(`<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><A HREF="https://a.example/"${' X'.repeat(3_000_000)}>a</A>\n</DL>`),
      ['浏览器书签：第 3 行的标签属性过多，无法读取']],
    ['an empty file', 'empty.json', enc('   '), ['文件是空的']],
    ['a file of no known format', 'notes.txt', enc('just some notes'), ['清读无法导入这个文件']],
  ];

  it.each(cases)('%s', (_, name, bytes, expected) => {
    const shown = reasons(name, bytes).map(inChinese);
    expect(shown).toHaveLength(expected.length);
    shown.forEach((text, i) => expect(text).toContain(expected[i]));
  });

  // The words of fflate, and of a backup read as a stream, which the page reads and no file above gives.
  it.each([
    ['Qingdu backup: the zip archive is damaged (invalid zip data)', '清读备份：zip 压缩包已损坏（数据不是 zip 格式）'],
    ['Qingdu backup: the zip archive is damaged (unexpected EOF)', '清读备份：zip 压缩包已损坏（文件提前结束）'],
    ['Qingdu backup: the backup lists its images before its articles', '清读备份：备份在文章之前列出了图片'],
  ])('%s', (reason, shown) => {
    expect(localizeReason(reason, (f) => FORMATS_ZH[f] ?? f, zh)).toBe(shown);
    expect(inEnglish(reason)).toBe(reason);
  });

  it('shows English reasons exactly as the transfer code wrote them', () => {
    for (const [, name, bytes] of cases) {
      for (const reason of reasons(name, bytes)) expect(inEnglish(reason)).toBe(reason);
    }
  });

  it('shows the reasons a zipped backup read as a stream gives', async () => {
    const { zipSync } = await import('fflate');
    const { zippedBackupText } = await import('../../../src/transfer/index');
    const refusal = async (bytes: Uint8Array, max: number) => {
      try {
        for await (const piece of zippedBackupText(new Blob([bytes as BlobPart]), max)) void piece;
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    };
    const spaces = new Uint8Array(3 * 1024 * 1024).fill(0x20);
    const big = zipSync({ 'qingdu-backup.json': spaces });
    // The same data with its sizes after it, as a streaming zip writes them: found out while inflating.
    const { joinBytes, ZipStream } = await import('../../../src/transfer/zip-stream');
    const stream = new ZipStream();
    stream.add('qingdu-backup.json', spaces, true);
    stream.end();
    const unsized = joinBytes(stream.take());
    const shown = await Promise.all([refusal(big, 1024 * 1024), refusal(unsized, 1024 * 1024)]);
    expect(shown.map(inChinese)).toEqual(['zip 压缩包解压后将达 3 MB，超过 1 MB 的上限', 'zip 压缩包解压后超过 1 MB 的上限']);
    expect(inChinese('the zip archive ends before the backup does')).toBe('zip 压缩包不完整：备份还没读完，压缩包就结束了');
    for (const reason of shown) expect(inEnglish(reason)).toBe(reason);
  });

  it('says where a backup read as a stream is damaged, in the words of no particular browser', () => {
    expect(inChinese('the backup is not valid JSON, probably truncated or damaged (unexpected "x" at character 12)')).toBe(
      '备份不是有效的 JSON，可能不完整或已损坏（第 12 个字符处出现了不该有的 "x"）',
    );
    expect(inChinese('the backup is not valid JSON, probably truncated or damaged (the file ends before the backup does)')).toBe(
      '备份不是有效的 JSON，可能不完整或已损坏（备份还没结束，文件就断了）',
    );
  });

  it('shows a hostile backup\'s refusals at once and in a few words, whatever the ids and types it carries', () => {
    // A value that repeats a message's own wording made matching its reason against the messages take time quadratic
    // in its length (360,000 characters: two seconds; a record may hold 64 MB), and the report showed it whole.
    const words = ' image(s) for an article not in the library ('.repeat(8_000);
    const [a, b] = [makeArticle(0), makeArticle(1)];
    const file = backup([a, { ...b, id: a!.id }], {
      images: [
        { articleId: words, url: 'https://img.example.com/1.png', type: 'image/png', data: 'AAAA' },
        { articleId: a!.id, url: 'https://img.example.com/2.png', type: words, data: 'AAAA' },
      ],
    });
    const started = performance.now();
    const shown = reasons('backup.json', file).map(inChinese);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(shown).toHaveLength(3);
    expect(shown[0]).toMatch(/^第 2 篇文章：/);
    expect(shown[1]).toMatch(/^第 1 张图片：/);
    expect(shown[2]).toMatch(/^第 2 张图片：/);
    for (const reason of shown) expect(reason.length).toBeLessThan(300);
    // A web address with a scheme of any length is quoted as briefly.
    const scheme = reasons('backup.json', backup([{ ...makeArticle(2), url: `${'x'.repeat(100_000)}:y` }])).map(inChinese);
    expect(scheme).toHaveLength(1);
    expect(scheme[0]).toMatch(/^第 1 篇文章：/);
    expect(scheme[0]!.length).toBeLessThan(300);
    // A reason that still quotes a long value is shown as written, not matched against every message.
    const long = `Image 2: type "${words}" is not an image type`;
    const before = performance.now();
    expect(inChinese(long)).toBe(long);
    expect(performance.now() - before).toBeLessThan(500);
  });

  it('shows a reason it has no message for as written', () => {
    expect(inChinese('something nobody foresaw')).toBe('something nobody foresaw');
  });
});
