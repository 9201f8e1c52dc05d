/**
 * Search terms as OpenCC spells them in the other script, phrase by phrase.
 * Stored text and queries are folded to one script character by character
 * (storage/script-fold.ts), which already finds 「紀實」 from 「纪实」 and 頭髮
 * from 头发; the converters add the words the two scripts write with other
 * characters, 复苏 and 復甦, 了解 and 瞭解, 借口 and 藉口, and the words
 * Taiwan and the mainland say differently: 软件 and 軟體, 出租车 and 計程車;
 * name-forms.ts adds the names they spell differently, 特朗普 and 川普.
 *
 * The converters are the reader's OpenCC chunks (about 1.2 MB), loaded the
 * first time a query holds a Han character and kept for the page's life.
 */
import { loadSimplifiedSpellings, loadTraditionalSpellings } from '../reader/convert';
import type { TermForms } from '../storage/search-text';
import { withNameForms } from './name-forms';

const HAN = /\p{Script=Han}/u;

let loading: Promise<TermForms | undefined> | undefined;

/**
 * The forms to search the terms of `query` in: undefined when it holds no
 * Han character, or when the converters failed to load (search then takes
 * the terms as typed, rather than not at all).
 */
export function scriptFormsFor(query: string): Promise<TermForms | undefined> {
  if (!HAN.test(query)) return Promise.resolve(undefined);
  loading ??= Promise.all([loadSimplifiedSpellings(), loadTraditionalSpellings()]).then(
    ([simplifiers, traditional]) => (term: string) => {
      if (!HAN.test(term)) return [term];
      // The Traditional spellings come from the Simplified ones, so 為何 also finds 爲何.
      const simplified = simplifiers.map((toSimplified) => toSimplified(term));
      return withNameForms([...new Set([term, ...simplified, ...simplified.flatMap((s) => traditional.map((toTraditional) => toTraditional(s)))])]);
    },
    () => undefined,
  );
  return loading;
}
