/**
 * Length and reading time for mixed Chinese / other-script text.
 * Chinese (Han) characters are counted one by one; runs of letters or digits
 * in other scripts count as words. Rates are the usual silent-reading figures.
 */

export const CJK_CHARS_PER_MINUTE = 255;
export const WORDS_PER_MINUTE = 230;

const HAN = /\p{Script=Han}/gu;
const WORD = /[\p{L}\p{N}]+(?:['’\-.][\p{L}\p{N}]+)*/gu;

export interface TextCounts {
  /** Han characters. */
  cjk: number;
  /** Words in other scripts (Latin, digits, Cyrillic, …). */
  words: number;
}

export function countText(text: string): TextCounts {
  const cjk = text.match(HAN)?.length ?? 0;
  const words = text.replace(HAN, ' ').match(WORD)?.length ?? 0;
  return { cjk, words };
}

/** `Article.length`: Chinese characters plus words in other scripts. */
export function textLength(text: string): number {
  const { cjk, words } = countText(text);
  return cjk + words;
}

/** Minutes to read, rounded, at least 1. */
export function readingMinutes(text: string): number {
  const { cjk, words } = countText(text);
  return Math.max(1, Math.round(cjk / CJK_CHARS_PER_MINUTE + words / WORDS_PER_MINUTE));
}
