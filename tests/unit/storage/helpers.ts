import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { Article } from '../../../src/core/types';
import { Library } from '../../../src/storage/library';
import { DB_VERSION } from '../../../src/storage/schema';

export const NOW = new Date('2025-03-01T08:00:00.000Z');

export function article(url: string, overrides: Partial<Article> = {}): Article {
  return {
    title: `Title of ${url}`,
    url,
    siteName: 'FT中文网',
    lang: 'zh-CN',
    lead: null,
    leadImage: null,
    byline: null,
    translator: null,
    published: '2025-02-28T00:00:00.000Z',
    updated: null,
    contentHtml: `<p>Body of ${url}</p>`,
    textContent: `Body of ${url}`,
    length: 10,
    readingMinutes: 1,
    partial: false,
    fullTextUrl: null,
    paywalled: false,
    ...overrides,
  };
}

/** A library on its own in-memory IndexedDB, so tests never share state. */
export function freshLibrary(factory: IDBFactory = new IDBFactory()): { library: Library; factory: IDBFactory } {
  return { library: new Library({ factory }), factory };
}

export function bytes(...values: number[]): Uint8Array {
  return new Uint8Array(values);
}

/** Opens a database with raw IDB at `version`, letting `upgrade` shape it as an old release would have. */
export function rawOpen(
  factory: IDBFactory,
  version: number,
  upgrade?: (db: IDBDatabase, tx: IDBTransaction) => void,
): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open('qingdu', version);
    request.onupgradeneeded = () => upgrade?.(request.result, request.transaction as IDBTransaction);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export function rawGetAll(db: IDBDatabase, store: string, query?: IDBValidKey | IDBKeyRange): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const request = db.transaction(store, 'readonly').objectStore(store).getAll(query);
    request.onsuccess = () => resolve(request.result as unknown[]);
    request.onerror = () => reject(request.error);
  });
}

export function rawKeys(db: IDBDatabase, store: string): Promise<IDBValidKey[]> {
  return new Promise((resolve, reject) => {
    const request = db.transaction(store, 'readonly').objectStore(store).getAllKeys();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export function rawPut(db: IDBDatabase, store: string, value: unknown, key?: IDBValidKey): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, 'readwrite');
    tx.objectStore(store).put(value, key);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}

/** The stores exactly as schema v1 created them (for building old databases by hand). */
export function createV1Stores(raw: IDBDatabase): void {
  const entries = raw.createObjectStore('entries', { keyPath: 'id' });
  entries.createIndex('url', 'url', { unique: true });
  entries.createIndex('savedAt', 'savedAt');
  entries.createIndex('state', 'state');
  entries.createIndex('site', 'siteName');
  entries.createIndex('tags', 'tags', { multiEntry: true });
  raw.createObjectStore('bodies');
}

/** Every stored search row, by id (fake-indexeddb). */
export async function searchRows(factory: IDBFactory): Promise<unknown[]> {
  const db = await rawOpen(factory, DB_VERSION);
  const segments = (await rawGetAll(db, 'searchSegments')) as { rows: { id: string }[] }[];
  db.close();
  return segments.flatMap((s) => s.rows).sort((a, b) => a.id.localeCompare(b.id));
}
