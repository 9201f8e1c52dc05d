import { unwrap, type IDBPDatabase, type IDBPObjectStore, type IDBPTransaction } from 'idb';
import { isEntry, newestFirst } from './records';
import { SEGMENT_SIZE, type EntrySegment, type QingduDB, type SearchRecord, type SegmentKey, type StoreName } from './schema';
import type { LibraryEntry } from './types';

/**
 * Index rows and search text live in segments of SEGMENT_SIZE articles (see
 * schema.ts). A `SegmentWriter` is one write transaction's view of them: it
 * finds and loads the segments the write touches, changes them in memory, and
 * puts each changed one back once, so a batch of 100 new articles costs two
 * or three segment writes rather than 200 row writes.
 *
 * A saved article starts in a row of its own, keyed by its id (v6), so a
 * save writes its own few kilobytes rather than rewriting a segment of 50
 * articles' text. The save that would make SEGMENT_SIZE such rows folds them
 * into numbered segments instead.
 */

/** Numbered segments: every number key, and no id. */
function numberedKeys(): IDBKeyRange {
  return IDBKeyRange.upperBound(Infinity);
}

/** Rows of their own: every id key (strings sort after numbers). */
export function ownRowKeys(): IDBKeyRange {
  return IDBKeyRange.lowerBound('');
}

export type ArticleTx = IDBPTransaction<QingduDB, StoreName[], 'readwrite'>;
/** The `entrySegments` store of any transaction, read-only or not. */
type EntrySegmentStore = IDBPObjectStore<QingduDB, ArrayLike<StoreName>, 'entrySegments', IDBTransactionMode>;

interface Loaded {
  key: SegmentKey;
  entries: Map<string, LibraryEntry>;
  changed: boolean;
}

/** A segment's search text, loaded only by writes that change it. */
interface Texts {
  rows: Map<string, SearchRecord>;
  changed: boolean;
}

/** The segment holding each id (undefined when it is not stored), all asked for at once. */
function locate(store: EntrySegmentStore, ids: readonly string[]): Promise<(SegmentKey | undefined)[]> {
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
  private readonly loaded = new Map<SegmentKey, Promise<Loaded>>();
  private readonly texts = new Map<SegmentKey, Promise<Texts>>();
  /** Segment of every id this write has found or placed. */
  private readonly where = new Map<string, SegmentKey>();
  private tail: Promise<Loaded> | null = null;

  constructor(private readonly tx: ArticleTx) {}

  /** Finds the segments of `ids` and loads them (with their search text when `search`). */
  async find(ids: readonly string[], search: boolean): Promise<void> {
    const wanted = ids.filter((id) => !this.where.has(id));
    const keys = await locate(this.tx.objectStore('entrySegments'), wanted);
    wanted.forEach((id, k) => keys[k] !== undefined && this.where.set(id, keys[k] as SegmentKey));
    await Promise.all([...new Set(ids.flatMap((id) => this.where.get(id) ?? []))].map((key) => this.load(key, search)));
  }

  /** `find` for one id, its segment coming back with the index lookup. */
  async findOne(id: string): Promise<void> {
    const found = await this.tx.objectStore('entrySegments').index('ids').openCursor(id);
    if (!found) return;
    this.where.set(id, found.primaryKey);
    void this.adopt(found.primaryKey, found.value);
  }

  /**
   * Readies a save of one article in one round trip: finds its segment (and
   * search text) when it is stored, else counts the rows of their own. A new
   * article then gets a row of its own, unless SEGMENT_SIZE would gather:
   * the rows of their own are read to be folded into numbered segments, and
   * the new one goes with them.
   */
  async findForSave(id: string): Promise<void> {
    const store = this.tx.objectStore('entrySegments');
    const [found, own] = await Promise.all([this.findOne(id).then(() => this.where.get(id)), store.count(ownRowKeys())]);
    if (found !== undefined) {
      await this.load(found, true);
      return;
    }
    if (own + 1 < SEGMENT_SIZE) {
      this.fresh(id);
      this.where.set(id, id);
      return;
    }
    await this.fold();
  }

  /**
   * Takes a segment this write has read already (an upgrade's pass over the
   * store) as found: its ids need no lookup in the `ids` index.
   */
  know(key: SegmentKey, segment: EntrySegment): void {
    for (const id of segment.ids) this.where.set(id, key);
    void this.adopt(key, segment);
  }

  /** The stored search text of an id already passed to `find` (or `know`). */
  async text(id: string): Promise<SearchRecord | undefined> {
    const key = this.where.get(id);
    return key === undefined ? undefined : (await this.textsOf(key)).rows.get(id);
  }

  /** The stored row of an id already passed to `find`. */
  async entry(id: string): Promise<LibraryEntry | undefined> {
    const key = this.where.get(id);
    return key === undefined ? undefined : (await this.load(key, false)).entries.get(id);
  }

  /**
   * Stores an index row (and its search text when given): in its own segment
   * when stored (or placed by `findForSave`), else appended to the last
   * numbered segment, or a new one when that is full. Ids must have been
   * passed to `find` first, or be known to be new. One call at a time: each
   * may start a new segment.
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

  /**
   * Drops the row of `from` and readies `put` of a row with the new id `to` in
   * its place: the same numbered segment, or a row of its own keyed by `to`
   * (an article whose id changed, schema v9). `to` must not be stored.
   */
  async moveTo(from: string, to: string): Promise<void> {
    const key = this.where.get(from);
    await this.delete(from);
    if (typeof key === 'string') this.fresh(to);
    if (key !== undefined) this.where.set(to, typeof key === 'string' ? to : key);
  }

  /** The segment `id` was stored in, if this write found or placed it. */
  segmentOf(id: string): SegmentKey | undefined {
    return this.where.get(id);
  }

  /** Every id this write found or placed, with its segment: a fold moves some that it was not asked about. */
  placed(): [id: string, segment: SegmentKey][] {
    return [...this.where];
  }

  /**
   * Puts every changed segment back, without waiting for the writes (a failed
   * one aborts the transaction). Search segments take revision `rev`. An emptied
   * numbered segment stays as an empty row, so other contexts see its search
   * text go; an emptied row of its own goes, which they see by its key.
   */
  async flush(rev: number): Promise<void> {
    // Writes that change no search text (tags, state) may leave `searchSegments` out of their scope.
    const store = (name: 'entrySegments' | 'searchSegments') => unwrap(this.tx).objectStore(name);
    for (const segment of await Promise.all(this.loaded.values())) {
      if (!segment.changed) continue;
      if (typeof segment.key === 'string' && segment.entries.size === 0) store('entrySegments').delete(segment.key);
      else store('entrySegments').put(entrySegment([...segment.entries.values()]), segment.key);
    }
    for (const [key, loading] of this.texts) {
      const texts = await loading;
      if (!texts.changed) continue;
      if (typeof key === 'string' && texts.rows.size === 0) store('searchSegments').delete(key);
      else store('searchSegments').put({ rev, rows: [...texts.rows.values()].map((row) => ({ ...row, rev })) }, key);
    }
  }

  /**
   * Moves every row of its own into numbered segments, oldest first, as if
   * each had been appended when saved. Their keys are deleted at once, so the
   * unique `ids` index never sees an id twice.
   */
  private async fold(): Promise<void> {
    const entries = this.tx.objectStore('entrySegments');
    const [own, texts] = await Promise.all([entries.getAll(ownRowKeys()), this.tx.objectStore('searchSegments').getAll(ownRowKeys())]);
    unwrap(this.tx).objectStore('entrySegments').delete(ownRowKeys());
    unwrap(this.tx).objectStore('searchSegments').delete(ownRowKeys());
    const textOf = new Map(texts.flatMap((segment) => segment.rows).map((row) => [row.id, row]));
    const moving = own.flatMap((segment) => segment.entries).sort((a, b) => (a.savedAt < b.savedAt ? -1 : a.savedAt > b.savedAt ? 1 : 0));
    for (const entry of moving) await this.put(entry, textOf.get(entry.id));
  }

  /** A segment, read now unless this write has it; with `search`, its search text is read alongside. */
  private load(key: SegmentKey, search: boolean): Promise<Loaded> {
    if (search) void this.textsOf(key);
    return this.loaded.get(key) ?? this.adopt(key, this.tx.objectStore('entrySegments').get(key));
  }

  /** Takes a segment value read by another request (or being read) as this write's copy, unless it has one. */
  private adopt(key: SegmentKey, stored: EntrySegment | undefined | Promise<EntrySegment | undefined>): Promise<Loaded> {
    return readOnce(this.loaded, key, () =>
      Promise.resolve(stored).then((value) => ({ key, entries: new Map((value?.entries ?? []).map((e) => [e.id, e])), changed: false })),
    );
  }

  private textsOf(key: SegmentKey): Promise<Texts> {
    return readOnce(this.texts, key, () =>
      this.tx.objectStore('searchSegments').get(key).then((stored) => ({ rows: new Map((stored?.rows ?? []).map((row) => [row.id, row])), changed: false })),
    );
  }

  /** The numbered segment new ids go to: the last one while it has room, then a new one after it. */
  private appendTarget(): Promise<Loaded> {
    this.tail ??= (async () => {
      const cursor = await this.tx.objectStore('entrySegments').openKeyCursor(numberedKeys(), 'prev');
      return cursor ? this.load(cursor.key, true) : this.fresh(0);
    })();
    return this.tail.then((segment) => {
      if (segment.entries.size < SEGMENT_SIZE) return segment;
      this.tail = Promise.resolve(this.fresh((segment.key as number) + 1));
      return this.tail;
    });
  }

  private fresh(key: SegmentKey): Loaded {
    const segment: Loaded = { key, entries: new Map(), changed: false };
    this.loaded.set(key, Promise.resolve(segment));
    this.texts.set(key, Promise.resolve({ rows: new Map(), changed: false }));
    return segment;
  }
}
