/**
 * Export and import from the library page in real Chromium: save two FT
 * articles from the popup, export a JSON backup (a real download), EPUB and
 * bookmarks; import the backup into a fresh profile and read an article from
 * it; a damaged file is refused and changes nothing; a large zipped backup is
 * read as a stream.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Page } from '@playwright/test';
import { defaultPages, expect, launchChromium, libraryRow, openLibrary, saveFromPopup, test } from './chromium';
import { SEED_TITLE, SEED_URL, SHARED } from './pages';
import { strFromU8, unzipSync, zipSync } from 'fflate';
import { BACKUP_ZIP_ENTRY, exportBackup } from '../../src/transfer/backup';
import { makeArticle } from '../unit/transfer/helpers';

const FT = join(SHARED, 'fixtures', 'ftchinese');
const IMPORT_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'import');
const HERO_URL = 'https://www.ftchinese.com/content/a84f7e35-e062-4a47-8da2-5e11efb3f05c';
const HERO_TITLE = '沃顿商学院位居英国《金融时报》影响力商学院排名榜首';
const HERO_PHRASE = '阿斯顿商学院';
const SEED_LAST = '至少导致两人丧生、数百人受伤、近7000人被拘留的镇压行动，最初似乎平息了抗议活动。';

function pages() {
  const table = defaultPages();
  table.set(HERO_URL, readFileSync(join(FT, '2026-05-14_content_story-hero-container_ai-translated.html'), 'utf8'));
  return table;
}

const row = libraryRow;

/** Opens the export dialog, picks a format and returns the finished download saved under `dir`. */
async function exportAs(library: Page, format: string, dir: string, scope: 'all' | 'view' = 'all'): Promise<{ path: string; download: Download; status: string }> {
  await library.locator('#transfer-export').click();
  const dialog = library.locator('#transfer-export-dialog');
  await expect(dialog).toBeVisible();
  await dialog.locator(`#transfer-scope-${scope}`).check();
  const downloading = library.waitForEvent('download');
  await dialog.locator(`button[data-format="${format}"]`).click();
  const download = await downloading;
  const path = join(dir, download.suggestedFilename());
  await download.saveAs(path);
  await expect(dialog.locator('#transfer-export-status')).toHaveText(/已导出|Exported/);
  const status = (await dialog.locator('#transfer-export-status').textContent()) ?? '';
  // The format button pressed was disabled while it ran: the keyboard is left on Close, not on the page.
  await expect(dialog.getByRole('button', { name: /^(关闭|Close)$/ })).toBeFocused();
  await dialog.getByRole('button', { name: /^(关闭|Close)$/ }).click();
  await expect(dialog).toBeHidden();
  return { path, download, status };
}

// eslint-disable-next-line no-empty-pattern
test.use({ pages: async ({}, use) => use(pages()) });

test.describe('export and import (Chromium)', () => {
  test.describe.configure({ timeout: 180_000 });

  test('backup, EPUB and bookmarks download; the backup imports into a fresh profile and reads offline', async ({ profileDir, pages: table }) => {
    const out = mkdtempSync(join(tmpdir(), 'qingdu-export-'));
    const fresh = mkdtempSync(join(tmpdir(), 'qingdu-chromium-fresh-'));
    try {
      // ---- save two articles from the popup ----
      let { context, worker, extensionId } = await launchChromium(profileDir, table);
      await saveFromPopup(context, worker, extensionId, SEED_URL);
      await saveFromPopup(context, worker, extensionId, HERO_URL);
      let library = await openLibrary(context, extensionId);
      await expect(library.locator('.row')).toHaveCount(2);

      // ---- JSON backup ----
      const backup = await exportAs(library, 'backup', out);
      expect(backup.download.suggestedFilename()).toMatch(/^qingdu-\d{4}-\d{2}-\d{2}-(2篇|2-articles)\.json$/);
      expect(backup.status).toMatch(/^(已导出 2 篇：|Exported 2 articles: )qingdu-/);
      const doc = JSON.parse(readFileSync(backup.path, 'utf8')) as { format: string; version: number; articles: { title: string }[]; images: unknown[] };
      expect(doc.format).toBe('qingdu-backup');
      expect(doc.articles.map((a) => a.title).sort()).toEqual([SEED_TITLE, HERO_TITLE].sort());
      expect(doc.images.length).toBeGreaterThan(0);

      // ---- EPUB: a zip whose first entry is the stored mimetype ----
      const epub = readFileSync((await exportAs(library, 'epub', out)).path);
      expect(epub.subarray(0, 2).toString('latin1')).toBe('PK');
      expect(epub.subarray(30, 58).toString('latin1')).toBe('mimetypeapplication/epub+zip');
      // E-readers list the book under a title in the reader's language.
      expect(strFromU8(unzipSync(epub)['OEBPS/content.opf']!)).toMatch(/<dc:title>(清读 · \d{4}年\d{1,2}月\d{1,2}日 · 2 篇|Qingdu · \w{3} \d{1,2}, \d{4} · 2 articles)<\/dc:title>/);

      // ---- the reading list, under a heading in the same language ----
      const list = readFileSync((await exportAs(library, 'reading-list', out)).path, 'utf8');
      expect(list.split('\n')[0]).toBe(backup.status.startsWith('已导出') ? '# 清读 · 阅读清单' : '# Qingdu · Reading list');
      expect(list.match(/^- \[ \] /gm)).toHaveLength(2);

      // ---- bookmarks of the current search only ----
      await library.getByRole('searchbox').fill(HERO_PHRASE);
      await expect(library.locator('.row')).toHaveCount(1);
      const marked = await exportAs(library, 'bookmarks', out, 'view');
      // One article is "1 article", not "1 articles".
      expect(marked.status).toMatch(/^(已导出 1 篇：qingdu-\S+-1篇|Exported 1 article: qingdu-\S+-1-article)\.html$/);
      const bookmarks = readFileSync(marked.path, 'utf8');
      expect(bookmarks.startsWith('<!DOCTYPE NETSCAPE-Bookmark-file-1>')).toBe(true);
      expect(bookmarks).toContain(HERO_TITLE);
      expect(bookmarks).not.toContain(SEED_TITLE);
      await context.close();

      // ---- a fresh profile: import the backup ----
      ({ context, worker, extensionId } = await launchChromium(fresh, table));
      // Nothing may come from the network: the articles must come from the file.
      await context.unrouteAll({ behavior: 'ignoreErrors' });
      await context.setOffline(true);
      library = await openLibrary(context, extensionId);
      await expect(library.locator('#state-empty')).toBeVisible();

      // A damaged file is refused with its reason and writes nothing.
      await library.locator('#transfer-file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"qingdu-backup","version":3,"articles":[{') });
      const dialog = library.locator('#transfer-import-dialog');
      await expect(dialog.locator('#transfer-import-refused')).toContainText(/not valid JSON|truncated/);
      // Where it is damaged, in the product's words rather than the JavaScript engine's.
      await expect(dialog.locator('#transfer-import-refused')).toContainText(/\((at character \d+|the file ends before the backup does)\)|（.*字符.*）|断了/);
      await expect(dialog.locator('#transfer-import-confirm')).toBeHidden();
      await dialog.getByRole('button', { name: /^(关闭|Close)$/ }).click();

      // A file none of whose rows can be read says so, rather than that they are all in the library.
      await library.locator('#transfer-file').setInputFiles({ name: 'links.csv', mimeType: 'text/csv', buffer: Buffer.from('URL,Title\njavascript:alert(1),x\n') });
      await expect(dialog.locator('[data-count="failed"]')).toHaveText(/1/);
      await expect(dialog.locator('#transfer-import-status')).toHaveText(/no row of the file could be read|没有一行能读取/);
      await expect(dialog.locator('#transfer-import-confirm')).toBeHidden();
      await dialog.getByRole('button', { name: /^(关闭|Close)$/ }).click();
      await expect(library.locator('#state-empty')).toBeVisible();

      await library.locator('#transfer-file').setInputFiles(backup.path);
      await expect(dialog.locator('[data-count="added"]')).toHaveText(/(新增 2 篇|2 to add)/);
      await expect(dialog.locator('[data-count="failed"]')).toHaveCount(0);
      await dialog.locator('#transfer-import-confirm').click();
      await expect(dialog.locator('#transfer-import-status')).toHaveText(/(新增 2 篇|2 added)/);
      // What was planned ("2 to add") gives way to what was done.
      await expect(dialog.locator('[data-count="added"]')).toHaveCount(0);
      await dialog.getByRole('button', { name: /^(关闭|Close)$/ }).click();

      // Same articles, listed live (the background announces the write).
      await library.locator('#filter-state').selectOption('all');
      await expect(library.locator('.row')).toHaveCount(2);
      for (const title of [SEED_TITLE, HERO_TITLE]) await expect(row(library, title)).toBeVisible();
      // Found by words of their text (made as the import stored them), in either script.
      const search = library.getByRole('searchbox');
      await search.fill('數百人受傷');
      await expect(library.locator('.row-title')).toHaveText([SEED_TITLE]);
      await search.fill(HERO_PHRASE);
      await expect(library.locator('.row-title')).toHaveText([HERO_TITLE]);
      await search.fill('');
      await expect(library.locator('.row')).toHaveCount(2);

      // Read one from storage, images included, while offline.
      const href = await row(library, SEED_TITLE).locator('.row-title').getAttribute('href');
      expect(href).toMatch(/^reader\.html\?id=/);
      const reader = await context.newPage();
      await reader.goto(`chrome-extension://${extensionId}/${href}`);
      await expect(reader.locator('.rd-title')).toHaveText(SEED_TITLE);
      await expect(reader.locator('.rd-article')).toContainText(SEED_LAST);

      const hero = await context.newPage();
      await hero.goto(`chrome-extension://${extensionId}/${await row(library, HERO_TITLE).locator('.row-title').getAttribute('href')}`);
      await expect(hero.locator('.rd-article')).toContainText(HERO_PHRASE);
      const img = hero.locator('.rd-article img').first();
      await expect(img).toHaveAttribute('src', /^blob:/);

      // Importing the same file again adds nothing.
      await library.locator('#transfer-file').setInputFiles(backup.path);
      await expect(dialog.locator('[data-count="duplicates"]')).toHaveText(/2/);
      await expect(dialog.locator('#transfer-import-confirm')).toBeHidden();
      await library.keyboard.press('Escape');
      await expect(dialog).toBeHidden();
      await expect(library.locator('#transfer-import')).toBeFocused();

      // A file with a row that cannot be read: the last word counts it beside what was added.
      await library.locator('#transfer-file').setInputFiles({ name: 'links.csv', mimeType: 'text/csv', buffer: Buffer.from('URL,Title\nhttps://example.com/a,一篇\njavascript:alert(1),x\n') });
      await dialog.locator('#transfer-import-confirm').click();
      await expect(dialog.locator('#transfer-import-status')).toHaveText(/^(导入完成：新增 1 篇.*1 条无法导入（原因见上）。|Imported: 1 added.* 1 could not be imported \(the reasons are above\)\.)$/);
      await context.close();
    } finally {
      rmSync(out, { recursive: true, force: true });
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  test('a refused file is heard with its reason, and the keyboard is left on Close', async ({ extension }) => {
    const library = await openLibrary(extension.context, extension.extensionId);
    await library.getByRole('button', { name: /^(导入|Import)$/ }).focus();
    await library.locator('#transfer-file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"qingdu-backup","version":3,"articles":[{') });
    const dialog = library.getByRole('dialog', { name: /^(导入|Import)$/ });
    const close = dialog.getByRole('button', { name: /^(关闭|Close)$/ });
    await expect(close).toBeFocused();
    // The reason is announced as it appears: the status line that said "Reading…" is empty now, and Close says nothing of it.
    await expect(dialog.getByRole('alert')).toHaveText(/^(Nothing was imported: .*not valid JSON|未导入任何内容：.*不是有效的 JSON)/);
    await expect(library.locator('#transfer-import-status')).toHaveText('');
  });

  test('the plan is heard with the Import button the keyboard is left on, once, and the last word as the import ends', async ({ extension }) => {
    const library = await openLibrary(extension.context, extension.extensionId);
    await library.getByRole('button', { name: /^(导入|Import)$/ }).focus();
    const bookmarks = `<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><A HREF="${HERO_URL}">FT</A>\n<DT><A HREF="javascript:alert(1)">小书签</A>\n</DL>\n`;
    await library.locator('#transfer-file').setInputFiles({ name: 'bookmarks.html', mimeType: 'text/html', buffer: Buffer.from(bookmarks) });
    const dialog = library.getByRole('dialog', { name: /^(导入|Import)$/ });
    const confirm = dialog.getByRole('button', { name: /^(导入|Import)$/ });
    await expect(confirm).toBeFocused();
    // With the button: what it will add, update, skip, and what the file could not give.
    await expect(confirm).toHaveAccessibleDescription(/^(新增 1 篇\s*更新 0 篇.*\s*跳过 0 篇重复\s*1 条无法导入|1 to add\s*0 to update.*\s*0 skipped as duplicates\s*1 could not be imported)$/);
    // Once only: the counts are in no live region, and the status line has nothing of its own to say.
    expect(await dialog.locator('.transfer-counts').evaluate((counts) => counts.closest('[aria-live], [role="status"], [role="alert"], [role="log"]'))).toBeNull();
    await expect(dialog.getByRole('status')).toHaveText('');

    await library.keyboard.press('Enter');
    const close = dialog.getByRole('button', { name: /^(关闭|Close)$/ });
    await expect(close).toBeFocused();
    // The last word is spoken by the status line, there since the dialog opened; Close adds nothing to it.
    await expect(dialog.getByRole('status')).toHaveText(/^(导入完成：新增 1 篇.*1 条无法导入（原因见上）。|Imported: 1 added.* 1 could not be imported \(the reasons are above\)\.)$/);
    await expect(close).toHaveAccessibleDescription('');
  });

  test('in a phone-wide window as in a wide one, the dialogs\' buttons follow what they say without an empty line', async ({ extension }) => {
    const library = await openLibrary(extension.context, extension.extensionId);
    /** Pixels from the bottom of `above` to the top of the dialog's buttons. */
    const gap = (dialog: string, above: string) =>
      library.locator(dialog).evaluate((d, sel) => d.querySelector('.dialog-actions')!.getBoundingClientRect().top - d.querySelector(sel)!.getBoundingClientRect().bottom, above);
    const bookmarks = `<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><A HREF="${HERO_URL}">FT</A>\n<DT><A HREF="javascript:alert(1)">小书签</A>\n</DL>\n`;
    const importer = library.locator('#transfer-import-dialog');
    for (const width of [360, 1280]) {
      await library.setViewportSize({ width, height: 740 });
      // The plan: its last words are the rows that could not be read.
      await library.locator('#transfer-file').setInputFiles({ name: 'bookmarks.html', mimeType: 'text/html', buffer: Buffer.from(bookmarks) });
      await expect(importer.locator('#transfer-import-confirm')).toBeFocused();
      expect.soft(await gap('#transfer-import-dialog', '.transfer-failed-details'), `plan at ${width}px`).toBeLessThanOrEqual(16);
      await library.keyboard.press('Escape');
      // A refused file: its reason, then Close.
      await library.locator('#transfer-file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"qingdu-backup","version":3,"articles":[{') });
      await expect(importer.locator('#transfer-import-refused')).toBeVisible();
      expect.soft(await gap('#transfer-import-dialog', '#transfer-import-refused'), `refused at ${width}px`).toBeLessThanOrEqual(16);
      await library.keyboard.press('Escape');
    }
    // Export, with an article to export: the formats, then Close.
    await library.locator('#transfer-file').setInputFiles({ name: 'bookmarks.html', mimeType: 'text/html', buffer: Buffer.from(bookmarks) });
    await importer.locator('#transfer-import-confirm').click();
    await expect(importer.locator('#transfer-import-status')).toHaveText(/(新增 1 篇|1 added)/);
    await library.keyboard.press('Escape');
    await expect(library.locator('.row')).toHaveCount(1);
    for (const width of [360, 1280]) {
      await library.setViewportSize({ width, height: 740 });
      await library.locator('#transfer-export').click();
      await expect(library.locator('#transfer-scope-all')).toHaveAccessibleName(/1/);
      // The list shows every article: "the 1 shown" would be a second name for "all".
      await expect(library.locator('#transfer-scope-view')).toBeHidden();
      expect.soft(await gap('#transfer-export-dialog', '.transfer-formats'), `export at ${width}px`).toBeLessThanOrEqual(16);
      await library.keyboard.press('Escape');
    }
  });

  test('in a Chinese browser, import reports give their reasons in Chinese', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'qingdu-zh-'));
    const { context, extensionId } = await launchChromium(profile, pages(), 'zh-CN');
    try {
      const library = await openLibrary(context, extensionId);
      const dialog = library.locator('#transfer-import-dialog');
      await library.locator('#transfer-file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"qingdu-backup","version":3,"articles":[{') });
      await expect(dialog.locator('#transfer-import-refused')).toContainText('备份不是有效的 JSON，可能不完整或已损坏');
      await dialog.getByRole('button', { name: '关闭', exact: true }).click();

      const bookmarks = `<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><A HREF="javascript:alert(1)">小书签</A>\n<DT><A HREF="${HERO_URL}">FT</A>\n</DL>\n`;
      await library.locator('#transfer-file').setInputFiles({ name: 'bookmarks.html', mimeType: 'text/html', buffer: Buffer.from(bookmarks) });
      await expect(dialog.locator('.transfer-failed li')).toHaveText('第 3 行：网址的协议“javascript:”不安全或不受支持');
      await dialog.locator('#transfer-import-confirm').click();
      await expect(dialog.locator('#transfer-import-status')).toHaveText(/新增 1 篇/);
      await dialog.getByRole('button', { name: '关闭', exact: true }).click();

      // The same link again, tagged and read: before anything is written, the report says what it would change.
      const again = `<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><A HREF="${HERO_URL}" TAGS="通勤" TOREAD="0">FT</A>\n</DL>\n`;
      await library.locator('#transfer-file').setInputFiles({ name: 'bookmarks.html', mimeType: 'text/html', buffer: Buffer.from(again) });
      await expect(dialog.locator('[data-count="updated"]')).toHaveText('更新 1 篇（与已有的合并）');
      await dialog.locator('.transfer-updates-details summary').click();
      await expect(dialog.locator('.transfer-updates li')).toHaveText('FT：标签和阅读状态');
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });

  test('a file dropped onto the library imports as one picked with Import would', async ({ extension }) => {
    const { context, extensionId } = extension;
    const library = await openLibrary(context, extensionId);
    const bookmarks = `<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><A HREF="${HERO_URL}" ADD_DATE="1715000000">拖进来的书签</A>\n</DL>\n`;
    const files = await library.evaluateHandle((text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], 'bookmarks.html', { type: 'text/html' }));
      return data;
    }, bookmarks);
    const hint = library.locator('#drop-import');
    await expect(hint).toBeHidden();
    await library.dispatchEvent('body', 'dragover', { dataTransfer: files });
    await expect(hint).toBeVisible();
    await expect(hint).toHaveText(/松开即可导入此文件|Drop the file to import it/);
    if (process.env.QINGDU_SHOT) await library.screenshot({ path: process.env.QINGDU_SHOT });
    await library.dispatchEvent('body', 'drop', { dataTransfer: files });
    await expect(hint).toBeHidden();

    const dialog = library.locator('#transfer-import-dialog');
    await expect(dialog.locator('.transfer-file-name')).toHaveText('bookmarks.html');
    await expect(dialog.locator('[data-count="added"]')).toHaveText(/(新增 1 篇|1 to add)/);
    // While a dialog is open, another drop is not taken.
    const other = await library.evaluateHandle(() => {
      const data = new DataTransfer();
      data.items.add(new File(['{'], 'other.json', { type: 'application/json' }));
      return data;
    });
    await library.dispatchEvent('dialog[open]', 'drop', { dataTransfer: other });
    await expect(dialog.locator('.transfer-file-name')).toHaveText('bookmarks.html');
    await dialog.locator('#transfer-import-confirm').click();
    await expect(dialog.locator('#transfer-import-status')).toHaveText(/(新增 1 篇|1 added)/);
    await dialog.getByRole('button', { name: /^(关闭|Close)$/ }).click();
    await expect(row(library, '拖进来的书签')).toBeVisible();
    await expect(library.locator('.row')).toHaveCount(1);
  });

  test('lists a spreadsheet saved in GBK or Big5 on Chinese Windows import in their encoding, which the plan names', async ({ extension }) => {
    const library = await openLibrary(extension.context, extension.extensionId);
    const dialog = library.locator('#transfer-import-dialog');
    const lists = [
      // The unread one of each file's two (the list shows unread articles until asked for the archive).
      ['part_000000.csv', 'pocket-gbk.csv', 'GB18030', '中国经济“软着陆”的前景'],
      ['instapaper.csv', 'instapaper-big5.csv', 'Big5', '臺灣半導體產業的下一步'],
    ] as const;
    for (const [name, file, encoding, title] of lists) {
      await library.locator('#transfer-file').setInputFiles({ name, mimeType: 'text/csv', buffer: readFileSync(join(IMPORT_FIXTURES, file)) });
      await expect(dialog.locator('.transfer-encoding-line')).toHaveText(new RegExp(`^(文本编码：|Text encoding: )${encoding}$`));
      // Both files give each row's save time.
      await expect(dialog.locator('.transfer-undated-line')).toHaveCount(0);
      await dialog.locator('#transfer-import-confirm').click();
      await expect(dialog.locator('#transfer-import-status')).toHaveText(/(新增 2 篇|2 added)/);
      await dialog.getByRole('button', { name: /^(关闭|Close)$/ }).click();
      await expect(row(library, title)).toHaveCount(1);
    }
    // A UTF-8 list's plan says nothing of its encoding.
    await library.locator('#transfer-file').setInputFiles({ name: 'links.csv', mimeType: 'text/csv', buffer: Buffer.from('URL,Title\nhttps://example.com/a,一篇\n') });
    await expect(dialog.locator('.transfer-format-line')).toBeVisible();
    await expect(dialog.locator('.transfer-encoding-line')).toHaveCount(0);
    // A list without save times says, before the write, how its articles will be dated.
    await expect(dialog.locator('.transfer-undated-line')).toHaveText(/^(其中 1 篇新文章在文件里没有保存时间（或无法读出），将记为今天保存。|No readable save time in the file for 1 of the new articles: they will be dated today\.)$/);
  });

  test('a bookmarks file\'s folders become its links\' tags when the box is ticked, and the plan says so before the write', async ({ extension }) => {
    const library = await openLibrary(extension.context, extension.extensionId);
    const dialog = library.locator('#transfer-import-dialog');
    const file = `<!DOCTYPE NETSCAPE-Bookmark-file-1>
<DL><p>
<DT><H3 PERSONAL_TOOLBAR_FOLDER="true">书签栏</H3>
<DL><p>
  <DT><H3>稍后读</H3>
  <DL><p><DT><A HREF="https://example.com/folder-a" ADD_DATE="1700000000">文件夹里的一篇</A></DL><p>
</DL><p>
</DL><p>
`.padEnd(5000, ' '); // Over 4 KB: read as a stream, as a browser's bookmarks file is.
    await library.locator('#transfer-file').setInputFiles({ name: 'bookmarks.html', mimeType: 'text/html', buffer: Buffer.from(file) });
    const box = dialog.getByRole('checkbox', { name: /^(把所在文件夹的名字作为链接的标签（1 个文件夹）|Tag each link with the names of the folders it is in \(the file has 1\))$/ });
    await expect(box).not.toBeChecked();
    await box.check();
    // Planned again with the folders as tags: the keyboard stays on the box, which stays ticked.
    await expect(box).toBeFocused();
    await expect(box).toBeChecked();
    await dialog.locator('#transfer-import-confirm').click();
    await expect(dialog.locator('#transfer-import-status')).toHaveText(/(新增 1 篇|1 added)/);
    // Written, the plan is what it was: its box changes it no more.
    await expect(box).toBeDisabled();
    await dialog.getByRole('button', { name: /^(关闭|Close)$/ }).click();
    // The browser's own bar is no tag; the user's folder is.
    await expect(row(library, '文件夹里的一篇').locator('.tag')).toHaveText(['#稍后读']);
  });

  test('an imported bookmark is a link until the reader fetches its text, which then reads offline', async ({ extension }) => {
    const { context, extensionId } = extension;
    const library = await openLibrary(context, extensionId);
    const bookmarks = `<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><A HREF="${HERO_URL}" ADD_DATE="1715000000" TAGS="通勤">FT 商学院排名</A>\n<DD>沃顿商学院居首 &amp; 影响力排名\n</DL>\n`;
    await library.locator('#transfer-file').setInputFiles({ name: 'bookmarks.html', mimeType: 'text/html', buffer: Buffer.from(bookmarks) });
    const dialog = library.locator('#transfer-import-dialog');
    await dialog.locator('#transfer-import-confirm').click();
    await expect(dialog.locator('#transfer-import-status')).toHaveText(/(新增 1 篇|1 added)/);
    await dialog.getByRole('button', { name: /^(关闭|Close)$/ }).click();

    // The list tells a link from an article.
    await expect(row(library, 'FT 商学院排名').locator('.badge.link')).toHaveText(/^(仅链接|Link only)$/);
    const href = await row(library, 'FT 商学院排名').locator('.row-title').getAttribute('href');
    const reader = await context.newPage();
    await reader.goto(`chrome-extension://${extensionId}/${href}`);
    await expect(reader.locator('#state-linkonly')).toBeVisible();
    // The bookmark's description, under its title.
    await expect(reader.locator('#linkonly-lead')).toHaveText('沃顿商学院居首 & 影响力排名');
    await reader.locator('#linkonly-fetch').click();
    await expect(reader.locator('.rd-title')).toHaveText(HERO_TITLE);
    await expect(reader.locator('.rd-article')).toContainText(HERO_PHRASE);

    // Stored, with its image, and the bookmark's tag kept: it reads again with the network gone.
    await context.setOffline(true);
    await reader.reload();
    await expect(reader.locator('.rd-article')).toContainText(HERO_PHRASE);
    await expect(reader.locator('.rd-article img').first()).toHaveAttribute('src', /^blob:/);
    await library.bringToFront();
    await expect(library.locator('.row')).toHaveCount(1);
    await expect(row(library, HERO_TITLE)).toContainText('#通勤');
    await expect(row(library, HERO_TITLE).locator('.badge.link')).toHaveCount(0);
  });

  test('articles selected in the list, by mouse and by keyboard, are what an export holds, and change state or go together', async ({ extension }) => {
    const { context, extensionId } = extension;
    const out = mkdtempSync(join(tmpdir(), 'qingdu-picked-'));
    try {
      const library = await openLibrary(context, extensionId);
      const links = ['一', '二', '三', '四'].map((n, i) => `<DT><A HREF="https://www.ftchinese.com/story/00110000${i}" ADD_DATE="${1715000000 + i}">第${n}篇</A>`);
      await library.locator('#transfer-file').setInputFiles({ name: 'bookmarks.html', mimeType: 'text/html', buffer: Buffer.from(`<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n${links.join('\n')}\n</DL>\n`) });
      const importer = library.locator('#transfer-import-dialog');
      await importer.locator('#transfer-import-confirm').click();
      await expect(importer.locator('#transfer-import-status')).toHaveText(/(新增 4 篇|4 added)/);
      await importer.getByRole('button', { name: /^(关闭|Close)$/ }).click();
      await expect(library.locator('.row')).toHaveCount(4);
      await expect(library.locator('#picks')).toBeHidden();

      // One ticked with x on the keyboard-selected row, one with the mouse. x ticks a box the keyboard is not on, so
      // the count is what a screen reader hears, from a live region there before (one that shows only then is not heard).
      const regions = await library.getByRole('status').evaluateAll((els) => els.map((e) => e.id));
      await row(library, '第三篇').locator('.row-title').focus();
      await library.keyboard.press('x');
      await expect(row(library, '第三篇').locator('.row-pick')).toBeChecked();
      const heard = library.getByRole('status').filter({ hasText: /^(已选中 1 篇|1 selected)$/ });
      await expect(heard).toHaveCount(1);
      expect(regions).toContain(await heard.getAttribute('id'));
      await row(library, '第一篇').locator('.row-pick').check();
      await expect(library.locator('#picks-count')).toHaveText(/(已选中 2 篇|2 selected)/);

      // The selection outlives a search that hides one of them, and the count says one is not shown.
      await library.getByRole('searchbox').fill('第一');
      await expect(library.locator('.row')).toHaveCount(1);
      await expect(library.locator('#picks-count')).toHaveText(/^(已选中 2 篇，其中 1 篇不在当前列表中|2 selected, 1 not in this list)$/);
      await library.getByRole('searchbox').fill('');
      await expect(library.locator('.row')).toHaveCount(4);
      await expect(library.locator('#picks-count')).toHaveText(/(已选中 2 篇|2 selected)/);

      await library.locator('#picks-export').click();
      const dialog = library.locator('#transfer-export-dialog');
      await expect(dialog.locator('#transfer-scope-picked')).toBeChecked();
      await expect(dialog.locator('#transfer-scope-picked-label')).toHaveText(/2/);
      const downloading = library.waitForEvent('download');
      await dialog.locator('button[data-format="bookmarks"]').click();
      const download = await downloading;
      expect(download.suggestedFilename()).toMatch(/-(2篇|2-articles)\.html$/);
      const path = join(out, 'picked.html');
      await download.saveAs(path);
      const titles = [...readFileSync(path, 'utf8').matchAll(/<A [^>]*>([^<]*)<\/A>/g)].map((m) => m[1]).sort();
      expect(titles).toEqual(['第一篇', '第三篇']);
      await library.keyboard.press('Escape');
      // Back to the button that opened the dialog, among the ticked articles' actions.
      await expect(library.locator('#picks-export')).toBeFocused();

      // The ticked ones marked read at once, then archived: they leave the list of those not archived.
      await library.locator('#picks').getByRole('button', { name: /^(标为已读|Mark read)$/ }).click();
      await expect(library.locator('#toast-text')).toHaveText(/^(已将 2 篇标为已读。|2 articles marked read\.)$/);
      for (const title of ['第一篇', '第三篇']) await expect(row(library, title).locator('.badge.read')).toBeVisible();
      await expect(row(library, '第二篇').locator('.badge.unread')).toBeVisible();
      await library.locator('#picks').getByRole('button', { name: /^(归档|Archive)$/ }).click();
      await expect(library.locator('.row')).toHaveCount(2);
      await expect(row(library, '第一篇')).toHaveCount(0);
      // Put away, they are ticked no more: the bar's next Delete would have taken articles no longer seen.
      await expect(library.locator('#picks')).toBeHidden();
      // z takes the archive back: they come back read and ticked, as an undone delete brings them back, and Archive
      // again puts them away.
      await library.keyboard.press('z');
      await expect(library.locator('.row')).toHaveCount(4);
      for (const title of ['第一篇', '第三篇']) await expect(row(library, title).locator('.badge.read')).toBeVisible();
      for (const title of ['第一篇', '第三篇']) await expect(row(library, title).locator('.row-pick')).toBeChecked();
      await expect(library.locator('#picks-count')).toHaveText(/(已选中 2 篇|2 selected)/);
      await library.locator('#picks').getByRole('button', { name: /^(归档|Archive)$/ }).click();
      await expect(library.locator('.row')).toHaveCount(2);
      await library.reload();
      await expect(library.locator('.row')).toHaveCount(2);
      await library.locator('#filter-state').selectOption('archived');
      await expect(library.locator('.row')).toHaveCount(2);

      // Deleted together, and one Undo (focused, so Enter) brings both back.
      for (const pick of await library.locator('.row-pick').all()) await pick.check();
      await library.locator('#picks').getByRole('button', { name: /^(删除|Delete)$/ }).click();
      await expect(library.locator('#toast')).toContainText(/已删除 2 篇|2 articles deleted/);
      await expect(library.locator('.row')).toHaveCount(0);
      await expect(library.locator('#toast-undo')).toBeFocused();
      await library.keyboard.press('Enter');
      await expect(library.locator('.row')).toHaveCount(2);
      await library.reload();
      await library.locator('#filter-state').selectOption('all');
      await expect(library.locator('.row')).toHaveCount(4);

      // Del with articles ticked deletes those, not the unticked row the keyboard is on; z brings them back, still ticked.
      await row(library, '第一篇').locator('.row-pick').check();
      await row(library, '第三篇').locator('.row-pick').check();
      await row(library, '第二篇').locator('.row-title').focus();
      await library.keyboard.press('Delete');
      await expect(library.locator('#toast')).toContainText(/已删除 2 篇|2 articles deleted/);
      await expect(library.locator('.row')).toHaveCount(2);
      await expect(row(library, '第二篇')).toHaveCount(1);
      await expect(row(library, '第一篇')).toHaveCount(0);
      await library.keyboard.press('z');
      await expect(library.locator('.row')).toHaveCount(4);
      await expect(library.locator('#picks-count')).toHaveText(/(已选中 2 篇|2 selected)/);
      for (const title of ['第一篇', '第三篇']) await expect(row(library, title).locator('.row-pick')).toBeChecked();
      await expect(row(library, '第二篇').locator('.row-pick')).not.toBeChecked();
      await library.locator('.row-pick').first().check();

      // A ticked row deleted on its own comes back ticked with z.
      await row(library, '第二篇').locator('.row-pick').check();
      await row(library, '第二篇').getByRole('button', { name: /^(删除|Delete)$/ }).click();
      await expect(library.locator('.row')).toHaveCount(3);
      await library.keyboard.press('z');
      await expect(library.locator('.row')).toHaveCount(4);
      await expect(row(library, '第二篇').locator('.row-pick')).toBeChecked();

      await library.locator('#picks-clear').click();
      await expect(library.locator('#picks')).toBeHidden();
      await expect(library.locator('.row-pick:checked')).toHaveCount(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('the text of ticked bookmarks is fetched in one go, and a link that fails is counted', async ({ extension }) => {
    const { context, extensionId } = extension;
    const library = await openLibrary(context, extensionId);
    // The first link is served; the second is not (the network refuses it).
    const links = [`<DT><A HREF="${HERO_URL}" ADD_DATE="1715000000">FT 商学院排名</A>`, '<DT><A HREF="https://www.ftchinese.com/story/009999999" ADD_DATE="1715000001">不存在的文章</A>'];
    await library.locator('#transfer-file').setInputFiles({ name: 'bookmarks.html', mimeType: 'text/html', buffer: Buffer.from(`<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n${links.join('\n')}\n</DL>\n`) });
    const importer = library.locator('#transfer-import-dialog');
    await importer.locator('#transfer-import-confirm').click();
    await expect(importer.locator('#transfer-import-status')).toHaveText(/(新增 2 篇|2 added)/);
    await importer.getByRole('button', { name: /^(关闭|Close)$/ }).click();

    await expect(library.locator('#picks-fetch')).toBeHidden();
    for (const title of ['FT 商学院排名', '不存在的文章']) await row(library, title).locator('.row-pick').check();
    await library.locator('#picks-fetch').click();
    await expect(library.locator('#toast-text')).toHaveText(/(2 个链接中已获取 1 篇正文|Fetched the text of 1 of 2 links)/, { timeout: 30_000 });
    await expect(library.locator('#toast-text')).toContainText(/(1 个未能获取|1 could not be fetched)/);
    // The served one is an article now, under its own title; the other is still a link.
    await expect(row(library, HERO_TITLE)).toBeVisible();
    await expect(row(library, '不存在的文章')).toBeVisible();
  });

  test('an EPUB carries stored WebP pictures redrawn as JPEG, or PNG when transparent, leaves one too large to decode for its alt text, and passes epubcheck', async ({ extension }) => {
    const { context, extensionId } = extension;
    const dir = mkdtempSync(join(tmpdir(), 'qingdu-webp-'));
    try {
      const library = await openLibrary(context, extensionId);
      // WebP pictures made by the browser itself: one opaque, one half transparent, and one of 10000 × 8000 pixels
      // in a small file, 320 MB once decoded.
      const [opaque, clear, huge] = await library.evaluate(async () => {
        const webp = async (fill: string, width = 64, height = 48) => {
          const canvas = new OffscreenCanvas(width, height);
          const ctx = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
          ctx.fillStyle = fill;
          ctx.fillRect(0, 0, width, height);
          return Array.from(new Uint8Array(await (await canvas.convertToBlob({ type: 'image/webp', quality: 1 })).arrayBuffer()));
        };
        return [await webp('#c81e1e'), await webp('rgba(30, 30, 200, 0.5)'), await webp('#1e8c3c', 10_000, 8_000)];
      });
      for (const bytes of [opaque, clear, huge]) expect(Buffer.from(bytes!.slice(8, 12)).toString('latin1')).toBe('WEBP');
      expect(huge!.length).toBeLessThan(2 * 1024 * 1024);
      const base = makeArticle(0);
      const pictures: Record<string, number[]> = { 'https://img.example.com/opaque.webp': opaque!, 'https://img.example.com/clear.webp': clear!, 'https://img.example.com/huge.webp': huge! };
      const article = {
        ...base,
        leadImage: null,
        article: {
          ...base.article,
          leadImage: null,
          contentHtml: '<p>第一张图</p><figure><img src="https://img.example.com/opaque.webp" alt="不透明的图"></figure><p>第二张图</p><figure><img src="https://img.example.com/clear.webp" alt="透明的图"></figure><p>第三张图</p><figure><img src="https://img.example.com/huge.webp" alt="太大的图"></figure>',
        },
      };
      const file = join(dir, 'webp-backup.json');
      const lookup = (articleId: string, url: string) => (pictures[url] ? { articleId, url, type: 'image/webp', bytes: Uint8Array.from(pictures[url]) } : undefined);
      writeFileSync(file, (await exportBackup([article], lookup)).join(''));

      const dialog = library.locator('#transfer-import-dialog');
      await library.locator('#transfer-file').setInputFiles(file);
      await dialog.locator('#transfer-import-confirm').click();
      await expect(dialog.locator('#transfer-import-status')).toHaveText(/(新增 1 篇|1 added)/);
      await dialog.getByRole('button', { name: /^(关闭|Close)$/ }).click();

      const epubPath = (await exportAs(library, 'epub', dir)).path;
      const files = unzipSync(readFileSync(epubPath));
      const chapter = strFromU8(files['OEBPS/text/c0001.xhtml']!);
      // The first two pictures are in the book, not their alt text; the third is its alt text alone.
      expect(chapter).toMatch(/<img src="\.\.\/images\/c0001-01\.jpg" alt="不透明的图" \/>/);
      expect(chapter).toMatch(/<img src="\.\.\/images\/c0001-02\.png" alt="透明的图" \/>/);
      expect(chapter.match(/<img /g)).toHaveLength(2);
      expect(chapter).toMatch(/class="img-alt"[^>]*>太大的图</);
      expect(Object.keys(files).filter((name) => name.startsWith('OEBPS/images/'))).toHaveLength(2);
      expect(Buffer.from(files['OEBPS/images/c0001-01.jpg']!.subarray(0, 3)).toString('hex')).toBe('ffd8ff');
      expect(Buffer.from(files['OEBPS/images/c0001-02.png']!.subarray(1, 4)).toString('latin1')).toBe('PNG');
      const check = spawnSync('java', ['-jar', '/usr/bin/epubcheck', epubPath], { encoding: 'utf8' });
      expect(check.stdout + check.stderr).toMatch(/No errors or warnings detected/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a zipped backup that unpacks past 200 MB is inflated as it is read and imports whole', async ({ extension }) => {
    const { context, extensionId } = extension;
    const dir = mkdtempSync(join(tmpdir(), 'qingdu-zip-'));
    try {
      // 100 articles of 2.1 MB each: 210 MB of JSON in a zip of a few hundred KB, more than a zip read whole may hold.
      const N = 100;
      const long = Array.from({ length: N }, (_, i) => {
        const a = makeArticle(i);
        return { ...a, article: { ...a.article, contentHtml: `<p>${'清读'.repeat(350_000)}</p>` } };
      });
      const json = new TextEncoder().encode((await exportBackup(long)).join(''));
      expect(json.length).toBeGreaterThan(200 * 1024 * 1024);
      const file = join(dir, 'qingdu-big.zip');
      writeFileSync(file, zipSync({ [BACKUP_ZIP_ENTRY]: json }, { level: 1 }));
      const library = await openLibrary(context, extensionId);
      const dialog = library.locator('#transfer-import-dialog');
      await library.locator('#transfer-file').setInputFiles(file);
      await expect(dialog.locator('[data-count="added"]')).toHaveText(new RegExp(`(新增 ${N} 篇|${N} to add)`), { timeout: 120_000 });
      await dialog.locator('#transfer-import-confirm').click();
      await expect(dialog.locator('#transfer-import-status')).toHaveText(new RegExp(`(新增 ${N} 篇|${N} added)`), { timeout: 120_000 });
      await dialog.getByRole('button', { name: /^(关闭|Close)$/ }).click();
      await library.locator('#filter-state').selectOption('all');
      await expect(library.locator('#summary')).toHaveText(new RegExp(String(N)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a 2,000-article backup imports in batches with progress, can be stopped and taken up again; a long export can be cancelled', async ({ extension }) => {
    const { context, extensionId } = extension;
    const N = Number(process.env.QINGDU_TRANSFER_ARTICLES ?? 2000);
    // Counts are written as the UI's language writes them: 2,000 in both.
    const n = (count: number) => count.toLocaleString('en-US');
    const dir = mkdtempSync(join(tmpdir(), 'qingdu-import-'));
    try {
      const file = join(dir, 'qingdu-big.json');
      writeFileSync(file, (await exportBackup(Array.from({ length: N }, (_, i) => makeArticle(i, { paragraphs: 12 })))).join(''));
      const library = await openLibrary(context, extensionId);
      await expect(library.locator('#state-empty')).toBeVisible();
      const dialog = library.locator('#transfer-import-dialog');

      // Stopped part way: what was stored stays, and the count says how much.
      await library.locator('#transfer-file').setInputFiles(file);
      await expect(dialog.locator('[data-count="added"]')).toHaveText(new RegExp(`(新增 ${n(N)} 篇|${n(N)} to add)`), { timeout: 120_000 });
      await dialog.locator('#transfer-import-confirm').click();
      // The count moves while the batches go in: stopped once some are stored.
      await expect(dialog.locator('#transfer-import-status')).toHaveText(new RegExp(`([1-9][\\d,]* / ${n(N)} 篇|[1-9][\\d,]* of ${n(N)})`));
      // Import, pressed, is gone: the keyboard is on Stop, not dropped onto the page.
      const stop = dialog.getByRole('button', { name: /^(停止导入|Stop importing)$/ });
      await expect(stop).toBeFocused();
      // Counting, the line is busy: a screen reader holds the counts back and reads the last word once.
      await expect(dialog.locator('#transfer-import-status')).toHaveAttribute('aria-busy', 'true');
      await library.keyboard.press('Enter');
      await expect(dialog.locator('#transfer-import-status')).toHaveText(/已停止导入|Import stopped/, { timeout: 120_000 });
      await expect(dialog.locator('#transfer-import-status')).not.toHaveAttribute('aria-busy');
      const stopped = (await dialog.locator('#transfer-import-status').textContent()) ?? '';
      const kept = Number(/(?:新增 |: )([\d,]+)(?: 篇| added)/.exec(stopped)?.[1]?.replace(/,/g, ''));
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThan(N);
      // It says how many were left, and how to bring them in.
      expect(stopped).toMatch(new RegExp(`(其余 ${n(N - kept)} 篇未导入，再次导入同一文件|${n(N - kept)} not imported: import the same file again)`));
      await dialog.getByRole('button', { name: /^(关闭|Close)$/ }).click();
      await library.locator('#filter-state').selectOption('all');
      await expect(library.locator('#summary')).toHaveText(new RegExp(n(kept)));

      // The same file again brings the rest.
      let t0 = Date.now();
      await library.locator('#transfer-file').setInputFiles(file);
      await expect(dialog.locator('[data-count="added"]')).toHaveText(new RegExp(`(新增 ${n(N - kept)} 篇|${n(N - kept)} to add)`), { timeout: 120_000 });
      await expect(dialog.locator('[data-count="duplicates"]')).toHaveText(new RegExp(`(${n(kept)})`));
      const planMs = Date.now() - t0;
      t0 = Date.now();
      await dialog.locator('#transfer-import-confirm').click();
      await expect(dialog.locator('#transfer-import-status')).toHaveText(new RegExp(`(新增 ${n(N - kept)} 篇|${n(N - kept)} added)`), { timeout: 120_000 });
      const writeMs = Date.now() - t0;
      console.log(`transfer e2e: ${N} articles (${(readFileSync(file).length / 1048576).toFixed(1)} MB backup): stopped at ${kept}; again: plan ${planMs} ms, write ${writeMs} ms`);
      await dialog.getByRole('button', { name: /^(关闭|Close)$/ }).click();
      await library.locator('#filter-state').selectOption('all');
      await expect(library.locator('#summary')).toHaveText(new RegExp(n(N)));

      t0 = Date.now();
      const backup = await exportAs(library, 'backup', dir);
      console.log(`transfer e2e: backup export of ${N} articles ${Date.now() - t0} ms`);
      const doc = JSON.parse(readFileSync(backup.path, 'utf8')) as { articles: unknown[] };
      expect(doc.articles).toHaveLength(N);

      // Cancel an EPUB of everything: the status says so and nothing downloads.
      let downloads = 0;
      library.on('download', () => downloads++);
      await library.locator('#transfer-export').click();
      const exportDialog = library.locator('#transfer-export-dialog');
      await exportDialog.locator('button[data-format="epub"]').click();
      await expect(exportDialog.locator('#transfer-export-progress')).toBeVisible();
      await expect(exportDialog.locator('#transfer-export-status')).toHaveAttribute('aria-busy', 'true');
      await exportDialog.locator('#transfer-export-cancel').click();
      await expect(exportDialog.locator('#transfer-export-status')).toHaveText(/已取消|cancelled/);
      await expect(exportDialog.locator('#transfer-export-status')).not.toHaveAttribute('aria-busy');
      await expect(exportDialog.locator('button[data-format="epub"]')).toBeEnabled();
      // Escape during an export cancels it the same way, and the dialog stays to say so; a second Escape closes it.
      await exportDialog.locator('button[data-format="epub"]').click();
      await expect(exportDialog.locator('#transfer-export-status')).toHaveAttribute('aria-busy', 'true');
      await library.keyboard.press('Escape');
      await expect(exportDialog.locator('#transfer-export-status')).toHaveText(/已取消|cancelled/);
      await expect(exportDialog).toBeVisible();
      await library.keyboard.press('Escape');
      await expect(exportDialog).toBeHidden();
      await library.waitForTimeout(500);
      expect(downloads).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
