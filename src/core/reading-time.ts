/**
 * Length and reading time for mixed Chinese / other-script text.
 * Chinese (Han) characters are counted one by one; runs of letters or digits
 * in other scripts count as words. Rates are the usual silent-reading figures.
 */

export const CJK_CHARS_PER_MINUTE = 255;
export const WORDS_PER_MINUTE = 230;

/** Runs of Han characters, and runs of anything else (one match per run, not per character). */
const HAN_RUN = /\p{Script=Han}+/gu;
const NOT_HAN_RUN = /\P{Script=Han}+/gu;
const HIGH_SURROGATE = /[\uD800-\uDBFF]/g;
/**
 * Letters or digits, joined by apostrophes, hyphens or dots. `[a-zA-Z0-9]` is a
 * subset of `[\p{L}\p{N}]` listed first only because the regex engine tests it
 * much faster than the Unicode property classes: the matches are the same.
 */
const WORD = /(?:[a-zA-Z0-9]|[\p{L}\p{N}])+(?:['’\-.](?:[a-zA-Z0-9]|[\p{L}\p{N}])+)*/gu;

export interface TextCounts {
  /** Han characters. */
  cjk: number;
  /** Words in other scripts (Latin, digits, Cyrillic, …). */
  words: number;
}

export function countText(text: string): TextCounts {
  const han = text.replace(NOT_HAN_RUN, '');
  // Code points, not UTF-16 units: Han extensions B and later are astral.
  const cjk = han.length - (han.match(HIGH_SURROGATE)?.length ?? 0);
  // A run of Han becomes one space: words never span Han, and how many spaces separate them does not matter.
  const words = cjk ? text.replace(HAN_RUN, ' ').match(WORD)?.length ?? 0 : text.match(WORD)?.length ?? 0;
  return { cjk, words };
}

/** `Article.length`: Chinese characters plus words in other scripts. */
export function textLength(text: string): number {
  return lengthOf(countText(text));
}

/** {@link textLength} from counts already made. */
export function lengthOf({ cjk, words }: TextCounts): number {
  return cjk + words;
}

/** Minutes to read, rounded, at least 1. */
export function readingMinutes(text: string): number {
  return minutesOf(countText(text));
}

/** {@link readingMinutes} from counts already made. */
export function minutesOf({ cjk, words }: TextCounts): number {
  return Math.max(1, Math.round(cjk / CJK_CHARS_PER_MINUTE + words / WORDS_PER_MINUTE));
}
