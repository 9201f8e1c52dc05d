/**
 * The UI strings: every language has every message with the same
 * placeholders, the Traditional Chinese file is in step with the Simplified
 * one it is made from, and every message key the code names exists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zhTwMessages } from '../../tools/zh-tw';

const ROOT = join(import.meta.dirname, '../../..');
const LOCALES = join(ROOT, 'public/_locales');
type Messages = Record<string, { message: string; placeholders?: Record<string, unknown> }>;
const read = (lang: string): Messages => JSON.parse(readFileSync(join(LOCALES, lang, 'messages.json'), 'utf8')) as Messages;

/** Every source file under `dir` (recursive) whose name matches. */
function sources(dir: string, name: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && name.test(e.name))
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'));
}

describe('UI strings', () => {
  const langs = readdirSync(LOCALES);
  const zhCn = read('zh_CN');

  it('come in English, Simplified and Traditional Chinese, each with every message and the same placeholders', () => {
    expect(langs.sort()).toEqual(['en', 'zh_CN', 'zh_TW']);
    for (const lang of langs) {
      const messages = read(lang);
      expect(Object.keys(messages).sort(), lang).toEqual(Object.keys(zhCn).sort());
      for (const [key, { placeholders }] of Object.entries(messages)) expect(placeholders, `${lang} ${key}`).toEqual(zhCn[key]?.placeholders);
    }
  });

  it('zh_TW is zh_CN converted (run npx tsx tests/tools/make-zh-tw.ts after editing zh_CN)', () => {
    const source = readFileSync(join(LOCALES, 'zh_CN/messages.json'), 'utf8');
    expect(readFileSync(join(LOCALES, 'zh_TW/messages.json'), 'utf8')).toBe(zhTwMessages(source));
    expect(read('zh_TW').library?.message).toBe('閱讀列表');
  });

  it("zh_TW uses Taiwan's words, not the Mainland's that OpenCC leaves", () => {
    const text = readFileSync(join(LOCALES, 'zh_TW/messages.json'), 'utf8');
    expect(text.match(/獲取|當前|訪問|標籤頁|選中|文本|快捷鍵|後臺|滾動|撤銷/g)).toBeNull();
    expect(read('zh_TW').fetchText?.message).toBe('取得正文');
  });

  it('names only messages that exist, in the code and in the pages', () => {
    const named = new Set<string>();
    for (const text of sources(join(ROOT, 'src'), /\.ts$/)) {
      for (const m of text.matchAll(/\bt\('([A-Za-z0-9]+)'/g)) named.add(m[1]!);
      for (const m of text.matchAll(/\btCount\('([A-Za-z0-9]+)', '([A-Za-z0-9]+)'/g)) named.add(m[1]!).add(m[2]!);
    }
    for (const text of sources(join(ROOT, 'src'), /\.html$/)) {
      for (const m of text.matchAll(/data-i18n(?:-[a-z-]+)?="([A-Za-z0-9]+)"/g)) named.add(m[1]!);
    }
    expect(named.size).toBeGreaterThan(100);
    expect([...named].filter((key) => !(key in zhCn))).toEqual([]);
  });
});
