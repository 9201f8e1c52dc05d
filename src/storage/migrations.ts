import type { IDBPDatabase, IDBPTransaction } from 'idb';
import type { Article } from '../core/types';
import type { EntrySegment, EntryV1, EntryV2, SearchRecord, SearchSegment } from './schema';
import { META_REV, SEGMENT_SIZE } from './schema';
import { foldScripts } from './script-fold';
import { buildSearchRecord, searchTextBeside } from './search-text';
import { rekeyArticles } from './rekey';
import { entrySegment, type ArticleTx } from './segments';

/**
 * Numbered schema migrations: MIGRATIONS[n] turns a version n-1 database into
 * version n. They run in order inside the single `versionchange` transaction,
 * so a migration that throws aborts the whole upgrade and the database stays
 * at its old version with its old data (see db.ts).
 *
 * Rules: never edit a shipped migration (users' databases already ran it); add
 * the next number instead. Migrations only use IDB requests on `tx`: awaiting
 * anything else (fetch, timers) would let the transaction commit early.
 */
// The schema type changes with every version, so migrations see the database untyped.
export type UpgradeDB = IDBPDatabase<unknown>;
export type UpgradeTx = IDBPTransaction<unknown, string[], 'versionchange'>;
export type Migration = (db: UpgradeDB, tx: UpgradeTx) => Promise<void> | void;
export type Migrations = Record<number, Migration>;

export const MIGRATIONS: Migrations = {
  /** v1: the library index and article bodies. */
  1: (db) => {
    const entries = db.createObjectStore('entries', { keyPath: 'id' });
    entries.createIndex('url', 'url', { unique: true });
    entries.createIndex('savedAt', 'savedAt');
    entries.createIndex('state', 'state');
    entries.createIndex('site', 'siteName');
    entries.createIndex('tags', 'tags', { multiEntry: true });
    // Out-of-line keys: the value is the Article exactly as extracted.
    db.createObjectStore('bodies');
  },

  /** v2: images stored for offline reading; entries account for them. */
  2: async (db, tx) => {
    const images = db.createObjectStore('images', { keyPath: ['articleId', 'url'] });
    images.createIndex('articleId', 'articleId');
    const entries = tx.objectStore('entries');
    for (let cursor = await entries.openCursor(); cursor; cursor = await cursor.continue()) {
      const old = cursor.value as EntryV1;
      const upgraded: EntryV2 = { ...old, imageBytes: 0, missingImages: [] };
      await cursor.update(upgraded);
    }
  },

  /** v3: normalized search text per article, and the revision counter. */
  3: async (db, tx) => {
    const search = db.createObjectStore('search', { keyPath: 'id' });
    search.createIndex('rev', 'rev');
    const meta = db.createObjectStore('meta');
    const rev = 1;
    const entries = tx.objectStore('entries');
    const bodies = tx.objectStore('bodies');
    for (let cursor = await entries.openCursor(); cursor; cursor = await cursor.continue()) {
      const entry = cursor.value as EntryV2;
      const article = (await bodies.get(entry.id)) as Article | undefined;
      const record: SearchRecord = buildSearchRecord(
        entry.id,
        { title: article?.title ?? entry.title, textContent: article?.textContent ?? '' },
        entry.savedAt,
        rev,
      );
      await search.put(record);
    }
    await meta.put(rev, META_REV);
  },

  /**
   * v4: index rows and search text in segments of SEGMENT_SIZE articles, oldest
   * saved first (the order later saves append in). Reads both stores whole:
   * about 12 MB of rows and 70 MB of text at 20,000 articles, once.
   */
  4: async (db, tx) => {
    const entrySegments = db.createObjectStore('entrySegments');
    entrySegments.createIndex('ids', 'ids', { unique: true, multiEntry: true });
    entrySegments.createIndex('newest', 'newest');
    const searchSegments = db.createObjectStore('searchSegments');
    searchSegments.createIndex('rev', 'rev');
    const [entries, searchRows, storedRev] = await Promise.all([
      tx.objectStore('entries').getAll() as Promise<EntryV2[]>,
      tx.objectStore('search').getAll() as Promise<SearchRecord[]>,
      tx.objectStore('meta').get(META_REV) as Promise<number | undefined>,
    ]);
    // The same revision: the text is unchanged, and no other connection is open during an upgrade.
    const rev = storedRev ?? 0;
    const search = new Map(searchRows.map((row) => [row.id, row]));
    entries.sort((a, b) => (a.savedAt < b.savedAt ? -1 : a.savedAt > b.savedAt ? 1 : a.id < b.id ? -1 : 1));
    for (let start = 0, key = 0; start < entries.length; start += SEGMENT_SIZE, key++) {
      const part = entries.slice(start, start + SEGMENT_SIZE);
      await entrySegments.put(entrySegment(part), key);
      const rows = part.map((e) => ({ ...(search.get(e.id) ?? buildSearchRecord(e.id, { title: e.title, textContent: '' }, e.savedAt, rev)), rev }));
      await searchSegments.put({ rev, rows }, key);
    }
    db.deleteObjectStore('entries');
    db.deleteObjectStore('search');
  },

  /** v5: packs of imported bodies. Bodies stored before stay in their rows. */
  5: (db) => {
    db.createObjectStore('bodyPacks', { autoIncrement: true }).createIndex('ids', 'ids', { unique: true, multiEntry: true });
  },

  /** v6: saves may add segment rows keyed by an article's id (schema.ts); the stored data stays as it is. */
  6: () => undefined,

  /**
   * v7: search text folded to one Chinese script (script-fold.ts), so queries
   * folded the same way find every spelling. A segment at a time; the title is
   * folded apart from the rest, since a character may fold to one of another
   * length (in UTF-16 units). The revision stays: no other connection is open
   * during an upgrade, so no index in memory holds the unfolded text.
   */
  7: async (_db, tx) => {
    const store = tx.objectStore('searchSegments');
    for (let cursor = await store.openCursor(); cursor; cursor = await cursor.continue()) {
      const segment = cursor.value as SearchSegment;
      let changed = false;
      const rows = segment.rows.map((row): SearchRecord => {
        const title = foldScripts(row.text.slice(0, row.titleLength));
        const text = title + foldScripts(row.text.slice(row.titleLength));
        if (text === row.text) return row;
        changed = true;
        return { ...row, text, titleLength: title.length };
      });
      if (changed) await cursor.update({ ...segment, rows });
    }
  },

  /**
   * v8: the standfirst and the byline are searched too. Each stored article's
   * search row gets its index row's `lead` and `byline` appended, as
   * `buildSearchRecord` now ends its text, so an upgraded row reads as a new
   * save would write it. A segment at a time: both stores key a segment alike,
   * numbered or an article's id (v6). The title and its length stay; the
   * revision stays too, as in v7. Migrations 3 and 4 build rows from the title
   * and the body alone, so a database upgraded from any version gets the
   * standfirst and the byline here, once.
   */
  8: async (_db, tx) => {
    const entrySegments = tx.objectStore('entrySegments');
    const store = tx.objectStore('searchSegments');
    for (let cursor = await store.openCursor(); cursor; cursor = await cursor.continue()) {
      const segment = cursor.value as SearchSegment;
      const entries = (await entrySegments.get(cursor.key)) as EntrySegment | undefined;
      const byId = new Map((entries?.entries ?? []).map((entry) => [entry?.id, entry]));
      let changed = false;
      const rows = segment.rows.map((row): SearchRecord => {
        const entry = byId.get(row.id);
        const beside = entry ? searchTextBeside(entry) : '';
        if (!beside) return row;
        changed = true;
        return { ...row, text: row.text + beside };
      });
      if (changed) await cursor.update({ ...segment, rows });
    }
  },

  /**
   * v9: one id per story. Ids are hashed from `urlKey`, which now folds http
   * into https and a site's mirror hosts into one (a rule's
   * `canonical.storyHosts`: FT中文网 at cn.ft.com and www.ftchinese.com), so
   * saving a story again from the other host updates it. Articles stored under
   * the ids of before move to their new ones, and two that are one story
   * become one (see rekey.ts). A library with neither keeps every row.
   */
  9: async (_db, tx) => {
    // The upgrade transaction covers every store: the writers see it as the article transaction they use.
    await rekeyArticles(tx as unknown as ArticleTx);
  },
};
