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
});
