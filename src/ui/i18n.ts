/**
 * UI strings come from `_locales/<lang>/messages.json` through `browser.i18n`,
 * so the browser's language picks Chinese or English with no code of ours.
 */
import { ARTICLE_IMAGE_BUDGET } from '../core/article-images';
import browser from '../platform/browser';
import { formatBytes, joinSentences } from './format';

export function t(key: string, substitutions?: string | string[]): string {
  return browser.i18n.getMessage(key, substitutions) || key;
}

/**
 * The locale the UI is written in, for dates, counts and lists: the browser's
 * own when it is in the messages' language (en-GB dates for a British
 * browser), else the messages' (a German browser is shown the Chinese UI, the
 * default, and its dates and numbers were German ones inside Chinese text).
 */
export function uiLocale(): string {
  const words = t('uiLocale');
  const own = browser.i18n.getUILanguage().replace('_', '-');
  return own.split('-')[0]?.toLowerCase() === words.split('-')[0] ? own : words;
}

let counts: Intl.NumberFormat | undefined;

/** A count as the UI's language writes it: 20,000 articles are easier read than 20000. */
export function formatCount(count: number): string {
  counts ??= new Intl.NumberFormat(uiLocale());
  return counts.format(count);
}

/** A count in words: `browser.i18n` has no plural rules, so English needs its own message for one. */
export function tCount(one: string, many: string, count: number): string {
  return t(count === 1 ? one : many, formatCount(count));
}

/** Storage failures in the browser's language: the message the background sends with them is English (src/storage/errors.ts). */
const SAVE_ERRORS: Record<string, string> = { quota: 'saveQuota', aborted: 'saveAborted', unknown: 'saveUnknown' };

/**
 * "保存失败：存储空间已满…" for a save the background refused with `error` (a storage failure's code) and `message`:
 * known failures in the UI's language, the reason after the label with no space after a full-width colon.
 */
export function saveFailedText(error: string, message: string): string {
  const known = SAVE_ERRORS[error];
  return joinSentences(t('saveFailed'), known ? t(known) : message);
}

/** Undo's failures the page can name: any other asks for another try. */
const UNDO_ERRORS: Record<string, string> = { quota: 'undoQuota' };

/** "Could not undo; the article is still deleted. Storage is full: …": the Undo button stays for another try. */
export function undoFailedText(error: string): string {
  return joinSentences(t('undoNotDone'), t(UNDO_ERRORS[error] ?? 'undoRetry'));
}

/** Why `count` images were left out: the article's images had reached the most stored with one article. */
export function imagesOverBudgetText(count: number): string {
  return t(count === 1 ? 'imagesOverBudgetOne' : 'imagesOverBudget', [String(count), formatBytes(ARTICLE_IMAGE_BUDGET)]);
}

/** Fill every `[data-i18n]` element's text and `[data-i18n-<attr>]` attributes. */
export function translatePage(root: ParentNode = document): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n ?? '');
  }
  for (const attr of ['title', 'placeholder', 'aria-label'] as const) {
    for (const el of root.querySelectorAll<HTMLElement>(`[data-i18n-${attr}]`)) {
      el.setAttribute(attr, t(el.getAttribute(`data-i18n-${attr}`) ?? ''));
    }
  }
  document.documentElement.lang = uiLocale();
}
