/**
 * Save four FT articles from the popup (one from the Traditional big5 site),
 * find them in the library (also after the browser restarts with the same
 * profile), read three offline from storage, search by a Chinese phrase from
 * a body, a standfirst or a byline and across Simplified and Traditional
 * spellings, delete and undo.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { exportBackup } from '../../src/transfer/backup';
import type { SavedArticle } from '../../src/storage/types';
import { makeArticle } from '../unit/transfer/helpers';
import { defaultPages, expect, launchChromium, libraryRow, openLibrary, previewTab, saveFromPopup, test } from './chromium';
import { ROOT, SEED_TITLE, SEED_URL, SHARED } from './pages';

interface Saved {
  url: string;
  title: string;
  lead: string;
  last: string;
  /** A phrase from the body (not the title) that search must find. */
  phrase: string;
}

const FT = join(SHARED, 'fixtures', 'ftchinese');
const HERO_URL = 'https://www.ftchinese.com/content/a84f7e35-e062-4a47-8da2-5e11efb3f05c';
const TRANSLATOR_URL = 'https://www.ftchinese.com/story/001090562';
/** An article in Traditional characters, whose title holds 紀實 (纪实 in Simplified). */
const BIG5 = join(ROOT, 'tests', 'fixtures', 'big5.ftchinese.com--live-blog-big5');
const BIG5_URL = 'https://big5.ftchinese.com/interactive/200000';
const BIG5_TITLE = (JSON.parse(readFileSync(join(BIG5, 'expected.json'), 'utf8')) as { fields: { title: string } }).fields.title;

const ARTICLES: Saved[] = [
  {
    url: SEED_URL,
    title: SEED_TITLE,
    lead: '白俄罗斯总统卢卡申科声称赢得总统选举后，国内要求他下台的声浪越来越大。',
    last: '至少导致两人丧生、数百人受伤、近7000人被拘留的镇压行动，最初似乎平息了抗议活动。',
    phrase: '近7000人被拘留',
  },
  {
    url: HERO_URL,
    title: '沃顿商学院位居英国《金融时报》影响力商学院排名榜首',
    lead: '2025年《研究洞察》榜单评估那些影响力超越学术界、延伸至商业与政策领域的研究成果。',
    last: '学者更应把精力用于严谨的学术研究，把实践发展的主导权留给他人。',
    phrase: '阿斯顿商学院',
  },
  {
    url: TRANSLATOR_URL,
    title: '老龄化困境：东京留给北京的教训',
    lead: '在日本，人口老龄化问题现在只是个不算新闻的惨淡事实。',
    last: '还要找到在阴影中保持乐观的方法。',
    phrase: '厚生劳动省',
  },
];

function pages() {
  const table = defaultPages();
  table.set(HERO_URL, readFileSync(join(FT, '2026-05-14_content_story-hero-container_ai-translated.html'), 'utf8'));
  table.set(TRANSLATOR_URL, readFileSync(join(FT, '2022-08-05_story-001090562_translator-credit_ce-en-links.html'), 'utf8'));
  table.set(BIG5_URL, readFileSync(join(BIG5, 'source.html'), 'utf8'));
  return table;
}

// eslint-disable-next-line no-empty-pattern
test.use({ pages: async ({}, use) => use(pages()) });

const row = libraryRow;

/** Imports `count` bookmarks of FT stories, link-only articles, through the library's import dialog. */
async function importLinks(library: Page, count: number): Promise<void> {
  const links = Array.from({ length: count }, (_, i) => `<DT><A HREF="https://www.ftchinese.com/story/0011${String(i).padStart(5, '0')}" ADD_DATE="${1715000000 + i}">第${i + 1}篇</A>`);
  await library.locator('#transfer-file').setInputFiles({
    name: 'bookmarks.html',
    mimeType: 'text/html',
    buffer: Buffer.from(`<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n${links.join('\n')}\n</DL>\n`),
  });
  const importer = library.locator('#transfer-import-dialog');
  await importer.locator('#transfer-import-confirm').click();
  await expect(importer.locator('#transfer-import-status')).toHaveText(new RegExp(`(新增 ${count} 篇|${count} added)`));
  await importer.getByRole('button', { name: /^(关闭|Close)$/ }).click();
}

/** Imports `articles` as a Qingdu backup chosen in the library's Import, and closes the report. */
async function importArticles(library: Page, articles: SavedArticle[]): Promise<void> {
  await library.locator('#transfer-file').setInputFiles({ name: 'backup.json', mimeType: 'application/json', buffer: Buffer.from((await exportBackup(articles)).join('')) });
  const importer = library.locator('#transfer-import-dialog');
  await importer.locator('#transfer-import-confirm').click();
  await expect(importer.locator('#transfer-import-status')).toHaveText(new RegExp(`(新增 ${articles.length} 篇|${articles.length} added)`));
  await importer.getByRole('button', { name: /^(关闭|Close)$/ }).click();
}

/** Width of the first `char` in the text of `selector`, over the font size: about 1 for a full-width glyph. */
function glyphWidth(page: Page, selector: string, char: string): Promise<number> {
  return page.locator(selector).first().evaluate((el, c) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const text = walker.currentNode as Text;
      const at = text.data.indexOf(c);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(text, at);
      range.setEnd(text, at + c.length);
      return range.getBoundingClientRect().width / parseFloat(getComputedStyle(text.parentElement as Element).fontSize);
    }
    return NaN;
  }, char);
}

test.describe('library and reader (Chromium)', () => {
  test.describe.configure({ timeout: 180_000 });

  test('saved articles are listed, survive a restart, read offline from storage, are searchable and deletable with undo', async ({
    profileDir,
    pages: table,
  }) => {
    // ---- save four articles from the popup: the Traditional one first ----
    let { context, worker, extensionId } = await launchChromium(profileDir, table);
    // The library is open while saving: rows arrive live, without a reload.
    let library = await openLibrary(context, extensionId);
    await expect(library.locator('#state-empty')).toBeVisible();
    await saveFromPopup(context, worker, extensionId, BIG5_URL);
    await expect(row(library, BIG5_TITLE)).toBeVisible();
    for (const article of ARTICLES) {
      await saveFromPopup(context, worker, extensionId, article.url);
      await expect(row(library, article.title)).toBeVisible();
    }
    await expect(library.locator('.row')).toHaveCount(4);
    await expect(library.locator('#summary')).toHaveText(/^(显示全部 4 篇|Showing all 4)$/);
    // Newest first: the last saved is on top.
    await expect(library.locator('.row-title').first()).toHaveText(ARTICLES[ARTICLES.length - 1]!.title);
    await expect(library.locator('#usage')).toHaveText(/4/);

    // ---- the same profile after a restart ----
    await context.close();
    ({ context, worker, extensionId } = await launchChromium(profileDir, table));
    library = await openLibrary(context, extensionId);
    for (const article of ARTICLES) await expect(row(library, article.title)).toBeVisible();
    await expect(row(library, BIG5_TITLE)).toBeVisible();
    // One site in the site menu: the big5 edition's FT中文網 is FT中文网, and choosing it lists all four.
    await expect(library.locator('#filter-site option')).toHaveText([/^(所有网站|All sites)$/, 'FT中文网 (4)']);
    await library.locator('#filter-site').selectOption('FT中文网');
    await expect(library.locator('.row')).toHaveCount(4);
    await library.locator('#filter-site').selectOption('');
    // The popup's "Open in library" names an article in the address, which the list then selects; a mistyped one names none.
    const secondId = new URL((await library.locator('.row').nth(1).locator('.row-title').getAttribute('href'))!, 'https://x/').searchParams.get('id')!;
    for (const [hash, current] of [[encodeURIComponent(secondId), 1], ['%zz', -1]] as const) {
      const at = await context.newPage();
      await at.goto(`chrome-extension://${extensionId}/library.html#${hash}`);
      await expect(at.locator('.row')).toHaveCount(4);
      await expect(at.locator('.row.current')).toHaveCount(current < 0 ? 0 : 1);
      if (current >= 0) await expect(at.locator('.row').nth(current)).toHaveClass(/\bcurrent\b/);
      await expect(at.locator('#state-error')).toBeHidden();
      await at.close();
    }

    // ---- offline: nothing answers any more, not even the fixture routes ----
    await context.unrouteAll({ behavior: 'ignoreErrors' });
    await context.setOffline(true);
    for (const article of ARTICLES) {
      const reader = await context.newPage();
      const href = await row(library, article.title).locator('.row-title').getAttribute('href');
      await reader.goto(`chrome-extension://${extensionId}/${href}`);
      await expect(reader.locator('.rd-title')).toHaveText(article.title);
      await expect(reader.locator('.rd-lead')).toContainText(article.lead);
      const hero = reader.locator('.rd-article img').first();
      await expect(hero).toHaveAttribute('src', /^blob:/);
      await expect.poll(() => hero.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
      const last = reader.locator('.rd-body p', { hasText: article.last });
      await last.scrollIntoViewIfNeeded();
      await expect(last).toBeVisible();
      const text = await reader.locator('.rd-article').innerText();
      expect(text).not.toContain('获取更多RSS');
      expect(text).not.toMatch(/feedx/i);
      expect(text).not.toMatch(/广告|Advertisement/);
      await expect(reader.locator('.rd-missing')).toHaveCount(0);
      await reader.close();
    }

    // Opening marked them read.
    await library.reload();
    for (const article of ARTICLES) await expect(row(library, article.title).locator('.badge')).toHaveText(/已读|Read/);

    // ---- search by a phrase from one body ----
    const search = library.getByRole('searchbox');
    await library.keyboard.press('/');
    await expect(search).toBeFocused();
    await search.fill(ARTICLES[2]!.phrase);
    await expect(library.locator('.row')).toHaveCount(1);
    await expect(library.locator('.row-title')).toHaveText(ARTICLES[2]!.title);
    // The count says it is the matches, out of the whole library.
    await expect(library.locator('#summary')).toHaveText(/^(找到 1 \/ 4 篇|Found 1 of 4)$/);
    await search.fill(ARTICLES[1]!.phrase);
    await expect(library.locator('.row-title')).toHaveText(ARTICLES[1]!.title);

    // ---- the standfirst and the author, which the reader shows apart from the body, are searched too ----
    // The second article's standfirst, typed in Traditional characters.
    await search.fill('超越學術界');
    await expect(library.locator('.row')).toHaveCount(1);
    await expect(library.locator('.row-title')).toHaveText(ARTICLES[1]!.title);
    // Its byline is 安德鲁•杰克，Anjali Dalal; the third's, 英国《金融时报》 利奥•刘易斯.
    await search.fill('dalal');
    await expect(library.locator('.row')).toHaveCount(1);
    await expect(library.locator('.row-title')).toHaveText(ARTICLES[1]!.title);
    await search.fill('刘易斯');
    await expect(library.locator('.row')).toHaveCount(1);
    await expect(library.locator('.row-title')).toHaveText(ARTICLES[2]!.title);

    // ---- typed with a pinyin input method: nothing is searched while it composes, the chosen characters are ----
    await search.fill('');
    await expect(library.locator('.row')).toHaveCount(4);
    const ime = await library.context().newCDPSession(library);
    await ime.send('Input.imeSetComposition', { text: 'liuyisi', selectionStart: 7, selectionEnd: 7 });
    await expect(search).toHaveValue('liuyisi');
    // Time for a search to have run, had one been started: the list would have emptied.
    await library.waitForTimeout(500);
    await expect(library.locator('.row')).toHaveCount(4);
    await expect(library.locator('#state-nomatch')).toBeHidden();
    // Enter while composing is the input method's (it takes the letters as typed): the keyboard stays in the field.
    await ime.send('Input.dispatchKeyEvent', { type: 'keyDown', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 229 });
    await expect(search).toBeFocused();
    await ime.send('Input.insertText', { text: '刘易斯' });
    await expect(search).toHaveValue('刘易斯');
    await expect(library.locator('.row')).toHaveCount(1);
    await expect(library.locator('.row-title')).toHaveText(ARTICLES[2]!.title);
    await ime.detach();

    // ---- Simplified and Traditional spellings find each other ----
    await search.fill('纪实');
    await expect(library.locator('.row')).toHaveCount(1);
    await expect(library.locator('.row-title')).toHaveText(BIG5_TITLE);
    // FT's big5 edition writes 爲 where Taiwan writes 為: both spellings, and the Simplified one, find it.
    for (const query of ['科技股为主', '科技股為主']) {
      await search.fill(query);
      await expect(library.locator('.row')).toHaveCount(1);
      await expect(library.locator('.row-title')).toHaveText(BIG5_TITLE);
    }
    // 厚生劳动省, as written in the Simplified body of the third article.
    await search.fill('厚生勞動省');
    await expect(library.locator('.row')).toHaveCount(1);
    await expect(library.locator('.row-title')).toHaveText(ARTICLES[2]!.title);
    await search.fill('');
    await expect(library.locator('.row')).toHaveCount(4);

    // ---- delete with the keyboard, then undo ----
    await library.locator('.row-title').first().focus();
    const victim = (await library.locator('.row-title').first().textContent()) ?? '';
    // A screen reader hears a live region's new words only if the region was in the page before: note those there now.
    const regions = await library.getByRole('status').evaluateAll((els) => els.map((e) => e.id));
    await library.keyboard.press('Delete');
    await expect(library.locator('.row')).toHaveCount(3);
    await expect(row(library, victim)).toHaveCount(0);
    await expect(library.locator('#toast')).toBeVisible();
    // The deletion is heard, from one of them.
    const heard = library.getByRole('status').filter({ hasText: victim });
    await expect(heard).toHaveCount(1);
    expect(regions).toContain(await heard.getAttribute('id'));
    // ? lists the keys, undo among them.
    await library.keyboard.press('?');
    const keys = library.getByRole('dialog', { name: /^(键盘快捷键|Keyboard shortcuts)$/ });
    await expect(keys).toContainText(/撤销刚才的删除、归档|Undo the last delete, archive/);
    await library.keyboard.press('Escape');
    await expect(keys).toBeHidden();
    // z undoes it, from wherever the keyboard is.
    await library.keyboard.press('z');
    await expect(row(library, victim)).toBeVisible();
    await expect(library.locator('.row')).toHaveCount(4);

    // While a dialog is open, the list's keys do nothing behind it; Escape closes the dialog and leaves Undo.
    await library.locator('.row-title').first().focus();
    const second = (await library.locator('.row-title').first().textContent()) ?? '';
    await library.keyboard.press('Delete');
    await expect(library.locator('.row')).toHaveCount(3);
    await library.locator('#transfer-export').click();
    await expect(library.locator('#transfer-export-dialog')).toBeVisible();
    for (const key of ['Delete', 'x', 'j', 'z']) await library.keyboard.press(key);
    await library.keyboard.press('Escape');
    await expect(library.locator('#transfer-export-dialog')).toBeHidden();
    await expect(library.locator('.row')).toHaveCount(3);
    await expect(library.locator('#picks')).toBeHidden();
    await expect(library.locator('#toast')).toBeVisible();
    await library.getByRole('button', { name: /^(撤销|Undo)$/ }).click();
    await expect(row(library, second)).toBeVisible();
    await expect(library.locator('.row')).toHaveCount(4);
    // The Undo button went with the message: the keyboard is on the row that came back.
    await expect(row(library, second).locator('.row-title')).toBeFocused();

    // ---- m and a: the row's own buttons, for the row the keyboard is on ----
    const marked = (await library.locator('.row-title').first().textContent()) ?? '';
    await library.locator('.row-title').first().focus();
    const badge = row(library, marked).locator('.badge').first();
    const [read, unread] = [/^(已读|Read)$/, /^(未读|Unread)$/];
    const wasRead = read.test((await badge.textContent()) ?? '');
    await library.keyboard.press('m');
    await expect(badge).toHaveText(wasRead ? unread : read);
    await library.keyboard.press('m');
    await expect(badge).toHaveText(wasRead ? read : unread);
    await library.keyboard.press('a');
    await expect(row(library, marked)).toHaveCount(0);
    await expect(library.locator('.row')).toHaveCount(3);
    await expect(library.locator('#toast')).toContainText(/已归档|archived/);
    // The keyboard goes on from the row in its place, and z brings the archived one back.
    await expect(library.locator('.row.current .row-title')).toBeFocused();
    await library.keyboard.press('z');
    await expect(row(library, marked)).toBeVisible();
    await expect(library.locator('.row')).toHaveCount(4);
    // Held down, a repeats: one row goes, not one row after another with an Undo for the last.
    await row(library, marked).locator('.row-title').focus();
    await library.keyboard.down('a');
    await expect(library.locator('.row')).toHaveCount(3);
    for (let i = 0; i < 3; i++) await library.keyboard.down('a');
    await library.keyboard.up('a');
    await expect(library.locator('.row')).toHaveCount(3);
    await library.keyboard.press('z');
    await expect(library.locator('.row')).toHaveCount(4);

    // ---- delete with the row button, and it stays deleted after a reload ----
    await row(library, victim).hover();
    await row(library, victim).getByRole('button', { name: /^(删除|Delete)$/ }).click();
    await expect(library.locator('.row')).toHaveCount(3);
    await library.reload();
    await expect(library.locator('.row')).toHaveCount(3);
    await expect(row(library, victim)).toHaveCount(0);

    await context.close();
  });

  test('an apostrophe in a Chinese title is drawn narrow, not full-width ("It’ s"), in the list and the reader', async ({ extension }) => {
    const { context, extensionId } = extension;
    const dir = mkdtempSync(join(tmpdir(), 'qingdu-quotes-'));
    try {
      const base = makeArticle(0);
      const title = 'Anbang’s fall / 安邦的“陨落”';
      const file = join(dir, 'one.json');
      writeFileSync(file, (await exportBackup([{ ...base, title, lang: 'zh-CN', article: { ...base.article, title, lang: 'zh-CN' } }])).join(''));
      const library = await openLibrary(context, extensionId);
      await library.locator('#transfer-file').setInputFiles(file);
      const dialog = library.locator('#transfer-import-dialog');
      await dialog.locator('#transfer-import-confirm').click();
      await expect(dialog.locator('#transfer-import-status')).toHaveText(/(新增 1 篇|1 added)/);
      await dialog.getByRole('button', { name: /^(关闭|Close)$/ }).click();
      await library.locator('#filter-state').selectOption('all');
      await expect(library.locator('.row-title')).toHaveText(title);
      await expect(library.locator('.row-title')).toHaveAttribute('lang', /^zh/);
      // The apostrophe is a narrow Latin glyph; the Chinese quotation marks stay full-width.
      expect(await glyphWidth(library, '.row-title', '’')).toBeLessThan(0.5);
      expect(await glyphWidth(library, '.row-title', '“')).toBeGreaterThan(0.8);
      // And so in the reader's title.
      const reader = await context.newPage();
      await reader.goto(`chrome-extension://${extensionId}/${await library.locator('.row-title').getAttribute('href')}`);
      await expect(reader.locator('.rd-title')).toHaveText(title);
      expect(await glyphWidth(reader, '.rd-title', '’')).toBeLessThan(0.5);
      expect(await glyphWidth(reader, '.rd-title', '“')).toBeGreaterThan(0.8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('reader preview of an unsaved tab, and reader settings remembered across articles', async ({ extension }) => {
    const { context, worker, extensionId } = extension;
    const { tabId, reader } = await previewTab(context, worker, extensionId, SEED_URL);
    await expect(reader.locator('.rd-title')).toHaveText(SEED_TITLE);
    await expect(reader.locator('.rd-translator')).toHaveText(/何黎/);
    await expect(reader.locator('.rd-article')).toHaveAttribute('lang', 'zh-CN');

    // Font size and theme from the keyboard, remembered for the next article.
    const size = () => reader.locator('.rd-article').evaluate((el) => getComputedStyle(el).fontSize);
    const before = await size();
    await reader.keyboard.press('+');
    await reader.keyboard.press('+');
    await expect.poll(size).not.toBe(before);
    // A screen reader hears a live region's new words only if the region was in the page before: note those there now.
    const regions = await reader.getByRole('status').evaluateAll((els) => els.map((e) => e.id));
    await reader.keyboard.press('t');
    await expect(reader.locator('html')).toHaveAttribute('data-theme', 'light');
    // The new theme is said, by one of them.
    const heard = reader.getByRole('status').filter({ hasText: /^(浅色|Light)$/ });
    await expect(heard).toHaveCount(1);
    expect(regions).toContain(await heard.getAttribute('id'));
    const after = await size();

    // ? lists the keys; Escape closes the list and stays in the reader.
    await reader.keyboard.press('?');
    const keys = reader.getByRole('dialog', { name: /^(键盘快捷键|Keyboard shortcuts)$/ });
    await expect(keys).toBeVisible();
    await expect(keys).toContainText(/放大字号|Larger text/);
    await reader.keyboard.press('+'); // not while the list is open
    await reader.keyboard.press('Escape');
    await expect(keys).toBeHidden();
    expect(reader.url()).toContain('reader.html');
    expect(await size()).toBe(after);

    const again = await context.newPage();
    await again.goto(`chrome-extension://${extensionId}/reader.html?tab=${tabId}`);
    await expect(again.locator('.rd-title')).toHaveText(SEED_TITLE);
    await expect(again.locator('html')).toHaveAttribute('data-theme', 'light');
    await expect.poll(() => again.locator('.rd-article').evaluate((el) => getComputedStyle(el).fontSize)).toBe(after);

    // 简⇄繁 and back. The button is named for what a press does, and is no toggle: "简体, pressed" said the opposite of
    // what showed (the text in Traditional).
    const convert = again.locator('#convert');
    await expect(convert).toHaveAccessibleName('繁體');
    await convert.click();
    await expect(again.locator('.rd-title')).toHaveText('俄羅斯表示準備軍事支持白俄羅斯');
    await expect(again.locator('.rd-article')).toHaveAttribute('lang', 'zh-Hant');
    await expect(convert).toHaveAccessibleName('简体');
    await expect(convert).not.toHaveAttribute('aria-pressed');
    await again.locator('#convert').click();
    await expect(again.locator('.rd-title')).toHaveText(SEED_TITLE);

    // The preview saves like the popup does, and the library then has it.
    await again.getByRole('button', { name: /^(保存|Save)$/ }).click();
    await expect(again.locator('#save')).toHaveText(/^(已保存|Saved)$/);
    // Said, not only shown on a button that has given up the focus.
    await expect(again.getByRole('status').filter({ hasText: /^(已保存到阅读列表。|Saved to your library\.)$/ })).toHaveCount(1);
    const savedId = new URL(again.url()).searchParams.get('id');
    expect(savedId).toBeTruthy();
    // Saved, it is in the list: "← Library" and Esc go back to its row, as from any saved article.
    const rowUrl = new RegExp(`/library\\.html#${savedId}$`);
    await expect(again.locator('#back')).toHaveAttribute('href', rowUrl);
    await again.keyboard.press('Escape');
    await expect(again).toHaveURL(rowUrl);
    await expect(row(again, SEED_TITLE)).toHaveClass(/\bcurrent\b/);
    await again.close();
    const library = await openLibrary(context, extensionId);
    await expect(row(library, SEED_TITLE)).toHaveCount(1);
    // The theme chosen in the reader is the library's too.
    await expect(library.locator('html')).toHaveAttribute('data-theme', 'light');

    // A preview of the same tab knows it is saved: saving again updates it.
    const third = await context.newPage();
    await third.goto(`chrome-extension://${extensionId}/reader.html?tab=${tabId}`);
    await expect(third.locator('#save')).toHaveText(/^(再次保存（更新）|Save again \(update\))$/);
    await expect(third.locator('#status')).toHaveText(/已在阅读列表中|already in your library/);
    await expect(third.locator('#back')).toHaveAttribute('href', rowUrl);
  });

  test('archiving a row keeps the keyboard in the list; an empty view says what is empty; Escape clears the ticks; a ticked article deleted is named', async ({ extension }) => {
    const { context, extensionId } = extension;
    const library = await openLibrary(context, extensionId);
    await importArticles(library, [0, 1, 2].map((i) => ({ ...makeArticle(i), state: 'unread' as const, tags: [] })));
    await expect(library.locator('.row')).toHaveCount(3);
    const titles = await library.locator('.row-title').allTextContents();
    // A long headline is cut to one line: the tooltip has all of it.
    await expect(library.locator('.row-title').first()).toHaveAttribute('title', titles[0]!);

    // No archived article yet: the view says so, and offers every article rather than a search to clear.
    await library.locator('#filter-state').selectOption('archived');
    await expect(library.locator('#state-nomatch h2')).toHaveText(/^(还没有归档的文章|No archived articles yet)$/);
    await library.locator('#clear-filters').click();
    await expect(library.locator('#filter-state')).toHaveValue('all');
    await expect(library.locator('.row')).toHaveCount(3);
    await library.locator('#filter-state').selectOption('inbox');

    // Archive from the first row's own button, by keyboard: the row goes, and the keyboard is on the row in its place.
    await library.locator('.row-title').first().focus();
    await row(library, titles[0]!).getByRole('button', { name: /^(归档|Archive)$/ }).focus();
    await library.keyboard.press('Enter');
    await expect(library.locator('.row')).toHaveCount(2);
    await expect(row(library, titles[1]!).locator('.row-title')).toBeFocused();
    await library.keyboard.press('Escape');
    await expect(library.locator('#toast')).toBeHidden();

    // Taken back out of the archive from the Archived view, by keyboard: the view is empty, and the keyboard is on its button.
    await library.locator('#filter-state').selectOption('archived');
    await expect(library.locator('.row')).toHaveCount(1);
    await library.locator('.row').first().getByRole('button', { name: /^(移出归档|Unarchive)$/ }).focus();
    await library.keyboard.press('Enter');
    await expect(library.locator('#state-nomatch h2')).toHaveText(/^(还没有归档的文章|No archived articles yet)$/);
    await expect(library.locator('#clear-filters')).toBeFocused();
    await library.locator('#filter-state').selectOption('inbox');
    await expect(library.locator('.row')).toHaveCount(3);
    await row(library, titles[1]!).locator('.row-title').focus();

    // A tick, then Escape: the ticks go (a Delete would otherwise act on them).
    await library.keyboard.press('x');
    await expect(library.locator('#picks-count')).toHaveText(/1/);
    await library.keyboard.press('Escape');
    await expect(library.locator('.row-pick:checked')).toHaveCount(0);
    await expect(library.locator('#picks')).toBeHidden();

    // One ticked article deleted with the key: the message names it.
    await library.keyboard.press('x');
    await library.keyboard.press('Delete');
    await expect(library.locator('.row')).toHaveCount(2);
    await expect(library.locator('#toast')).toContainText(titles[1]!);
  });

  test('back from the reader (its Esc, or the browser\'s Back), the list is as it was left: search, filters, the row', async ({ extension }) => {
    const { context, extensionId } = extension;
    const library = await openLibrary(context, extensionId);
    // Forty articles, each unread but the ones whose number ends in 4, archived; saved a minute apart, the newest last.
    await importArticles(library, Array.from({ length: 40 }, (_, i) => ({
      ...makeArticle(i), state: i % 10 === 4 ? ('archived' as const) : ('unread' as const), tags: [], savedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
    })));

    await library.locator('#filter-state').selectOption('archived');
    await library.locator('#search').fill('软着陆');
    await expect(library.locator('.row')).toHaveCount(4);
    const title = (await library.locator('.row-title').nth(2).textContent()) ?? '';
    await library.locator('.row-title').nth(2).focus();
    await library.keyboard.press('Enter');
    await expect(library).toHaveURL(/reader\.html\?id=/);
    await expect(library.locator('.rd-title')).toHaveText(title);
    await library.keyboard.press('Escape');
    await expect(library).toHaveURL(/library\.html#/);
    await expect(library.locator('#search')).toHaveValue('软着陆');
    await expect(library.locator('#filter-state')).toHaveValue('archived');
    await expect(library.locator('.row')).toHaveCount(4);
    await expect(row(library, title)).toHaveClass(/\bcurrent\b/);
    // A change from another tab (an article archived there, which this search then holds) keeps the place in the results.
    const other = await openLibrary(context, extensionId);
    await row(other, '第38篇：中国经济“软着陆”的代价 — 分析 😀').getByRole('button', { name: /^(归档|Archive)$/ }).click();
    await other.close();
    await expect(library.locator('.row')).toHaveCount(5);
    await expect(row(library, title)).toHaveClass(/\bcurrent\b/);

    // The browser's Back: the menus say what the list shows.
    await library.locator('#search').fill('');
    await library.locator('#filter-state').selectOption('all');
    // Rows near the window only are drawn.
    await expect(library.locator('#summary')).toHaveText(/40/);
    await library.evaluate(() => window.scrollTo({ top: document.documentElement.scrollHeight }));
    const last = library.locator('.row[aria-posinset="40"] .row-title');
    await expect(last).toBeInViewport();
    const lastTitle = (await last.textContent()) ?? '';
    await last.click();
    await expect(library.locator('.rd-title')).toHaveText(lastTitle);
    await library.goBack();
    await expect(library.locator('#filter-state')).toHaveValue('all');
    await expect(library.locator('#search')).toHaveValue('');
    await expect(library.locator('#summary')).toHaveText(/40/);
    await expect(row(library, lastTitle)).toBeInViewport();
    await expect(row(library, lastTitle)).toHaveClass(/\bcurrent\b/);
  });

  test('an unknown id shows the not-found state', async ({ extension }) => {
    const reader = await extension.context.newPage();
    await reader.goto(`chrome-extension://${extension.extensionId}/reader.html?id=nope`);
    await expect(reader.locator('#state-missing')).toBeVisible();
    // No text to size or theme: those controls are not offered.
    await expect(reader.getByRole('button', { name: /放大字号|Larger text/ })).toBeHidden();
    await expect(reader.locator('#theme')).toBeHidden();
    await expect(reader.locator('#back')).toBeVisible();
  });

  test('an empty library says how to save', async ({ extension }) => {
    const library = await openLibrary(extension.context, extension.extensionId);
    await expect(library.locator('#state-empty')).toBeVisible();
    await expect(library.locator('#usage')).toHaveText(/0/);
    // The key list, opened with nothing focused and closed with Escape: Tab goes on to the search, not out of the page.
    await library.keyboard.press('?');
    const keys = library.getByRole('dialog', { name: /^(键盘快捷键|Keyboard shortcuts)$/ });
    await expect(keys).toBeVisible();
    await library.keyboard.press('Escape');
    await expect(keys).toBeHidden();
    await library.keyboard.press('Tab');
    await expect(library.locator('#search')).toBeFocused();
    // Export says at once that there is nothing to export, and offers no format.
    await library.locator('#transfer-export').click();
    const dialog = library.locator('#transfer-export-dialog');
    await expect(dialog.locator('#transfer-export-status')).toHaveText(/没有可导出的文章|no articles to export/i);
    await expect(dialog.locator('button[data-format="backup"]')).toBeDisabled();
    await expect(dialog.getByRole('button', { name: /^(关闭|Close)$/ })).toBeFocused();
    // Its radio buttons take the page's accent colour, not the browser's blue.
    const accent = await library.evaluate(() => {
      const probe = document.createElement('span');
      probe.style.color = 'var(--accent)';
      document.body.append(probe);
      return getComputedStyle(probe).color;
    });
    await expect(dialog.locator('input[type="radio"]').first()).toHaveCSS('accent-color', accent);
  });
});

test('archive, read state and tags, with the filters that follow them', async ({ extension }) => {
  const { context, worker, extensionId } = extension;
  await saveFromPopup(context, worker, extensionId, SEED_URL);
  await saveFromPopup(context, worker, extensionId, TRANSLATOR_URL);
  const library = await openLibrary(context, extensionId);
  await expect(library.locator('.row')).toHaveCount(2);
  const seed = row(library, SEED_TITLE);

  // The first tick shows the selection bar beside the summary without moving the list down under the pointer.
  const listTop = (await library.locator('#list').boundingBox())!.y;
  await seed.locator('.row-pick').check();
  await expect(library.locator('#picks-delete')).toBeVisible();
  expect((await library.locator('#list').boundingBox())!.y).toBe(listTop);
  await library.locator('#picks-clear').click();

  // Tags through the dialog: Enter in the field saves, and focus goes back to the button that opened it.
  const tagsButton = seed.getByRole('button', { name: /^(标签|Tags)$/ });
  const dialog = library.getByRole('dialog');
  const tagsField = dialog.getByLabel(/标签，用逗号分隔|Tags, separated by commas/);
  await tagsButton.click();
  await expect(dialog).toBeVisible();
  await tagsField.fill('俄罗斯');
  await tagsField.press('Enter');
  await expect(seed.locator('.tag')).toHaveText(['#俄罗斯']);
  await expect(tagsButton).toBeFocused();
  // Typed with a Chinese comma, saved with the button.
  await tagsButton.click();
  await tagsField.fill('俄罗斯，国际');
  await dialog.getByRole('button', { name: /^(保存标签|Save tags)$/ }).click();
  await expect(seed.locator('.tag')).toHaveText(['#俄罗斯', '#国际']);
  await expect(tagsButton).toBeFocused();
  await library.locator('#filter-tag').selectOption('国际');
  await expect(library.locator('.row')).toHaveCount(1);
  await expect(library.locator('#summary')).toHaveText(/^(显示 1 \/ 2 篇|Showing 1 of 2)$/);
  // The site menu counts what the chosen tag leaves.
  await expect(library.locator('#filter-site option')).toHaveText([/^(所有网站|All sites)$/, 'FT中文网 (1)']);
  await library.locator('#filter-tag').selectOption('');
  await expect(library.locator('#filter-site option')).toHaveText([/^(所有网站|All sites)$/, 'FT中文网 (2)']);
  // The other article's dialog offers the library's tags, each added by a click, a second one after the first.
  const other = row(library, '老龄化困境：东京留给北京的教训');
  await other.getByRole('button', { name: /^(标签|Tags)$/ }).click();
  const offered = dialog.getByRole('group', { name: /^(常用标签|Your tags)$/ });
  await expect(offered.getByRole('button')).toHaveText(['#俄罗斯', '#国际']);
  await offered.getByRole('button', { name: '#国际' }).click();
  await expect(tagsField).toHaveValue('国际, ');
  await expect(tagsField).toBeFocused();
  await expect(offered.getByRole('button')).toHaveText(['#俄罗斯']);
  // What is typed after the last comma narrows the offer, and a click puts the tag in its place.
  await tagsField.pressSequentially('罗');
  await expect(offered.getByRole('button')).toHaveText(['#俄罗斯']);
  await tagsField.pressSequentially('马');
  await expect(offered).toBeHidden();
  await tagsField.press('Backspace');
  await offered.getByRole('button', { name: '#俄罗斯' }).click();
  await expect(tagsField).toHaveValue('国际, 俄罗斯, ');
  await expect(offered).toBeHidden();
  await dialog.getByRole('button', { name: /^(保存标签|Save tags)$/ }).click();
  await expect(other.locator('.tag')).toHaveText(['#国际', '#俄罗斯']);
  // Opened again, the field holds its tags and waits for one more: what is typed is added, not put in their place.
  await other.getByRole('button', { name: /^(标签|Tags)$/ }).click();
  await expect(tagsField).toHaveValue('国际, 俄罗斯, ');
  await expect(tagsField).toBeFocused();
  await library.keyboard.type('经济');
  await library.keyboard.press('Enter');
  await expect(other.locator('.tag')).toHaveText(['#国际', '#俄罗斯', '#经济']);
  // A tag typed as the list writes it (#经济), or in another case, is the library's own, not a second one.
  await tagsButton.click();
  await tagsField.fill('俄罗斯, 国际, #经济, Europe');
  await tagsField.press('Enter');
  await expect(seed.locator('.tag')).toHaveText(['#俄罗斯', '#国际', '#经济', '#Europe']);
  await other.getByRole('button', { name: /^(标签|Tags)$/ }).click();
  await tagsField.fill('国际, 俄罗斯, 经济, eur');
  // Typed in another case, the tag is still offered, in its own.
  await expect(offered.getByRole('button')).toHaveText(['#Europe']);
  await tagsField.fill('国际, 俄罗斯, 经济, europe');
  await tagsField.press('Enter');
  await expect(other.locator('.tag')).toHaveText(['#国际', '#俄罗斯', '#经济', '#Europe']);
  await expect(library.locator('#filter-tag option')).toHaveText([/^(所有标签|All tags)$/, '俄罗斯 (2)', '国际 (2)', '经济 (2)', 'Europe (2)']);

  // Read and unread. A row's change of read state can be taken back, as Mark unread starts the reading over.
  const markRead = seed.getByRole('button', { name: /^(标为已读|Mark read)$/ });
  await markRead.click();
  await expect(seed.locator('.badge')).toHaveText(/已读|Read/);
  await expect(library.locator('#toast-text')).toHaveText(/^(已将 1 篇标为已读。|1 article marked read\.)$/);
  await library.locator('#toast-undo').click();
  await expect(seed.locator('.badge')).toHaveText(/未读|Unread/);
  await markRead.click();
  await expect(seed.locator('.badge')).toHaveText(/已读|Read/);
  await library.locator('#filter-state').selectOption('unread');
  await expect(library.locator('.row')).toHaveCount(1);
  await expect(library.locator('.row-title')).toHaveText('老龄化困境：东京留给北京的教训');
  await library.locator('#filter-state').selectOption('inbox');

  // Archive: gone from the default view, with an Undo that brings it back read, as it was; then there under "archived".
  await seed.getByRole('button', { name: /^(归档|Archive)$/ }).click();
  await expect(library.locator('.row')).toHaveCount(1);
  await expect(library.locator('#toast-text')).toHaveText(/^(已归档 1 篇。|1 article archived\.)$/);
  await library.locator('#toast-undo').click();
  await expect(library.locator('.row')).toHaveCount(2);
  await expect(seed.locator('.badge')).toHaveText(/已读|Read/);
  await seed.getByRole('button', { name: /^(归档|Archive)$/ }).click();
  await expect(library.locator('.row')).toHaveCount(1);
  await library.locator('#filter-state').selectOption('archived');
  await expect(library.locator('.row-title')).toHaveText(SEED_TITLE);
  await row(library, SEED_TITLE).getByRole('button', { name: /^(移出归档|Unarchive)$/ }).click();
  await expect(library.locator('.row')).toHaveCount(0);
  await expect(library.locator('#state-nomatch')).toBeVisible();
  await library.locator('#clear-filters').click();
  await expect(library.locator('.row')).toHaveCount(2);

  // All of it was written through the background: a fresh page sees the same.
  await library.reload();
  await expect(row(library, SEED_TITLE).locator('.tag')).toHaveText(['#俄罗斯', '#国际', '#经济', '#Europe']);
  await expect(row(library, SEED_TITLE).locator('.badge')).toHaveText(/已读|Read/);
});

// A wide table scrolls sideways in its box; its title was centred over the whole table, cut off at 360 px.
test('at 360 px a table wider than the column keeps its title whole, from the start of the line', async ({ extension }) => {
  const { context, worker, extensionId } = extension;
  await saveFromPopup(context, worker, extensionId, HERO_URL);
  const reader = await openLibrary(context, extensionId);
  await reader.locator('.row-title').first().click();
  await reader.setViewportSize({ width: 360, height: 800 });
  const caption = reader.locator('.rd-body caption').first();
  await expect(caption).toHaveText(/^《金融时报研究洞察》2025年排名/);
  await caption.scrollIntoViewIfNeeded();
  expect(await reader.locator('.rd-body table').first().evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  const text = await caption.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const box = range.getBoundingClientRect();
    return { left: box.left, right: box.right };
  });
  expect(text.left).toBeGreaterThanOrEqual(0);
  expect(text.right).toBeLessThanOrEqual(360);
});

test('in a narrow window the row actions sit under the title, shown without hover or focus', async ({ extension }) => {
  const { context, worker, extensionId } = extension;
  await saveFromPopup(context, worker, extensionId, SEED_URL);
  await saveFromPopup(context, worker, extensionId, TRANSLATOR_URL);
  const library = await openLibrary(context, extensionId);
  await library.setViewportSize({ width: 420, height: 800 });
  const seed = row(library, SEED_TITLE);
  const archive = seed.getByRole('button', { name: /^(归档|Archive)$/ });
  await expect(archive).toBeVisible();
  const title = (await seed.locator('.row-title').boundingBox())!;
  expect((await archive.boundingBox())!.y).toBeGreaterThanOrEqual(title.y + title.height);
  expect(title.width).toBeGreaterThan(300);
  // The keyboard hint gives its line to the list.
  await expect(library.locator('.footer .keys')).toBeHidden();
  // A tap on the meta line selects the row, as focus does; a tap on an action acts on it.
  await seed.locator('.row-meta').click();
  await expect(seed).toHaveClass(/\bcurrent\b/);
  // The usage line at the foot says what the browser stores too; it keeps saying so while an action updates it,
  // rather than lose that part for a moment (a line shorter: the page scrolled to its foot jumped).
  const usage = library.locator('#usage');
  // Articles · text and images · what the browser stores.
  const parts = (text: string | null) => (text ?? '').split(' · ').length;
  await expect.poll(async () => parts(await usage.textContent())).toBe(3);
  await usage.evaluate((el) => {
    const seen: string[] = ((window as unknown as { usageSeen: string[] }).usageSeen = []);
    new MutationObserver(() => seen.push(el.textContent ?? '')).observe(el, { childList: true, characterData: true, subtree: true });
  });
  await archive.click();
  await expect(library.locator('.row')).toHaveCount(1);
  await expect(seed).toHaveCount(0);
  await expect.poll(() => library.evaluate(() => (window as unknown as { usageSeen: string[] }).usageSeen.length)).toBeGreaterThan(0);
  await library.waitForTimeout(300);
  const seen = await library.evaluate(() => (window as unknown as { usageSeen: string[] }).usageSeen);
  expect(seen.map(parts)).toEqual(seen.map(() => 3));
});

// Chinese squeezed the filters beside Export and Import; English, the longest, clipped their focus rings.
for (const lang of ['en-US', 'zh-CN']) {
  test.describe(`${lang} UI`, () => {
    test.use({ lang });

    test('at 360 px every filter shows whole, focus ring included, and the page does not scroll sideways', async ({
      extension,
    }) => {
      const { context, worker, extensionId } = extension;
      await saveFromPopup(context, worker, extensionId, SEED_URL);
      const library = await openLibrary(context, extensionId);
      await expect(library).toHaveTitle(lang === 'en-US' ? 'Qingdu · Library' : '清读 · 阅读列表');
      await library.setViewportSize({ width: 360, height: 740 });
      await expect(library.locator('.row')).toHaveCount(1);
      expect(await library.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      // Two lines of toolbar, not three: Export and Import sit beside the search, the filters below.
      const search = (await library.locator('#search').boundingBox())!;
      const exporting = (await library.locator('#transfer-export').boundingBox())!;
      expect(Math.abs(exporting.y + exporting.height / 2 - (search.y + search.height / 2))).toBeLessThan(4);
      expect((await library.locator('.filters').boundingBox())!.y).toBeGreaterThan(search.y + search.height);
      expect((await library.locator('.toolbar').boundingBox())!.height).toBeLessThan(100);
      // No filter is partly scrolled out of its row.
      const filters = library.locator('.filters');
      expect(await filters.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
      const clip = (await filters.boundingBox())!;
      await library.locator('#search').focus();
      for (const id of ['filter-state', 'filter-tag', 'filter-site']) {
        await library.keyboard.press('Tab');
        await expect(library.locator(`#${id}`)).toBeFocused();
        // The ring drawn around the select, which the filters' row must not clip.
        const ring = await library.locator(`#${id}`).evaluate((el) => {
          const style = getComputedStyle(el);
          const out = parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset);
          const box = el.getBoundingClientRect();
          return { left: box.left - out, right: box.right + out, top: box.top - out, bottom: box.bottom + out, out };
        });
        expect(ring.out).toBeGreaterThan(0);
        expect(ring.left).toBeGreaterThanOrEqual(Math.max(clip.x, 0));
        expect(ring.right).toBeLessThanOrEqual(Math.min(clip.x + clip.width, 360));
        expect(ring.top).toBeGreaterThanOrEqual(clip.y);
        expect(ring.bottom).toBeLessThanOrEqual(clip.y + clip.height);
      }

      // The search's hint is a word there, not a long one cut off; the whole hint in a wider window, where the
      // search has the first line beside the name (it had a third of it at 600px, 193px, its hint cut).
      const hint = () => library.locator('#search').getAttribute('placeholder');
      expect(await hint()).toBe(lang === 'en-US' ? 'Search' : '搜索');
      await library.setViewportSize({ width: 600, height: 740 });
      await expect.poll(hint).toMatch(/(press \/|按 \/ 键)/);
      const [brand, field] = [(await library.locator('.brand').boundingBox())!, (await library.locator('#search').boundingBox())!];
      expect(Math.abs(field.y + field.height / 2 - (brand.y + brand.height / 2))).toBeLessThan(4);
      expect(field.width).toBeGreaterThan(300);
      // At 800 px the menus share the line and leave the field too narrow for the whole English hint: a word, not a hint cut.
      await library.setViewportSize({ width: 800, height: 740 });
      await expect.poll(() => library.locator('#search').evaluate((input: HTMLInputElement) => {
        const style = getComputedStyle(input);
        const context = document.createElement('canvas').getContext('2d')!;
        context.font = `${style.fontSize} ${style.fontFamily}`;
        // The field's own clear button (×) takes room at its end.
        return context.measureText(input.placeholder).width <= input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
      })).toBe(true);
      await library.setViewportSize({ width: 360, height: 740 });

      // Deleting the article with its long title leaves Undo on one line, not a character a line.
      await row(library, SEED_TITLE).getByRole('button', { name: /^(删除|Delete)$/ }).click();
      const undo = library.getByRole('button', { name: /^(撤销|Undo)$/ });
      await expect(undo).toBeVisible();
      const lines = await undo.evaluate((el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
      });
      expect(lines).toBe(1);
    });

    test('the reader\'s tab is named in the UI\'s language while it has no article to name it', async ({ extension }) => {
      const reader = await extension.context.newPage();
      await reader.goto(`chrome-extension://${extension.extensionId}/reader.html?id=nope`);
      await expect(reader.locator('#state-missing')).toBeVisible();
      await expect(reader).toHaveTitle(lang === 'en-US' ? 'Qingdu' : '清读');
    });

    test('a change the background never gets is explained in the UI\'s language, not in the browser\'s English, and read whole at 360 px', async ({ extension }) => {
      const { context, worker, extensionId } = extension;
      await saveFromPopup(context, worker, extensionId, SEED_URL);
      const library = await openLibrary(context, extensionId);
      await expect(library.locator('.row')).toHaveCount(1);
      // What the page gets when the background cannot be reached: every request rejects, with the browser's words.
      await library.evaluate(() => {
        chrome.runtime.sendMessage = () => {
          throw new Error('Could not establish connection. Receiving end does not exist.');
        };
      });
      // In a phone-wide window, where the message takes several lines.
      await library.setViewportSize({ width: 360, height: 740 });
      await library.locator('.row [data-action="archive"]').first().click();
      await expect(library.locator('#toast-text')).toHaveText(
        lang === 'en-US'
          ? "That did not work: The change was not made: Qingdu's background stopped or could not be reached, so your library is as it was. Reload the page and try again."
          : '操作失败：改动没有完成：清读的后台已停止或无法连接，阅读列表保持原样。请重新载入页面后再试。',
      );
      // Read whole: not cut off with an ellipsis, and all of the toast within the window.
      const [scrollWidth, clientWidth] = await library.locator('#toast-text').evaluate((text) => [text.scrollWidth, text.clientWidth]);
      expect(scrollWidth).toBeLessThanOrEqual(clientWidth!);
      const box = (await library.locator('#toast').boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(360);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(740);
      // Wrapped across the window's width (90 %), not squeezed into half of it a word to a line.
      expect(box.width).toBeGreaterThan(0.85 * 360);
    });

    test('at 360 px a row shows its saved date whole, whatever the length of its site name', async ({ extension }) => {
      const { context, extensionId } = extension;
      const library = await openLibrary(context, extensionId);
      await library.setViewportSize({ width: 360, height: 740 });
      // 2024-11-01, a link only (its own badge), from a host with a long name, with tags.
      const link = '<DT><A HREF="https://www.a-news-site-with-a-rather-long-host-name.example.com/story/1" ADD_DATE="1730419200" TAGS="经济,科技">一篇</A>';
      await library.locator('#transfer-file').setInputFiles({ name: 'bookmarks.html', mimeType: 'text/html', buffer: Buffer.from(`<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n${link}\n</DL>\n`) });
      const importer = library.locator('#transfer-import-dialog');
      await importer.locator('#transfer-import-confirm').click();
      await expect(importer.locator('#transfer-import-status')).toHaveText(/(新增 1 篇|1 added)/);
      await importer.getByRole('button', { name: /^(关闭|Close)$/ }).click();
      const time = library.locator('.row-meta time');
      await expect(time).toHaveText(lang === 'en-US' ? 'Nov 1, 2024' : '2024年11月1日');
      const [date, line] = [(await time.boundingBox())!, (await library.locator('.row-meta').boundingBox())!];
      expect(date.x + date.width).toBeLessThanOrEqual(line.x + line.width);
    });

    // It took four lines at 360 px (three without "Fetch text of links"), in both languages.
    test('at 360 px the selection bar keeps to two lines, with every action whole, named in full and ringed when focused', async ({
      extension,
    }) => {
      const { context, extensionId } = extension;
      const library = await openLibrary(context, extensionId);
      await library.setViewportSize({ width: 360, height: 740 });
      // Imported bookmarks: link-only articles, so "Fetch text of links" is offered too.
      await importLinks(library, 2);
      await expect(library.locator('.row')).toHaveCount(2);
      // The first tick docks the bar at the window's foot: the list does not move down under the finger.
      const listTop = (await library.locator('#list').boundingBox())!.y;
      for (const pick of await library.locator('.row-pick').all()) await pick.check();
      const picks = library.locator('#picks');
      await expect(library.locator('#picks-fetch')).toBeVisible();
      expect((await library.locator('#list').boundingBox())!.y).toBe(listTop);
      const bar = (await picks.boundingBox())!;
      expect(Math.round(bar.y + bar.height)).toBe(740);

      // Every action, by its full name, whatever the window shows.
      const names = [
        /^(为链接获取正文|Fetch text of links)$/,
        /^(标为已读|Mark read)$/,
        /^(标为未读|Mark unread)$/,
        /^(归档|Archive)$/,
        /^(删除|Delete)$/,
        /^(导出选中的文章…|Export selected…)$/,
        /^(取消选择|Clear selection)$/,
      ];
      for (const name of names) await expect(picks.getByRole('button', { name })).toBeVisible();

      // Lines, counted by the middles of the count and the buttons (the bar centres each line).
      const lines = await picks.evaluate((bar) => {
        const middles = [...bar.children]
          .filter((el) => el.getClientRects().length > 0)
          .map((el) => {
            const box = el.getBoundingClientRect();
            return Math.round(box.top + box.height / 2);
          });
        return new Set(middles).size;
      });
      expect(lines).toBeLessThanOrEqual(2);
      expect(await library.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

      // Each button a whole target of 24px or more, in the window with its focus ring.
      const buttons = picks.locator('button:visible');
      await expect(buttons).toHaveCount(names.length);
      for (const button of await buttons.all()) {
        const box = (await button.boundingBox())!;
        expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(24);
        await button.focus();
        await library.keyboard.press('Shift+Tab');
        await library.keyboard.press('Tab');
        await expect(button).toBeFocused();
        const ring = await button.evaluate((el) => {
          const style = getComputedStyle(el);
          return { style: style.outlineStyle, out: parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset) };
        });
        expect(ring.style).not.toBe('none');
        expect(ring.out).toBeGreaterThan(0);
        expect(box.x - ring.out).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width + ring.out).toBeLessThanOrEqual(360);
        // What it shows is part of its name, so a user of voice control can say what they see.
        const shown = (await button.innerText()).replace('…', '').trim();
        const name = (await button.getAttribute('aria-label')) ?? shown;
        expect(name.toLowerCase()).toContain(shown.toLowerCase());
      }

      // The toast of what the bar did shows above it, its Undo in reach.
      await picks.getByRole('button', { name: /^(标为已读|Mark read)$/ }).click();
      await expect(library.locator('#toast-text')).toHaveText(/^(已将 2 篇标为已读。|2 articles marked read\.)$/);
      const toast = (await library.locator('#toast').boundingBox())!;
      expect(toast.y + toast.height).toBeLessThanOrEqual((await picks.boundingBox())!.y);
    });
  });
}

test('when Undo cannot reach the background, the error takes focus from the vanished toast and Reload shows the library again', async ({
  extension,
}) => {
  const { context, worker, extensionId } = extension;
  await saveFromPopup(context, worker, extensionId, SEED_URL);
  await saveFromPopup(context, worker, extensionId, TRANSLATOR_URL);
  const library = await openLibrary(context, extensionId);
  await expect(library.locator('.row')).toHaveCount(2);

  // Delete from the selection bar: Undo takes focus, as the bar has gone.
  await row(library, SEED_TITLE).locator('.row-pick').check();
  await library.locator('#picks-delete').click();
  const undo = library.locator('#toast-undo');
  await expect(undo).toBeFocused();
  await expect(library.locator('.row')).toHaveCount(1);

  // What the page gets when the background cannot be reached: every request rejects.
  await library.evaluate(() => {
    chrome.runtime.sendMessage = () => {
      throw new Error('Could not establish connection. Receiving end does not exist.');
    };
  });
  await library.keyboard.press('Enter');

  const error = library.locator('#state-error');
  await expect(error).toBeVisible();
  await expect(library.locator('#list')).toBeHidden();
  await expect(undo).toBeHidden();
  const heading = error.getByRole('heading', { name: /^(出了点问题|Something went wrong)$/ });
  // Focus leaves the hidden Undo for the heading, whose description is the reason.
  await expect(heading).toBeFocused();
  await expect(heading).toHaveAccessibleDescription(/^(The change was not made: Qingdu's background stopped or could not be reached|改动没有完成：清读的后台已停止或无法连接)/);
  // A change arriving now (another tab's, or the late notice of the delete) leaves the error where it is, focus too.
  await library.evaluate(() => new BroadcastChannel('qingdu-library').postMessage({ type: 'changed' }));
  await library.waitForTimeout(1_000);
  await expect(heading).toBeFocused();
  await expect(library.locator('#list')).toBeHidden();

  // The next Tab reaches the way out; taking it shows the library as it is (the delete stands).
  await library.keyboard.press('Tab');
  await expect(error.getByRole('button', { name: /^(重新载入|Reload)$/ })).toBeFocused();
  await library.keyboard.press('Enter');
  await expect(library.locator('.row')).toHaveCount(1);
  await expect(library.locator('.row-title')).toHaveText('老龄化困境：东京留给北京的教训');
  await expect(error).toBeHidden();
});

test('a search that fails as the reader types is announced and leaves the keyboard in the search field; the next one that works shows the list again', async ({
  extension,
}) => {
  const { context, worker, extensionId } = extension;
  await saveFromPopup(context, worker, extensionId, SEED_URL);
  const library = await openLibrary(context, extensionId);
  await expect(library.locator('.row')).toHaveCount(1);
  const search = library.getByRole('searchbox');
  await search.focus();
  // One input, one search: the row is listed before any search ends, so the count is what says this one has
  // (the failing keystroke below would otherwise share a search still under way, and never fail).
  await search.fill('卢卡');
  await expect(library.locator('#summary')).toHaveText(/^(找到 1 \/ 1 篇|Found 1 of 1)$/);
  await expect(library.locator('.row-title')).toHaveText(SEED_TITLE);

  // What the page gets when its database connection goes (the profile's data cleared, say): every read throws.
  const reason = "Failed to execute 'transaction' on 'IDBDatabase': The database connection is closing.";
  await library.evaluate((message) => {
    const original = IDBDatabase.prototype.transaction;
    (window as unknown as { restoreIdb: () => void }).restoreIdb = () => (IDBDatabase.prototype.transaction = original);
    IDBDatabase.prototype.transaction = () => {
      throw new DOMException(message, 'InvalidStateError');
    };
  }, reason);
  await library.keyboard.type('申');

  const error = library.locator('#state-error');
  await expect(error).toBeVisible();
  // The browser's English reason names no way out and is not in the UI's language: the page says what it means.
  const said = /^(暂时无法读取阅读列表，已保存的文章都还在。请重新载入页面再试。|The library could not be read just now; your saved articles are still there\. Reload the page to try again\.)$/;
  await expect(error.getByRole('heading', { name: /^(出了点问题|Something went wrong)$/ })).toHaveAccessibleDescription(said);
  // Heard without taking the keyboard away: the alert says the heading and the reason, and typing goes on in the field.
  await expect(search).toBeFocused();
  await expect(library.getByRole('alert')).toHaveText(/^(出了点问题 暂时无法读取阅读列表|Something went wrong The library could not be read just now)/);
  await expect(library.getByRole('alert')).not.toContainText('database connection');
  await library.evaluate(() => (window as unknown as { restoreIdb: () => void }).restoreIdb());
  await library.keyboard.type('科');
  await expect(search).toHaveValue('卢卡申科');
  await expect(library.locator('.row-title')).toHaveText(SEED_TITLE);
  await expect(error).toBeHidden();
  await expect(library.getByRole('alert')).toHaveText('');
});

test('a live blog reads as posts one line apart, not two', async ({ extension }) => {
  const { context, worker, extensionId } = extension;
  await saveFromPopup(context, worker, extensionId, BIG5_URL);
  const reader = await openLibrary(context, extensionId);
  await reader.locator('.row-title').click();
  const posts = reader.locator('.rd-body .qd-post');
  await expect(posts.first()).toBeVisible();
  expect(await posts.count()).toBeGreaterThan(10);
  // Between two posts only the post's own top border shows: no rule of FT's above it.
  const lines = await reader.locator('.rd-body').evaluate((body) =>
    [...body.querySelectorAll('.qd-post')].slice(1).map((post) => {
      const before = post.previousElementSibling;
      return before?.tagName === 'HR' && getComputedStyle(before).display !== 'none' ? 2 : 1;
    }),
  );
  expect(new Set(lines)).toEqual(new Set([1]));
  await expect(posts.nth(1)).toHaveCSS('border-top-style', 'solid');
});

// What the keyboard reaches is scrolled clear of what covers the window's edges: the toolbar, and the footer or
// the bar ticks dock at the foot.
for (const width of [360, 700]) {
  test(`at ${width} px the row the keyboard moves to, ticks, tabs through or goes back to after Clear selection shows between the toolbar and the window's foot`, async ({ extension }) => {
    const { context, extensionId } = extension;
    const library = await openLibrary(context, extensionId);
    await library.setViewportSize({ width, height: 600 });
    await importLinks(library, 14);
    const shown = (what: 'row' | 'focus') =>
      library.evaluate((what) => {
        const el = document.activeElement!;
        const box = (what === 'row' ? el.closest('.row')! : el).getBoundingClientRect();
        const covers = ['#picks', '.footer']
          .map((s) => document.querySelector(s)!)
          .filter((e) => ['fixed', 'sticky'].includes(getComputedStyle(e).position))
          .map((e) => e.getBoundingClientRect().top);
        const top = document.querySelector('.toolbar')!.getBoundingClientRect().bottom;
        return box.top >= top && box.bottom <= Math.min(innerHeight, ...covers) ? 'shown' : `${box.top}–${box.bottom} outside ${top}–${Math.min(innerHeight, ...covers)}`;
      }, what);
    await library.locator('.row').first().focus();
    // Down to a row at the window's foot, which x ticks: in a narrow window the bar docks there, and the row moves up.
    for (let i = 0; i < 4; i++) {
      await library.keyboard.press('j');
      expect(await shown('row')).toBe('shown');
    }
    // Too narrow for the bar beside the count, it docks at the window's foot: the list keeps its place on the page.
    const listTop = () => library.evaluate(() => document.querySelector('#list')!.getBoundingClientRect().top + scrollY);
    const before = await listTop();
    await library.keyboard.press('x');
    await expect(library.locator('#picks-count')).toHaveText(/(已选中 1 篇|1 selected)/);
    expect(await shown('row')).toBe('shown');
    expect(await listTop()).toBe(before);
    await expect(library.locator('#picks')).toHaveClass(/\bdocked\b/);
    // A footer that stays in view sits on the docked bar, with no strip of the list between them.
    const seam = await library.evaluate(() => {
      const footer = document.querySelector('.footer')!;
      const bar = document.getElementById('picks')!.getBoundingClientRect().top;
      return getComputedStyle(footer).position === 'sticky' ? bar - footer.getBoundingClientRect().bottom : 0;
    });
    expect(Math.abs(seam)).toBeLessThan(0.01);
    for (let i = 0; i < 9; i++) {
      await library.keyboard.press('j');
      expect(await shown('row')).toBe('shown');
    }
    // Tab, back up the list and down again.
    for (let i = 0; i < 30; i++) {
      await library.keyboard.press('Shift+Tab');
      if (await library.evaluate(() => !!document.activeElement?.closest('#list'))) expect(await shown('focus')).toBe('shown');
    }
    for (let i = 0; i < 30; i++) {
      await library.keyboard.press('Tab');
      if (await library.evaluate(() => !!document.activeElement?.closest('#list'))) expect(await shown('focus')).toBe('shown');
    }
    // Clear selection takes its bar away, and the keyboard goes back to the list, not to the top of the page.
    await library.locator('#picks-clear').focus();
    await library.keyboard.press('Enter');
    await expect(library.locator('#picks-count')).toHaveText('');
    await expect(library.locator('#list .row-title:focus')).toHaveCount(1);
    expect(await shown('row')).toBe('shown');
  });
}
