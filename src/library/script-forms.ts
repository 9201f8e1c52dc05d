/**
 * Search terms as OpenCC spells them in the other script, phrase by phrase.
 * Stored text and queries are folded to one script character by character
 * (storage/script-fold.ts), which already finds 「紀實」 from 「纪实」 and 頭髮
 * from 头发; the converters add the words the two scripts write with other
 * characters, 复苏 and 復甦, 了解 and 瞭解, 借口 and 藉口; name-forms.ts adds
 * the names Taiwan and the mainland spell differently, 特朗普 and 川普.
 *
 * The converters are the reader's OpenCC chunks (about 1.2 MB), loaded the
 * first time a query holds a Han character and kept for the page's life.
 */
import { loadConverter, loadTraditionalSpellings } from '../reader/convert';
import type { TermForms } from '../storage/search-text';
import { withNameForms } from './name-forms';

const HAN = /\p{Script=Han}/u;

let loading: Promise<TermForms | undefined> | undefined;

/**
 * The forms to search the terms of `query` in: undefined when it holds no
 * Han character. When the converters failed to load, search takes the terms
 * as typed (and the names' other spellings), rather than not at all.
 */
export function scriptFormsFor(query: string): Promise<TermForms | undefined> {
  if (!HAN.test(query)) return Promise.resolve(undefined);
  loading ??= Promise.all([loadConverter('hant'), loadTraditionalSpellings()]).then(
    ([toSimplified, traditional]) => (term: string) => {
      if (!HAN.test(term)) return [term];
      // The Traditional spellings come from the Simplified one, so 為何 also finds 爲何.
      const simplified = toSimplified(term);
      return withNameForms([...new Set([term, simplified, ...traditional.map((toTraditional) => toTraditional(simplified))])]);
    },
    // Without the converters the terms are searched as typed, and in the other spellings of the names they hold.
    () => (term: string) => withNameForms([term]),
  );
  return loading;
}
