/**
 * Full-text search over the library, built for Chinese without a segmenter.
 *
 * Every article contributes one normalized string (title, text, standfirst
 * and byline), kept in memory, and a 4,096-bit signature of the characters
 * and character pairs (bigrams) it contains. A query term is looked for with
 * `String.prototype.indexOf` only in articles whose signature holds all of the
 * term's characters and bigrams. For 2-3 character Chinese terms that skips
 * most of the library: V8 scans CJK text slowly for some first characters (its
 * fast path keys on one byte of the UTF-16 unit, and CJK high bytes are
 * everywhere in Chinese text), so the filter turns a 35M-character scan into a
 * few thousand short ones. The characters matter for one-character terms
 * (every search's first keystroke), and for a term's form in the other
 * Chinese script, whose characters most articles lack altogether.
 *
 * Memory at 20,000 articles of ~1,700 characters: ~70 MB of text (2 bytes a
 * character) plus 10 MB of signatures.
 *
 * Matching rules:
 * - Chinese (and any script without spaces): plain substring, so 「清读」 is
 *   found in the middle of a sentence.
 * - Latin, Greek, Cyrillic words and numbers: case-insensitive word prefix,
 *   so `read` finds "Reader" but not "bread"; an apostrophe typed (') finds
 *   one typeset (’), and the other way round.
 * - Several terms separated by spaces must all occur (AND).
 * - The standfirst and the byline are searched as the body is (they follow
 *   it in the text); only a hit in the title ranks an article first.
 * - Simplified and Traditional find each other: text and query alike are
 *   folded to one script, character by character (script-fold.ts), so 头发
 *   finds 頭髮 and 后 finds both 后 and 後.
 * - A term may come with other forms (spellings a phrase converter gives,
 *   see `TermForms`): any one of them occurring is enough. A form may name
 *   words it does not count inside (`GuardedForm`): 川普, Taiwan's 特朗普,
 *   is also in 四川普通话.
 */
import { utf8Length } from './records';
import { foldScripts } from './script-fold';

/** Signature size per article, in 32-bit words (4,096 bits: ~20% set by a 5 KB article). */
const SIGNATURE_WORDS = 128;
const SIGNATURE_MASK = SIGNATURE_WORDS * 32 - 1;
const MAX_TERMS = 8;
// Characters that form "words" for prefix matching. Han, kana and Hangul are matched as substrings.
const WORD_CHAR = /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Nd}]/u;
// Control characters and every kind of whitespace collapse to one space.
const SPACE_RUN = /[\s\p{Cc}]+/gu;

/**
 * The form both stored text and queries take: NFKC (full-width ＡＢＣ１２３ become
 * ASCII), lower case, whitespace and control characters collapsed to one space,
 * Chinese folded to one script (`foldScripts`).
 * Changing this requires a schema migration that rewrites the `searchSegments` store.
 */
export function normalizeForSearch(text: string): string {
  return foldScripts(normalizeUnfolded(text));
}

function normalizeUnfolded(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(SPACE_RUN, ' ').trim();
}

/**
 * Splits a query into terms (at most eight, none twice), each as the
 * normalized forms to look for: the term itself first, then the other forms
 * `forms` gives for it. `forms` sees the term before folding, the way it was
 * typed, so a phrase converter can still tell 復甦 (which folds to 复甦) from
 * 复苏.
 */
export function queryTerms(query: string, forms?: TermForms): TermForm[][] {
  const terms = new Map<string, TermForm[]>();
  for (const term of normalizeUnfolded(query).split(' ')) {
    if (term.length === 0) continue;
    // Each text once; a form also given plainly is searched plainly.
    const folded = new Map<string, TermForm>();
    for (const form of forms ? forms(term) : [term]) {
      for (const text of withApostrophes(normalizeForSearch(formText(form)))) {
        if (typeof form === 'string') folded.set(text, text);
        else if (!folded.has(text)) folded.set(text, { term: text, notIn: form.notIn.map(normalizeForSearch) });
      }
    }
    const first = formText(folded.values().next().value as TermForm);
    if (!terms.has(first)) terms.set(first, [...folded.values()]);
    if (terms.size === MAX_TERMS) break;
  }
  return [...terms.values()];
}

const APOSTROPHES = /['\u2018\u2019\u02bc]/g;

/**
 * `text`, and the same with its apostrophes typed (') and typeset (’): a page writes either, a keyboard types the
 * first, and "Britain's" should find "Britain’s".
 */
function withApostrophes(text: string): string[] {
  const typed = text.replace(APOSTROPHES, "'");
  const typeset = text.replace(APOSTROPHES, '\u2019');
  return typed === typeset ? [text] : [...new Set([text, typed, typeset])];
}

/** A form that does not count inside the words `notIn` (each holding it): 川普 not in 四川普, of 四川普通话. */
export interface GuardedForm {
  term: string;
  notIn: readonly string[];
}

export type TermForm = string | GuardedForm;

const formText = (form: TermForm): string => (typeof form === 'string' ? form : form.term);

/**
 * The forms a query term may take in stored text, the term itself first.
 * Folding finds every spelling of the same characters; a converter that
 * knows phrases adds those spelled with other characters (复苏 and 復甦).
 */
export type TermForms = (term: string) => readonly TermForm[];

/** A query term, or every form of it (see `TermForms`). */
export type QueryTerm = string | readonly TermForm[];

export interface TextHit {
  id: string;
  /** The first term (in any of its forms) was found in the title. */
  inTitle: boolean;
}

/** The in-memory text index. Not persisted: rebuilt from the `searchSegments` store. */
export class TextIndex {
  /** Slot-indexed columns; a removed article frees its slot for the next one. */
  private ids: (string | undefined)[] = [];
  private texts: string[] = [];
  private titleLengths: number[] = [];
  private signatures = new Uint32Array(SIGNATURE_WORDS * 64);
  private slotOf = new Map<string, number>();
  private freeSlots: number[] = [];

  get size(): number {
    return this.slotOf.size;
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  keys(): IterableIterator<string> {
    return this.slotOf.keys();
  }

  /** Adds or replaces an article's normalized text. */
  set(id: string, text: string, titleLength: number): void {
    let slot = this.slotOf.get(id);
    if (slot === undefined) {
      slot = this.freeSlots.pop() ?? this.ids.length;
      this.slotOf.set(id, slot);
      this.ids[slot] = id;
      if ((slot + 1) * SIGNATURE_WORDS > this.signatures.length) {
        const grown = new Uint32Array(this.signatures.length * 2);
        grown.set(this.signatures);
        this.signatures = grown;
      }
    }
    this.texts[slot] = text;
    this.titleLengths[slot] = titleLength;
    const base = slot * SIGNATURE_WORDS;
    const sig = this.signatures;
    sig.fill(0, base, base + SIGNATURE_WORDS);
    for (let i = 0; i < text.length; i++) {
      const a = text.charCodeAt(i);
      const char = charBit(a);
      sig[base + (char >>> 5)]! |= 1 << (char & 31);
      if (i + 1 === text.length) break;
      const pair = bigramBit(a, text.charCodeAt(i + 1));
      sig[base + (pair >>> 5)]! |= 1 << (pair & 31);
    }
  }

  delete(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    this.slotOf.delete(id);
    this.ids[slot] = undefined;
    this.texts[slot] = '';
    this.signatures.fill(0, slot * SIGNATURE_WORDS, (slot + 1) * SIGNATURE_WORDS);
    this.freeSlots.push(slot);
  }

  clear(): void {
    this.ids = [];
    this.texts = [];
    this.titleLengths = [];
    this.signatures = new Uint32Array(SIGNATURE_WORDS * 64);
    this.slotOf.clear();
    this.freeSlots = [];
  }

  /** Ids of articles containing every term (any one of its forms), each with whether the first term is in its title. */
  find(terms: readonly QueryTerm[]): TextHit[] {
    if (terms.length === 0) return [];
    const prepared = terms.map((forms) => (typeof forms === 'string' ? [forms] : forms).map(prepareForm));
    const hits: TextHit[] = [];
    const sig = this.signatures;
    slots: for (let slot = 0; slot < this.ids.length; slot++) {
      const id = this.ids[slot];
      if (id === undefined) continue;
      const base = slot * SIGNATURE_WORDS;
      // Cheap filter first: every term needs a form whose characters and bigrams are all in the signature.
      for (const forms of prepared) if (!anyInSignature(sig, base, forms)) continue slots;
      const text = this.texts[slot] ?? '';
      let firstAt = -1;
      for (let k = 0; k < prepared.length; k++) {
        let at = -1;
        for (const form of prepared[k]!) {
          if (!inSignature(sig, base, form.bits)) continue;
          const found = indexOfTerm(text, form);
          if (found < 0 || (at >= 0 && found >= at)) continue;
          at = found;
          // Only the first term's position matters (title or not), and then its earliest form's.
          if (k > 0) break;
        }
        if (at < 0) continue slots;
        if (k === 0) firstAt = at;
      }
      hits.push({ id, inTitle: firstAt < (this.titleLengths[slot] ?? 0) });
    }
    return hits;
  }
}

interface PreparedForm {
  term: string;
  /** Found only at a word start: after no word character (Latin and the like). */
  wordStart: boolean;
  /** Words it does not count inside, each with where in it the term starts. */
  notIn: readonly { word: string; at: number }[];
  /** Signature bits of the form's characters and bigrams, each once. */
  bits: number[];
}

function prepareForm(form: TermForm): PreparedForm {
  const term = formText(form);
  const bits = new Set<number>();
  for (let i = 0; i < term.length; i++) {
    bits.add(charBit(term.charCodeAt(i)));
    if (i + 1 < term.length) bits.add(bigramBit(term.charCodeAt(i), term.charCodeAt(i + 1)));
  }
  const notIn = typeof form === 'string' ? [] : form.notIn.map((word) => ({ word, at: word.indexOf(term) })).filter((w) => w.at >= 0);
  return { term, wordStart: isWordChar(term.charCodeAt(0)), notIn, bits: [...bits] };
}

/** Whether one of `forms` has all its bits in the signature at `base`. */
function anyInSignature(sig: Uint32Array, base: number, forms: readonly PreparedForm[]): boolean {
  for (const form of forms) if (inSignature(sig, base, form.bits)) return true;
  return false;
}

/** Whether the signature at `base` has every one of `bits`. */
function inSignature(sig: Uint32Array, base: number, bits: readonly number[]): boolean {
  for (const bit of bits) if (((sig[base + (bit >>> 5)] ?? 0) & (1 << (bit & 31))) === 0) return false;
  return true;
}

/** First occurrence of `form`'s term where it counts (see `PreparedForm`); -1 if none. */
function indexOfTerm(text: string, { term, wordStart, notIn }: PreparedForm): number {
  let from = 0;
  for (;;) {
    const at = text.indexOf(term, from);
    if (at < 0) return at;
    const inWord = wordStart && at > 0 && isWordChar(text.charCodeAt(at - 1));
    if (!inWord && !notIn.some((w) => at >= w.at && text.startsWith(w.word, at - w.at))) return at;
    from = at + 1;
  }
}

/** Bit position of a single character: its pair with NUL, which normalized text never holds. */
function charBit(a: number): number {
  return bigramBit(a, 0);
}

/** Bit position (0..4095) of a character pair in a signature. */
function bigramBit(a: number, b: number): number {
  return ((Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77)) >>> 7) & SIGNATURE_MASK;
}

/** WORD_CHAR for one UTF-16 unit, without a regex for the ASCII and CJK cases that make up nearly all text. */
function isWordChar(code: number): boolean {
  if (code < 0x80) return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39); // text is lower-cased
  if (code >= 0x2e80 && code <= 0xd7ff) return false; // CJK, kana, Hangul: never part of a "word"
  return WORD_CHAR.test(String.fromCharCode(code));
}

/** What an article's search text is made of: the title, the body, and what the reader shows beside the body. */
export interface SearchFields {
  title: string;
  textContent: string;
  /** The standfirst, kept apart from the body (since v8). */
  lead?: string | null;
  /** The author (since v8). */
  byline?: string | null;
}

/**
 * What storing an article derives from its text alone: its search text (see
 * schema.ts `SearchRecord`) and the UTF-8 size of its plain text. A backup
 * import has its reading worker make these, off the page's busy thread.
 */
export interface PreparedText {
  text: string;
  titleLength: number;
  textBytes: number;
}

export function prepareText(article: SearchFields): PreparedText {
  // As an import stores them: a lone surrogate read from the file becomes U+FFFD.
  const whole = (text: string) => (text.isWellFormed() ? text : text.toWellFormed());
  const { title, textContent, lead, byline } = article;
  const fields = { title: whole(title), textContent: whole(textContent), lead: typeof lead === 'string' ? whole(lead) : lead, byline: typeof byline === 'string' ? whole(byline) : byline };
  return { ...prepareSearch(fields), textBytes: utf8Length(fields.textContent) };
}

/** True when `value` has the shape of a `PreparedText` (a record's `prepared` is checked before it is used). */
export function isPreparedText(value: unknown): value is PreparedText {
  if (typeof value !== 'object' || value === null) return false;
  const { text, titleLength, textBytes } = value as Record<string, unknown>;
  return typeof text === 'string' && Number.isSafeInteger(titleLength) && (titleLength as number) >= 0 && (titleLength as number) <= text.length &&
    Number.isSafeInteger(textBytes) && (textBytes as number) >= 0;
}

/** The `search` store row for an article (see schema.ts `SearchRecord`), from its text or from what was prepared of it. */
export function buildSearchRecord(
  id: string,
  article: SearchFields,
  savedAt: string,
  rev: number,
  prepared?: PreparedText,
): { id: string; text: string; titleLength: number; savedAt: number; rev: number } {
  const { text, titleLength } = prepared ?? prepareSearch(article);
  return { id, text, titleLength, savedAt: Date.parse(savedAt) || 0, rev };
}

function prepareSearch(article: SearchFields): { text: string; titleLength: number } {
  const title = normalizeForSearch(article.title);
  return { text: title + ' ' + normalizeForSearch(article.textContent) + searchTextBeside(article), titleLength: title.length };
}

/**
 * The standfirst and the byline, normalized, each after a space ('' when
 * neither has any text): the end of an article's search text, after its body.
 * Schema v8 appends the same to the rows stored before it, from the index rows.
 * A value that is not a string (a hand-made backup's) counts as none.
 */
export function searchTextBeside(fields: { lead?: unknown; byline?: unknown }): string {
  let out = '';
  for (const field of [fields.lead, fields.byline]) {
    const text = typeof field === 'string' ? normalizeForSearch(field) : '';
    if (text) out += ' ' + text;
  }
  return out;
}
