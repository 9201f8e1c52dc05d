/** Images a save missed are fetched once the user grants their host, however broad the grant. */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Library } from '../../../src/storage/library';
import { article } from '../storage/helpers';

vi.mock('../../../src/platform/browser', () => ({ default: {} }));
const { retryImagesFor } = await import('../../../src/background/image-retry');

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);

describe('fetching missed images after a grant', () => {
  afterEach(() => vi.unstubAllGlobals());

  it.each([['https://*/*'], ['*://*.example.com/*'], ['<all_urls>'], ['https://img.example.com/*']])(
    'a grant of %s brings the missed image of a saved article into the library',
    async (grant) => {
      const library = await Library.open();
      const url = `https://news.example/${encodeURIComponent(grant)}`;
      const missed = `https://img.example.com:8443/${encodeURIComponent(grant)}.png`;
      const saved = await library.save(article(url, { contentHtml: `<p>x</p><img src="${missed}">` }), { images: [], missingImages: [missed] });
      vi.stubGlobal('fetch', async () => new Response(PNG, { headers: { 'content-type': 'image/png' } }));

      await retryImagesFor([grant]);

      expect((await library.getImage(saved.id, missed))?.bytes).toEqual(PNG);
      expect((await library.get(saved.id))?.missingImages).toEqual([]);
      await library.close();
    },
  );

  it('leaves an image the grant does not cover missing, and fetches nothing', async () => {
    const library = await Library.open();
    const missed = 'https://img.other.org/a.png';
    const saved = await library.save(article('https://news.example/other'), { images: [], missingImages: [missed] });
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);

    await retryImagesFor(['https://*.example.com/*', 'http://*/*']);

    expect(fetch).not.toHaveBeenCalled();
    expect((await library.get(saved.id))?.missingImages).toEqual([missed]);
    await library.close();
  });
});
