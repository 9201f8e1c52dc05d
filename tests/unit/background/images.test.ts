/** Image caching at save time and on retry: what the background will fetch. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchImages } from '../../../src/background/images';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
const ARTICLE = { id: 'a1', url: 'https://news.example/story/1' };

describe('fetching an article\'s images', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('fetches web addresses only, without cookies, and reports the rest as missing', async () => {
    const fetched: { url: string; credentials?: RequestCredentials }[] = [];
    vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
      fetched.push({ url, credentials: init?.credentials });
      return new Response(PNG, { headers: { 'content-type': 'image/png' } });
    });
    const urls = [
      'https://img.example/1.png', 'http://intranet.example/2.png', 'file:///etc/passwd', 'data:image/png;base64,AAAA',
      'chrome-extension://abc/icons/16.png', 'https://user:secret@img.example/3.png', 'not a url',
    ];
    const { images, missing } = await fetchImages(ARTICLE, urls);
    expect(fetched).toEqual([
      { url: 'https://img.example/1.png', credentials: 'omit' },
      { url: 'http://intranet.example/2.png', credentials: 'omit' },
    ]);
    expect(images.map((i) => i.url)).toEqual(['https://img.example/1.png', 'http://intranet.example/2.png']);
    expect(missing).toEqual(urls.slice(2));
  });

  it('fetches no image on this machine or the local network for a public page, and fetches them for a page there', async () => {
    const fetched: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      fetched.push(url);
      return new Response(PNG, { headers: { 'content-type': 'image/png' } });
    });
    const local = [
      'http://192.168.1.1/reboot.png', 'http://10.0.0.5/a.png', 'http://172.20.1.1/a.png', 'http://127.0.0.1:8080/a.png',
      'http://0x7f.1/a.png', 'http://169.254.169.254/latest/meta-data.png', 'http://100.64.0.1/a.png', 'http://localhost/a.png',
      'http://printer.local/a.png', 'http://nas.home.arpa/a.png', 'http://[::1]/a.png', 'http://[fd00::1]/a.png',
      'http://[fe80::1]/a.png', 'http://[::ffff:192.168.1.1]/a.png', 'http://0.0.0.0/a.png',
      'http://router/a.png', 'http://intranet:8080/a.png', 'http://router.lan/a.png', 'http://nas.home/a.png', 'http://wiki.corp./a.png',
      'http://[::7f00:1]/a.png', 'http://[64:ff9b::c0a8:101]/a.png',
    ];
    const publicHosts = ['https://img.example/a.png', 'http://172.32.0.1/a.png', 'http://11.0.0.1/a.png', 'https://localhost.example/a.png', 'http://[fc::1]/a.png', 'https://lan.example/a.png', 'http://[64:ff9b::808:808]/a.png'];
    const fromPublic = await fetchImages(ARTICLE, [...local, ...publicHosts]);
    expect(fetched).toEqual(publicHosts);
    expect(fromPublic.missing).toEqual(local);

    fetched.length = 0;
    const fromLocal = await fetchImages({ id: 'a2', url: 'http://192.168.1.20/wiki/page' }, local.slice(0, 2));
    expect(fetched).toEqual(local.slice(0, 2));
    expect(fromLocal.images.map((i) => i.url)).toEqual(local.slice(0, 2));
  });

  it('stops reading an image once it is past 15 MB, and never starts on one that says it is larger', async () => {
    const MB = 1024 * 1024;
    let pulled = 0;
    let cancelled = false;
    /** A 64 MB image/png body, a megabyte at a time. */
    const endless = () => new ReadableStream<Uint8Array>({
      pull(controller) {
        if (++pulled > 64) controller.close();
        else controller.enqueue(new Uint8Array(MB));
      },
      cancel() {
        cancelled = true;
      },
    }, { highWaterMark: 0 });
    vi.stubGlobal('fetch', async (url: string) => url.endsWith('/declared.png')
      ? new Response(endless(), { headers: { 'content-type': 'image/png', 'content-length': String(1024 * MB) } })
      : new Response(endless(), { headers: { 'content-type': 'image/png' } }));

    const streamed = await fetchImages(ARTICLE, ['https://img.example/huge.png']);
    expect(streamed).toEqual({ images: [], missing: ['https://img.example/huge.png'], overBudget: 0 });
    // What it held at most: the limit and the chunk that crossed it.
    expect(pulled).toBeLessThanOrEqual(16);
    expect(cancelled).toBe(true);

    pulled = 0;
    const declared = await fetchImages(ARTICLE, ['https://img.example/declared.png']);
    expect(declared).toEqual({ images: [], missing: ['https://img.example/declared.png'], overBudget: 0 });
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it('keeps an image of exactly 15 MB, with or without a length', async () => {
    const body = new Uint8Array(15 * 1024 * 1024).fill(7);
    vi.stubGlobal('fetch', async (url: string) => new Response(body, {
      headers: { 'content-type': 'image/jpeg', ...(url.endsWith('/sized.jpg') ? { 'content-length': String(body.length) } : {}) },
    }));
    const { images, missing } = await fetchImages(ARTICLE, ['https://img.example/sized.jpg', 'https://img.example/chunked.jpg']);
    expect(missing).toEqual([]);
    expect(images.map((i) => [i.url, i.type, i.bytes.length, i.bytes[i.bytes.length - 1]])).toEqual([
      ['https://img.example/sized.jpg', 'image/jpeg', body.length, 7],
      ['https://img.example/chunked.jpg', 'image/jpeg', body.length, 7],
    ]);
  });

  it('fetches a few at a time, however many the page has, and keeps them in the article\'s order', async () => {
    let open = 0;
    let most = 0;
    vi.stubGlobal('fetch', async (url: string) => {
      most = Math.max(most, ++open);
      // Later images answer sooner.
      await new Promise((resolve) => setTimeout(resolve, 20 - Number(/(\d+)\.png$/.exec(url)?.[1]) % 20));
      open--;
      return new Response(PNG, { headers: { 'content-type': 'image/png' } });
    });
    const urls = Array.from({ length: 300 }, (_, i) => `https://img.example/${i}.png`);
    const { images, missing } = await fetchImages(ARTICLE, urls);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(6);
    expect(missing).toEqual([]);
    expect(images.map((i) => i.url)).toEqual(urls);
  });

  it('stores an article\'s images up to 50 MB in the article\'s order, and lists the rest as missing past the budget', async () => {
    const MB = 1024 * 1024;
    vi.stubGlobal('fetch', async (url: string) => {
      const n = Number(/(\d+)\.jpg$/.exec(url)?.[1]);
      // Ten pictures of 12 MB, the first answering last; the sixth is small and still fits.
      await new Promise((resolve) => setTimeout(resolve, 50 - n * 5));
      return new Response(new Uint8Array(n === 5 ? 1024 : 12 * MB), { headers: { 'content-type': 'image/jpeg' } });
    });
    const urls = Array.from({ length: 10 }, (_, i) => `https://img.example/${i}.jpg`);
    const { images, missing, overBudget } = await fetchImages(ARTICLE, urls);
    expect(images.map((i) => i.url)).toEqual([urls[0], urls[1], urls[2], urls[3], urls[5]]);
    expect(images.reduce((sum, i) => sum + i.bytes.length, 0)).toBeLessThanOrEqual(50 * MB);
    expect(missing).toEqual([urls[4], ...urls.slice(6)]);
    expect(overBudget).toBe(5);
  });

  it('asks for no image once the budget is spent (a retry of an article whose stored images fill it)', async () => {
    const requested: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => (requested.push(url), new Response(PNG, { headers: { 'content-type': 'image/png' } })));
    const urls = ['https://img.example/1.png', 'https://img.example/2.png'];
    expect(await fetchImages(ARTICLE, urls, 0)).toEqual({ images: [], missing: urls, overBudget: 2 });
    expect(requested).toEqual([]);
    expect(await fetchImages(ARTICLE, urls, PNG.length)).toEqual({
      images: [{ articleId: 'a1', url: urls[0], type: 'image/png', bytes: PNG }],
      missing: [urls[1]],
      overBudget: 1,
    });
  });
});
