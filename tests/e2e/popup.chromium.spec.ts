import { PLAIN_URL, ROOT, SEED_TITLE, SEED_URL, seedPage } from './pages';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { defaultPages, expect, launchChromium, libraryRow, openLibrary, openPopupFor, test } from './chromium';

test.describe('popup and content script (Chromium)', () => {
  test('content script waits on the FT page until asked, then the popup shows the title', async ({ extension }) => {
    const { context, worker, extensionId } = extension;
    const page = await context.newPage();
    await page.goto(SEED_URL);

    // The declared content script is there (it answers), but has done no extraction work yet.
    await expect
      .poll(() =>
        worker.evaluate(async (url: string) => {
          const [tab] = await chrome.tabs.query({ url });
          const [res] = await chrome.scripting.executeScript({
            target: { tabId: tab.id },
            func: () => (window as unknown as { __qingduContentReady?: boolean }).__qingduContentReady === true,
          });
          return res?.result;
        }, SEED_URL),
      )
      .toBe(true);
    // Each extraction clones the page's document once. Counted in the content script's own world, which the page
    // cannot see or patch: the page's timeline is no place to count them (Qingdu leaves nothing there).
    const extractions = (install = false) =>
      worker.evaluate(async ({ url, install }) => {
        const [tab] = await chrome.tabs.query({ url });
        const [res] = await chrome.scripting.executeScript({
          target: { tabId: tab.id },
          args: [install],
          func: (install: boolean) => {
            const probe = window as unknown as { __clones?: number };
            if (install) {
              probe.__clones = 0;
              const clone = Node.prototype.cloneNode;
              Node.prototype.cloneNode = function (this: Node, deep?: boolean) {
                if (this === document) probe.__clones = (probe.__clones ?? 0) + 1;
                return clone.call(this, deep);
              };
            }
            return probe.__clones;
          },
        });
        return res?.result as number;
      }, { url: SEED_URL, install });
    expect(await extractions(true)).toBe(0);
    await page.waitForTimeout(300);
    expect(await extractions()).toBe(0);

    const popup = await openPopupFor(context, worker, extensionId, page);
    await expect(popup.locator('#article-title')).toHaveText(SEED_TITLE);
    await expect(popup.getByRole('button', { name: /^(保存|Save)$/ })).toBeVisible();
    // Asking is what made it work: exactly one extraction ran in the page.
    expect(await extractions()).toBe(1);
  });

  test('a page that names an element like the content script\'s marker is still read', async ({ extension }) => {
    const { context, worker, extensionId } = extension;
    // An element's id is a property of the window in the content script's world too: it read as "already set up",
    // so no listener was added and the popup showed "Could not establish connection. Receiving end does not exist."
    const url = 'https://cn.ft.com/story/001088998?clobbered';
    const html = seedPage().replace('<body>', '<body><div id="__qingduContentReady"></div>');
    await context.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    const page = await context.newPage();
    await page.goto(url);
    const popup = await openPopupFor(context, worker, extensionId, page);
    await expect(popup.locator('#article-title')).toHaveText(SEED_TITLE);
    await expect(popup.locator('#state-error')).toBeHidden();
  });

  test('on a page with no article the popup says so plainly', async ({ extension }) => {
    const { context, worker, extensionId } = extension;
    const page = await context.newPage();
    await page.goto(PLAIN_URL);
    const popup = await openPopupFor(context, worker, extensionId, page);
    await expect(popup.locator('#state-empty h1')).toHaveText(/没有可读的文章|No article on this page/);
    await expect(popup.locator('#state-article')).toBeHidden();
    await expect(popup.getByRole('button', { name: /^(保存|Save)$/ })).toHaveCount(0);
  });

  test('on page 1 of a story whose single-page text cannot be fetched, the popup says only one page was read, before anything is saved', async ({ extension }) => {
    const { context, worker, extensionId } = extension;
    const url = 'https://www.ftchinese.com/story/001090567';
    const html = readFileSync(join(ROOT, 'tests', 'fixtures', 'www.ftchinese.com--story-001090567-page1-of-3', 'source.html'), 'utf8');
    // Page 1 answers; its `?full=y` page does not.
    await context.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    const page = await context.newPage();
    await page.goto(url);
    const popup = await openPopupFor(context, worker, extensionId, page);
    await expect(popup.locator('#article-title')).toHaveText('迪士尼面临数字化两难');
    const partial = popup.locator('#article-partial');
    await expect(partial).toHaveText(/^(只读到了这篇多页文章的一页|Only one page of this multi-page story could be read)/);
    // Nothing has been saved yet: the note must not say it has ("only this page was kept").
    await expect(partial).not.toHaveText(/保存|kept|saved/i);
    await expect(popup.getByRole('button', { name: /^(保存|Save)$/ })).toBeVisible();

    // Saved, its row in the library says it holds one page only.
    await popup.getByRole('button', { name: /^(保存|Save)$/ }).click();
    await expect(popup.getByRole('button', { name: /^(已保存|Saved)$/ })).toBeVisible();
    const library = await openLibrary(context, extensionId);
    const badge = libraryRow(library, '迪士尼面临数字化两难').locator('.badge.partial');
    await expect(badge).toHaveText(/^(仅一页|One page)$/);
    await expect(badge).toHaveAttribute('title', /(只保存了一页|Only one page)/);
  });

  test('after Save, "Saved" reads at full contrast and focus moves to "Open in library"', async ({ extension }) => {
    const { context, worker, extensionId } = extension;
    const page = await context.newPage();
    await page.goto(SEED_URL);
    const popup = await openPopupFor(context, worker, extensionId, page);
    // A keyboard user: the popup focuses Save, Enter presses it.
    await expect(popup.getByRole('button', { name: /^(保存|Save)$/ })).toBeFocused();
    await popup.keyboard.press('Enter');
    const saved = popup.getByRole('button', { name: /^(已保存|Saved)$/ });
    await expect(saved).toBeVisible({ timeout: 20_000 });
    await expect(saved).toHaveCSS('opacity', '1');
    const library = popup.getByRole('link', { name: /^(在阅读列表中打开|Open in library)$/ });
    await expect(library).toBeFocused();
    // The one way to the library now: the footer's plain link to it is gone.
    await expect(popup.locator('footer')).toBeHidden();
    await expect(library).toHaveAttribute('href', /\/library\.html#.+/);
    const row = await library.getAttribute('href');
    await popup.close();

    // Opened again on the saved article: reading it comes first, saving again (to update) second.
    const again = await openPopupFor(context, worker, extensionId, page);
    await expect(again.locator('#save-status')).toHaveText(/已在阅读列表中|already in your library/);
    await expect(again.getByRole('link', { name: /^(阅读|Reader view)$/ })).toBeFocused();
    await expect(again.getByRole('button', { name: /^(再次保存（更新）|Save again \(update\))$/ })).not.toHaveClass(/primary/);
    await expect(again.getByRole('link', { name: /^(在阅读列表中打开|Open in library)$/ })).toHaveAttribute('href', row ?? '');
  });

  test('tags typed in the popup once the article is saved are its tags in the library, and shown there next time', async ({ extension }) => {
    const { context, worker, extensionId } = extension;
    const page = await context.newPage();
    await page.goto(SEED_URL);
    const popup = await openPopupFor(context, worker, extensionId, page);
    const tags = popup.getByLabel(/^(标签，用逗号分隔|Tags, separated by commas)$/);
    // Nothing to tag before it is saved.
    await expect(tags).toBeHidden();
    await popup.getByRole('button', { name: /^(保存|Save)$/ }).click();
    await expect(popup.getByRole('button', { name: /^(已保存|Saved)$/ })).toBeVisible({ timeout: 20_000 });
    await expect(tags).toHaveValue('');
    // Chinese and ASCII commas both separate; a tag typed twice is one.
    await tags.fill('经济，央行, 经济');
    await tags.press('Enter');
    await expect(popup.locator('#tags-status')).toHaveText(/^(标签已保存。|Tags saved\.)$/);
    await expect(tags).toHaveValue('经济, 央行');
    await popup.close();

    const library = await openLibrary(context, extensionId);
    await expect(libraryRow(library, SEED_TITLE)).toContainText('#经济');
    await expect(libraryRow(library, SEED_TITLE)).toContainText('#央行');
    const again = await openPopupFor(context, worker, extensionId, page);
    await expect(again.getByLabel(/^(标签，用逗号分隔|Tags, separated by commas)$/)).toHaveValue('经济, 央行');
    await again.close();

    // Another story offers the library's tags, each added by one click.
    const url = 'https://cn.ft.com/story/001088990';
    await context.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: seedPage().replaceAll(SEED_TITLE, '另一篇文章') }));
    const other = await context.newPage();
    await other.goto(url);
    const third = await openPopupFor(context, worker, extensionId, other);
    await third.getByRole('button', { name: /^(保存|Save)$/ }).click();
    const offered = third.getByRole('group', { name: /^(常用标签|Your tags)$/ });
    await expect(offered.getByRole('button')).toHaveText(['#经济', '#央行']);
    await offered.getByRole('button', { name: '#央行' }).click();
    await expect(third.locator('#tags-status')).toHaveText(/^(标签已保存。|Tags saved\.)$/);
    await expect(third.getByLabel(/^(标签，用逗号分隔|Tags, separated by commas)$/)).toHaveValue('央行');
    await expect(offered.getByRole('button')).toHaveText(['#经济']);
    await expect(libraryRow(library, '另一篇文章')).toContainText('#央行');
  });

  test('a story saved from cn.ft.com and read again at www.ftchinese.com over http is the one saved article', async ({ extension }) => {
    const { context, worker, extensionId } = extension;
    const page = await context.newPage();
    await page.goto(SEED_URL);
    const popup = await openPopupFor(context, worker, extensionId, page);
    await popup.getByRole('button', { name: /^(保存|Save)$/ }).click();
    await expect(popup.getByRole('button', { name: /^(已保存|Saved)$/ })).toBeVisible({ timeout: 20_000 });
    await popup.close();

    // FT's own host, as its canonical link gives it: http, www.ftchinese.com.
    const canonical = 'http://www.ftchinese.com/story/001088998?full=y';
    await context.route(canonical, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: seedPage() }));
    const other = await context.newPage();
    await other.goto(canonical);
    const again = await openPopupFor(context, worker, extensionId, other);
    await expect(again.locator('#save-status')).toHaveText(/已在阅读列表中|already in your library/);
    await again.getByRole('button', { name: /^(再次保存（更新）|Save again \(update\))$/ }).click();
    await expect(again.getByRole('button', { name: /^(已保存|Saved)$/ })).toBeVisible({ timeout: 20_000 });

    const library = await openLibrary(context, extensionId);
    await expect(libraryRow(library, SEED_TITLE)).toHaveCount(1);
    await expect(library.locator('.row')).toHaveCount(1);
  });

  test('only the status messages are live: what a state says is heard, the title and buttons are not read out again', async ({ extension }) => {
    const { context, worker, extensionId } = extension;
    /** Every live region in the popup, by id, with the text a screen reader would announce from it. */
    const liveRegions = (popup: Page) =>
      popup
        .locator('[aria-live], [role="status"], [role="alert"], [role="log"]')
        .evaluateAll((els) => els.map((el) => [el.id, (el.textContent ?? '').replace(/\s+/g, ' ').trim()]));

    const page = await context.newPage();
    await page.goto(SEED_URL);
    const popup = await openPopupFor(context, worker, extensionId, page);
    await expect(popup.locator('#article-title')).toHaveText(SEED_TITLE);
    // The article is shown and Save has focus: no live region holds the title, the reading time or a button.
    expect(await liveRegions(popup)).toEqual([['state-status', ''], ['save-status', ''], ['tags-status', '']]);
    await popup.getByRole('button', { name: /^(保存|Save)$/ }).click();
    await expect(popup.getByRole('button', { name: /^(已保存|Saved)$/ })).toBeVisible({ timeout: 20_000 });
    // The button's new name and the library link that appear are heard through focus, not as a live change.
    expect(await liveRegions(popup)).toEqual([['state-status', ''], ['save-status', ''], ['tags-status', '']]);
    await popup.close();

    // A state with no focusable control says its heading and message through the status line.
    const plain = await context.newPage();
    await plain.goto(PLAIN_URL);
    const empty = await openPopupFor(context, worker, extensionId, plain);
    await expect(empty.locator('#state-empty')).toBeVisible();
    const heading = await empty.locator('#state-empty h1').textContent();
    const detail = await empty.locator('#empty-detail').textContent();
    expect(await liveRegions(empty)).toEqual([['state-status', `${heading} ${detail}`], ['save-status', ''], ['tags-status', '']]);
  });

  test('on an image tab the popup says it is an image or a PDF, not "open an article page"', async ({ extension }) => {
    const { context, worker, extensionId } = extension;
    const page = await context.newPage();
    await page.goto('https://cn.ft.com/picture/hero.png');
    const popup = await openPopupFor(context, worker, extensionId, page);
    await expect(popup.locator('#empty-detail')).toHaveText(/图片或 PDF|an image or a PDF/);
    await expect(popup.locator('#empty-detail')).not.toHaveText(/文章页面|article page/);
  });

  test('a tab with no page yet says it is still loading, and Retry reads it once it has arrived', async ({ extension }) => {
    const { context, worker, extensionId } = extension;
    const url = 'https://cn.ft.com/story/001088997';
    let requested!: () => void;
    let respond!: () => void;
    const asked = new Promise<void>((resolve) => (requested = resolve));
    const answer = new Promise<void>((resolve) => (respond = resolve));
    await context.route(url, async (route) => {
      requested();
      await answer;
      await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: seedPage() });
    });
    const page = await context.newPage();
    const loaded = page.goto(url);
    await asked;
    const popup = await openPopupFor(context, worker, extensionId, page);
    await expect(popup.locator('#waiting-detail')).toHaveText(/还在加载|still loading/);
    await expect(popup.getByText(/浏览器内部页面|Browser pages/)).toHaveCount(0);
    const retry = popup.getByRole('button', { name: /^(重试|Retry)$/ });
    await expect(retry).toBeFocused();

    respond();
    await loaded;
    await retry.click();
    await expect(popup.locator('#article-title')).toHaveText(SEED_TITLE);
  });
});

test('the UI speaks the browser\'s language: Simplified or Traditional Chinese, or English', async () => {
  for (const [lang, save, library] of [
    ['zh-CN', '保存', '阅读列表'],
    ['zh-TW', '儲存', '閱讀列表'],
    ['en-US', 'Save', 'Library'],
  ] as const) {
    const profile = mkdtempSync(join(tmpdir(), 'qingdu-lang-'));
    const { context, worker, extensionId } = await launchChromium(profile, defaultPages(), lang);
    try {
      const page = await context.newPage();
      await page.goto(SEED_URL);
      const popup = await openPopupFor(context, worker, extensionId, page);
      await expect(popup.getByRole('button', { name: save, exact: true })).toBeVisible();
      await expect(popup.locator('footer a')).toHaveText(library);
      // The page is in the interface's language; the article's title in its own.
      await expect(popup.locator('html')).toHaveAttribute('lang', lang);
      await expect(popup.locator('#article-title')).toHaveAttribute('lang', 'zh-CN');
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }
});
