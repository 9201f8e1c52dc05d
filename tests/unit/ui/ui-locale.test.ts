/**
 * Dates and counts are written in the UI's language, which is the messages' one: a browser in a language the
 * extension has no strings for shows the Chinese UI, and its German dates and numbers read wrongly inside it.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { getMessage } from '../transfer-ui/messages';

let browserLang = 'de';
let strings = 'zh_CN';
vi.mock('../../../src/platform/browser', () => ({
  default: { i18n: { getMessage: (key: string, subs?: string | string[]) => getMessage(strings)(key, subs), getUILanguage: () => browserLang } },
}));

describe('the UI locale', () => {
  beforeEach(() => vi.resetModules());
  const load = () => import('../../../src/ui/i18n');

  it.each([
    ['a German browser shown the Chinese UI', 'de', 'zh_CN', 'zh-CN', '20,000'],
    ['a British browser shown the English UI', 'en-GB', 'en', 'en-GB', '20,000'],
    ['a Chinese browser', 'zh-CN', 'zh_CN', 'zh-CN', '20,000'],
    ['a Taiwanese browser', 'zh-TW', 'zh_TW', 'zh-TW', '20,000'],
    ['a Persian browser shown the Chinese UI', 'fa', 'zh_CN', 'zh-CN', '20,000'],
  ])('%s', async (_, lang, messages, locale, count) => {
    [browserLang, strings] = [lang, messages];
    const { formatCount, uiLocale } = await load();
    expect(uiLocale()).toBe(locale);
    expect(formatCount(20_000)).toBe(count);
  });
});
