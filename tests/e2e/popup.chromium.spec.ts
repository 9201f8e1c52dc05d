import { PLAIN_URL, SEED_TITLE, SEED_URL } from './pages';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPages, expect, launchChromium, openPopupFor, test } from './chromium';

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
    expect(await page.evaluate(() => performance.getEntriesByName('qingdu:extract').length)).toBe(0);

    const popup = await openPopupFor(context, worker, extensionId, page);
    await expect(popup.locator('#article-title')).toHaveText(SEED_TITLE);
    await expect(popup.getByRole('button', { name: /^(保存|Save)$/ })).toBeVisible();
    // Asking is what made it work: exactly one extraction ran in the page.
    expect(await page.evaluate(() => performance.getEntriesByName('qingdu:extract').length)).toBe(1);
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
});

test('the UI speaks the browser\'s language: Chinese in a Chinese browser, English in an English one', async () => {
  for (const [lang, save, library] of [
    ['zh-CN', '保存', '阅读列表'],
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
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }
});
