/**
 * Accessibility of every page and dialog (the import report included), as axe-core checks it (names,
 * roles, landmarks, contrast of the colours actually drawn), in the Chinese
 * UI with the light theme and the English UI with the dark one. axe does not weigh the lines that show where a
 * control is, the outline of a text field or menu and the focus ring: those are measured here, at 3:1 at least.
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
  return [
    ...violations.flatMap((v) => v.nodes.map((n) => `${v.impact} ${v.id}: ${n.target.join(' ')} (${v.help})`)),
    ...(await page.evaluate(faintLines)),
  ];
}

/** Outlines of text fields and menus, and the focus ring, under 3:1 against what is around them (run in the page). */
function faintLines(): string[] {
  const rgba = (css: string): number[] => {
    const srgb = /^color\(srgb ([\d.e-]+) ([\d.e-]+) ([\d.e-]+)(?: \/ ([\d.]+))?\)$/.exec(css);
    if (srgb) return [+srgb[1]! * 255, +srgb[2]! * 255, +srgb[3]! * 255, +(srgb[4] ?? 1)];
    const [r = 0, g = 0, b = 0, a = 1] = (/rgba?\(([^)]*)\)/.exec(css)?.[1] ?? '0,0,0,0').split(',').map(Number);
    return [r, g, b, a];
  };
  const over = (top: number[], under: number[]) => under.map((u, i) => (i === 3 ? 1 : top[i]! * top[3]! + u * (1 - top[3]!)));
  const luminance = (c: number[]) =>
    c.slice(0, 3).reduce((sum, v, i) => {
      const s = v / 255;
      return sum + [0.2126, 0.7152, 0.0722][i]! * (s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4);
    }, 0);
  /** The colour behind an element: its ancestors' backgrounds laid over each other, over the page's. */
  const behind = (el: Element): number[] => {
    const layers: number[][] = [];
    for (let e: Element | null = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3]! > 0) layers.push(c);
      if (c[3] === 1 || e instanceof HTMLDialogElement) break;
    }
    return layers.reduceRight((under, top) => over(top, under), [255, 255, 255, 1]);
  };
  /** How `colour`, drawn just outside `el`, stands out from what is there. */
  const against = (el: Element, colour: string) => {
    const ground = behind(el.parentElement!);
    const [hi, lo] = [luminance(over(rgba(colour), ground)), luminance(ground)].sort((a, b) => b - a);
    return (hi! + 0.05) / (lo! + 0.05);
  };
  const name = (el: Element) => `${el.tagName.toLowerCase()}#${el.id}`;
  const fields = document.querySelectorAll('input:not([type="checkbox"], [type="radio"], [type="file"], [type="hidden"]), select, textarea');
  const found = [...fields].flatMap((field) => {
    const ratio = field.checkVisibility() ? against(field, getComputedStyle(field).borderTopColor) : 3;
    return ratio < 3 ? [`faint outline: ${name(field)} ${ratio.toFixed(2)}:1`] : [];
  });
  const focused = document.activeElement;
  if (focused?.matches(':focus-visible')) {
    const { outlineStyle, outlineWidth, outlineColor } = getComputedStyle(focused);
    const ratio = outlineStyle === 'none' || parseFloat(outlineWidth) === 0 ? 0 : against(focused, outlineColor);
    if (ratio < 3) found.push(`faint focus ring: ${name(focused)} ${ratio.toFixed(2)}:1`);
  }
  return found;
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
      // Opened on the saved article: its tags field shows too.
      const saved = await openPopupFor(context, worker, extensionId, article);
      await expect(saved.locator('#tags-form')).toBeVisible();
      expect(await findings(saved, scheme), 'popup of a saved article').toEqual([]);
      await saved.close();
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
        // The page behind is dimmed, more on a dark page, where 35 % black left it nearly as bright.
        const dim = await library.locator(dialog).evaluate((el) => Number(getComputedStyle(el, '::backdrop').backgroundColor.match(/[\d.]+/g)?.[3] ?? 1));
        expect(dim, dialog).toBeGreaterThanOrEqual(scheme === 'dark' ? 0.6 : 0.35);
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

      // Deleting the ticked article puts the keyboard on Undo, in the toast's own colours.
      await library.keyboard.press('x');
      await library.keyboard.press('Delete');
      await expect(library.locator('#toast-undo')).toBeFocused();
      expect(await findings(library, scheme), 'undo').toEqual([]);
      await library.keyboard.press('z');
      await expect(library.locator('.row')).toHaveCount(1);

      const reader = await context.newPage();
      await reader.goto(`chrome-extension://${extensionId}/${await library.locator('.row-title').first().getAttribute('href')}`);
      await expect(reader.locator('.rd-title')).toBeVisible();
      expect(await findings(reader, scheme), 'reader').toEqual([]);
    });
  });
}
