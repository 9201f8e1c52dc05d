/**
 * Search terms in both Chinese scripts, so 「纪实」 finds an article saved as
 * 「紀實」 and the other way round, whichever Traditional spelling (爲 or 為,
 * 裏 or 裡) the article uses. The stored search text keeps the script
 * each article was written in (folding it would rewrite every row and slow
 * imports), so the query is spelled both ways instead.
 *
 * The converters are the reader's OpenCC chunks (about 1.2 MB), loaded the
 * first time a query holds a Han character and kept for the page's life.
 */
import { loadConverter, loadTraditionalSpellings } from '../reader/convert';
import type { TermForms } from '../storage/search-text';

const HAN = /\p{Script=Han}/u;

let loading: Promise<TermForms | undefined> | undefined;

/**
 * The forms to search the terms of `query` in: undefined when it holds no
 * Han character, or when the converters failed to load (search then takes
 * the terms as typed, rather than not at all).
 */
export function scriptFormsFor(query: string): Promise<TermForms | undefined> {
  if (!HAN.test(query)) return Promise.resolve(undefined);
  loading ??= Promise.all([loadConverter('hant'), loadTraditionalSpellings()]).then(
    ([toSimplified, traditional]) => (term: string) => {
      if (!HAN.test(term)) return [term];
      // The Traditional spellings come from the Simplified one, so 為何 also finds 爲何.
      const simplified = toSimplified(term);
      return [...new Set([term, simplified, ...traditional.map((toTraditional) => toTraditional(simplified))])];
    },
    () => undefined,
  );
  return loading;
}
