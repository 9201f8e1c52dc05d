/**
 * One script for search: every Traditional character, and every regional
 * variant of one (Taiwan's 為 and 裡, Hong Kong's 衞, FT's big5 爲 and 裏), is
 * written as its Simplified form, in the stored text and in queries alike.
 *
 * Simplified → Traditional is one-to-many (发 is 發 or 髮, 后 is 后 or 後,
 * 干 is 乾, 幹 or 干), so spelling a Simplified query in Traditional needs a
 * guess at the word, and a word the converter does not know gets one
 * spelling only: 头发 never found 頭髮. Traditional → Simplified is
 * many-to-one, so folding both sides needs no guess.
 *
 * The table is OpenCC's character tables (Traditional → Simplified, and
 * Taiwan's and Hong Kong's variants → OpenCC's Traditional), joined into
 * classes of characters that stand for one another, each written as one of
 * them: its Simplified form where it has one. Characters only, no phrases:
 * every character folds the same way wherever it stands, so a term found in
 * folded text is found at the same place in the unfolded one.
 *
 * Stored search text is folded (schema v7): changing the table (or the
 * opencc-js version it comes from) needs a migration that folds the stored
 * text again; a unit test pins the table.
 */
import tsCharacters from 'opencc-js/dict/TSCharacters';
import twVariants from 'opencc-js/dict/TWVariantsRev';
import hkVariants from 'opencc-js/dict/HKVariantsRev';

/** No replacement for this UTF-16 unit. */
const KEEP = 0;
/** The replacement is not one BMP unit (or the unit is a high surrogate): look the code point up in `wide`. */
const WIDE = 0xffff;

interface FoldTable {
  /** Replacement of each BMP unit, KEEP or WIDE. */
  units: Uint16Array;
  /** Replacements by code point, for astral characters and BMP ones that fold to an astral one. */
  wide: Map<number, string>;
  /** Every character that changes, and what it becomes. */
  pairs: Map<string, string>;
}

let table: FoldTable | undefined;
const utf16 = new TextDecoder('utf-16le');

/** "a b|c d" → [a, b], [c, d]: OpenCC's dictionary format, one character each side. */
function pairsOf(dict: string): [string, string][] {
  return dict.split('|').map((pair) => pair.split(' ') as [string, string]);
}

function buildTable(): FoldTable {
  const traditional = pairsOf(tsCharacters);
  const simplified = new Set(traditional.map(([, to]) => to));
  const isTraditional = new Set(traditional.map(([from]) => from));
  // Union-find over characters that stand for one another.
  const parent = new Map<string, string>();
  const root = (c: string): string => {
    let r = c;
    while (parent.get(r) !== r) r = parent.get(r) ?? r;
    parent.set(c, r);
    return r;
  };
  for (const [a, b] of [...traditional, ...pairsOf(twVariants), ...pairsOf(hkVariants)]) {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    parent.set(root(a), root(b));
  }
  const classes = new Map<string, string[]>();
  for (const c of parent.keys()) {
    const r = root(c);
    const members = classes.get(r);
    if (members) members.push(c);
    else classes.set(r, [c]);
  }
  // Each class is written as a Simplified form: a converter's target that is no one's source; then the lowest code point.
  const rank = (c: string) => (isTraditional.has(c) ? 2 : 0) + (simplified.has(c) ? 0 : 1);
  const pairs = new Map<string, string>();
  for (const members of classes.values()) {
    members.sort((a, b) => rank(a) - rank(b) || (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0));
    const to = members[0]!;
    for (const c of members) if (c !== to) pairs.set(c, to);
  }
  const units = new Uint16Array(0x10000);
  const wide = new Map<number, string>();
  for (const [from, to] of pairs) {
    const code = from.codePointAt(0)!;
    if (from.length === 1 && to.length === 1) {
      units[code] = to.charCodeAt(0);
    } else {
      wide.set(code, to);
      units[from.charCodeAt(0)] = WIDE;
    }
  }
  return { units, wide, pairs };
}

function foldTable(): FoldTable {
  table ??= buildTable();
  return table;
}

/** Every character the fold changes, and what it becomes (for tests). */
export function foldPairs(): ReadonlyMap<string, string> {
  return foldTable().pairs;
}

/** `text` with every Chinese character in its folded form (see above); the same string when none changes. */
export function foldScripts(text: string): string {
  const { units, wide } = foldTable();
  const n = text.length;
  let i = 0;
  while (i < n && units[text.charCodeAt(i)] === KEEP) i++;
  if (i === n) return text;
  // A character becomes at most two units (a BMP one folding to an astral one): fill a buffer, and decode it once.
  const out = new Uint16Array(2 * n);
  let length = 0;
  for (let k = 0; k < i; k++) out[length++] = text.charCodeAt(k);
  for (; i < n; i++) {
    const unit = text.charCodeAt(i);
    const to = units[unit]!;
    if (to === KEEP) {
      out[length++] = unit;
    } else if (to !== WIDE) {
      out[length++] = to;
    } else {
      const code = text.codePointAt(i)!;
      const replacement = wide.get(code) ?? String.fromCodePoint(code);
      for (let k = 0; k < replacement.length; k++) out[length++] = replacement.charCodeAt(k);
      if (code > 0xffff) i++;
    }
  }
  // Decoding the units once is ~20 times as fast as String.fromCharCode over them; a lone surrogate becomes U+FFFD, in text and query alike.
  return utf16.decode(out.subarray(0, length));
}
