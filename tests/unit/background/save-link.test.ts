// @vitest-environment jsdom
/** The text of an imported link, fetched by the background: read in the page's encoding, within a time and a size. */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Library } from '../../../src/storage/library';

vi.mock('../../../src/platform/browser', () => ({
  default: {
    permissions: { contains: async () => true },
    i18n: { getMessage: (key: string, sub?: string) => (sub === undefined ? key : `${key}(${sub})`) },
  },
}));
const { saveLink } = await import('../../../src/background/saves');

const URL_ = 'https://big5.ftchinese.com/story/001000003';
const TITLE = '央行维持利率不变以稳定市场';
const GBK = readFileSync(join(import.meta.dirname, '..', '..', 'e2e', 'assets', 'gbk-story.html'));
/** The same page without its `<meta charset>`: the bytes that declared it become spaces. */
const GBK_UNDECLARED = Buffer.from(GBK.toString('latin1').replace('<meta charset="gbk">', ' '.repeat(20)), 'latin1');

/** `fetch` answering the page at URL_ with `response()`, and nothing else (its images fail). */
function serve(response: (init?: RequestInit) => Response | Promise<Response>) {
  const fetch = vi.fn(async (url: string, init?: RequestInit) => (url === URL_ ? response(init) : new Response(null, { status: 404 })));
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

describe('fetching the text of a link', () => {
  afterEach(() => vi.unstubAllGlobals());

  it.each([
    ['the header names', GBK, 'text/html; charset=gbk'],
    ['only its <meta> names', GBK, 'text/html'],
    ['nothing names', GBK_UNDECLARED, 'text/html'],
  ])('reads a GBK page as Chinese when %s the charset', async (_, body, type) => {
    serve(() => new Response(body, { headers: { 'content-type': type } }));
    const outcome = await saveLink(URL_);
    expect(outcome).toMatchObject({ ok: true, entry: { title: TITLE } });
    const library = await Library.open();
    expect((await library.get(library.idForUrl(URL_)))?.article.textContent).toContain('中国人民银行周四宣布维持贷款市场报价利率不变');
    await library.close();
  });

  it('gives up on a server that does not answer in time, and says so in the reader’s language', async () => {
    const fetch = serve(() => Promise.reject(new DOMException('signal timed out', 'TimeoutError')));
    expect(await saveLink(URL_)).toEqual({ ok: false, error: 'network', message: 'fetchTextTimeout(30)' });
    expect(fetch.mock.calls[0]?.[1]?.signal).toBeInstanceOf(AbortSignal);
  });

  it('stops reading a page past the size it could extract', async () => {
    const chunk = new Uint8Array(1 << 20).fill(0x61);
    let sent = 0;
    serve(() => new Response(new ReadableStream({ pull: (c) => void (sent++ < 100 ? c.enqueue(chunk) : c.close()) }), { headers: { 'content-type': 'text/html' } }));
    expect(await saveLink(URL_)).toMatchObject({ ok: false, error: 'too-large', message: 'pageTooLarge' });
    expect(sent).toBeLessThan(30);
  });
});
