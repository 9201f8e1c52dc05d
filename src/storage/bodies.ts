import { unwrap, type IDBPTransaction } from 'idb';
import type { Article } from '../core/types';
import { isArticle } from './records';
import { BODY_PACK_SIZE, type BodyPack, type QingduDB, type StoreName } from './schema';
import { readOnce, type ArticleTx } from './segments';

/**
 * Article bodies are kept in two stores (see schema.ts, v5): a `bodies` row
 * per article saved one at a time, and `bodyPacks` of up to BODY_PACK_SIZE
 * for the articles an import adds. Reads look in both; a `BodyWriter` keeps
 * each id in one of them at most.
 */

/** Any transaction over both body stores, read-only or not. */
type BodyTx = IDBPTransaction<QingduDB, ArrayLike<StoreName>, IDBTransactionMode>;

interface LoadedPack {
  ids: string[];
  bodies: Article[];
  changed: boolean;
}

function fromPack(pack: BodyPack | undefined, id: string): Article | undefined {
  const body = pack?.bodies[pack.ids.indexOf(id)];
  return isArticle(body) ? body : undefined;
}

/** One article's body, from its row or its pack, in one round trip. */
export async function readBody(tx: BodyTx, id: string): Promise<Article | undefined> {
  const [row, pack] = await Promise.all([tx.objectStore('bodies').get(id), tx.objectStore('bodyPacks').index('ids').get(id)]);
  return isArticle(row) ? row : fromPack(pack, id);
}

/**
 * The bodies of `ids`, in order (undefined where there is none). Each pack is
 * read once however many of them it holds, and only the ids in none are
 * looked for in rows: most bodies an export reads were imported, and every
 * request costs about as much as a small read.
 *
 * `packs` gives the pack each id's index row names (`LibraryEntry.pack`):
 * those packs are read straight away. An id without one, or whose pack no
 * longer holds it, has its pack looked up in the `ids` index, a request of
 * its own: for 20,000 imported articles in Chromium, reading every body took
 * 0.6-0.7 s from the packs named, 1.9-2.2 s with a lookup for each.
 */
export async function readBodies(tx: BodyTx, ids: readonly string[], packs: readonly (number | undefined)[] = []): Promise<(Article | undefined)[]> {
  const store = tx.objectStore('bodyPacks');
  const read = new Map<number, Promise<BodyPack | undefined>>();
  const pack = (key: number) => readOnce(read, key, () => store.get(key));
  const lookUp = (id: string) => store.index('ids').getKey(id);
  // Named packs and the lookups of ids that name none go out together; a pack that no longer holds its id costs a lookup after.
  const keys = await Promise.all(
    ids.map(async (id, i) => {
      const named = packs[i];
      if (named === undefined) return lookUp(id);
      return (await pack(named))?.ids.includes(id) ? named : lookUp(id);
    }),
  );
  const rows = tx.objectStore('bodies');
  const bodies = await Promise.all(ids.map(async (id, i) => {
    const key = keys[i];
    return key === undefined ? rows.get(id) : fromPack(await pack(key), id);
  }));
  return bodies.map((body) => (isArticle(body) ? body : undefined));
}

/**
 * One write transaction's view of the bodies: it finds the packs the write
 * touches, changes them in memory and puts each changed one back once, at
 * `flush`. Nothing waits for the writes: a failed one aborts the transaction.
 */
export class BodyWriter {
  /** The pack of each id looked up (undefined: in none). */
  private readonly looked = new Map<string, Promise<number | undefined>>();
  private readonly packs = new Map<number, Promise<LoadedPack>>();
  /** Bodies of new ids, with the key of the pack each goes into when the write is flushed. */
  private readonly added = new Map<string, { article: Article; pack: number }>();
  /** Key of the first pack this write adds (see `reservePacks`). */
  private firstPack: number | null = null;

  constructor(private readonly tx: ArticleTx) {}

  /**
   * Readies `add`: the packs it fills take the keys after the last one stored,
   * read in this transaction, so no other write can take them. An index row
   * names its pack (`LibraryEntry.pack`) in the same write.
   */
  async reservePacks(): Promise<void> {
    const last = await this.tx.objectStore('bodyPacks').openKeyCursor(null, 'prev');
    this.firstPack = typeof last?.key === 'number' ? Math.floor(last.key) + 1 : 1;
  }

  /** The stored body of an id, as this write has left it so far. */
  async read(id: string): Promise<Article | undefined> {
    const added = this.added.get(id)?.article;
    if (added) return added;
    const key = await this.locate(id);
    const packed = key === undefined ? undefined : fromPack(await this.load(key), id);
    if (packed) return packed;
    const row = await this.tx.objectStore('bodies').get(id);
    return isArticle(row) ? row : undefined;
  }

  /**
   * Stores a body in its own row at once, and takes it out of its pack; the
   * body of an id added by this write stays to be packed.
   */
  async put(id: string, article: Article): Promise<void> {
    const added = this.added.get(id);
    if (added) {
      added.article = article;
      return;
    }
    this.putRow(id, article);
    await this.leavePack(id);
  }

  /**
   * The first half of `put`, for a save that sends the body before it knows
   * whether the article is stored: `leavePack` follows when it is. A new one
   * has no pack, and its save spares the lookup.
   */
  putRow(id: string, article: Article): void {
    unwrap(this.tx).objectStore('bodies').put(article, id);
  }

  /**
   * Gives a stored body the id `to`, new to the library (an article whose id
   * changed, schema v9): in its pack, or in a row of its own. `packHint` is the
   * pack its index row names, read without a lookup when it holds the body.
   */
  async rename(from: string, to: string, packHint?: number): Promise<void> {
    const hinted = packHint !== undefined && (await this.load(packHint)).ids.includes(from);
    const key = hinted ? packHint : await this.locate(from);
    const pack = key === undefined ? undefined : await this.load(key);
    const at = pack ? pack.ids.indexOf(from) : -1;
    if (pack && at >= 0) {
      pack.ids[at] = to;
      pack.changed = true;
      return;
    }
    const row = await this.tx.objectStore('bodies').get(from);
    if (!isArticle(row)) return;
    this.putRow(to, row);
    unwrap(this.tx).objectStore('bodies').delete(from);
  }

  /** Drops an id's body, wherever it is. */
  async delete(id: string): Promise<void> {
    if (this.added.delete(id)) return;
    unwrap(this.tx).objectStore('bodies').delete(id);
    await this.leavePack(id);
  }

  /**
   * Adds the body of an id that has none stored (one new to the library), to
   * be packed; `reservePacks` must have run. Returns the key of its pack.
   */
  add(id: string, article: Article): number {
    if (this.firstPack === null) throw new Error('reservePacks() must come before add()');
    const pack = this.firstPack + Math.floor(this.added.size / BODY_PACK_SIZE);
    this.added.set(id, { article, pack });
    return pack;
  }

  /** The pack an id's body goes into, when this write added it (and has not deleted it since). */
  packOf(id: string): number | undefined {
    return this.added.get(id)?.pack;
  }

  /** Writes the added bodies in packs, and every pack changed. */
  async flush(): Promise<void> {
    const store = unwrap(this.tx).objectStore('bodyPacks');
    const filled = new Map<number, BodyPack>();
    for (const [id, { article, pack }] of this.added) {
      const into = filled.get(pack) ?? { ids: [], bodies: [] };
      into.ids.push(id);
      into.bodies.push(article);
      filled.set(pack, into);
    }
    for (const [key, pack] of filled) store.put(pack, key);
    this.added.clear();
    for (const [key, loading] of this.packs) {
      const pack = await loading;
      if (!pack.changed) continue;
      if (pack.ids.length) store.put({ ids: pack.ids, bodies: pack.bodies } satisfies BodyPack, key);
      else store.delete(key);
    }
  }

  /** Takes an id's body out of its pack, if it has one. */
  async leavePack(id: string): Promise<void> {
    const key = await this.locate(id);
    if (key === undefined) return;
    const pack = await this.load(key);
    const at = pack.ids.indexOf(id);
    if (at < 0) return;
    pack.ids.splice(at, 1);
    pack.bodies.splice(at, 1);
    pack.changed = true;
  }

  private locate(id: string): Promise<number | undefined> {
    return readOnce(this.looked, id, () => this.tx.objectStore('bodyPacks').index('ids').getKey(id));
  }

  private load(key: number): Promise<LoadedPack> {
    return readOnce(this.packs, key, () =>
      this.tx
        .objectStore('bodyPacks')
        .get(key)
        .then((stored) => ({ ids: [...(stored?.ids ?? [])], bodies: [...(stored?.bodies ?? [])], changed: false })),
    );
  }
}
