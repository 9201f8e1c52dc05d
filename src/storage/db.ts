import { wrap, type IDBPDatabase } from 'idb';
import { StorageError } from './errors';
import { MIGRATIONS, type Migrations, type UpgradeDB, type UpgradeTx } from './migrations';
import { DB_NAME, DB_VERSION, type QingduDB } from './schema';

export interface OpenOptions {
  /** IndexedDB implementation. Default: the global `indexedDB`. Tests pass a fresh fake-indexeddb factory. */
  factory?: IDBFactory;
  /** Database name. Default `qingdu`. */
  name?: string;
  /** Target version. Default `DB_VERSION`; tests open older versions to build old-shaped data. */
  version?: number;
  /** Migration table. Default `MIGRATIONS`; tests swap in one that throws. */
  migrations?: Migrations;
  /** Called when another context needs a newer version; the connection is already closed. */
  onClosed?: () => void;
}

/**
 * Opens the database, running every migration from the stored version up to
 * the target inside the one upgrade transaction. If any migration fails the
 * transaction aborts, nothing of the upgrade is kept, and this rejects with a
 * StorageError; the database is still readable at its old version.
 */
export async function openDatabase(options: OpenOptions = {}): Promise<IDBPDatabase<QingduDB>> {
  const factory = options.factory ?? globalThis.indexedDB;
  const version = options.version ?? DB_VERSION;
  const migrations = options.migrations ?? MIGRATIONS;
  const request = factory.open(options.name ?? DB_NAME, version);
  let migrationError: unknown;

  request.addEventListener('upgradeneeded', (event) => {
    const db = wrap(request.result) as unknown as UpgradeDB;
    const tx = wrap(request.transaction as IDBTransaction) as unknown as UpgradeTx;
    // The outcome is reported through the open request; don't leave `done` rejecting unobserved.
    tx.done.catch(() => undefined);
    const run = async (): Promise<void> => {
      for (let v = event.oldVersion + 1; v <= (event.newVersion ?? version); v++) {
        const migrate = migrations[v];
        if (!migrate) throw new Error(`No migration to version ${v}`);
        await migrate(db, tx);
      }
    };
    run().catch((error: unknown) => {
      migrationError = error;
      try {
        tx.abort();
      } catch {
        // Already aborted by the failing request.
      }
    });
  });

  let db: IDBPDatabase<QingduDB>;
  try {
    db = (await wrap(request)) as unknown as IDBPDatabase<QingduDB>;
  } catch (error) {
    const cause = migrationError ?? error;
    throw new StorageError(
      'aborted',
      'The library could not be upgraded to this version of Qingdu. Your saved articles are unchanged.',
      { cause },
    );
  }
  // Another tab or the updated extension wants a newer version: step aside so it can upgrade.
  db.addEventListener('versionchange', () => {
    db.close();
    options.onClosed?.();
  });
  db.addEventListener('close', () => options.onClosed?.());
  return db;
}

/**
 * One connection per context, opened on first use and opened again after it
 * closes (another context upgraded the schema) or fails to open.
 */
export class DatabaseHandle {
  private pending: Promise<IDBPDatabase<QingduDB>> | null = null;

  constructor(private readonly options: OpenOptions = {}) {}

  get(): Promise<IDBPDatabase<QingduDB>> {
    if (!this.pending) {
      const opening = openDatabase({
        ...this.options,
        onClosed: () => {
          if (this.pending === opening) this.pending = null;
          this.options.onClosed?.();
        },
      });
      this.pending = opening;
      opening.catch(() => {
        if (this.pending === opening) this.pending = null;
      });
    }
    return this.pending;
  }

  /** Closes the connection; the next `get` opens it again. */
  async close(): Promise<void> {
    const pending = this.pending;
    this.pending = null;
    if (pending) (await pending.catch(() => null))?.close();
  }
}
