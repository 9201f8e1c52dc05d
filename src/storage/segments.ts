import { unwrap, type IDBPDatabase, type IDBPObjectStore, type IDBPTransaction } from 'idb';
import { isEntry, newestFirst } from './records';
import { SEGMENT_SIZE, type EntrySegment, type QingduDB, type SearchRecord, type StoreName } from './schema';
import type { LibraryEntry } from './types';

/**
 * Index rows and search text live in segments of SEGMENT_SIZE articles (see
 * schema.ts). A `SegmentWriter` is one write transaction's view of them: it
 * finds and loads the segments the write touches, changes them in memory, and
 * puts each changed one back once, so a batch of 100 new articles costs two
 * or three segment writes rather than 200 row writes.
 */

export type ArticleTx = IDBPTransaction<QingduDB, StoreName[], 'readwrite'>;
/** The `entrySegments` store of any transaction, read-only or not. */
type EntrySegmentStore = IDBPObjectStore<QingduDB, ArrayLike<StoreName>, 'entrySegments', IDBTransactionMode>;

interface Loaded {
  key: number;
  entries: Map<string, LibraryEntry>;
  changed: boolean;
}

/** A segment's search text, loaded only by writes that change it. */
interface Texts {
  rows: Map<string, SearchRecord>;
  changed: boolean;
}

/**
 * A segment's search text as a write of the same connection left it, which
 * the next write may take instead of reading it back: `current` resolves
 * true when nothing has changed any search text since (see `Library.save`).
 */
export interface KnownTexts {
  key: number;
  rows: ReadonlyMap<string, SearchRecord>;
  current: Promise<boolean>;
}

/** The segment holding each id (undefined when it is not stored), all asked for at once. */
function locate(store: EntrySegmentStore, ids: readonly string[]): Promise<(number | undefined)[]> {
  const index = store.index('ids');
  return Promise.all(ids.map((id) => index.getKey(id)));
}

/** One stored index row, or undefined: its segment comes back from the `ids` index in one request. */
export async function readEntry(store: EntrySegmentStore, id: string): Promise<LibraryEntry | undefined> {
  const segment = await store.index('ids').get(id);
  const entry = segment?.entries[segment.ids.indexOf(id)];
  return isEntry(entry) ? entry : undefined;
}

/** The stored form of a segment's rows. */
export function entrySegment(entries: LibraryEntry[]): EntrySegment {
  const newest = entries.reduce((latest, e) => (e.savedAt > latest ? e.savedAt : latest), '');
  return { ids: entries.map((e) => e.id), entries, newest };
}

/** Every index row, newest first. Malformed rows are left out. */
export async function readAllEntries(db: IDBPDatabase<QingduDB>): Promise<LibraryEntry[]> {
  const segments = await db.getAll('entrySegments');
  // Rows are appended in the order they were saved: reversed, they are nearly sorted, which sort() runs through quickly.
  return segments.flatMap((s) => s.entries.filter(isEntry)).reverse().sort(newestFirst);
}

/**
 * The newest `limit` index rows, reading segments latest-first by their
 * `newest` row only until no segment left can hold a newer one: usually one
 * or two segments, however large the library.
 */
export async function readFirstEntries(db: IDBPDatabase<QingduDB>, limit: number): Promise<LibraryEntry[]> {
  const rows: LibraryEntry[] = [];
  let cursor = await db.transaction('entrySegments').store.index('newest').openCursor(null, 'prev');
  while (cursor) {
    rows.push(...cursor.value.entries.filter(isEntry));
    cursor = await cursor.continue();
    // Rows saved after the next segment's newest are certainly ahead of everything not read yet.
    const bound = cursor?.value.newest ?? '';
    const ahead = rows.filter((e) => e.savedAt > bound);
    if (ahead.length >= limit || !cursor) return ahead.sort(newestFirst).slice(0, limit);
  }
  return rows;
}

/**
 * The read cached under `key` in `cache`, started by `read` the first time.
 * A write reads ahead of need: when its transaction aborts, the read rejects
 * with nothing awaiting it yet, so it is observed here; the write reports the abort.
 */
export function readOnce<K, V>(cache: Map<K, Promise<V>>, key: K, read: () => Promise<V>): Promise<V> {
  let reading = cache.get(key);
  if (!reading) {
    reading = read();
    reading.catch(() => undefined);
    cache.set(key, reading);
  }
  return reading;
}

export class SegmentWriter {
  private readonly loaded = new Map<number, Promise<Loaded>>();
  private readonly texts = new Map<number, Promise<Texts>>();
  /** Segment of every id this write has found or placed. */
  private readonly where = new Map<string, number>();
  private tail: Promise<Loaded> | null = null;

  constructor(private readonly tx: ArticleTx) {}

  /** Finds the segments of `ids` and loads them (with their search text when `search`). */
  async find(ids: readonly string[], search: boolean): Promise<void> {
    const wanted = ids.filter((id) => !this.where.has(id));
    const keys = await locate(this.tx.objectStore('entrySegments'), wanted);
    wanted.forEach((id, k) => keys[k] !== undefined && this.where.set(id, keys[k] as number));
    await Promise.all([...new Set(ids.flatMap((id) => this.where.get(id) ?? []))].map((key) => this.load(key, search)));
  }

  /**
   * `find` for one id in fewer round trips, as a save needs: its segment comes
   * back with the index lookup, and with `search` the last segment too (where
   * the id goes if it is new), then the search text of the one it will use.
   * `known` is the search text the caller expects that to be (where its last
   * save went). Taken as it is while current, it saves reading back the
   * segment's text, the largest read of a save; when stale, it is read once
   * `current` says so.
   */
  async findOne(id: string, search: boolean, known?: KnownTexts): Promise<void> {
    const store = this.tx.objectStore('entrySegments');
    if (search && known) {
      void readOnce(this.texts, known.key, async () =>
        (await known.current) ? { rows: new Map(known.rows), changed: false } : this.readTexts(known.key),
      );
    }
    const [found, last] = await Promise.all([store.index('ids').openCursor(id), search ? store.openCursor(null, 'prev') : null]);
    if (last) this.tail = this.adopt(last.key, last.value);
    else if (search) this.tail = Promise.resolve(this.fresh(0));
    if (found) {
      this.where.set(id, found.primaryKey);
      void this.adopt(found.primaryKey, found.value);
    }
    if (!search) return;
    const target = found ? found.primaryKey : await this.appendTarget().then((segment) => segment.key);
    await this.textsOf(target);
  }

  /** The stored row of an id already passed to `find`. */
  async entry(id: string): Promise<LibraryEntry | undefined> {
    const key = this.where.get(id);
    return key === undefined ? undefined : (await this.load(key, false)).entries.get(id);
  }

  /**
   * Stores an index row (and its search text when given): in its own segment
   * when stored, else appended to the last segment, or a new one when that is
   * full. Ids must have been passed to `find` first, or be known to be new.
   * One call at a time: each may start a new segment.
   */
  async put(entry: LibraryEntry, search?: SearchRecord): Promise<void> {
    const key = this.where.get(entry.id);
    const segment = key === undefined ? await this.appendTarget() : await this.load(key, false);
    // An id believed new that the segment it goes to already holds: as the `ids` index would say elsewhere.
    if (key === undefined && segment.entries.has(entry.id)) throw new DOMException(`${entry.id} is already stored`, 'ConstraintError');
    this.where.set(entry.id, segment.key);
    segment.entries.set(entry.id, entry);
    segment.changed = true;
    if (search) {
      const texts = await this.textsOf(segment.key);
      texts.rows.set(entry.id, search);
      texts.changed = true;
    }
  }

  /** Drops an id's row and search text. */
  async delete(id: string): Promise<void> {
    const key = this.where.get(id);
    if (key === undefined) return;
    const [segment, texts] = await Promise.all([this.load(key, false), this.textsOf(key)]);
    segment.entries.delete(id);
    texts.rows.delete(id);
    segment.changed = texts.changed = true;
    this.where.delete(id);
  }

  /** The search text of segment `key` as this write holds it, once loaded: for `KnownTexts` after a commit. */
  async textsHeld(key: number): Promise<ReadonlyMap<string, SearchRecord> | undefined> {
    return (await this.texts.get(key))?.rows;
  }

  /** The segment `id` was stored in, if this write found or placed it. */
  segmentOf(id: string): number | undefined {
    return this.where.get(id);
  }

  /**
   * Puts every changed segment back, without waiting for the writes (a failed
   * one aborts the transaction). Search segments take revision `rev`. An emptied
   * segment stays as an empty row, so other contexts see its search text go.
   */
  async flush(rev: number): Promise<void> {
    // Writes that change no search text (tags, state) may leave `searchSegments` out of their scope.
    const store = (name: 'entrySegments' | 'searchSegments') => unwrap(this.tx).objectStore(name);
    for (const segment of await Promise.all(this.loaded.values())) {
      if (segment.changed) store('entrySegments').put(entrySegment([...segment.entries.values()]), segment.key);
    }
    for (const [key, loading] of this.texts) {
      const texts = await loading;
      if (texts.changed) store('searchSegments').put({ rev, rows: [...texts.rows.values()].map((row) => ({ ...row, rev })) }, key);
    }
  }

  /** A segment, read now unless this write has it; with `search`, its search text is read alongside. */
  private load(key: number, search: boolean): Promise<Loaded> {
    if (search) void this.textsOf(key);
    return this.loaded.get(key) ?? this.adopt(key, this.tx.objectStore('entrySegments').get(key));
  }

  /** Takes a segment value read by another request (or being read) as this write's copy, unless it has one. */
  private adopt(key: number, stored: EntrySegment | undefined | Promise<EntrySegment | undefined>): Promise<Loaded> {
    return readOnce(this.loaded, key, () =>
      Promise.resolve(stored).then((value) => ({ key, entries: new Map((value?.entries ?? []).map((e) => [e.id, e])), changed: false })),
    );
  }

  private textsOf(key: number): Promise<Texts> {
    return readOnce(this.texts, key, () => this.readTexts(key));
  }

  private async readTexts(key: number): Promise<Texts> {
    const stored = await this.tx.objectStore('searchSegments').get(key);
    return { rows: new Map((stored?.rows ?? []).map((row) => [row.id, row])), changed: false };
  }

  /** The segment new ids go to: the last one while it has room, then a new one after it. */
  private appendTarget(): Promise<Loaded> {
    this.tail ??= (async () => {
      const cursor = await this.tx.objectStore('entrySegments').openKeyCursor(null, 'prev');
      return cursor ? this.load(cursor.key, true) : this.fresh(0);
    })();
    return this.tail.then((segment) => {
      if (segment.entries.size < SEGMENT_SIZE) return segment;
      this.tail = Promise.resolve(this.fresh(segment.key + 1));
      return this.tail;
    });
  }

  private fresh(key: number): Loaded {
    const segment: Loaded = { key, entries: new Map(), changed: false };
    this.loaded.set(key, Promise.resolve(segment));
    this.texts.set(key, Promise.resolve({ rows: new Map(), changed: false }));
    return segment;
  }
}
