/**
 * 20,000 saved articles: the library lists them all, the list stays virtual
 * (a few dozen rows in the DOM) and the keyboard reaches the last one. How
 * fast the first rows appear is a figure, measured by `npm run bench -- library`.
 */
import { expect, test } from './chromium';

const COUNT = 20_000;

test('the library lists 20,000 entries in a virtual list the keyboard can walk', async ({ extension }) => {
  test.setTimeout(180_000);
  const { context, extensionId } = extension;
  const page = await context.newPage();
  const url = `chrome-extension://${extensionId}/library.html`;
  await page.goto(url);
  await expect(page.locator('#state-empty')).toBeVisible();

  // Fill the index directly (test set-up only; the product writes through the background).
  await page.evaluate(async (count: number) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('qingdu');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const base = Date.UTC(2024, 0, 1);
    // Segments of 50 index rows, as the storage module keeps them (schema v4).
    for (let start = 0; start < count; start += 2000) {
      const tx = db.transaction('entrySegments', 'readwrite');
      const store = tx.objectStore('entrySegments');
      const rows = [];
      for (let i = start; i < Math.min(count, start + 2000); i++) {
        const iso = new Date(base + i * 60_000).toISOString();
        rows.push({
          id: `e${String(i).padStart(6, '0')}`,
          url: `https://www.ftchinese.com/story/${i}`,
          title: `第 ${i} 篇：中国经济增长放缓，央行表示将继续支持实体经济`,
          siteName: i % 3 ? 'FT中文网' : '经济学人',
          lang: 'zh-CN',
          byline: '记者',
          lead: '导语'.repeat(20),
          leadImage: null,
          published: iso,
          savedAt: iso,
          updatedAt: iso,
          readAt: null,
          state: i % 4 === 0 ? 'read' : 'unread',
          tags: i % 5 === 0 ? ['经济'] : [],
          readingMinutes: 5,
          length: 2500,
          partial: false,
          progress: 0,
          linkOnly: false,
          bodyBytes: 8000,
          imageBytes: 0,
          missingImages: [],
        });
      }
      for (let k = 0; k < rows.length; k += 50) {
        const part = rows.slice(k, k + 50);
        store.put({ ids: part.map((r) => r.id), entries: part, newest: part[part.length - 1]!.savedAt }, (start + k) / 50);
      }
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
    }
    db.close();
  }, COUNT);

  // Everything loaded: the count is right, and only a screenful of rows exists.
  await page.goto(url);
  // Written as the UI's language writes counts: 20,000.
  const count = COUNT.toLocaleString('en-US');
  await expect(page.locator('#summary')).toHaveText(new RegExp(`^(显示全部 ${count} 篇|Showing all ${count})$`));
  expect(await page.locator('.row').count()).toBeLessThan(80);
  // Keyboard to the end of the list: the last row is rendered and focused.
  await page.locator('.row-title').first().focus();
  await page.keyboard.press('End');
  await expect(page.locator('.row.current .row-title')).toBeFocused();
  await expect(page.locator('.row.current')).toHaveAttribute('aria-posinset', String(COUNT));
});
