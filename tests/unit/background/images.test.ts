/** Image caching at save time and on retry: what the background will fetch. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchImages } from '../../../src/background/images';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);

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
    const { images, missing } = await fetchImages('a1', urls);
    expect(fetched).toEqual([
      { url: 'https://img.example/1.png', credentials: 'omit' },
      { url: 'http://intranet.example/2.png', credentials: 'omit' },
    ]);
    expect(images.map((i) => i.url)).toEqual(['https://img.example/1.png', 'http://intranet.example/2.png']);
    expect(missing).toEqual(urls.slice(2));
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

    const streamed = await fetchImages('a1', ['https://img.example/huge.png']);
    expect(streamed).toEqual({ images: [], missing: ['https://img.example/huge.png'] });
    // What it held at most: the limit and the chunk that crossed it.
    expect(pulled).toBeLessThanOrEqual(16);
    expect(cancelled).toBe(true);

    pulled = 0;
    const declared = await fetchImages('a1', ['https://img.example/declared.png']);
    expect(declared).toEqual({ images: [], missing: ['https://img.example/declared.png'] });
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it('keeps an image of exactly 15 MB, with or without a length', async () => {
    const body = new Uint8Array(15 * 1024 * 1024).fill(7);
    vi.stubGlobal('fetch', async (url: string) => new Response(body, {
      headers: { 'content-type': 'image/jpeg', ...(url.endsWith('/sized.jpg') ? { 'content-length': String(body.length) } : {}) },
    }));
    const { images, missing } = await fetchImages('a1', ['https://img.example/sized.jpg', 'https://img.example/chunked.jpg']);
    expect(missing).toEqual([]);
    expect(images.map((i) => [i.url, i.type, i.bytes.length, i.bytes[i.bytes.length - 1]])).toEqual([
      ['https://img.example/sized.jpg', 'image/jpeg', body.length, 7],
      ['https://img.example/chunked.jpg', 'image/jpeg', body.length, 7],
    ]);
  });
});

