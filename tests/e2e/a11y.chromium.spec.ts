/**
 * Accessibility of every page and dialog (the import report included), as axe-core checks it (names,
 * roles, landmarks, contrast of the colours actually drawn), in the Chinese
 * UI with the light theme and the English UI with the dark one.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, openLibrary, openPopupFor, saveFromPopup, test } from './chromium';
import { SEED_URL } from './pages';

/** axe's findings on what `page` shows now in `scheme`, as one line each (empty when none). */
async function findings(page: Page, scheme: 'light' | 'dark'): Promise<string[]> {
  // The extension's context is launched by hand, so each page is given the colour scheme here.
  await page.emulateMedia({ colorScheme: scheme });
  expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(scheme === 'dark');
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.flatMap((v) => v.nodes.map((n) => `${v.impact} ${v.id}: ${n.target.join(' ')} (${v.help})`));
}

for (const [lang, scheme] of [['zh-CN', 'light'], ['en-US', 'dark']] as const) {
  test.describe(`${lang}, ${scheme}`, () => {
    test.use({ lang });

    test('popup, library with its dialogs, and reader have no axe findings', async ({ extension }) => {
      const { context, worker, extensionId } = extension;
      const article = await context.newPage();
      await article.goto(SEED_URL);
      const popup = await openPopupFor(context, worker, extensionId, article);
      await expect(popup.locator('#save')).toBeVisible();
      expect(await findings(popup, scheme), 'popup').toEqual([]);
      await popup.close();

      await saveFromPopup(context, worker, extensionId, SEED_URL);
      const library = await openLibrary(context, extensionId);
      await expect(library.locator('.row')).toHaveCount(1);
      expect(await findings(library, scheme), 'library').toEqual([]);
      for (const [open, dialog] of [
        ['#transfer-export', '#transfer-export-dialog'],
        ['.row [data-action="tags"]', '#tags-dialog'],
      ] as const) {
        await library.locator(open).first().click();
        await expect(library.locator(dialog)).toBeVisible();
        expect(await findings(library, scheme), dialog).toEqual([]);
        await library.keyboard.press('Escape');
        await expect(library.locator(dialog)).toBeHidden();
      }
      // The import report, with a row that could not be read.
      const file = `URL,Title\nhttps://example.com/a,一篇\njavascript:alert(1),坏行\n`;
      await library.locator('#transfer-file').setInputFiles({ name: 'list.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
      const importing = library.locator('#transfer-import-dialog');
      await expect(importing.locator('[data-count="failed"]')).toBeVisible();
      expect(await findings(library, scheme), 'import report').toEqual([]);
      await library.keyboard.press('Escape');
      await expect(importing).toBeHidden();

      await library.locator('.row-title').first().focus();
      await library.keyboard.press('?');
      await expect(library.locator('#shortcuts')).toBeVisible();
      expect(await findings(library, scheme), 'keys').toEqual([]);
      await library.keyboard.press('Escape');

      const reader = await context.newPage();
      await reader.goto(`chrome-extension://${extensionId}/${await library.locator('.row-title').first().getAttribute('href')}`);
      await expect(reader.locator('.rd-title')).toBeVisible();
      expect(await findings(reader, scheme), 'reader').toEqual([]);
    });
  });
}
