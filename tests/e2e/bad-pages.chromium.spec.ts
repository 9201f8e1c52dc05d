/**
 * Pages that are not articles, in real Chromium: each gives the popup a plain
 * message and never an error screen or a save button.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, openPopupFor, test } from './chromium';
import { HERO_PNG, seedPage } from './pages';

const HUGE_URL = 'https://cn.ft.com/story/001000001';
const MALFORMED_URL = 'https://cn.ft.com/story/001000002';
const IMAGE_URL = 'https://cn.ft.com/picture/hero.png';
const GBK_URL = 'https://big5.ftchinese.com/story/001000003';

/** A story page padded to over 10 MB of HTML (a runaway comments section, say). */
function hugePage(): string {
  const filler = `<div class="comment"><p>${'评论内容很长。'.repeat(60)}</p></div>\n`;
  return seedPage().replace('</body>', `${filler.repeat(Math.ceil((10.5 * 1024 * 1024) / filler.length))}</body>`);
}

test.describe('bad pages (Chromium)', () => {
  test.use({
    // eslint-disable-next-line no-empty-pattern
    pages: async ({}, use) => {
      const malformed = seedPage().replace(/<\/div>/g, '').replace('<p>', '<p><table><td><b><i>');
      use(new Map([[HUGE_URL, hugePage()], [MALFORMED_URL, malformed]]));
    },
  });

  test('a 10 MB page is refused with a clear reason', async ({ extension }) => {
    const { context, worker, extensionId } = extension;
    const page = await context.newPage();
    await page.goto(HUGE_URL);
    const popup = await openPopupFor(context, worker, extensionId, page);
    await expect(popup.locator('#empty-detail')).toHaveText(/太大|too large/, { timeout: 30_000 });
    await expect(popup.locator('#save')).toBeHidden();
  });

  test('malformed HTML still gives the article', async ({ extension }) => {
    const { context, worker, extensionId } = extension;
    const page = await context.newPage();
    await page.goto(MALFORMED_URL);
    const popup = await openPopupFor(context, worker, extensionId, page);
    await expect(popup.locator('#article-title')).toHaveText('俄罗斯表示准备军事支持白俄罗斯');
  });

  test('a GBK-encoded page reads as Chinese', async ({ extension }) => {
    const { context, worker, extensionId } = extension;
    const body = readFileSync(join(import.meta.dirname, 'assets', 'gbk-story.html'));
    await context.route(GBK_URL, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=gbk', body }));
    const page = await context.newPage();
    await page.goto(GBK_URL);
    const popup = await openPopupFor(context, worker, extensionId, page);
    await expect(popup.locator('#article-title')).toHaveText('央行维持利率不变以稳定市场');
  });

  test('an image tab and a browser page say there is nothing to read', async ({ extension }) => {
    const { context, worker, extensionId } = extension;
    await context.route(IMAGE_URL, (route) => route.fulfill({ status: 200, contentType: 'image/png', body: HERO_PNG }));
    const image = await context.newPage();
    await image.goto(IMAGE_URL);
    const popup = await openPopupFor(context, worker, extensionId, image);
    await expect(popup.locator('#state-empty')).toBeVisible();
    await expect(popup.locator('#state-error')).toBeHidden();

    const internal = await context.newPage();
    await internal.goto("chrome://version");
    const popup2 = await openPopupFor(context, worker, extensionId, internal);
    await expect(popup2.locator('#empty-detail')).toHaveText(/浏览器内部页面|Browser pages/);
  });
});
