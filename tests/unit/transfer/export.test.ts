import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser as XmlDomParser } from '@xmldom/xmldom';
import { strFromU8, unzipSync, zipSync } from 'fflate';
import { JSDOM } from 'jsdom';
import { marked, type Tokens } from 'marked';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { emptyBody } from '../../../src/storage/records';
import { coreSanitize } from '../../../src/transfer/core-hooks';
import {
  BACKUP_VERSION, exportBackup, exportBackupZip, exportBookmarks, exportEpub, exportFileName, exportInstapaperCsv, exportMarkdownZip, exportPocketCsv,
  exportWallabag, importFile, INSTAPAPER_HEADER, NETSCAPE_DOCTYPE, parseBackup, POCKET_HEADER, readingListMarkdown, articleMarkdown, safeFileName,
  type SavedArticle,
} from '../../../src/transfer/index';
import type { ImageLookup } from '../../../src/transfer/types';
import { htmlToXhtml, type Transcode } from '../../../src/transfer/epub';
import { escapeAttr, loadVectors } from '../../security/corpus';
import { loadCases, runCase } from '../core/helpers';
import { joinParts, makeArticle, makeImageLookup, makeLibrary, PNG_1x1 } from './helpers';
import type { ImportItem } from '../../../src/transfer/types';

const { window } = new JSDOM('');
const sanitize = coreSanitize(window as unknown as Window & typeof globalThis);
const links = (items: ImportItem[]) => items.flatMap((i) => (i.kind === 'link' ? [i] : []));
const env = { DOMParser: window.DOMParser, XMLSerializer: window.XMLSerializer };

/** The library as storage holds it: bodies already through the shared sanitizer. */
function storedLibrary(n: number, images = false): SavedArticle[] {
  return makeLibrary(n, { images }).map((a) => ({ ...a, article: { ...a.article, contentHtml: sanitize(a.article.contentHtml) } }));
}

/**
 * epubcheck's report on a book (each call starts a JVM: one per book). Without
 * epubcheck the EPUB promise is untested, so the test fails rather than skips:
 * `npm run setup` installs it.
 */
function epubcheck(bytes: Uint8Array, name: string): string {
  if (!existsSync('/usr/bin/epubcheck')) throw new Error('epubcheck is not installed (/usr/bin/epubcheck): run npm run setup, or apt-get install epubcheck');
  const dir = mkdtempSync(join(tmpdir(), 'qingdu-epub-'));
  try {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    // Messages go to stderr, the summary to stdout; the exit code is 0 when there are only warnings.
    // A check lasts seconds, too short for the JVM's optimizing compiler to pay for itself: the quick one
    // alone halves its CPU time.
    const run = spawnSync('java', ['-XX:TieredStopAtLevel=1', '-jar', '/usr/bin/epubcheck', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
    return `${run.stdout}${run.stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * epubcheck's fatals, errors and warnings on a book, each naming the chapter
 * it is about as `[chapters[n]]`.
 */
function epubcheckMessages(bytes: Uint8Array, name: string, chapters: readonly string[] = []): string[] {
  const out = epubcheck(bytes, name);
  const messages = out
    .split('\n')
    .filter((l) => /^(FATAL|ERROR|WARNING)\(/.test(l))
    .map((l) => l.replace(/ [^ ]*\/text\/c(\d{4})\.xhtml/, (_, n: string) => ` [${chapters[Number(n) - 1] ?? n}]`));
  if (!out.includes('0 fatals / 0 errors / 0 warnings') && !messages.length) messages.push(out);
  return messages;
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
    // The cell is neutralised as a whole; wallabag reads "|" as "," and splits there, so a tag's comma is a space.
    expect(parsed.data[0]!.tags).toBe("'+cmd|@x|-1|😀🀄|a b");
    expect(parsed.data[0]!.title).toBe('\'=HYPERLINK("http://evil")');
    expect(parsed.data.map((r) => r.status)).toEqual(lib.filter((a) => !a.url.startsWith('javascript')).map((a) => (a.state === 'archived' ? 'archive' : 'unread')));
    const report = importFile('pocket.csv', new TextEncoder().encode(csv), { sanitize });
    expect(report.ok).toBe(true);
    const first = report.toAdd[0]!;
    expect(first).toMatchObject({ kind: 'link', title: '=HYPERLINK("http://evil")', tags: ['+cmd', '@x', '-1', '😀🀄', 'a b'], url: lib[0]!.url });
  });
});

/**
 * The library's default list holds every article not archived: one read in
 * the reader stays there. Pocket, Instapaper and wallabag have a list and an
 * archive and no third state (Readeck reads a bookmark's TOREAD so), so an article read but kept goes to their list,
 * and comes back into the library's, not into its archive.
 */
describe('formula neutralisation undone on import, exactly', () => {
  const titles = ['=SUM(A1)', '+1', '-', '@x', "'=already quoted", "''-two", "'plain quote'", 'no prefix'];
  const lib = storedLibrary(titles.length).map((a, i) => ({ ...a, title: titles[i]!, tags: i === 4 ? ["'=tag", 'b'] : ['-t', "'q"] }));

  it.each([
    ['instapaper.csv', () => exportInstapaperCsv(lib)],
    ['pocket.csv', () => exportPocketCsv(lib)],
  ] as const)('%s: titles and tags starting with = + - @ or apostrophes come back as they were', async (name, write) => {
    const csv = await write();
    // A cell that starts with apostrophes before a formula character gets one more, so the one taken off is always the exporter's.
    expect(csv).toContain("''=already quoted");
    const report = importFile(name, new TextEncoder().encode(csv), { sanitize });
    expect(links(report.toAdd).map((l) => [l.title, l.tags])).toEqual(lib.map((a) => [a.title, a.tags]));
  });
});

describe('read state through Pocket, Instapaper, wallabag and bookmarks', () => {
  const lib = storedLibrary(3);
  const states = lib.map((a) => a.state);
  const formats: [string, () => Promise<string>][] = [
    ['pocket.csv', () => exportPocketCsv(lib)],
    ['instapaper.csv', () => exportInstapaperCsv(lib)],
    ['wallabag.json', () => exportWallabag(lib)],
    ['bookmarks.html', () => exportBookmarks(lib)],
  ];
  it.each(formats)('%s: an archived article comes back archived, a read one in the list', async (name, write) => {
    expect(states).toEqual(['unread', 'read', 'archived']);
    const report = importFile(name, new TextEncoder().encode(await write()), { sanitize });
    expect(report.ok).toBe(true);
    const back = new Map(report.toAdd.map((it) => (it.kind === 'link' ? [it.url, it.state] : [it.article.url, it.article.state])));
    expect(lib.map((a) => back.get(a.url))).toEqual(['unread', 'unread', 'archived']);
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
      expect(r).toMatchObject({ url: a.url, given_url: a.url, title: a.title, content: expect.stringContaining(a.article.contentHtml), mimetype: 'text/html', tags: a.tags, language: a.lang });
      expect(r.is_archived).toBe(a.state === 'archived' ? 1 : 0);
      expect(r.is_starred).toBe(0);
      expect(r.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
      expect(Date.parse(r.created_at.replace('+0000', 'Z'))).toBe(Date.parse(a.savedAt));
      for (const key of ['id', 'uid', 'origin_url', 'archived_at', 'starred_at', 'updated_at', 'published_at', 'published_by', 'annotations', 'reading_time', 'domain_name', 'preview_picture', 'http_status', 'is_not_parsed', 'is_public']) expect(r).toHaveProperty(key);
    }
    const back = importFile('wallabag.json', new TextEncoder().encode(JSON.stringify(rows)), { sanitize });
    expect(back.added).toBe(5);
    expect(back.toAdd.every((it) => it.kind === 'article')).toBe(true);
  });

  it('gives an article tagged "starred" (a wallabag star imported) wallabag\'s star again, not the tag', async () => {
    const [a, b] = storedLibrary(2);
    const rows = JSON.parse(await exportWallabag([{ ...a!, tags: ['news', 'starred'] }, { ...b!, tags: ['news'] }]));
    expect(rows.map((r: { is_starred: number; tags: string[] }) => [r.is_starred, r.tags])).toEqual([[1, ['news']], [0, ['news']]]);
    const back = importFile('wallabag.json', new TextEncoder().encode(JSON.stringify(rows)), { sanitize });
    expect(back.toAdd.map((it) => (it.kind === 'article' ? it.article.tags : []))).toEqual([['news', 'starred'], ['news']]);
  });

  // wallabag keeps the given HTML only when title, html and url are all non-empty (ContentProxy::validateContent); otherwise it fetches the page again.
  it('never leaves the title empty, so wallabag keeps the HTML instead of fetching the page', async () => {
    const [a] = storedLibrary(1);
    const [row] = JSON.parse(await exportWallabag([{ ...a!, title: '' }]));
    expect(row.title).toBe(a!.url);
    expect(row.content).not.toBe('');
  });

  it('leaves the content of a link never fetched empty, so wallabag fetches the page rather than keep its description', async () => {
    const [a] = storedLibrary(1);
    const link = { ...a!, linkOnly: true, lead: 'What the bookmark said of it', article: emptyBody({ ...a!, lead: 'What the bookmark said of it' }) };
    const json = await exportWallabag([link]);
    expect(JSON.parse(json)[0].content).toBe('');
    const back = importFile('wallabag.json', new TextEncoder().encode(json), { sanitize });
    expect(back.toAdd.map((it) => it.kind)).toEqual(['link']);
  });

  // PHP's json_decode refuses an escaped half of a surrogate pair, and wallabag then imports no entry of the file.
  it('writes no half of a surrogate pair', async () => {
    const [a] = storedLibrary(1);
    const json = await exportWallabag([{ ...a!, title: 'lone \ud83d high', tags: ['\udc00'], article: { ...a!.article, contentHtml: '<p>x\ud83d</p>' } }]);
    expect(json).not.toMatch(/\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i);
    expect(JSON.parse(json)[0].title).toBe('lone \ufffd high');
  });
});

describe('what the reader shows beside the body, in every export of the text', () => {
  // FT Chinese gives a standfirst and a translator's credit that the extracted body does not hold, and a hero
  // image the body may not show: the reader shows all three, and so must a book, a note or wallabag.
  const [base] = storedLibrary(1);
  const hero = 'https://img.example.com/hero.png';
  const a: SavedArticle = { ...base!, lead: '导语：一个\n两行的导语', leadImage: hero, article: { ...base!.article, lead: '导语：一个\n两行的导语', leadImage: hero, translator: '何黎', lang: 'zh-CN' } };
  const lookup: ImageLookup = (articleId, url) => (url === hero ? { articleId, url, type: 'image/png', bytes: PNG_1x1 } : undefined);

  it('EPUB: the standfirst under the title, the credit in the byline, the hero first', async () => {
    const files = unzipSync(await exportEpub([a], lookup, { env }));
    const page = strFromU8(files['OEBPS/text/c0001.xhtml']!);
    expect(page).toContain('<p class="lead">导语：一个<br/>两行的导语</p>');
    expect(page).toMatch(/<p class="meta">[^<]*译者：何黎/);
    expect(page).toContain('<figure class="hero"><img src="../images/c0001-01.png" alt=""/></figure>');
    expect(files['OEBPS/images/c0001-01.png']).toEqual(PNG_1x1);
    // A hero the body shows already is not shown twice.
    const inBody = { ...a, article: { ...a.article, contentHtml: `<p><img src="${hero}" alt="图"></p>${a.article.contentHtml}` } };
    expect(strFromU8(unzipSync(await exportEpub([inBody], lookup, { env }))['OEBPS/text/c0001.xhtml']!)).not.toContain('class="hero"');
  });

  it('Markdown: the standfirst as a quote of two lines, the translator in the front matter, the hero before the text', async () => {
    const md = articleMarkdown(a);
    expect(md).toContain('translator: "何黎"');
    expect(md).toContain(`\n> 导语：一个\n>\n> 两行的导语\n\n![](${hero})\n\n`);
    const zip = unzipSync(await exportMarkdownZip([a], lookup));
    const name = Object.keys(zip).find((n) => n.endsWith('.md') && !n.endsWith('reading-list.md'))!;
    const image = /!\[\]\((<[^>]+>|[^)]+)\)/.exec(strFromU8(zip[name]!))?.[1]?.replace(/^<|>$/g, '');
    expect(zip[`qingdu/${image}`]).toEqual(PNG_1x1);
  });

  it('wallabag: the standfirst before the HTML and the credit after it', async () => {
    const [row] = JSON.parse(await exportWallabag([a]));
    expect(row.content).toBe(`<p class="qd-standfirst"><em>导语：一个<br>两行的导语</em></p>${a.article.contentHtml}<p class="qd-credit">译者：何黎</p>`);
  });

  it('wallabag imported back: the standfirst and the credit are the article\'s again, not part of its text', async () => {
    const quoting = { ...a, article: { ...a.article, lead: 'A "standfirst" & <more>\n导语', translator: "O'Brien & 何黎", lang: 'en' } };
    for (const article of [a, quoting]) {
      const report = importFile('wallabag.json', new TextEncoder().encode(await exportWallabag([article])), { sanitize });
      const back = report.toAdd[0]?.kind === 'article' ? report.toAdd[0].article : undefined;
      expect(back?.article).toMatchObject({ contentHtml: article.article.contentHtml, lead: article.article.lead, translator: article.article.translator });
      expect(back?.lead).toBe(article.article.lead);
    }
  });
});

describe('an article whose page prints only when it was updated', () => {
  // FT's 2019–2021 pages print "更新于…" alone: the update time is known, the publish time is not.
  const [base] = storedLibrary(1);
  const updated = '2020-12-09T08:59:08Z';
  const a: SavedArticle = { ...base!, published: null, article: { ...base!.article, published: null, updated } };

  it('Markdown: updated in the front matter, published left null', () => {
    const md = articleMarkdown(a);
    expect(md).toContain('\npublished: null\nupdated: "2020-12-09T08:59:08Z"\n');
    expect(articleMarkdown({ ...a, article: { ...a.article, updated: null } })).not.toContain('updated:');
  });

  it('EPUB: the date beside the byline, as the reader shows it', async () => {
    const page = strFromU8(unzipSync(await exportEpub([a], () => undefined, { env }))['OEBPS/text/c0001.xhtml']!);
    expect(page).toMatch(/<p class="meta">[^<]*2020-12-09<\/p>/);
  });

  it('EPUB: the date on the local calendar, as the reader shows it, not the UTC one', async () => {
    const tz = process.env.TZ;
    process.env.TZ = 'Asia/Shanghai';
    try {
      // 06:21 on 7 February in Beijing, 22:21 on the 6th in UTC.
      const early = { ...a, published: '2019-02-06T22:21:00Z', article: { ...a.article, published: '2019-02-06T22:21:00Z' } };
      const page = strFromU8(unzipSync(await exportEpub([early], () => undefined, { env }))['OEBPS/text/c0001.xhtml']!);
      expect(page).toMatch(/<p class="meta">[^<]*2019-02-07<\/p>/);
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('wallabag: no publish date is made up from it', async () => {
    const [row] = JSON.parse(await exportWallabag([a]));
    expect(row.published_at).toBeNull();
  });
});

describe('Markdown', () => {
  it('writes YAML front matter that survives quotes, colons and newlines, and leaves Chinese untouched', () => {
    const [a] = storedLibrary(1);
    const md = articleMarkdown({ ...a!, title: 'He said: "yes" #1\n', byline: null, tags: ['a: b', '中文'] });
    expect(md).toContain('title: "He said: \\"yes\\" #1\\n"');
    expect(md).toContain('author: null');
    expect(md).toContain('tags: ["a_b", "中文"]');
    expect(md).toContain('这是第1段。美联储在周三宣布维持利率不变，市场反应平淡。𠀋𩸽');
  });

  it('escapes in the front matter the characters YAML may not hold raw (DEL, C1 controls, NEL, line separators)', () => {
    const [a] = storedLibrary(1);
    const title = 'a\u007fb\u0080c\u0085d\u2028e\u009f';
    const md = articleMarkdown({ ...a!, title });
    const line = md.split('\n').find((l) => l.startsWith('title: '))!;
    expect(line).toBe('title: "a\\u007fb\\u0080c\\u0085d\\u2028e\\u009f"');
    // A JSON string still, so it parses back exactly.
    expect(JSON.parse(line.slice('title: '.length))).toBe(title);
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

  it('names each picture by its type, whatever parameters its server gave the type, so a note app shows it', async () => {
    const [a] = storedLibrary(1);
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>');
    const bmp = new Uint8Array([0x42, 0x4d, 0x3a, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0]);
    const types: Record<string, [string, Uint8Array]> = {
      'https://img.example.com/chart': ['image/svg+xml; charset=utf-8', svg],
      'https://img.example.com/old': ['image/bmp', bmp],
      'https://img.example.com/photo': ['IMAGE/PNG', PNG_1x1],
    };
    const html = Object.keys(types).map((url) => `<p><img src="${url}" alt=""></p>`).join('');
    const lookup: ImageLookup = (articleId, url) => (types[url] ? { articleId, url, type: types[url][0], bytes: types[url][1] } : undefined);
    const zip = unzipSync(await exportMarkdownZip([{ ...a!, title: 'pictures', leadImage: null, article: { ...a!.article, leadImage: null, contentHtml: html } }], lookup));
    expect(Object.keys(zip).filter((n) => n.startsWith('qingdu/pictures/')).sort()).toEqual(['qingdu/pictures/01.svg', 'qingdu/pictures/02.bmp', 'qingdu/pictures/03.png']);
    expect(strFromU8(zip['qingdu/pictures.md']!)).toContain('![](pictures/01.svg)\n\n![](pictures/02.bmp)\n\n![](pictures/03.png)');
  });

  it('keeps every file inside the zip\'s folder when a title leaves no file name and the id it falls back on is a path', async () => {
    // The library's ids are hashes of the URL; the writer takes any record, and a fallback is a file name like a title.
    const [a, b] = storedLibrary(4, true).filter((r) => r.article.contentHtml.includes('<img'));
    const records = [{ ...a!, id: '../../../.config/autostart/x', title: '...' }, { ...b!, id: '..\\..\\Startup\\y', title: '' }];
    const names = Object.keys(unzipSync(await exportMarkdownZip(records, makeImageLookup())));
    expect(names.filter((n) => n.endsWith('.md'))).toHaveLength(3);
    for (const name of names) {
      expect(name.startsWith('qingdu/')).toBe(true);
      expect(name.split(/[/\\]/)).not.toContain('..');
    }
  });

  it('writes tables as GFM tables a Markdown parser reads back cell by cell', () => {
    const [a] = storedLibrary(1);
    const html = sanitize(
      '<p>前文</p><table><caption>表1：收入</caption><thead><tr><th>公司</th><th>收入|亿元</th><th>备注</th></tr></thead>' +
        '<tbody><tr><td>腾讯</td><td><p>1,000</p><p>（估）</p></td><td><table><tr><td>内</td><td>表</td></tr></table></td></tr>' +
        '<tr><td colspan="2">合计</td><td>-</td></tr><tr><td>短行</td></tr></tbody><tfoot><tr><td colspan="1000"></td></tr></tfoot></table>' +
        '<table><tr><td>无表头</td><td>第一行</td></tr><tr><td>x</td><td>y</td></tr></table>',
    );
    const md = articleMarkdown({ ...a!, article: { ...a!.article, contentHtml: html } });
    const tokens = marked.lexer(md);
    const tables = tokens.filter((t): t is Tokens.Table => t.type === 'table');
    expect(tables).toHaveLength(2);
    const [first, second] = tables as [Tokens.Table, Tokens.Table];
    expect(first.header.map((c) => c.text)).toEqual(['公司', '收入|亿元', '备注']);
    expect(first.rows.map((r) => r.map((c) => c.text))).toEqual([
      ['腾讯', '1,000 （估）', '内 表'],
      ['合计', '', '\\-'],
      ['短行', '', ''],
    ]);
    // A table without a heading row takes its first.
    expect(second.header.map((c) => c.text)).toEqual(['无表头', '第一行']);
    expect(second.rows.map((r) => r.map((c) => c.text))).toEqual([['x', 'y']]);
    // The caption is the paragraph just before its table.
    const at = tokens.indexOf(first);
    expect(tokens.slice(0, at).filter((t): t is Tokens.Paragraph => t.type === 'paragraph').at(-1)?.text).toBe('表1：收入');
  });

  it('writes ruby as its base with the reading in brackets', () => {
    const [a] = storedLibrary(1);
    const html = sanitize('<p><ruby>中<rp>(</rp><rt>zhōng</rt><rp>)</rp>文<rt>wén</rt></ruby>很美</p>');
    expect(articleMarkdown({ ...a!, article: { ...a!.article, contentHtml: html } })).toContain('中(zhōng)文(wén)很美');
  });

  it('reading list links reach URLs with unmatched parentheses, as a Markdown parser reads them', () => {
    const urls = ['https://en.wikipedia.org/wiki/Mercury_(planet)', 'https://example.com/a)b', 'https://example.com/a(b', 'https://example.com/p(1)/x)y'];
    const md = readingListMarkdown(urls.map((url, i) => ({ url, title: `T${i}`, state: 'unread' as const, savedAt: '2026-11-25T00:00:00.000Z', tags: [] })));
    const hrefs: string[] = [];
    marked.walkTokens(marked.lexer(md), (t) => void (t.type === 'link' && hrefs.push(decodeURI((t as Tokens.Link).href))));
    expect(hrefs).toEqual(urls);
  });

  it('reading list marks read items and escapes brackets', () => {
    const [a, b] = storedLibrary(3).slice(1);
    const list = readingListMarkdown([{ ...a!, title: 'A [b] c', state: 'read' }, { ...b!, state: 'unread' }]);
    expect(list).toContain('- [x] [A \\[b\\] c](');
    expect(list).toContain('- [ ] [第2篇');
  });
});

/**
 * FT Chinese dates a story by its day in Beijing: 2 May at midnight there is
 * 2022-05-01T16:00:00Z, as the extraction core stores it. The reader and the
 * library show the day on the reader's own calendar, and so must the files.
 */
describe("days on the reader's calendar, not UTC's", () => {
  const tz = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = 'Asia/Shanghai';
    return () => {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    };
  });
  const [base] = storedLibrary(1);
  const a: SavedArticle = { ...base!, byline: null, siteName: null, published: '2022-05-01T16:00:00Z', savedAt: '2026-11-25T23:30:00.000Z', article: { ...base!.article, translator: null } };

  it('the reading list gives the day the article was saved', () => {
    expect(new Date(a.savedAt).getDate()).toBe(26); // the time zone took
    expect(readingListMarkdown([a])).toContain(') · 2026-11-26');
  });

  it('the book gives the day the article was published', async () => {
    const chapter = strFromU8(unzipSync(await exportEpub([a], undefined, { env }))['OEBPS/text/c0001.xhtml']!);
    expect(chapter).toContain('<p class="meta">2022-05-02</p>');
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
        '<img src="https://img.example.com/missing.png" alt="gone"><p>5 &lt; 6 &amp; "q" ‘中文’ 🀄</p><pre>a\n  b</pre><br>' +
        '<p lang="zh-Hant">繁體 <span lang="ja">直</span> <span lang="1bad">x</span></p>' +
        '<p><a href="https://example.com/css?family=A|B&amp;q={id}^`t`#a#b">odd</a> <a href="https://example.com/bad%zz?a[]=1">pct</a></p>',
    },
  };
  lib[2] = { ...lib[2]!, url: 'https://example.com/story?id={42}|x' };
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
    expect(text('dc:title')).toBe('清读 · 2026-11-25 · 12篇');
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

  it('keeps the language of a passage, as XHTML spells it twice', () => {
    const odd = strFromU8(files['OEBPS/text/c0002.xhtml']!);
    expect(odd).toContain('<p lang="zh-Hant" xml:lang="zh-Hant">繁體 <span lang="ja" xml:lang="ja">直</span> <span>x</span></p>');
  });

  it('percent-encodes what browsers leave in a URL and RFC 3986 does not allow', () => {
    const odd = strFromU8(files['OEBPS/text/c0002.xhtml']!);
    expect(odd).toContain('href="https://example.com/css?family=A%7CB&amp;q=%7Bid%7D%5E%60t%60#a%23b"');
    expect(odd).toContain('href="https://example.com/bad%25zz?a%5B%5D=1"');
    expect(strFromU8(files['OEBPS/text/c0003.xhtml']!)).toContain('<a href="https://example.com/story?id=%7B42%7D%7Cx">https://example.com/story?id={42}|x</a>');
  });

  // Readers on older EPUB 2 engines (Adobe's RMSDK) look for the NCX, not nav.xhtml.
  it('leaves out a figure left empty by a picture not in the book', () => {
    const html = '<figure><img src="https://img.example.com/none.png" alt=""></figure><p>正文</p><figure><img src="https://img.example.com/x.png" alt="图"></figure>';
    expect(htmlToXhtml(html, env)).toBe('<p>正文</p><figure><span class="img-alt">图</span></figure>');
  });

  it('also lists every chapter in an NCX, for e-readers that read only EPUB 2 tables of contents', () => {
    const xml = (name: string) => new XmlDomParser().parseFromString(strFromU8(files[name]!), 'application/xml');
    const opf = xml('OEBPS/content.opf');
    const ncxItem = Array.from(opf.getElementsByTagName('item')).find((i) => i.getAttribute('media-type') === 'application/x-dtbncx+xml');
    expect(ncxItem?.getAttribute('href')).toBe('toc.ncx');
    expect(opf.getElementsByTagName('spine')[0]?.getAttribute('toc')).toBe(ncxItem?.getAttribute('id'));
    const ncx = xml('OEBPS/toc.ncx');
    const uid = Array.from(ncx.getElementsByTagName('meta')).find((m) => m.getAttribute('name') === 'dtb:uid');
    expect(uid?.getAttribute('content')).toBe('urn:uuid:00000000-0000-4000-8000-000000000000');
    const points = Array.from(ncx.getElementsByTagName('navPoint'));
    const navLinks = Array.from(xml('OEBPS/nav.xhtml').getElementsByTagName('a'));
    expect(points.map((p) => p.getElementsByTagName('text')[0]?.textContent)).toEqual(navLinks.map((a) => a.textContent));
    expect(points.map((p) => p.getElementsByTagName('content')[0]?.getAttribute('src'))).toEqual(navLinks.map((a) => a.getAttribute('href')));
    expect(points.map((p) => p.getAttribute('playOrder'))).toEqual(points.map((_, i) => String(i + 1)));
  });

  it('passes epubcheck with no errors or warnings', () => {
    expect(epubcheckMessages(bytes, exportFileName('epub', lib.length, new Date(2026, 10, 25)))).toEqual([]);
  }, 60_000);
});

/** Images of the types the exporter sorts: 1×1 pictures, and for AVIF only the header the sniffer reads. */
const GIF_1x1 = Uint8Array.from(atob('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'), (c) => c.charCodeAt(0));
const WEBP_1x1 = Uint8Array.from(atob('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA=='), (c) => c.charCodeAt(0));
const AVIF_HEAD = new Uint8Array([0, 0, 0, 0x1c, 0x66, 0x74, 0x79, 0x70, 0x61, 0x76, 0x69, 0x66, 0, 0, 0, 0]);
const SVG = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>');
const JPEG_1x1 = Uint8Array.from(
  atob('/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA='),
  (c) => c.charCodeAt(0),
);
/** Pictures cut short before their size (a damaged download, a backup's bytes), and whole ones. */
const CUT: Record<string, Uint8Array> = {
  'png-cut.png': PNG_1x1.subarray(0, 10), 'gif-cut.gif': GIF_1x1.subarray(0, 30), 'jpeg-cut.jpg': JPEG_1x1.subarray(0, 20),
  'jpeg-whole.jpg': JPEG_1x1, 'gif-whole.gif': GIF_1x1, 'png-whole.png': PNG_1x1,
};

/**
 * Messy article HTML, each case one chapter: parts the parser leaves outside
 * the parent XHTML requires (lists, definitions, tables, figures, ruby), blocks
 * in phrasing elements, nested links. Bodies are not sanitized: the exporter
 * must cope with any HTML.
 */
const MESSY: [string, string][] = [
  ['menu of li', '<menu><li>菜单一</li><li>菜单二</li></menu>'],
  ['bare li', '<li>甲</li><div><li>乙</li>文字<li>丙</li></div><blockquote><li>丁</li></blockquote><p>段<span><li>戊</li></span></p><a href="https://example.com/"><li>己</li></a>'],
  ['li in dl, cell and heading', '<dl><li>庚</li></dl><table><tr><td><li>辛</li></td></tr></table><h2><li>壬</li></h2>'],
  ['dt and dd outside dl', '<dt>术语</dt><dd>释义</dd><div><dd>只有释义</dd></div><span><dt>只有术语</dt></span>'],
  ['dl with text, blocks, lone dt or dd', '<dl>散文字<p>段落</p><dt>词</dt><dd>义</dd><div><dt>x</dt><dd>y</dd></div></dl><dl><dd>先义</dd><dt>后词</dt></dl><dl><dt><p>块术语</p></dt><dd>v</dd></dl>'],
  ['figcaption outside figure, in the middle, twice, holding blocks',
    '<figcaption>孤题</figcaption><div><figcaption>div 题</figcaption></div><figure><img src="https://img.example.com/1.png" alt="图"><figcaption>中间题</figcaption><p>图后</p></figure>' +
    '<figure><figcaption>首题</figcaption><p>中</p><figcaption>尾题</figcaption><figcaption>又一题</figcaption></figure><figure><p>p</p><figcaption><p>块题一</p><p>块题二</p></figcaption></figure>'],
  ['rt and rp outside ruby, ruby off the schema',
    '<p>漢<rp>(</rp><rt>kan</rt><rp>)</rp></p><rt>孤 rt</rt><ruby>基<rp>(</rp></ruby><ruby><rp>(</rp>字<rt>ji</rt></ruby><ruby>前<rt>qian</rt>后</ruby>' +
    '<ruby><div>块</div><rt>kuai</rt></ruby><ruby>括<rp><b>(</b></rp><rt>kuo</rt><rp>)</rp></ruby>'],
  ['ruby on the schema', '<p><ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp>字<rt>ji</rt></ruby><ruby><rb>東</rb><rtc><rt>dong</rt></rtc></ruby></p>'],
  ['table parts outside a table', '<div><tr><td>格一</td></tr><td>格二</td><th>头</th><tbody><tr><td>体</td></tr></tbody><caption>题</caption><thead><tr><th>h</th></tr></thead></div>'],
  ['table sections out of order',
    '<table><tbody><tr><td>体一</td></tr></tbody><thead><tr><th>头一</th></tr></thead><thead><tr><th>头二</th></tr></thead><tfoot><tr><td>脚一</td></tr></tfoot>' +
    '<tbody><tr><td>体二</td></tr></tbody><tfoot><tr><td>脚二</td></tr></tfoot><caption>表题</caption><caption>第二表题</caption></table>'],
  ['caption holding blocks or a table', '<table><caption><p>块表题</p></caption><tr><td>c</td></tr></table><table><caption>外<table><tr><td>内</td></tr></table></caption><tr><td>c2</td></tr></table>'],
  ['details, summary, source', '<details><summary>摘要</summary>详情</details><summary>孤摘要</summary><picture><source srcset="a.webp"><img src="https://img.example.com/none.png" alt="图片"></picture><video><source src="v.mp4"></video>'],
  ['blocks inside phrasing', '<p>前<span><div>块</div></span>后</p><span><ins><div>插入块</div></ins></span><em><table><tr><td>强调表</td></tr></table></em><pre><div>预格式块</div></pre><bdo><p>bdo 块</p></bdo>'],
  ['a nested in a', '<a href="https://a.example/">外<marquee><a href="https://b.example/">内</a></marquee>尾</a><a href="https://c.example/">表<table><tr><td><a href="https://d.example/">格内</a></td></tr></table></a>'],
  ['time holding elements', '<p><time>昨天<b>下午</b></time><time datetime="bogus"><i>坏日期</i></time><time datetime="2020-01-02"><b>有日期</b></time></p>'],
  ['unclosed plaintext', '<p>之前</p><plaintext>原样 <b>文字</b>'],
  ['duplicate ids', '<p id="x">一</p><p id="x">二</p><a href="#x">去</a><h2 id="x">三</h2>'],
  ['all at once, nested', '<menu><li><dd>深<rt>r</rt><figcaption>f<td>t</td></figcaption></dd></li></menu><ul><span><li>ul 里 span 里的 li</li></span><dl><dd>ul 里的 dl</dd></dl></ul><ol><tr><td>ol 里的 tr</td></tr><caption>ol 里的 caption</caption></ol>'],
];

/**
 * One book for all of these (epubcheck takes seconds to start): the messy
 * cases, the FT Chinese fixture pages as extracted, the XSS vectors as
 * sanitized, and one chapter of image types. Chapters are labelled
 * `<group>: <case>` so each test reads epubcheck's messages about its own.
 */
describe('EPUB 3 validity for any article HTML (epubcheck)', () => {
  interface Chapter { label: string; article: SavedArticle; lookup: ImageLookup }
  const chapters: Chapter[] = [];
  const add = (label: string, contentHtml: string, lookup: ImageLookup, over: Partial<SavedArticle> = {}): void => {
    const a = makeArticle(chapters.length);
    chapters.push({ label, lookup, article: { ...a, id: label, title: label, ...over, article: { ...a.article, contentHtml, ...over.article } } });
  };
  const everyImage: ImageLookup = (articleId, url) => ({ articleId, url, type: 'image/png', bytes: PNG_1x1 });
  const stored: Record<string, Uint8Array> = { 'a.png': PNG_1x1, 'b.gif': GIF_1x1, 'c.webp': WEBP_1x1, 'd.avif': AVIF_HEAD, 'e.svg': SVG, 'f.avif': AVIF_HEAD };
  const storedByName: ImageLookup = (articleId, url) => {
    const bytes = stored[url.slice(url.lastIndexOf('/') + 1)];
    return bytes && { articleId, url, type: 'image/png', bytes }; // the declared type is ignored: bytes are sniffed
  };

  const imagesHtml = Object.keys(stored).map((f) => `<p><img src="https://img.example.com/${f}" alt="${f.startsWith('f') ? '' : `图 ${f}`}"></p>`).join('');
  let files: Record<string, Uint8Array>;
  let messages: string[] = [];
  const redrawCalls: string[] = [];
  beforeAll(async () => {
    for (const [name, html] of MESSY) add(`messy: ${name}`, html, makeImageLookup());
    for (const c of loadCases().filter((f) => /ftchinese\.com--/.test(f.name))) {
      const r = runCase(c).result;
      if (!r.ok) throw new Error(`${c.name}: ${r.message}`);
      // Every picture stored, so figures keep their images.
      const { url, title, lang } = r.article;
      add(`ft: ${c.name}`, r.article.contentHtml, everyImage, { url, title, lang, article: r.article });
    }
    for (const { id, payload: p } of loadVectors()) {
      const html = `<div>${p}</div><p>段中 ${p} 之后</p><figure><img src="https://img.example.com/3.png" alt="${escapeAttr(p)}"><figcaption>${p}</figcaption></figure><ul><li>${p}</li></ul>`;
      add(`xss: ${id}`, sanitize(html), makeImageLookup(), { title: `${id} ${p}` });
    }
    // A backup may hold any string as a title: blanks, or characters XML cannot carry.
    add('titles: blanks', '<p>正文</p>', makeImageLookup(), { title: ' \n\t\u3000' });
    add('titles: control characters', '<p>正文</p>', makeImageLookup(), { title: '\u0001\u0008' });
    add('images: types', imagesHtml, storedByName);
    const cutByName: ImageLookup = (articleId, url) => {
      const bytes = CUT[url.slice(url.lastIndexOf('/') + 1)];
      return bytes && { articleId, url, type: 'image/png', bytes };
    };
    add('images: cut short', Object.keys(CUT).map((f) => `<p><img src="https://img.example.com/${f}" alt="图 ${f}"></p>`).join(''), cutByName);
    add('images: redrawn', imagesHtml, storedByName);
    const lookups = new Map(chapters.map((c) => [c.article.id, c.lookup]));
    // As the library page redraws WebP and AVIF (in a browser): here the WebP becomes a PNG, one AVIF
    // cannot be decoded and the other throws. Only the 'redrawn' chapter is redrawn.
    const transcode: Transcode = async (image) => {
      redrawCalls.push(`${image.articleId} ${image.url}`);
      if (image.articleId !== 'images: redrawn') return null;
      if (image.url.endsWith('f.avif')) throw new Error('decode failed');
      return image.url.endsWith('c.webp') ? { ...image, type: 'image/png', bytes: PNG_1x1 } : null;
    };
    const bytes = await exportEpub(chapters.map((c) => c.article), (id, url) => lookups.get(id)?.(id, url), { env, transcode });
    files = unzipSync(bytes);
    messages = epubcheckMessages(bytes, 'qingdu-messy.epub', chapters.map((c) => c.label));
  }, 120_000);

  const fileOf = (label: string) => `OEBPS/text/c${String(chapters.findIndex((c) => c.label === label) + 1).padStart(4, '0')}.xhtml`;
  const xhtml = (label: string) => strFromU8(files[fileOf(label)]!);
  /** The chapter's article text (header and stand-in alt text left out), without white space. */
  const chapterText = (label: string): string => {
    const doc = new window.DOMParser().parseFromString(xhtml(label), 'application/xhtml+xml');
    for (const el of Array.from(doc.querySelectorAll('section > header, .img-alt'))) el.remove();
    return (doc.querySelector('section')?.textContent ?? '').replace(/\s+/g, '');
  };
  /** The text nodes of `html` without white space; media (left out of books) with their fallback text left out. */
  const htmlTexts = (html: string): string[] => {
    const doc = new window.DOMParser().parseFromString(html, 'text/html');
    for (const el of Array.from(doc.querySelectorAll('video, audio'))) el.remove();
    const walker = doc.createTreeWalker(doc.body, window.NodeFilter.SHOW_TEXT);
    const out: string[] = [];
    while (walker.nextNode()) out.push((walker.currentNode as Text).data.replace(/\s+/g, ''));
    return out.filter(Boolean);
  };
  const group = (name: string) => chapters.filter((c) => c.label.startsWith(`${name}: `));
  /** epubcheck passes the group's chapters with no fatals, errors or warnings. */
  const expectValid = (group: string): void => {
    expect(messages.filter((m) => m.includes(`[${group}: `))).toEqual([]);
  };

  it('gives orphan list, definition, table, figure and ruby parts a valid place, keeping every word', () => {
    for (const [name, html] of MESSY) {
      // Every piece of text is still there, and nothing else (table parts may move to where they show).
      const text = chapterText(`messy: ${name}`);
      const pieces = htmlTexts(html);
      for (const piece of pieces) expect(text, name).toContain(piece);
      expect(text.length, name).toBe(pieces.join('').length);
    }
    expect(xhtml('messy: menu of li')).toContain('<ul><li>菜单一</li><li>菜单二</li></ul>'); // one list for consecutive orphans
    expect(xhtml('messy: dt and dd outside dl')).toContain('<dl><dt>术语</dt><dd>释义</dd></dl>');
    expect(xhtml('messy: figcaption outside figure, in the middle, twice, holding blocks')).toMatch(/<img src="[^"]+\.png" alt="图" \/><div>中间题<\/div>/);
    expect(xhtml('messy: ruby on the schema')).toContain('<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp>字<rt>ji</rt></ruby>');
    expect(xhtml('messy: details, summary, source')).toContain('<span class="img-alt">图片</span>');
    // A disclosure is shown open: its summary a paragraph of its own, not run into the text after it.
    expect(xhtml('messy: details, summary, source')).toContain('<div><p>摘要</p>详情</div><p>孤摘要</p>');
    expect(xhtml('messy: a nested in a')).not.toMatch(/<a [^>]*>[^<]*<a /);
    expect(xhtml('messy: time holding elements')).toContain('<p>昨天<b>下午</b><i>坏日期</i><time datetime="2020-01-02"><b>有日期</b></time></p>');
    expectValid('messy');
  });

  it('builds a valid book from the FT Chinese fixture pages, as extracted and stored, keeping their text', () => {
    expect(group('ft').length).toBeGreaterThanOrEqual(12);
    for (const { label, article } of group('ft')) expect(chapterText(label), label).toBe(htmlTexts(article.article.contentHtml).join(''));
    expectValid('ft');
  });

  it('builds a valid book from the XSS vectors, sanitized as the library stores them', () => {
    expect(group('xss').length).toBeGreaterThan(300);
    expectValid('xss');
  });

  it('embeds PNG and GIF; leaves WebP, AVIF and SVG out but keeps their alt text', () => {
    // EPUB 3.3 makes WebP a core type, but epubcheck 4.2.6 (Debian) still asks for a fallback (MED-003).
    const prefix = fileOf('images: types').replace(/^OEBPS\/text\/(c\d{4})\.xhtml$/, 'OEBPS/images/$1-');
    expect(Object.keys(files).filter((n) => n.startsWith(prefix)).sort()).toEqual([`${prefix}01.png`, `${prefix}02.gif`]);
    const chapter = xhtml('images: types');
    for (const f of ['c.webp', 'd.avif', 'e.svg']) expect(chapter).toContain(`<p><span class="img-alt">图 ${f}</span></p>`);
    expect(chapter).toContain('<p></p>'); // empty alt: nothing to show
    expectValid('images');
  });

  it('leaves out a JPEG, PNG or GIF cut short before its size, keeping its alt text, and embeds whole ones', () => {
    const chapter = xhtml('images: cut short');
    for (const f of ['png-cut.png', 'gif-cut.gif', 'jpeg-cut.jpg']) expect(chapter).toContain(`<p><span class="img-alt">图 ${f}</span></p>`);
    expect(chapter.match(/<img src="\.\.\/images\/c\d{4}-0\d\.(jpg|gif|png)" alt="图 [a-z]+-whole\.\1" \/>/g)).toHaveLength(3);
    expectValid('images');
  });

  it('embeds a WebP redrawn by the browser as PNG; an image that fails to redraw keeps its alt text', () => {
    // Only WebP and AVIF are handed to the redrawer: PNG, GIF and SVG never are.
    expect(redrawCalls.filter((c) => c.startsWith('images: redrawn ')).map((c) => c.slice(c.lastIndexOf('/') + 1)).sort()).toEqual(['c.webp', 'd.avif', 'f.avif']);
    const prefix = fileOf('images: redrawn').replace(/^OEBPS\/text\/(c\d{4})\.xhtml$/, 'OEBPS/images/$1-');
    expect(Object.keys(files).filter((n) => n.startsWith(prefix)).sort()).toEqual([`${prefix}01.png`, `${prefix}02.gif`, `${prefix}03.png`]);
    const chapter = xhtml('images: redrawn');
    expect(chapter).toMatch(/<img src="\.\.\/images\/c\d{4}-03\.png" alt="图 c\.webp" \/>/);
    for (const f of ['d.avif', 'e.svg']) expect(chapter).toContain(`<p><span class="img-alt">图 ${f}</span></p>`);
    expect(strFromU8(files['OEBPS/content.opf']!)).toMatch(/href="images\/c\d{4}-03\.png" media-type="image\/png"/);
    expectValid('images');
  });

  it('names a chapter whose title is blank or unwritable in XML by its URL, in the chapter and the table of contents', () => {
    for (const { label, article } of group('titles')) {
      expect(xhtml(label), label).toContain(`<title>${article.url.replace(/&/g, '&amp;')}</title>`);
      expect(strFromU8(files['OEBPS/nav.xhtml']!)).toContain(`<a href="${fileOf(label).slice('OEBPS/'.length)}">${article.url.replace(/&/g, '&amp;')}</a>`);
    }
    expectValid('titles');
  });

  it('passes epubcheck as a whole: no fatals, errors or warnings', () => {
    expect(messages).toEqual([]);
  });

  it('makes a valid book of one article whose title is blank or unwritable in XML, titled by its URL', async () => {
    const a = { ...makeArticle(0), title: ' \n\u0001 ' };
    const bytes = await exportEpub([a], undefined, { env });
    expect(strFromU8(unzipSync(bytes)['OEBPS/content.opf']!)).toContain(`<dc:title>${a.url.replace(/&/g, '&amp;')}</dc:title>`);
    expect(epubcheckMessages(bytes, 'qingdu-one.epub')).toEqual([]);
  }, 60_000);
});

describe('file names', () => {
  it('formats date + count + 篇', () => {
    expect(exportFileName('epub', 128, new Date(2026, 10, 25))).toBe('qingdu-2026-11-25-128篇.epub');
    expect(exportFileName('.json', 1, new Date(2026, 0, 5))).toBe('qingdu-2026-01-05-1篇.json');
  });

  /** Names Windows keeps for devices, with or without an extension (NUL.txt is NUL), in any case. */
  const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

  it.each(['CON', 'con', 'Aux', 'nul.txt', 'COM1', 'lpt9', 'com¹', 'PRN. ', 'aux.tar.gz', 'CON .txt'])('a Markdown file is never named like the device %j', (title) => {
    const name = safeFileName(title, 'fallback');
    expect(name).not.toMatch(WINDOWS_RESERVED);
    expect(`${name}.md`).not.toMatch(WINDOWS_RESERVED);
    expect(name).toContain(title.trim().replace(/[. ]+$/, ''));
  });

  it('keeps ordinary names that only start like a device', () => {
    expect(safeFileName('Console wars', 'x')).toBe('Console wars');
    expect(safeFileName('COM10', 'x')).toBe('COM10');
    expect(safeFileName('concon', 'x')).toBe('concon');
    expect(safeFileName('...', 'fallback')).toBe('fallback');
    expect(safeFileName('中文标题：冒号', 'x')).toBe('中文标题：冒号'); // a full-width colon is an ordinary character
  });

  it('stays within 255 bytes with the longest suffix the zip adds, whatever the script', () => {
    for (const title of ['中'.repeat(300), '😀'.repeat(300), '𠀋'.repeat(300), 'a'.repeat(300)]) {
      const name = safeFileName(title, 'x');
      expect(new TextEncoder().encode(`${name} (999).md`).length).toBeLessThanOrEqual(255);
    }
  });

  it('zips an article titled like a device under a name Windows can create', async () => {
    const [a] = storedLibrary(1);
    const zip = unzipSync(await exportMarkdownZip([{ ...a!, title: 'CON' }]));
    const names = Object.keys(zip).map((n) => n.split('/')[1] as string);
    for (const n of names) expect(n).not.toMatch(WINDOWS_RESERVED);
  });
});
