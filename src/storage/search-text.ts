/**
 * Full-text search over the library, built for Chinese without a segmenter.
 *
 * Every article contributes one normalized string (title + text). Strings are
 * packed into chunks of ~512K characters joined by a separator; a query term is
 * found with `String.prototype.indexOf` over each chunk and mapped back to its
 * article through a sorted offsets table. A scan of 20,000 articles (~35M
 * characters) takes a few milliseconds per term in V8, no index has to be kept
 * in step with every save, and memory is the text itself (2 bytes a character).
 *
 * Matching rules:
 * - Chinese (and any script without spaces): plain substring, so 「清读」 is
 *   found in the middle of a sentence.
 * - Latin, Greek, Cyrillic words and numbers: case-insensitive word prefix,
 *   so `read` finds "Reader" but not "bread".
 * - Several terms separated by spaces must all occur (AND).
 */

/** Joins articles inside a chunk; normalization strips it, so no match can span two articles. */
const SEPARATOR = '\u0001';
/** Chunk size in characters: big enough for fast scans, small enough to rejoin after an edit cheaply. */
const CHUNK_CHARS = 512 * 1024;
const MAX_TERMS = 8;
// Characters that form "words" for prefix matching. Han, kana and Hangul are matched as substrings.
const WORD_CHAR = /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Nd}]/u;
// Control characters (including SEPARATOR) and every kind of whitespace collapse to one space.
const SPACE_RUN = /[\s\p{Cc}]+/gu;

/**
 * The form both stored text and queries take: NFKC (full-width ＡＢＣ１２３ become
 * ASCII), lower case, whitespace and control characters collapsed to one space.
 * Changing this requires a schema migration that rewrites the `search` store.
 */
export function normalizeForSearch(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(SPACE_RUN, ' ').trim();
}

/** Splits a query into normalized terms (at most eight). */
export function queryTerms(query: string): string[] {
  const terms = normalizeForSearch(query).split(' ').filter((t) => t.length > 0);
  return [...new Set(terms)].slice(0, MAX_TERMS);
}

interface Chunk {
  ids: string[];
  titleLengths: number[];
  /** Either the joined text (searchable) or the parts (after an edit, before the next search). */
  joined: string | null;
  /** starts[k] = offset of article k in `joined`; one extra sentinel at the end. */
  starts: Int32Array | null;
  parts: string[] | null;
  chars: number;
}

export interface TextHit {
  id: string;
  /** The term was found in the title (checked for the first term only). */
  inTitle: boolean;
}

/** The in-memory text index. Not persisted: rebuilt from the `search` store. */
export class TextIndex {
  private chunks: Chunk[] = [];
  private chunkOf = new Map<string, Chunk>();

  get size(): number {
    return this.chunkOf.size;
  }

  has(id: string): boolean {
    return this.chunkOf.has(id);
  }

  ids(): IterableIterator<string> {
    return this.chunkOf.keys();
  }

  /** Adds or replaces an article's normalized text. */
  set(id: string, text: string, titleLength: number): void {
    const existing = this.chunkOf.get(id);
    if (existing) {
      const parts = this.partsOf(existing);
      const k = existing.ids.indexOf(id);
      existing.chars += text.length - (parts[k]?.length ?? 0);
      parts[k] = text;
      existing.titleLengths[k] = titleLength;
      return;
    }
    let chunk = this.chunks[this.chunks.length - 1];
    if (!chunk || chunk.chars >= CHUNK_CHARS) {
      chunk = { ids: [], titleLengths: [], joined: '', starts: new Int32Array([0]), parts: null, chars: 0 };
      this.chunks.push(chunk);
    }
    const parts = this.partsOf(chunk);
    chunk.ids.push(id);
    chunk.titleLengths.push(titleLength);
    parts.push(text);
    chunk.chars += text.length;
    this.chunkOf.set(id, chunk);
  }

  delete(id: string): void {
    const chunk = this.chunkOf.get(id);
    if (!chunk) return;
    const parts = this.partsOf(chunk);
    const k = chunk.ids.indexOf(id);
    chunk.chars -= parts[k]?.length ?? 0;
    chunk.ids.splice(k, 1);
    chunk.titleLengths.splice(k, 1);
    parts.splice(k, 1);
    this.chunkOf.delete(id);
    if (chunk.ids.length === 0) this.chunks = this.chunks.filter((c) => c !== chunk);
  }

  clear(): void {
    this.chunks = [];
    this.chunkOf.clear();
  }

  /**
   * Ids of articles containing every term. Order: articles whose title holds the
   * first term, then the rest, each in index order.
   */
  find(terms: string[]): TextHit[] {
    if (terms.length === 0) return [];
    const [first, ...rest] = terms as [string, ...string[]];
    const hits = this.findTerm(first);
    for (const term of rest) {
      if (hits.size === 0) break;
      const other = this.findTerm(term);
      for (const id of hits.keys()) if (!other.has(id)) hits.delete(id);
    }
    return [...hits].map(([id, inTitle]) => ({ id, inTitle }));
  }

  /** All articles holding one term, with whether the first occurrence found lies in the title. */
  private findTerm(term: string): Map<string, boolean> {
    const found = new Map<string, boolean>();
    const needsWordStart = WORD_CHAR.test(term[0] ?? '');
    for (const chunk of this.chunks) {
      const { text, starts } = this.joinedOf(chunk);
      let from = 0;
      for (;;) {
        const at = text.indexOf(term, from);
        if (at < 0) break;
        if (needsWordStart && at > 0 && isWordChar(text.charCodeAt(at - 1))) {
          from = at + 1;
          continue;
        }
        const k = articleAt(starts, at);
        const id = chunk.ids[k];
        if (id !== undefined) found.set(id, at - (starts[k] ?? 0) < (chunk.titleLengths[k] ?? 0));
        // One hit per article is enough: jump to the next article.
        from = starts[k + 1] ?? text.length;
      }
    }
    return found;
  }

  private partsOf(chunk: Chunk): string[] {
    if (chunk.parts) return chunk.parts;
    const parts: string[] = [];
    const { joined, starts } = chunk;
    if (joined !== null && starts !== null) {
      for (let k = 0; k < chunk.ids.length; k++) {
        // -1: starts[k + 1] points past the separator.
        parts.push(joined.slice(starts[k] ?? 0, (starts[k + 1] ?? joined.length + 1) - 1));
      }
    }
    chunk.parts = parts;
    chunk.joined = null;
    chunk.starts = null;
    return parts;
  }

  private joinedOf(chunk: Chunk): { text: string; starts: Int32Array } {
    if (chunk.joined === null || chunk.starts === null) {
      const parts = chunk.parts ?? [];
      const starts = new Int32Array(parts.length + 1);
      let offset = 0;
      parts.forEach((part, k) => {
        starts[k] = offset;
        offset += part.length + SEPARATOR.length;
      });
      starts[parts.length] = offset;
      chunk.joined = parts.join(SEPARATOR);
      chunk.starts = starts;
      chunk.parts = null;
    }
    return { text: chunk.joined, starts: chunk.starts };
  }
}

/** WORD_CHAR for one UTF-16 unit, without a regex for the ASCII and CJK cases that make up nearly all text. */
function isWordChar(code: number): boolean {
  if (code < 0x80) return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39); // text is lower-cased
  if (code >= 0x2e80 && code <= 0xd7ff) return false; // CJK, kana, Hangul: never part of a "word"
  return WORD_CHAR.test(String.fromCharCode(code));
}

/** Index k with starts[k] <= offset < starts[k + 1]. */
function articleAt(starts: Int32Array, offset: number): number {
  let lo = 0;
  let hi = starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The `search` store row for an article (see schema.ts `SearchRecord`). */
export function buildSearchRecord(
  id: string,
  article: { title: string; textContent: string },
  savedAt: string,
  rev: number,
): { id: string; text: string; titleLength: number; savedAt: number; rev: number } {
  const title = normalizeForSearch(article.title);
  const body = normalizeForSearch(article.textContent);
  return { id, text: title + ' ' + body, titleLength: title.length, savedAt: Date.parse(savedAt) || 0, rev };
}
