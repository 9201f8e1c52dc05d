import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marked, type Tokens } from 'marked';
import { FIXTURES } from './helpers';

const ROOT = join(import.meta.dirname, '../../..');
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/extract.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
const tmp = mkdtempSync(join(tmpdir(), 'qd-cli-'));

describe('extract CLI', () => {
  it('prints the seed as JSON', () => {
    const r = run(join(FIXTURES, 'cn.ft.com--feedx-seed-001088998/source.txt'));
    expect(r.status).toBe(0);
    const a = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(a).toMatchObject({ title: '俄罗斯表示准备军事支持白俄罗斯', url: 'https://cn.ft.com/story/001088998', published: '2020-08-16T22:52:26Z', translator: '何黎' });
  });

  it('takes --url for a saved page and prints markdown', () => {
    const r = run(join(FIXTURES, 'www.ftchinese.com--story-001081496-page1-of-2/source.html'), '--url', 'https://www.ftchinese.com/story/001081496', '--format', 'md');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^# 英国认为华为风险可控/);
  });

  // Site rules go by host: read under its file:// address, a saved FT page lost its standfirst, hero image and times.
  it('reads a saved page without --url at the address it names as its own, and says when it names none', () => {
    const r = run(join(FIXTURES, 'www.ftchinese.com--story-001081496-page1-of-2/source.html'));
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({
      title: '英国认为华为风险可控',
      url: 'http://www.ftchinese.com/story/001081496',
      lead: expect.stringMatching(/^英国政府得出结论认为/),
      leadImage: expect.stringContaining('000082493_piclink.jpg'),
      updated: '2019-02-17T23:17:00Z',
      partial: true,
    });
    const saved = join(tmp, 'saved.html');
    const body = '<p>一段足够长的正文，读取时按页面自己写下的地址选择网站规则，而不是按本地文件的地址。</p>'.repeat(8);
    for (const [note, url] of [
      ['<!-- saved from url=(0036)https://www.example.com/news/1.html -->', 'https://www.example.com/news/1.html'],
      ['<meta property="og:url" content="https://www.example.com/og"><meta name="og:url" content="/relative">', 'https://www.example.com/og'],
      ['', null],
    ] as const) {
      writeFileSync(saved, `<!DOCTYPE html>${note}<html><head><title>t</title></head><body><article><h1>标题</h1>${body}</article></body></html>`);
      const out = run(saved);
      expect(out.status).toBe(0);
      expect((JSON.parse(out.stdout) as { url: string }).url).toBe(url ?? `file://${saved}`);
      expect(out.stderr).toBe(url ? '' : `extract: ${saved} names no web address of its own: read with no site's rules (give one with --url)\n`);
    }
  });

  it("keeps a bilingual standfirst's English and Chinese lines apart in Markdown and HTML", () => {
    const page = join(FIXTURES, 'www.ftchinese.com--ce-bilingual-2022/source.html');
    const url = 'https://www.ftchinese.com/story/001096000/ce';
    const en = 'Some of the smartest people rarely speak in work gatherings but everyone listens when they do';
    const zh = '一些最聪明的人很少在工作会议上发言，但当他们发言时，每个人都在倾听。';
    const md = run(page, '--url', url, '--format', 'md');
    expect(md.status).toBe(0);
    const quote = marked.lexer(md.stdout).find((t): t is Tokens.Blockquote => t.type === 'blockquote');
    expect(quote?.tokens.filter((t) => t.type === 'paragraph').map((t) => (t as Tokens.Paragraph).text)).toEqual([en, zh]);
    const html = run(page, '--url', url, '--format', 'html');
    expect(html.stdout).toContain(`<p><em>${en}</em></p><p><em>${zh}</em></p>`);
  });

  it("prints an FT data table as a Markdown table: its ten columns and fifty schools, without the page's empty footer", () => {
    const r = run(join(FIXTURES, 'www.ftchinese.com--content-hero-2026/source.html'), '--url', 'https://www.ftchinese.com/content/2026-hero', '--format', 'md');
    expect(r.status).toBe(0);
    const tables = marked.lexer(r.stdout).filter((t): t is Tokens.Table => t.type === 'table');
    expect(tables).toHaveLength(1);
    const [table] = tables as [Tokens.Table];
    expect(table.header).toHaveLength(10);
    expect(table.header[0]?.text).toBe('学院名称');
    expect(table.rows).toHaveLength(50);
    expect(table.rows[0]?.map((c) => c.text)).toEqual(['宾夕法尼亚大学沃顿商学院', '美国', '1', '1', '1', '25', '1', '8', '1', '15']);
  });

  it('decodes GB18030 pages by their meta charset', () => {
    const file = join(tmp, 'gbk.html');
    const body = '<p>这是一段用国标编码保存的中文正文，读取时必须按照页面声明的字符集解码，否则会变成乱码。</p>'.repeat(6);
    const html = `<html><head><meta charset="gbk"><title>t</title></head><body><article><h1>标题</h1>${body}</article></body></html>`;
    const bytes = Buffer.from(new Uint8Array([...html].flatMap((ch) => gb18030(ch))));
    writeFileSync(file, bytes);
    const r = run(file, '--url', 'https://example.com/gbk');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { textContent: string }).textContent).toContain('国标编码');
  });

  it('prints an array for a feed', () => {
    const file = join(tmp, 'feed.xml');
    const p = '<p>第一段正文足够长，用来确认订阅源中的条目可以被提取为文章，并保留标题、链接和发布时间。</p>'.repeat(4);
    writeFileSync(file, `<?xml version="1.0"?><rss version="2.0"><channel><item><title>条目</title><link>https://example.com/1</link><pubDate>Sun, 16 Aug 2020 22:52:26 +0000</pubDate><description><![CDATA[${p}<hr><div>获取更多RSS：<a href="https://feedx.net">https://feedx.net</a></div>]]></description></item></channel></rss>`);
    const r = run(file);
    expect(r.status).toBe(0);
    const items = JSON.parse(r.stdout) as { title: string; published: string; contentHtml: string }[];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ title: '条目', published: '2020-08-16T22:52:26Z' });
    expect(items[0]?.contentHtml).not.toContain('feedx');
  });

  it('exits 2 for a missing file', () => {
    const r = run(join(tmp, 'nope.html'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no such file');
  });

  it('exits 3 when there is no article', () => {
    const file = join(tmp, 'empty.html');
    writeFileSync(file, '<html><body><nav>menu</nav></body></html>');
    const r = run(file);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('no-article');
  });
});

/** GB18030 bytes of one character (ASCII passes through; Chinese via Node's TextDecoder table, inverted lazily). */
let table: Map<string, number[]> | null = null;
function gb18030(ch: string): number[] {
  if (ch.charCodeAt(0) < 0x80) return [ch.charCodeAt(0)];
  if (!table) {
    table = new Map();
    const dec = new TextDecoder('gb18030');
    for (let hi = 0x81; hi <= 0xfe; hi++) for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue;
      const s = dec.decode(new Uint8Array([hi, lo]));
      if (!table.has(s)) table.set(s, [hi, lo]);
    }
  }
  const b = table.get(ch);
  if (!b) throw new Error(`no GB18030 code for ${ch}`);
  return b;
}
