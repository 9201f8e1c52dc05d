/**
 * The reader on a saved bilingual FT article: side-by-side and interleaved
 * layouts (remembered), reading position restored, keyboard to and from the library.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPages, expect, openPopupFor, previewTab, saveFromPopup, test } from './chromium';
import { PLAIN_URL, SEED_TITLE, SEED_URL, SHARED } from './pages';

const CE_URL = 'https://www.ftchinese.com/story/001096000/ce';
const CE_TITLE = /It’s OK to be quiet in meetings/;

test.use({
  // English, whose labels are the longest: the narrow-window checks below are for it.
  lang: 'en-US',
  // eslint-disable-next-line no-empty-pattern
  pages: async ({}, use) => {
    const table = defaultPages();
    table.set(CE_URL, readFileSync(join(SHARED, 'fixtures', 'ftchinese', '2022-05-08_ce-bilingual_leftp-rightp.html'), 'utf8'));
    await use(table);
  },
});

test('bilingual layouts, remembered position and keyboard navigation', async ({ extension }) => {
  test.setTimeout(120_000);
  const { context, worker, extensionId } = extension;
  const page = await context.newPage();
  await page.goto(CE_URL);
  const popup = await openPopupFor(context, worker, extensionId, page);
  await popup.getByRole('button', { name: /^(保存|Save)$/ }).click();
  await expect(popup.locator('#save')).toHaveText(/^(已保存|Saved)$/, { timeout: 20_000 });
  await popup.close();

  // From the library with the keyboard: j selects the first row, Enter opens it.
  const library = await context.newPage();
  await library.setViewportSize({ width: 1400, height: 900 });
  await library.goto(`chrome-extension://${extensionId}/library.html`);
  await expect(library.locator('.row')).toHaveCount(1);
  await library.locator('body').click({ position: { x: 5, y: 300 } });
  await library.keyboard.press('j');
  await expect(library.locator('.row.current')).toHaveCount(1);
  await library.keyboard.press('Enter');
  await expect(library).toHaveURL(/reader\.html\?id=/);
  const reader = library;
  await expect(reader.locator('.rd-title')).toHaveText(CE_TITLE);

  // Side by side: English and Chinese of one pair sit in two columns.
  const pair = reader.locator('.qd-pair').nth(2);
  await expect(reader.locator('#bilingual-field')).toBeVisible();
  await expect(reader.locator('.rd-article')).toHaveAttribute('data-layout', 'side');
  const [en, zh] = [await pair.locator('[lang="en"]').boundingBox(), await pair.locator('[lang="zh"]').boundingBox()];
  expect(en && zh && zh.x > en.x + en.width - 1).toBe(true);
  expect(en && zh && Math.abs(zh.y - en.y) < 2).toBe(true);

  // In a window too narrow for two columns the pairs stack, and the menu says so.
  const side = reader.locator('#bilingual option[value="side"]');
  await expect(side).toHaveText(/^(左右对照|Side by side)$/);
  await reader.setViewportSize({ width: 600, height: 900 });
  await expect(side).toHaveText(/暂为上下|stacked/);

  // Phone-sized windows: nothing scrolls sideways, the toolbar keeps to two rows (three rows of its
  // controls alone would be taller), and the last control of the menus' row, reached with Tab, shows
  // whole with its focus ring (2px outline, 2px offset) even where that row has to scroll.
  for (const width of [360, 320]) {
    await reader.setViewportSize({ width, height: 740 });
    expect(await reader.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    const toolbar = (await reader.locator('.toolbar').boundingBox())!;
    expect(toolbar.height).toBeLessThan(3 * (await reader.locator('#back').boundingBox())!.height);
    await reader.locator('#bilingual').focus();
    await reader.keyboard.press('Tab');
    await expect(reader.locator('#convert')).toBeFocused();
    const convert = (await reader.locator('#convert').boundingBox())!;
    expect(convert.x + convert.width + 4).toBeLessThanOrEqual(width);
    // Lines are not justified there: one of a few characters before a long Latin name would be spread thin.
    await expect(reader.locator('.rd-article')).toHaveCSS('text-align', 'start');
  }
  await reader.setViewportSize({ width: 1000, height: 900 });
  await expect(reader.locator('.rd-article')).toHaveCSS('text-align', 'justify');
  await reader.setViewportSize({ width: 1400, height: 900 });
  await expect(side).toHaveText(/^(左右对照|Side by side)$/);

  // Interleaved: one column, English above its Chinese.
  await reader.locator('#bilingual').selectOption('interleave');
  await expect(reader.locator('.rd-article')).toHaveAttribute('data-layout', 'interleave');
  const [en2, zh2] = [await pair.locator('[lang="en"]').boundingBox(), await pair.locator('[lang="zh"]').boundingBox()];
  expect(en2 && zh2 && Math.abs(zh2.x - en2.x) < 2 && zh2.y > en2.y).toBe(true);

  // Scroll to the middle and leave; the next visit starts there, in the remembered layout.
  await reader.evaluate(() => window.scrollTo(0, (document.documentElement.scrollHeight - innerHeight) / 2));
  await reader.waitForTimeout(2500);
  await reader.keyboard.press('Escape');
  await expect(reader).toHaveURL(/library\.html#/);
  // Back at the article's own row, with the keyboard on it.
  await expect(library.locator('.row.current .row-title')).toBeFocused();
  await expect(library.locator('.row .progress')).toHaveText(/^(4\d|5\d)%$/);
  await library.locator('.row-title').click();
  await expect(reader.locator('.rd-title')).toHaveText(CE_TITLE);
  await expect(reader.locator('.rd-article')).toHaveAttribute('data-layout', 'interleave');
  await expect
    .poll(() => reader.evaluate(() => window.scrollY / (document.documentElement.scrollHeight - innerHeight)))
    .toBeGreaterThan(0.4);
  const fraction = await reader.evaluate(() => window.scrollY / (document.documentElement.scrollHeight - innerHeight));
  expect(fraction).toBeLessThan(0.6);

  // j scrolls down.
  const before = await reader.evaluate(() => window.scrollY);
  await reader.keyboard.press('j');
  await expect.poll(() => reader.evaluate(() => window.scrollY)).toBeGreaterThan(before);
  // With less motion asked for, k moves the page at once: no glide to wait for.
  await reader.emulateMedia({ reducedMotion: 'reduce' });
  const settled = () => reader.evaluate(() => new Promise<number>((done) => setTimeout(() => done(window.scrollY), 100)));
  let at = await settled();
  for (let next = await settled(); next !== at; next = await settled()) at = next;
  await reader.keyboard.press('k');
  // Three lines of body text, all of them by the time the page is next asked.
  const lines = await reader.evaluate(() => 3 * 1.75 * parseFloat(getComputedStyle(document.querySelector('.rd-article')!).fontSize));
  expect(at - (await reader.evaluate(() => window.scrollY))).toBeCloseTo(lines, 0);
  await reader.emulateMedia({ reducedMotion: 'no-preference' });

  // At the smallest size, A− says it can go no further, and keeps the keyboard's focus.
  const smaller = reader.locator('#font-smaller');
  await smaller.focus();
  for (let i = 0; i < 16; i++) await smaller.press('Enter');
  await expect(smaller).toHaveAttribute('aria-disabled', 'true');
  await expect(smaller).toBeFocused();
  await expect(reader.locator('#font-larger')).toHaveAttribute('aria-disabled', 'false');
  await expect(reader.locator('.rd-article')).toHaveCSS('font-size', '14px');
});

// At 360px the menus' row of an article not saved yet scrolled sideways with Save, its one action, at the end:
// only a sliver of Save showed, and nothing said the row scrolled.
test('in a phone-wide window the preview shows Save whole, and what the keyboard reaches on its row is not under it', async ({ extension }) => {
  const { context, worker, extensionId } = extension;
  const { reader } = await previewTab(context, worker, extensionId, CE_URL);
  await expect(reader.locator('#save')).toBeVisible();
  for (const width of [360, 320]) {
    await reader.setViewportSize({ width, height: 740 });
    const save = (await reader.locator('#save').boundingBox())!;
    expect(save.x, `at ${width}px`).toBeGreaterThanOrEqual(0);
    expect(save.x + save.width, `at ${width}px`).toBeLessThanOrEqual(width);
    await reader.locator('#bilingual').focus();
    await reader.keyboard.press('Tab');
    await expect(reader.locator('#convert')).toBeFocused();
    const convert = (await reader.locator('#convert').boundingBox())!;
    expect(convert.x + convert.width, `at ${width}px`).toBeLessThanOrEqual(save.x);
    await expect(reader.locator('#save')).toHaveText(/^(保存|Save)$/);
  }
});

// The page's scroll padding was 64px at every width over 480px, while the toolbar of this article took two rows
// there (84px at 600px): what was scrolled to stopped 20px under the toolbar.
test('a paragraph scrolled into view stops below the toolbar, whether it takes one row or two', async ({ extension }) => {
  const { context, worker, extensionId } = extension;
  await saveFromPopup(context, worker, extensionId, CE_URL);
  const reader = await context.newPage();
  await reader.goto(`chrome-extension://${extensionId}/library.html`);
  await reader.locator('.row-title').click();
  await expect(reader.locator('.rd-title')).toHaveText(CE_TITLE);
  const toolbar = reader.locator('.toolbar');
  const rows = new Set<number>();
  for (const width of [600, 360, 520, 700, 768, 1200]) {
    await reader.setViewportSize({ width, height: 740 });
    const bar = (await toolbar.boundingBox())!;
    const [back, convert] = [(await reader.locator('#back').boundingBox())!, (await reader.locator('#convert').boundingBox())!];
    rows.add(convert.y >= back.y + back.height ? 2 : 1);
    // The padding follows the toolbar (it is set as the toolbar resizes, so poll).
    await expect
      .poll(() => reader.evaluate(() => parseFloat(getComputedStyle(document.documentElement).scrollPaddingTop)), { message: `at ${width}px` })
      .toBeGreaterThanOrEqual(bar.y + bar.height);
    // As a link to an anchor or the keyboard would: the paragraph lands whole below the toolbar, not under it.
    const target = reader.locator('.qd-pair').nth(12);
    await target.evaluate((el) => el.scrollIntoView({ block: 'start', behavior: 'instant' }));
    const top = await target.evaluate((el) => el.getBoundingClientRect().top);
    expect(top, `at ${width}px`).toBeGreaterThanOrEqual(bar.y + bar.height);
    expect(top, `at ${width}px`).toBeLessThan(bar.y + bar.height + 40);
  }
  // Both cases were met: one row in a wide window, two in a narrow one.
  expect([...rows].sort()).toEqual([1, 2]);
  // The text scrolled under the toolbar does not show through it.
  expect(await toolbar.evaluate((el) => getComputedStyle(el).backgroundColor)).toMatch(/^rgb\(/);
  // The byline line is the page's, not the article's: when it wraps it is not spread out like justified text.
  expect(await reader.locator('.rd-meta').evaluate((el) => getComputedStyle(el).textAlign)).toBe('start');
  // At 320px the bilingual menu narrows, so 繁體 after it is in view whole: it was cut by the window's edge, with
  // nothing to say the row scrolls.
  await reader.setViewportSize({ width: 320, height: 740 });
  const convert = (await reader.locator('#convert').boundingBox())!;
  expect(convert.x + convert.width).toBeLessThanOrEqual(320);
  expect(await reader.locator('#settings').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
});

test('an image that failed at save time shows a placeholder, and retry stores it', async ({ extension }) => {
  const { context, worker, extensionId } = extension;
  // The hero cannot be fetched while saving (a flaky connection), and answers later.
  let imagesFail = true;
  await context.route(/000078793_piclink\.jpg/, (route) => (imagesFail ? route.abort('connectionreset') : route.fallback()));
  const page = await context.newPage();
  await page.goto(SEED_URL);
  const popup = await openPopupFor(context, worker, extensionId, page);
  await popup.getByRole('button', { name: /^(保存|Save)$/ }).click();
  await expect(popup.locator('#save')).toHaveText(/^(已保存|Saved)$/, { timeout: 20_000 });
  await expect(popup.locator('#save-status')).toHaveText(/1/);
  imagesFail = false;

  const library = await context.newPage();
  await library.goto(`chrome-extension://${extensionId}/library.html`);
  await expect(library.locator('.row .warn')).toBeVisible();
  await library.locator('.row-title').click();
  const placeholder = library.locator('.rd-missing');
  await expect(placeholder).toContainText(/图片未保存|Image not saved/);
  await expect(library.locator('.rd-article img')).toHaveCount(0);

  await placeholder.getByRole('button', { name: /^(重试|Retry)$/ }).press('Enter');
  await expect(placeholder).toHaveCount(0);
  // The button pressed went with its placeholder: the keyboard stays in the article, not on the page's body.
  await expect(library.locator('#article-host')).toBeFocused();
  await expect(library.locator('#status')).toHaveText(/1/);
  const img = library.locator('.rd-article img').first();
  await expect(img).toHaveAttribute('src', /^blob:/);
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
});

test('a retry that fails says why in the UI\'s language: the background gone, or the article deleted meanwhile', async ({ extension }) => {
  const { context, worker, extensionId } = extension;
  await context.route(/000078793_piclink\.jpg/, (route) => route.abort('connectionreset'));
  await saveFromPopup(context, worker, extensionId, SEED_URL);

  const reader = await context.newPage();
  await reader.goto(`chrome-extension://${extensionId}/library.html`);
  await reader.locator('.row-title').click();
  const retry = reader.locator('.rd-missing').getByRole('button', { name: /^(重试|Retry)$/ });
  await expect(retry).toBeVisible();
  const status = reader.locator('#status');

  // What the page gets when the background cannot be reached: the browser's English reason, which is not shown.
  await reader.evaluate(() => {
    const send = chrome.runtime.sendMessage;
    (window as unknown as { restoreSend: () => void }).restoreSend = () => (chrome.runtime.sendMessage = send);
    chrome.runtime.sendMessage = () => Promise.reject(new Error('Could not establish connection. Receiving end does not exist.'));
  });
  await retry.press('Enter');
  await expect(status).toHaveText(/^(无法获取图片：清读的后台已停止或无法连接。请重新载入页面后再试。|Could not fetch the images: Qingdu's background stopped or could not be reached\. Reload the page and try again\.)$/);

  // Deleted from the library in another tab while the reader stays open.
  await reader.evaluate(() => (window as unknown as { restoreSend: () => void }).restoreSend());
  const library = await context.newPage();
  await library.goto(`chrome-extension://${extensionId}/library.html`);
  await library.locator('.row button.danger').first().click();
  await expect(library.locator('.row')).toHaveCount(0);
  await retry.press('Enter');
  await expect(status).toHaveText(/^(无法获取图片：这篇文章已不在阅读列表中。|Could not fetch the images: this article is no longer in the library\.)$/);
});

test('a saved article is archived from its end, by button or the a key, and taken back out; the preview of a saved page plays Save down, and a page with no article says so, not as a fault', async ({ extension }) => {
  const { context, worker, extensionId } = extension;
  await saveFromPopup(context, worker, extensionId, SEED_URL);
  const library = await context.newPage();
  await library.goto(`chrome-extension://${extensionId}/library.html`);
  await expect(library.locator('.row')).toHaveCount(1);
  const reader = await context.newPage();
  await reader.goto(`chrome-extension://${extensionId}/${await library.locator('.row-title').getAttribute('href')}`);
  await expect(reader.locator('.rd-title')).toHaveText(SEED_TITLE);

  const archive = reader.locator('.rd-footer').getByRole('button', { name: /^Archive$/ });
  await archive.focus();
  await reader.keyboard.press('Enter');
  const unarchive = reader.locator('.rd-footer').getByRole('button', { name: /^Unarchive$/ });
  await expect(unarchive).toBeVisible();
  // The keyboard stays on the button, to take it back out or go on from there.
  await expect(unarchive).toBeFocused();
  await expect(reader.locator('#status')).toHaveText(/Archived/);
  // The library, open beside it, no longer lists it among the articles not archived.
  await expect(library.locator('.row')).toHaveCount(0);
  await library.locator('#filter-state').selectOption('archived');
  await expect(library.locator('.row')).toHaveCount(1);
  // The a key takes it back out.
  await reader.locator('body').click({ position: { x: 5, y: 5 } });
  await reader.keyboard.press('a');
  await expect(reader.locator('.rd-footer').getByRole('button', { name: /^Archive$/ })).toBeVisible();
  await library.locator('#filter-state').selectOption('inbox');
  await expect(library.locator('.row')).toHaveCount(1);
  await expect(library.locator('.row .badge')).toHaveText(/^Read$/);
  // The key list names the a key here...
  const keys = (page: typeof reader) => page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await reader.keyboard.press('?');
  await expect(keys(reader)).toContainText('Archive the article, or take it back out');
  await reader.keyboard.press('Escape');

  // The preview of the saved page: reading is the likely wish, Save again is not the primary button.
  const { reader: preview } = await previewTab(context, worker, extensionId, SEED_URL);
  await expect(preview.locator('#save')).toHaveText(/Save again/);
  await expect(preview.locator('#save')).not.toHaveClass(/primary/);
  // No archive button in a preview: it is the live page, not the saved copy.
  await expect(preview.locator('.rd-archive')).toHaveCount(0);
  // ...and not in a preview, where it does nothing.
  await preview.keyboard.press('?');
  await expect(keys(preview)).toContainText('Larger text');
  await expect(keys(preview)).not.toContainText('Archive');

  // A page with no article: the popup's words, not an error in red.
  const page = await context.newPage();
  await page.goto(PLAIN_URL);
  const tabId = await worker.evaluate(async (u: string) => (await chrome.tabs.query({ url: u }))[0]?.id, PLAIN_URL);
  const empty = await context.newPage();
  await empty.goto(`chrome-extension://${extensionId}/reader.html?tab=${tabId}`);
  await expect(empty.locator('#state-error h1')).toHaveText('No article on this page');
  await expect(empty.locator('#error-detail')).not.toHaveClass(/error/);
});
