/**
 * Faults during a save, in real Chromium with the built extension: an image
 * host failing, pictures printed on a host it may not fetch from, storage
 * full, the service worker stopped mid-save. Each ends
 * with a clear message in the popup and nothing lost from the library.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page, Worker } from '@playwright/test';
import { expect, libraryRow, openLibrary, openPopupFor, previewTab, saveFromPopup, test } from './chromium';
import { HERO_PNG, ROOT, SEED_TITLE, SEED_URL, seedPage } from './pages';

const SAVE = /^(保存|Save|再次保存（更新）|Save again \(update\))$/;

interface Row {
  id: string;
  title: string;
  missingImages: string[];
  imageBytes: number;
}

/** The library as stored: index rows and bodies, read straight from IndexedDB in the worker or an extension page. */
async function stored(where: Worker | Page): Promise<{ rows: Row[]; bodies: { title: string; textContent: string }[] }> {
  return (where as Worker).evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('qingdu');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['entrySegments', 'bodies'], 'readonly');
          const segments = tx.objectStore('entrySegments').getAll();
          const bodies = tx.objectStore('bodies').getAll();
          tx.oncomplete = () => {
            db.close();
            resolve({ rows: segments.result.flatMap((segment: { entries: Row[] }) => segment.entries), bodies: bodies.result });
          };
        };
      }),
  );
}

async function clickSave(context: BrowserContext, worker: Worker, extensionId: string, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  const popup = await openPopupFor(context, worker, extensionId, page);
  await popup.getByRole('button', { name: SAVE }).click();
  return popup;
}

test.describe('faults while saving (Chromium)', () => {
  test('an image host failing: the article is saved, the image is marked and a retry fetches it', async ({ extension }) => {
    const { context, worker, extensionId } = extension;
    await context.route(/thumbor\.ftacademy\.cn/, (route) => route.abort('connectionrefused'));

    const popup = await clickSave(context, worker, extensionId, SEED_URL);
    await expect(popup.locator('#save')).toHaveText(/^(已保存|Saved)$/);
    await expect(popup.locator('#save-status')).toHaveText(/1 张图片未能保存|1 image was not saved/);
    let [row] = (await stored(worker)).rows;
    expect(row?.title).toBe(SEED_TITLE);
    expect(row?.missingImages).toHaveLength(1);

    // The host is back: a retry from the library's side stores the image.
    await context.unroute(/thumbor\.ftacademy\.cn/);
    const library = await context.newPage();
    await library.goto(`chrome-extension://${extensionId}/library.html`);
    const outcome = await library.evaluate(
      (id) => chrome.runtime.sendMessage({ type: 'library.retryImages', data: { id } }),
      row!.id,
    );
    expect(outcome.ok).toBe(true);
    [row] = (await stored(worker)).rows;
    expect(row?.missingImages).toEqual([]);
    expect(row?.imageBytes).toBe(HERO_PNG.length);
  });

  test('a 2016 story whose pictures the page prints as http://i.ftimg.net: no access is asked for on Save, and all five are fetched over https and stored', async ({ extension, pages }) => {
    const { context, worker, extensionId } = extension;
    const url = 'https://www.ftchinese.com/story/001066979/ce';
    pages.set(url, readFileSync(join(ROOT, 'tests', 'fixtures', 'www.ftchinese.com--story-001066979-ce-2016', 'source.html'), 'utf8'));
    // What the background fetches to store (the story page loads its own pictures too).
    const fetched: string[] = [];
    await context.route(/\/picture\//, (route) => {
      if (route.request().serviceWorker()) fetched.push(route.request().url());
      return route.fallback();
    });
    const popup = await clickSave(context, worker, extensionId, url);
    await expect(popup.locator('#save')).toHaveText(/^(已保存|Saved)$/);
    await expect(popup.locator('#save-status')).not.toHaveText(/未能保存|not saved/);
    // A picture host the extension has no access to would have meant a permission prompt on Save, remembered as asked.
    expect(await worker.evaluate(() => chrome.storage.local.get('asked-image-origins'))).toEqual({});
    expect(fetched).toHaveLength(5);
    expect(fetched.filter((u) => !u.startsWith('https://d1sh1cgb4xvhl.cloudfront.net/unsafe/picture/'))).toEqual([]);
    const [row] = (await stored(worker)).rows;
    expect(row?.missingImages).toEqual([]);
    expect(row?.imageBytes).toBe(5 * HERO_PNG.length);
  });

  test('a page of many large pictures: a few are fetched at a time, the first 50 MB are stored in order and the popup says why the rest are not', async ({ extension, pages }) => {
    const { context, worker, extensionId } = extension;
    const url = 'https://cn.ft.com/story/001088997';
    const big = Array.from({ length: 8 }, (_, i) => `https://thumbor.ftacademy.cn/unsafe/big/${i}.jpg`);
    const figures = big.map((src, i) => `<figure><img src="${src}" alt="大图 ${i}" width="1200" height="800"></figure>`).join('');
    pages.set(url, seedPage().replace(/001088998/g, '001088997').replace('<div id="story-body-container">', `<div id="story-body-container">${figures}`));
    // The background's requests get 12 MB each, the later pictures sooner; the page itself gets the small PNG.
    const MB = 1024 * 1024;
    let open = 0;
    let most = 0;
    await context.route(/thumbor\.ftacademy\.cn\/unsafe\/big\//, async (route) => {
      if (!route.request().serviceWorker()) return route.fulfill({ status: 200, contentType: 'image/png', body: HERO_PNG });
      most = Math.max(most, ++open);
      const n = Number(/(\d+)\.jpg$/.exec(route.request().url())?.[1]);
      await new Promise((resolve) => setTimeout(resolve, 400 - n * 40));
      await route.fulfill({ status: 200, contentType: 'image/jpeg', body: Buffer.alloc(12 * MB, n) }).catch(() => undefined);
      open--;
    });

    const popup = await clickSave(context, worker, extensionId, url);
    await expect(popup.locator('#save')).toHaveText(/^(已保存|Saved)$/, { timeout: 30_000 });
    await expect(popup.locator('#save-status')).toHaveText(/^(4 张图片没有保存：这篇文章的图片已达 50 MB|4 images were not saved: this article's images reached 50 MB)/);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(4);
    const [row] = (await stored(worker)).rows;
    expect(row?.missingImages).toEqual(big.slice(4));
    expect(row?.imageBytes).toBe(4 * 12 * MB + HERO_PNG.length);
  });

  test('storage full: the save fails with a clear message and earlier articles are intact', async ({ extension, pages }) => {
    const { context, worker, extensionId } = extension;
    const first = await clickSave(context, worker, extensionId, SEED_URL);
    await expect(first.locator('#save')).toHaveText(/^(已保存|Saved)$/);
    const before = await stored(worker);

    // Every IndexedDB write in the worker now fails as a full disk does.
    await worker.evaluate(() => {
      const full = () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
      IDBObjectStore.prototype.put = full;
      IDBObjectStore.prototype.add = full;
    });
    const secondUrl = 'https://cn.ft.com/story/001088999';
    pages.set(secondUrl, seedPage().replace(/001088998/g, '001088999').replaceAll(SEED_TITLE, '第二篇：存储已满时的文章'));
    const second = await clickSave(context, worker, extensionId, secondUrl);
    await expect(second.locator('#save-status')).toHaveText(/存储空间已满|Storage is full/);
    await expect(second.locator('#save')).toBeEnabled();

    const after = await stored(worker);
    expect(after).toEqual(before);
  });

  test('the service worker stopped mid-save: the popup says so and the library holds the old record or the new one', async ({ extension, pages }) => {
    const { context, worker, extensionId } = extension;
    const first = await clickSave(context, worker, extensionId, SEED_URL);
    await expect(first.locator('#save')).toHaveText(/^(已保存|Saved)$/);
    const before = await stored(worker);

    // A new version of the story whose image is slow: the save is in flight when the worker stops.
    pages.set(SEED_URL, seedPage().replace('至少导致两人丧生', '更新版：至少导致两人丧生'));
    let imageRequested!: () => void;
    const requested = new Promise<void>((resolve) => (imageRequested = resolve));
    await context.route(/thumbor\.ftacademy\.cn/, async (route) => {
      // The page shows its own copy at once; the background's fetch, the save's, is the one held.
      if (route.request().serviceWorker()) {
        imageRequested();
        await new Promise((resolve) => setTimeout(resolve, 5_000));
      }
      await route.fulfill({ status: 200, contentType: 'image/png', body: HERO_PNG }).catch(() => undefined);
    });
    const popup = await clickSave(context, worker, extensionId, SEED_URL);
    await requested;
    const cdp = await context.newCDPSession(popup);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');

    await expect(popup.locator('#save-status')).toHaveText(/保存被中断|Saving was interrupted/);
    const library = await context.newPage();
    await library.goto(`chrome-extension://${extensionId}/library.html`);
    const after = await stored(library);
    expect(after.rows).toHaveLength(1);
    expect(after.bodies).toHaveLength(1);
    // Old or new, but whole: the body is one version's text, and the row matches the body.
    const body = after.bodies[0]!;
    const isOld = JSON.stringify(after) === JSON.stringify(before);
    const isNew = body.textContent.includes('更新版：至少导致两人丧生');
    expect(isOld || isNew).toBe(true);
    expect(after.rows[0]!.title).toBe(SEED_TITLE);
  });
});

// The background took its copy of the deleted article before writing it back: an Undo on a full disk lost it.
test('an Undo that fails on a full disk says why, and the next Undo brings the article back', async ({ extension }) => {
  const { context, worker, extensionId } = extension;
  await saveFromPopup(context, worker, extensionId, SEED_URL);
  const library = await openLibrary(context, extensionId);
  await libraryRow(library, SEED_TITLE).getByRole('button', { name: /^(删除|Delete)$/ }).click();
  await expect(library.locator('.row')).toHaveCount(0);
  const restore = await worker.evaluateHandle(() => {
    const original = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    return () => (IDBObjectStore.prototype.put = original);
  });
  await library.locator('#toast-undo').click();
  await expect(library.locator('#toast-text')).toHaveText(/^(未能撤销，文章仍是删除状态。存储空间已满|Could not undo, so the article is still deleted\. Storage is full)/);
  await expect(library.locator('#toast-undo')).toBeFocused();
  await expect(library.locator('.row')).toHaveCount(0);
  await restore.evaluate((undo) => undo());
  await library.keyboard.press('Enter');
  await expect(libraryRow(library, SEED_TITLE)).toBeVisible();
});

test.describe('in a Chinese browser', () => {
  test.use({ lang: 'zh-CN' });

  test('a storage failure of no known kind is told in Chinese, and a full disk with no space after the colon', async ({ extension, pages }) => {
    const { context, worker, extensionId } = extension;
    // The database failing in a way the storage module has no name for: its message is English.
    const restore = await worker.evaluateHandle(() => {
      const original = IDBDatabase.prototype.transaction;
      IDBDatabase.prototype.transaction = () => {
        throw new Error('Something unforeseen.');
      };
      return () => (IDBDatabase.prototype.transaction = original);
    });
    const popup = await clickSave(context, worker, extensionId, SEED_URL);
    await expect(popup.locator('#save-status')).toHaveText('保存失败：保存时出了问题，阅读列表没有改动。请再试一次。');
    await expect(popup.locator('#save')).toBeEnabled();

    await restore.evaluate((undo) => undo());
    await worker.evaluate(() => {
      IDBObjectStore.prototype.put = () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
    });
    const secondUrl = 'https://cn.ft.com/story/001088999';
    pages.set(secondUrl, seedPage().replace(/001088998/g, '001088999'));
    const second = await clickSave(context, worker, extensionId, secondUrl);
    await expect(second.locator('#save-status')).toHaveText(/^保存失败：存储空间已满/);
  });

  test('the reader\'s Save says the same, in Chinese, and it stays', async ({ extension }) => {
    const { context, worker, extensionId } = extension;
    const { reader } = await previewTab(context, worker, extensionId, SEED_URL);
    await expect(reader.locator('.rd-title')).toHaveText(SEED_TITLE);
    await worker.evaluate(() => {
      IDBDatabase.prototype.transaction = () => {
        throw new Error('Something unforeseen.');
      };
    });
    await reader.getByRole('button', { name: '保存' }).click();
    await expect(reader.locator('#status')).toHaveText('保存失败：保存时出了问题，阅读列表没有改动。请再试一次。');
    // Still there for a reader who looked away: a passing note (a theme's name) goes after 4 s, a failure stays.
    await reader.waitForTimeout(5000);
    expect(await reader.locator('#status').textContent()).toBe('保存失败：保存时出了问题，阅读列表没有改动。请再试一次。');
  });
});

test('200 saves from 20 tabs at once: all 200 present, none mixed up', async ({ extension }) => {
  test.setTimeout(120_000);
  const { context, extensionId } = extension;
  const tabs = await Promise.all(
    Array.from({ length: 20 }, async () => {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/library.html`);
      return page;
    }),
  );
  // Each tab fires its ten saves without waiting; every article's body names its own URL.
  const outcomes = await Promise.all(
    tabs.map((page, t) =>
      page.evaluate(async (t: number) => {
        const saves = Array.from({ length: 10 }, (_, i) => {
          const n = t * 10 + i;
          const url = `https://cn.ft.com/story/00120${String(n).padStart(4, '0')}`;
          const text = `第${n}篇文章的正文，只属于 ${url}。`.repeat(20);
          const article = {
            title: `并发保存 ${n}`, url, siteName: 'FT中文网', lang: 'zh-CN', lead: null, leadImage: null, byline: null,
            translator: null, published: null, updated: null, contentHtml: `<p>${text}</p>`, textContent: text,
            length: text.length, readingMinutes: 2, partial: false, fullTextUrl: null, paywalled: false,
          };
          return chrome.runtime.sendMessage({ type: 'library.save', data: { article } });
        });
        return Promise.all(saves);
      }, t),
    ),
  );
  expect(outcomes.flat().filter((o: { ok: boolean }) => !o.ok)).toEqual([]);
  const lib = tabs[0]!;
  const { rows, bodies } = await stored(lib);
  expect(rows).toHaveLength(200);
  expect(bodies).toHaveLength(200);
  const byTitle = new Map(bodies.map((b) => [b.title, b]));
  for (let n = 0; n < 200; n++) {
    const body = byTitle.get(`并发保存 ${n}`);
    expect(body?.textContent).toContain(`第${n}篇文章的正文，只属于 https://cn.ft.com/story/00120${String(n).padStart(4, '0')}。`);
  }
});
