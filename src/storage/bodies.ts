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
 * The bodies of `ids`, in order (undefined where there is none). Their packs
 * are found first, then each pack is read once however many of them it holds,
 * and only the ids in none are looked for in rows: most bodies an export
 * reads were imported, and every request costs Firefox as much as a small read.
 */
export async function readBodies(tx: BodyTx, ids: readonly string[]): Promise<(Article | undefined)[]> {
  const packs = tx.objectStore('bodyPacks');
  const keys = await Promise.all(ids.map((id) => packs.index('ids').getKey(id)));
  const wanted = [...new Set(keys.filter((key) => key !== undefined))];
  const rows = tx.objectStore('bodies');
  const [read, bodies] = await Promise.all([
    Promise.all(wanted.map(async (key) => [key, await packs.get(key)] as const)).then((pairs) => new Map(pairs)),
    Promise.all(ids.map((id, i) => (keys[i] === undefined ? rows.get(id) : undefined))),
  ]);
  return ids.map((id, i) => {
    const key = keys[i];
    const body = key === undefined ? bodies[i] : fromPack(read.get(key), id);
    return isArticle(body) ? body : undefined;
  });
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
  /** Bodies of new ids, packed when the write is flushed. */
  private readonly added = new Map<string, Article>();

  constructor(private readonly tx: ArticleTx) {}

  /** The stored body of an id, as this write has left it so far. */
  async read(id: string): Promise<Article | undefined> {
    const added = this.added.get(id);
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
    if (this.added.has(id)) {
      this.added.set(id, article);
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

  /** Drops an id's body, wherever it is. */
  async delete(id: string): Promise<void> {
    if (this.added.delete(id)) return;
    unwrap(this.tx).objectStore('bodies').delete(id);
    await this.leavePack(id);
  }

  /** Adds the body of an id that has none stored (one new to the library), to be packed. */
  add(id: string, article: Article): void {
    this.added.set(id, article);
  }

  /** Writes the added bodies in packs, and every pack changed. */
  async flush(): Promise<void> {
    const store = unwrap(this.tx).objectStore('bodyPacks');
    const ids = [...this.added.keys()];
    const bodies = [...this.added.values()];
    for (let start = 0; start < ids.length; start += BODY_PACK_SIZE) {
      store.put({ ids: ids.slice(start, start + BODY_PACK_SIZE), bodies: bodies.slice(start, start + BODY_PACK_SIZE) } satisfies BodyPack);
    }
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
