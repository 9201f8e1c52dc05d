import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser as XmlDomParser } from '@xmldom/xmldom';
import { strFromU8, unzipSync, zipSync } from 'fflate';
import { JSDOM } from 'jsdom';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { coreSanitize } from '../../../src/transfer/core-hooks';
import {
  BACKUP_VERSION, exportBackup, exportBackupZip, exportBookmarks, exportEpub, exportFileName, exportInstapaperCsv, exportMarkdownZip, exportPocketCsv,
  exportWallabag, importFile, INSTAPAPER_HEADER, NETSCAPE_DOCTYPE, parseBackup, POCKET_HEADER, readingListMarkdown, articleMarkdown,
  type SavedArticle,
} from '../../../src/transfer/index';
import { joinParts, makeImageLookup, makeLibrary, PNG_1x1 } from './helpers';

const { window } = new JSDOM('');
const sanitize = coreSanitize(window as unknown as Window & typeof globalThis);
const env = { DOMParser: window.DOMParser, XMLSerializer: window.XMLSerializer };

/** The library as storage holds it: bodies already through the shared sanitizer. */
function storedLibrary(n: number, images = false): SavedArticle[] {
  return makeLibrary(n, { images }).map((a) => ({ ...a, article: { ...a.article, contentHtml: sanitize(a.article.contentHtml) } }));
}

describe('Qingdu backup', () => {
  it('round-trips 1,000 articles and their images into an identical library', async () => {
    const lib = storedLibrary(1000, true);
    const lookup = makeImageLookup();
    const progress: number[] = [];
    const parts = await exportBackup(lib, lookup, { onProgress: (d) => progress.push(d), chunkSize: 250 });
    expect(progress).toEqual([250, 500, 750, 1000]);
    const text = joinParts(parts);
    const doc = JSON.parse(text);
    expect(doc.format).toBe('qingdu-backup');
    expect(doc.version).toBe(BACKUP_VERSION);
    const report = importFile('backup.json', new TextEncoder().encode(text), { sanitize, library: [] });
    expect(report.ok).toBe(true);
    expect(report.failed).toEqual([]);
    expect(report.added).toBe(1000);
    const back = report.toAdd.map((it) => (it.kind === 'article' ? it.article : null));
    expect(back).toEqual(lib);
    const images = report.toAdd.flatMap((it) => (it.kind === 'article' ? it.images : []));
    expect(images).toHaveLength(334);
    expect(images[0]).toEqual({ articleId: 'id-0', url: 'https://img.example.com/0.png', type: 'image/png', bytes: PNG_1x1 });
  }, 120_000); // DOMPurify over jsdom re-sanitizes 1,000 bodies

  it('round-trips through the zipped backup, which is much smaller than the JSON', async () => {
    const lib = storedLibrary(200, true);
    const zip = await exportBackupZip(lib, makeImageLookup());
    const json = joinParts(await exportBackup(lib, makeImageLookup()));
    expect(zip.length * 4).toBeLessThan(json.length);
    const report = importFile('qingdu-2026-11-25-200篇.zip', zip, { sanitize });
    expect(report).toMatchObject({ ok: true, format: 'qingdu-backup', added: 200, failed: [] });
    expect(report.toAdd.map((it) => it.kind === 'article' && it.article)).toEqual(lib);
  }, 60_000);

  it('imports the exported backup file zipped by hand, under its own name', async () => {
    const lib = storedLibrary(5);
    const zip = zipSync({ 'qingdu-2026-11-25-5篇.json': new TextEncoder().encode(joinParts(await exportBackup(lib))) });
    const report = importFile('qingdu-2026-11-25-5篇.zip', zip, { sanitize });
    expect(report).toMatchObject({ ok: true, format: 'qingdu-backup', added: 5, failed: [] });
  });

  it('importing the same backup again changes nothing', async () => {
    const lib = storedLibrary(20);
    const text = joinParts(await exportBackup(lib));
    const report = importFile('b.json', new TextEncoder().encode(text), { sanitize, library: new Map(lib.map((a) => [a.id, a])) });
    expect(report).toMatchObject({ ok: true, added: 0, updated: 0, duplicates: 20 });
  });

  it('cancels between chunks', async () => {
    const ctrl = new AbortController();
    const p = exportBackup(storedLibrary(50), undefined, { chunkSize: 10, signal: ctrl.signal, onProgress: (d) => d === 20 && ctrl.abort() });
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('parseBackup re-sanitizes bodies', () => {
    const [a] = storedLibrary(1);
    const evil = { ...a!, article: { ...a!.article, contentHtml: '<p>x</p><img src=x onerror=alert(1)><script>alert(2)</script>' } };
    const r = parseBackup(JSON.stringify({ format: 'qingdu-backup', version: BACKUP_VERSION, articles: [evil], images: [] }), { sanitize });
    const html = r.items[0]?.kind === 'article' ? r.items[0].article.article.contentHtml : '';
    expect(html).toBe('<p>x</p><img src="x">');
  });
});

describe('CSV exports read back by papaparse', () => {
  const lib = storedLibrary(30);
  lib[0] = { ...lib[0]!, title: '=HYPERLINK("http://evil")', tags: ['+cmd', '@x', '-1', '😀🀄', 'a,b'], lead: 'line1\nline2' };
  lib[1] = { ...lib[1]!, title: 'Multi\nline "quoted", title 𠀋', state: 'archived' };
  lib[2] = { ...lib[2]!, url: 'javascript:alert(1)' };

  it('Instapaper: six headers, CRLF, JSON tags, neutralised formulas, 4-byte characters', async () => {
    const csv = await exportInstapaperCsv(lib);
    expect(csv.startsWith('URL,Title,Selection,Folder,Timestamp,Tags\r\n')).toBe(true);
    expect(csv.replace(/"[^"]*"/g, '').match(/(?<!\r)\n/g)).toBeNull(); // every unquoted line end is CRLF
    const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.meta.fields).toEqual([...INSTAPAPER_HEADER]);
    expect(parsed.data).toHaveLength(29); // javascript: row dropped
    const r0 = parsed.data[0]!;
    expect(r0.Title).toBe('\'=HYPERLINK("http://evil")');
    expect(r0.URL).toBe(lib[0]!.url);
    expect(JSON.parse(r0.Tags!)).toEqual(['+cmd', '@x', '-1', '😀🀄', 'a,b']);
    expect(r0.Folder).toBe('Unread');
    expect(r0.Timestamp).toBe(String(Date.parse(lib[0]!.savedAt) / 1000));
    expect(parsed.data[1]!.Title).toBe('Multi\nline "quoted", title 𠀋');
    expect(parsed.data[1]!.Folder).toBe('Archive');
    for (const row of parsed.data) for (const [k, v] of Object.entries(row)) if (k !== 'Tags') expect(v).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('Pocket: five headers, pipe tags, unread/archive status, and it imports back', async () => {
    const csv = await exportPocketCsv(lib);
    const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.meta.fields).toEqual([...POCKET_HEADER]);
    expect(parsed.data[0]!.tags).toBe("'+cmd|@x|-1|😀🀄|a,b"); // the cell is neutralised as a whole
    expect(parsed.data[0]!.title).toBe('\'=HYPERLINK("http://evil")');
    expect(parsed.data.map((r) => r.status)).toEqual(lib.filter((a) => !a.url.startsWith('javascript')).map((a) => (a.state === 'unread' ? 'unread' : 'archive')));
    const report = importFile('pocket.csv', new TextEncoder().encode(csv), { sanitize });
    expect(report.ok).toBe(true);
    const first = report.toAdd[0]!;
    expect(first).toMatchObject({ kind: 'link', title: '=HYPERLINK("http://evil")', tags: ['+cmd', '@x', '-1', '😀🀄', 'a,b'], url: lib[0]!.url });
  });
});

describe('Netscape bookmarks read back by jsdom', () => {
  it('starts with the DOCTYPE and every <A> carries HREF, ADD_DATE, TAGS', async () => {
    const lib = storedLibrary(40);
    lib[3] = { ...lib[3]!, url: 'javascript:alert(1)' };
    lib[4] = { ...lib[4]!, title: '<script>alert("x")</script> & 中文', tags: ['a,b', 'c'] };
    const html = await exportBookmarks(lib);
    expect(html.split('\n')[0]).toBe(NETSCAPE_DOCTYPE);
    expect(html.charCodeAt(0)).toBe(0x3c);
    const doc = new JSDOM(html).window.document;
    const links = Array.from(doc.querySelectorAll('a'));
    expect(links).toHaveLength(39);
    expect(doc.querySelectorAll('script')).toHaveLength(0);
    for (const a of links) {
      expect(a.getAttribute('href')).toMatch(/^https:\/\//);
      expect(a.getAttribute('add_date')).toMatch(/^\d{10}$/);
      expect(a.hasAttribute('tags')).toBe(true);
      expect(a.getAttribute('toread')).toMatch(/^[01]$/);
    }
    const x = links.find((a) => a.textContent?.includes('中文'))!;
    expect(x.textContent).toBe('<script>alert("x")</script> & 中文');
    expect(x.getAttribute('tags')).toBe('a b,c');
    const back = importFile('bookmarks.html', new TextEncoder().encode(html), { sanitize });
    expect(back.added).toBe(39);
  });
});

describe('wallabag v2 JSON', () => {
  it('carries the fields wallabag imports, with full HTML', async () => {
    const lib = storedLibrary(5);
    const rows = JSON.parse(await exportWallabag(lib));
    expect(rows).toHaveLength(5);
    for (const [i, r] of rows.entries()) {
      const a = lib[i]!;
      expect(r).toMatchObject({ url: a.url, given_url: a.url, title: a.title, content: a.article.contentHtml, mimetype: 'text/html', tags: a.tags, language: a.lang });
      expect(r.is_archived).toBe(a.state === 'unread' ? 0 : 1);
      expect(r.is_starred).toBe(0);
      expect(r.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
      expect(Date.parse(r.created_at.replace('+0000', 'Z'))).toBe(Date.parse(a.savedAt));
      for (const key of ['id', 'uid', 'origin_url', 'archived_at', 'starred_at', 'updated_at', 'published_at', 'published_by', 'annotations', 'reading_time', 'domain_name', 'preview_picture', 'http_status', 'is_not_parsed', 'is_public']) expect(r).toHaveProperty(key);
    }
    const back = importFile('wallabag.json', new TextEncoder().encode(JSON.stringify(rows)), { sanitize });
    expect(back.added).toBe(5);
    expect(back.toAdd.every((it) => it.kind === 'article')).toBe(true);
  });
});

describe('Markdown', () => {
  it('writes YAML front matter that survives quotes, colons and newlines, and leaves Chinese untouched', () => {
    const [a] = storedLibrary(1);
    const md = articleMarkdown({ ...a!, title: 'He said: "yes" #1\n', byline: null, tags: ['a: b', '中文'] });
    expect(md).toContain('title: "He said: \\"yes\\" #1\\n"');
    expect(md).toContain('author: null');
    expect(md).toContain('tags: ["a: b", "中文"]');
    expect(md).toContain('这是第1段。美联储在周三宣布维持利率不变，市场反应平淡。𠀋𩸽');
  });

  it('zips one .md per article with images beside them and a reading list', async () => {
    const lib = storedLibrary(7, true);
    lib[1] = { ...lib[1]!, title: lib[0]!.title }; // same title twice → distinct files
    const zip = unzipSync(await exportMarkdownZip(lib, makeImageLookup()));
    const names = Object.keys(zip);
    expect(names.filter((n) => n.endsWith('.md'))).toHaveLength(8);
    expect(names).toContain('qingdu/reading-list.md');
    const first = strFromU8(zip[`qingdu/${names.find((n) => n.startsWith('qingdu/第0篇') && n.endsWith('.md'))!.slice(7)}`]!);
    const imgLink = /!\[[^\]]*\]\((<[^>]+>|[^)]+)\)/.exec(first)?.[1]?.replace(/^<|>$/g, '');
    expect(imgLink).toBeDefined();
    expect(zip[`qingdu/${imgLink}`]).toEqual(PNG_1x1);
    expect(names.some((n) => / \(2\)\.md$/.test(n))).toBe(true);
    const list = strFromU8(zip['qingdu/reading-list.md']!);
    expect(list.split('\n').filter((l) => l.startsWith('- ['))).toHaveLength(7);
  });

  it('reading list marks read items and escapes brackets', () => {
    const [a, b] = storedLibrary(3).slice(1);
    const list = readingListMarkdown([{ ...a!, title: 'A [b] c', state: 'read' }, { ...b!, state: 'unread' }]);
    expect(list).toContain('- [x] [A \\[b\\] c](');
    expect(list).toContain('- [ ] [第2篇');
  });
});

describe('EPUB 3', () => {
  let bytes: Uint8Array;
  let files: Record<string, Uint8Array>;
  const lib = storedLibrary(12, true);
  lib[1] = {
    ...lib[1]!,
    article: {
      ...lib[1]!.article,
      contentHtml:
        '<div><span><p>block in span</p></span><ul>loose text<li>x</li></ul><table><tr><td colspan="x">a</td></tr></table>' +
        '<a href="#frag">frag</a><a href="javascript:alert(1)">js</a><video src="a.mp4"></video><h2><div>h</div></h2>\u0001ctrl</div>' +
        '<img src="https://img.example.com/missing.png" alt="gone"><p>5 &lt; 6 &amp; "q" ‘中文’ 🀄</p><pre>a\n  b</pre><br>',
    },
  };
  beforeAll(async () => {
    bytes = await exportEpub(lib, makeImageLookup(), { env, now: new Date('2026-11-25T08:00:00.123Z'), identifier: 'urn:uuid:00000000-0000-4000-8000-000000000000' });
    files = unzipSync(bytes);
  });

  it('starts with an uncompressed mimetype entry', () => {
    expect(strFromU8(bytes.subarray(30, 38))).toBe('mimetype');
    expect(bytes[8]).toBe(0); // compression method: stored
    expect(strFromU8(bytes.subarray(38, 58))).toBe('application/epub+zip');
  });

  it('has container, OPF manifest/spine/metadata and nav, all well-formed XML', () => {
    const parse = (name: string) => {
      const errors: string[] = [];
      const doc = new XmlDomParser({ onError: (level, msg) => { if (level !== 'warning') errors.push(`${name}: ${msg}`); } }).parseFromString(strFromU8(files[name]!), 'application/xml');
      expect(errors).toEqual([]);
      return doc;
    };
    const container = parse('META-INF/container.xml');
    expect(container.getElementsByTagName('rootfile')[0]?.getAttribute('full-path')).toBe('OEBPS/content.opf');
    const opf = parse('OEBPS/content.opf');
    const text = (tag: string) => opf.getElementsByTagName(tag)[0]?.textContent;
    expect(text('dc:identifier')).toBe('urn:uuid:00000000-0000-4000-8000-000000000000');
    expect(text('dc:language')).toBe('zh-CN');
    expect(text('dc:title')).toBe('清读 · 2026-11-25-12篇');
    const modified = Array.from(opf.getElementsByTagName('meta')).find((m) => m.getAttribute('property') === 'dcterms:modified');
    expect(modified?.textContent).toBe('2026-11-25T08:00:00Z');
    const items = Array.from(opf.getElementsByTagName('item'));
    for (const it of items) expect(files[`OEBPS/${it.getAttribute('href')}`]).toBeDefined();
    expect(items.filter((i) => i.getAttribute('media-type') === 'image/png')).toHaveLength(4);
    const spine = Array.from(opf.getElementsByTagName('itemref')).map((r) => r.getAttribute('idref'));
    expect(spine).toHaveLength(13);
    const nav = parse('OEBPS/nav.xhtml');
    expect(nav.getElementsByTagName('a')).toHaveLength(12);
    for (let i = 1; i <= 12; i++) {
      const ch = parse(`OEBPS/text/c${String(i).padStart(4, '0')}.xhtml`);
      const html = ch.documentElement!;
      const lang = lib[i - 1]!.lang;
      expect(html.getAttribute('lang')).toBe(lang);
      expect(html.getAttribute('xml:lang')).toBe(lang);
    }
    const zh = strFromU8(files['OEBPS/text/c0001.xhtml']!);
    expect(zh).toContain('这是第1段。美联储在周三宣布维持利率不变，市场反应平淡。𠀋𩸽');
    expect(zh).toContain('<img src="../images/c0001-01.png" alt="图 0" />');
    const odd = strFromU8(files['OEBPS/text/c0002.xhtml']!);
    expect(odd).not.toMatch(/javascript:|<video|missing\.png|href="#/);
    expect(odd).not.toContain(String.fromCharCode(1));
    expect(odd).toContain('5 &lt; 6 &amp; "q" ‘中文’ 🀄');
  });

  it('passes epubcheck with no errors or warnings', (ctx) => {
    if (!existsSync('/usr/bin/epubcheck')) {
      ctx.skip('epubcheck is not installed (/usr/bin/epubcheck); apt-get install epubcheck');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'qingdu-epub-'));
    try {
      const file = join(dir, exportFileName('epub', lib.length, new Date(2026, 10, 25)));
      writeFileSync(file, bytes);
      let out = '';
      try {
        out = execFileSync('java', ['-jar', '/usr/bin/epubcheck', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        const err = e as { stdout?: string; stderr?: string };
        out = `${err.stdout ?? ''}${err.stderr ?? ''}`;
      }
      expect(out).toContain('0 fatals / 0 errors / 0 warnings');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('file names', () => {
  it('formats date + count + 篇', () => {
    expect(exportFileName('epub', 128, new Date(2026, 10, 25))).toBe('qingdu-2026-11-25-128篇.epub');
    expect(exportFileName('.json', 1, new Date(2026, 0, 5))).toBe('qingdu-2026-01-05-1篇.json');
  });
});
