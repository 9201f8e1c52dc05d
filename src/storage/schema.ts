import type { DBSchema } from 'idb';
import type { Article } from '../core/types';
import type { LibraryEntry } from './types';

/**
 * The `qingdu` IndexedDB database, as it stands at `DB_VERSION`.
 *
 * History (each step is a numbered migration in migrations.ts):
 * - v1 `entries` (the small library index) and `bodies` (id -> Article), kept
 *   apart so listing 20,000 articles never loads a body. A link-only entry
 *   (an imported bookmark whose text is not fetched yet) may have no body row.
 * - v2 `images` for offline reading ([articleId, url] -> bytes); entries gain
 *   `imageBytes` and `missingImages`.
 * - v3 `search` (normalized title + text per article, so the search index loads
 *   without deserializing any HTML) and `meta` (a revision counter that tells
 *   other contexts their in-memory search index is stale).
 * - v4 `entrySegments` and `searchSegments` replace `entries` and `search`:
 *   index rows and search text are kept SEGMENT_SIZE articles to a row, in the
 *   order they were added. Every IndexedDB request costs about as much as a
 *   small write (60-90 µs in Chromium, one message to the browser process), so
 *   an import of 20,000 bookmarks writes 800 rows instead of 40,000, while a
 *   save rewrites one segment of 50 rows. A unique multi-entry index on each
 *   segment's `ids` finds an article's segment, and one on its `newest` row
 *   lets the first screen read the newest segments only. Bodies and images stay one row
 *   each: the reader and the exports read them one article at a time.
 * - v5 `bodyPacks`: the bodies an import adds, BODY_PACK_SIZE to a row. Chromium
 *   writes small values into LevelDB and wraps a value over 64 KB in a blob, a file
 *   of its own: raw puts of a backup's 20,000 articles in this layout took
 *   4.7-4.9 s with a row per body, 2.1-2.5 s with 10 or 50 bodies to a row,
 *   and the import's write step went from 12.2-12.6 s to 7.7-10.5 s. A body saved, re-saved or restored
 *   one at a time still gets its own `bodies` row and leaves its pack (see
 *   bodies.ts), so a save never rewrites a pack; an id has a body in one of
 *   the two stores at most. The index rows an import writes name their
 *   body's pack (`LibraryEntry.pack`, no version of its own: a row without
 *   one is looked up in the `ids` index, as before), so an export reads the
 *   packs without a lookup per id; a reader checks the pack holds the id.
 * - v6 rows of their own: an article saved on its own gets its index row and
 *   search text in `entrySegments` and `searchSegments` rows keyed by its id,
 *   each a segment of one, and the save that would gather SEGMENT_SIZE of them
 *   folds them into numbered segments (see segments.ts). A save used to rewrite
 *   its segment: up to 50 articles' search text, ~200 KB for 5 KB bodies, so its
 *   cost grew with the segment. No data changes: the version keeps builds
 *   that know only numbered segments from opening the database.
 * - v7 folded search text: Traditional characters and regional variants in
 *   `searchSegments` are written in their Simplified form (script-fold.ts), and
 *   queries are folded the same way, so a Simplified query finds every
 *   Traditional spelling (头发: 頭髮; 后: 后 and 後) and the other way round.
 * - v8 the standfirst and the byline in the search text: each `searchSegments`
 *   row ends with its article's `lead` and `byline`, normalized and folded like
 *   the body, after it, so a phrase from the standfirst or the author's name
 *   finds the article (a title hit still ranks first). The reader shows them
 *   apart from the body, and they were in no searched text; the upgrade appends
 *   them from the index rows, a segment at a time.
 * - v9 one id per story: ids are hashed from a URL key that folds http into
 *   https and a site's mirror hosts into one (`urlKey` in ids.ts), and stored
 *   articles move to their new ids, two copies of one story merged (rekey.ts).
 *   The stores stay as they are.
 */
export const DB_NAME = 'qingdu';
export const DB_VERSION = 9;

/** Articles per segment row (v4). */
export const SEGMENT_SIZE = 50;

/** Bodies per `bodyPacks` row (v5): opening one article reads its pack whole. */
export const BODY_PACK_SIZE = 20;

/** An entry as v1 wrote it: no image accounting yet. */
export type EntryV1 = Omit<LibraryEntry, 'imageBytes' | 'missingImages'>;
/** v2 entries have the current shape. */
export type EntryV2 = LibraryEntry;

/** One stored image row (v2+). `bytes` is what the reader turns into a blob URL. */
export interface ImageRecord {
  articleId: string;
  url: string;
  type: string;
  bytes: Uint8Array;
}

/** One row of the v3 `search` store. */
export interface SearchRecord {
  id: string;
  /**
   * `normalizeForSearch(title) + ' ' + normalizeForSearch(textContent)` (folded to one script since v7),
   * then the lead and the byline, each after a space when it has text (since v8; see `searchTextBeside`).
   */
  text: string;
  /** Length of the normalized title at the start of `text` (title hits rank first). */
  titleLength: number;
  /** Epoch milliseconds of `savedAt`, for ordering results without loading entries. */
  savedAt: number;
  /** Value of `meta.rev` when this row was last written (v3; kept in v4 segments, which carry their own). */
  rev: number;
}

export const META_REV = 'rev';

/** A segment's key: a number for a segment of up to SEGMENT_SIZE, an article's id for its row of its own (v6). */
export type SegmentKey = number | string;

/** One row of `entrySegments`: index rows in the order they were added, with their ids for the `ids` index. */
export interface EntrySegment {
  ids: string[];
  entries: LibraryEntry[];
  /** The latest `savedAt` of its rows ('' when empty), indexed: the first screen reads the newest segments only. */
  newest: string;
}

/** One row of `searchSegments`, keyed like its entry segment; `rev` is that of the last write that changed it. */
export interface SearchSegment {
  rev: number;
  rows: SearchRecord[];
}

/** One row of `bodyPacks`: bodies with their ids, in the same order; `ids` is uniquely indexed. */
export interface BodyPack {
  ids: string[];
  bodies: Article[];
}

export interface QingduDB extends DBSchema {
  entrySegments: { key: SegmentKey; value: EntrySegment; indexes: { ids: string; newest: string } };
  bodies: { key: string; value: Article };
  bodyPacks: { key: number; value: BodyPack; indexes: { ids: string } };
  images: { key: [string, string]; value: ImageRecord; indexes: { articleId: string } };
  searchSegments: { key: SegmentKey; value: SearchSegment; indexes: { rev: number } };
  meta: { key: string; value: number };
}

export type StoreName = 'entrySegments' | 'bodies' | 'bodyPacks' | 'images' | 'searchSegments' | 'meta';
/** Every store an article's write touches, in one transaction. */
export const ARTICLE_STORES: StoreName[] = ['entrySegments', 'bodies', 'bodyPacks', 'images', 'searchSegments', 'meta'];
/** The same without `images`, for writes that store no image. */
export const TEXT_STORES: StoreName[] = ['entrySegments', 'bodies', 'bodyPacks', 'searchSegments', 'meta'];
/** The stores an article's body is read from. */
export const BODY_STORES = ['bodies', 'bodyPacks'] as const;
