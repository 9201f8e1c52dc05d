/** Reading backups and bookmark files as their text arrives, in pieces of any size. */
import { describe, expect, it } from 'vitest';
import {
  BACKUP_VERSION, BOOKMARKS_HEAD, BookmarksReader, exportBackup, exportBookmarks, parseBackup, parseBookmarks, readBackup, TransferError, UnorderedBackupError,
  type ImportError, type SavedArticle, type StoredImage,
} from '../../../src/transfer/index';
import { JsonSplitter, type JsonStreamEvent } from '../../../src/transfer/json-stream';
import { jsonProblem } from '../../../src/transfer/util';
import { makeArticle, makeImageLookup, makeLibrary } from './helpers';

/** `text` cut into pieces of `size` characters (the last may be shorter). */
function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function split(text: string, size: number, lists = ['articles', 'images'], maxItem?: number): JsonStreamEvent[] {
  const s = new JsonSplitter({ lists, maxItem });
  const out: JsonStreamEvent[] = [];
  for (const p of pieces(text, size)) out.push(...s.push(p));
  out.push(...s.end());
  return out;
}

/** The document the events describe, rebuilt. */
function rebuild(events: JsonStreamEvent[]): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const ev of events) {
    if (ev.type === 'field') doc[ev.key] = ev.value;
    else if (ev.type === 'list-start') doc[ev.key] = [];
    else if (ev.type === 'item') (doc[ev.key] as unknown[]).push(ev.value);
  }
  return doc;
}

async function* from(list: string[]): AsyncGenerator<string> {
  yield* list;
}

const TRICKY = {
  format: 'qingdu-backup',
  version: 3,
  note: { nested: [1, { a: '}]' }], s: 'quote " backslash \\ brace { bracket [' },
  articles: [{ t: 'a "quoted" \\ title ]}', u: '\u2028\u0000😀𠀋', n: [[], {}, [{}]] }, null, 12.5e-3, 'text, with comma', true, [1, [2, [3]]]],
  images: [],
  tail: -0,
};

describe('JsonSplitter', () => {
  it.each([1, 2, 3, 7, 64, 100_000])('splits the same way whatever the piece size (%i)', (size) => {
    for (const text of [JSON.stringify(TRICKY), JSON.stringify(TRICKY, null, 2), ` \n${JSON.stringify(TRICKY, null, '\t')}\n\n`]) {
      const events = split(text, size);
      expect(rebuild(events)).toEqual(JSON.parse(text));
      expect(events.filter((e) => e.type === 'item').map((e) => (e as { index: number }).index)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(events.find((e) => e.type === 'list-end' && e.key === 'articles')).toMatchObject({ count: 6 });
    }
  });

  it('refuses every truncation of a document, with the reason', () => {
    const text = JSON.stringify(TRICKY);
    for (let cut = 0; cut < text.length; cut++) {
      expect(() => split(text.slice(0, cut), 5)).toThrow(/^the backup is not valid JSON, probably truncated or damaged/);
    }
  });

  it.each([
    ['text after the document', '{"articles":[]} x', /unexpected "x" at character 17/],
    ['a missing comma between items', '{"articles":[{"a":1} {"b":2}]}', /unexpected "\{"/],
    ['a trailing comma', '{"articles":[1,]}', /not valid JSON/],
    ['a damaged item', '{"articles":[{"a":1,,}]}', /not valid JSON/],
    ['a bare word', '{"articles":[nope]}', /not valid JSON/],
    ['an unquoted key', '{format:1}', /unexpected "f"/],
    ['a list at the top', '[1,2]', /unexpected "\["/],
    ['a key given twice', '{"articles":[],"articles":[]}', /the backup has "articles" twice/],
  ])('refuses %s', (_label, text, message) => {
    expect(() => split(text, 4)).toThrow(message);
    expect(() => split(text, 1000)).toThrow(message);
  });

  it('quotes only the start of a long key given twice', () => {
    const key = 'k'.repeat(100_000);
    expect(() => split(`{"${key}":1,"${key}":2}`, 4096)).toThrow(new RegExp(`^the backup has "${'k'.repeat(80)}…" twice$`));
  });

  // Scanned again from its start with each piece, or copied whole with each, an image of 20 MB took 20 s to read.
  it.each([['a string', (n: number) => `"${'A'.repeat(n)}\\"x"`], ['an object', (n: number) => `{"data":"${'A'.repeat(n)}","n":[1,{"a":"]"}]}`]])(
    'scans an entry of many pieces one piece at a time (%s)',
    (_, entry) => {
      const text = `{"format":"qingdu-backup","images":[${entry(5 << 20)}]}`;
      const s = new JsonSplitter({ lists: ['images'] });
      const scanned = () => (s as unknown as { buf: string }).buf.length;
      const events: JsonStreamEvent[] = [];
      let most = 0;
      for (const p of pieces(text, 65536)) {
        events.push(...s.push(p));
        most = Math.max(most, scanned());
      }
      events.push(...s.end());
      expect(most).toBeLessThanOrEqual(2 * 65536);
      expect(rebuild(events)).toEqual(JSON.parse(text));
    },
  );

  it('refuses an entry above the size limit without holding more of it', () => {
    const text = `{"articles":["${'x'.repeat(5000)}"]}`;
    expect(() => split(text, 100, ['articles'], 1000)).toThrow(/larger than/);
  });

  it('gives other top-level values whole, lists only when they are lists', () => {
    const events = split('{"articles":{"not":"a list"},"images":[]}', 3);
    expect(events).toEqual([
      { type: 'field', key: 'articles', value: { not: 'a list' } },
      { type: 'list-start', key: 'images' },
      { type: 'list-end', key: 'images', count: 0 },
    ]);
  });
});

describe('readBackup', () => {
  const lib = makeLibrary(40, { images: true });

  async function read(text: string, size: number) {
    const saved: SavedArticle[] = [];
    const images: StoredImage[] = [];
    const failed: ImportError[] = [];
    const summary = await readBackup(from(pieces(text, size)), (h) => `[${h}]`, {
      article: (a) => void saved.push(a),
      image: (i) => void images.push(i),
      failed: (e) => void failed.push(e),
    });
    return { saved, images, failed, summary };
  }

  it.each([13, 4096, 1 << 20])('gives the records and images parseBackup gives (pieces of %i)', async (size) => {
    const text = (await exportBackup(lib, makeImageLookup())).join('');
    const whole = parseBackup(text, { sanitize: (h) => `[${h}]` });
    const streamed = await read(text, size);
    expect(streamed.saved).toEqual(whole.items.map((it) => (it.kind === 'article' ? it.article : null)));
    expect(streamed.images).toEqual(whole.items.flatMap((it) => (it.kind === 'article' ? it.images : [])));
    expect(streamed.failed).toEqual([]);
    expect(streamed.summary).toEqual({ version: BACKUP_VERSION, articles: 40, images: streamed.images.length });
  });

  it('reports bad records and images as parseBackup does, and goes on', async () => {
    const a = makeArticle(1);
    const text = JSON.stringify({
      format: 'qingdu-backup', version: BACKUP_VERSION, exportedAt: 'x',
      articles: [a, { ...a, id: 'other' }, { ...makeArticle(2), progress: 9 }, makeArticle(3)],
      images: [{ articleId: 'nope', url: 'https://i/1.png', type: 'image/png', data: 'AAAA' }, { articleId: 'id-3', url: 'https://i/3.png', type: 'image/png', data: 'AAAA' }],
    });
    const whole = parseBackup(text, { sanitize: (h) => `[${h}]` });
    const streamed = await read(text, 50);
    expect(streamed.failed).toEqual(whole.errors);
    expect(streamed.saved.map((s) => s.id)).toEqual(['id-1', 'id-3']);
    expect(streamed.images).toHaveLength(1);
  });

  it.each([
    ['a newer version', { version: 99 }, /newer Qingdu/],
    ['no format', { format: 'x' }, /not a Qingdu backup/],
    ['articles that are not a list', { articles: 'x' }, /no "articles" list/],
    ['images that are not a list', { images: {} }, /"images" must be a list/],
  ])('refuses %s', async (_label, extra, message) => {
    const text = JSON.stringify({ format: 'qingdu-backup', version: BACKUP_VERSION, articles: [makeArticle(1)], images: [], ...extra });
    await expect(read(text, 9)).rejects.toThrow(message);
    await expect(read(text, 9)).rejects.toBeInstanceOf(TransferError);
  });

  it('takes a "__proto__" key for a field, as the whole reading does: a format and version inside it are none', async () => {
    const text = `{"__proto__":{"format":"qingdu-backup","version":${BACKUP_VERSION}},"articles":[${JSON.stringify(makeArticle(1))}]}`;
    expect(() => parseBackup(text, { sanitize: (h) => h })).toThrow(/not a Qingdu backup/);
    await expect(read(text, 9)).rejects.toBeInstanceOf(UnorderedBackupError);
  });

  it('asks for a whole reading when the version comes after the articles', async () => {
    const text = JSON.stringify({ articles: [makeArticle(1)], format: 'qingdu-backup', version: BACKUP_VERSION });
    await expect(read(text, 9)).rejects.toBeInstanceOf(UnorderedBackupError);
  });
});

describe('BookmarksReader', () => {
  it.each([1, 5, 40, 1 << 20])('reads what parseBookmarks reads, in pieces of %i', async (size) => {
    const html = (await exportBookmarks(makeLibrary(60))) + '<!-- a comment with <DT><A HREF="https://no.example/">no</A> -->\n<DT><A HREF="javascript:x">bad</A>\n';
    const reader = new BookmarksReader();
    for (const p of pieces(html, size)) reader.push(p);
    expect(reader.end()).toEqual(parseBookmarks(html));
    expect(parseBookmarks(html).items).toHaveLength(60);
    const line = html.slice(0, html.indexOf('javascript:')).split('\n').length;
    expect(parseBookmarks(html).errors).toEqual([{ line, reason: 'unsafe or unsupported URL scheme "javascript:"' }]);
  });

  // A damaged entry spoils itself only, whether the file arrives whole or cut anywhere: an unclosed tag, an unclosed quote.
  it.each([1, 5, 40, 1 << 20])('reads damaged entries the same, in pieces of %i', (size) => {
    const html = `${BOOKMARKS_HEAD}<DT><A HREF="https://a.example/" ADD_DATE="1700000000" PRIVATE\n<DT><A HREF="https://b.example/>B</A>\n`
      + '<DT><A HREF="https://c.example/">C</A>\n<DT><A HREF="https://d.example/">D</A>\n</DL><p>\n';
    const reader = new BookmarksReader();
    for (const p of pieces(html, size)) reader.push(p);
    const read = reader.end();
    expect(read).toEqual(parseBookmarks(html));
    expect(read.items.map((i) => i.kind === 'link' && i.title)).toEqual(['https://a.example/', 'C', 'D']);
    expect(read.errors).toEqual([{ line: 10, reason: 'invalid URL' }]);
  });

  // Old Mac files end their lines in CR alone; a failed row names the line an editor shows it on, whatever the line ends.
  it.each([1, 5, 40, 1 << 20])('counts CR, LF and CRLF as line ends, in pieces of %i', (size) => {
    const lf = `${BOOKMARKS_HEAD}<DT><A HREF="https://a.example/">A</A>\n<!-- a\ncomment -->\n<DT><A HREF="javascript:x">bad</A>\n`
      + '<DT><A HREF="https://c.example/"\nADD_DATE="1">C</A>\n<DT><A HREF="ftp://d.example/">D</A>\n</DL><p>\n';
    for (const end of ['\n', '\r\n', '\r']) {
      const html = lf.replace(/\n/g, end);
      const reader = new BookmarksReader();
      for (const p of pieces(html, size)) reader.push(p);
      const read = reader.end();
      expect(read).toEqual(parseBookmarks(html));
      expect(read.errors).toEqual([
        { line: 12, reason: 'unsafe or unsupported URL scheme "javascript:"' },
        { line: 15, reason: 'unsafe or unsupported URL scheme "ftp:"' },
      ]);
    }
  });

  it('refuses a file that is not a bookmark file', () => {
    expect(() => new BookmarksReader().push('<html>'.repeat(100))).toThrow(/not a bookmarks file/);
    const short = new BookmarksReader();
    short.push('<html>');
    expect(() => short.end()).toThrow(/not a bookmarks file/);
  });
});

describe('where JSON is damaged, in one wording for every browser', () => {
  const text = '{\n  "a": 1,\n  "b": x\n}';
  it.each([
    ['V8', "Expected ',' or '}' after property value in JSON at position 19 (line 3 column 8)", 'at character 20'],
    // V8 names no place for an unexpected token, only quotes the text, whose words ("weekend") say nothing of where.
    ['V8, a token', 'Unexpected token \'x\', "{ "title": "weekend", "b": x }" is not valid JSON', 'its text does not parse'],
    ['Firefox', 'JSON.parse: unexpected character at line 3 column 8 of the JSON data', 'at character 20'],
    ['any, at the end', 'Unexpected end of JSON input', `at character ${text.length + 1}`],
    ['Safari', 'JSON Parse error: Unexpected identifier "x"', 'its text does not parse'],
  ])('%s', (_, message, expected) => {
    expect(jsonProblem(new SyntaxError(message), text)).toBe(expected);
    // Counted from where the damaged piece starts in the whole file.
    if (expected.startsWith('at')) expect(jsonProblem(new SyntaxError(message), text, 100)).toBe(expected.replace(/\d+/, (n) => String(Number(n) + 100)));
  });

  // Firefox ESR 153 gives "line 3 column 8" for all three: it ends a line at CRLF, LF or a CR alone.
  it.each([
    ['CR', '{\r  "a": 1,\r  "b": x\r}', 'at character 20'],
    ['CRLF', '{\r\n  "a": 1,\r\n  "b": x\r\n}', 'at character 22'],
  ])('Firefox, lines ending in %s', (_, damaged, expected) => {
    expect(jsonProblem(new SyntaxError('JSON.parse: unexpected character at line 3 column 8 of the JSON data'), damaged)).toBe(expected);
    expect(damaged[Number(/\d+/.exec(expected)![0]) - 1]).toBe('x');
  });
});
