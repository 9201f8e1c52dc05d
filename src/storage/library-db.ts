/**
 * The storage entry point: the saved-articles library in IndexedDB.
 *
 *   schema.ts      stores, indexes and the version history
 *   migrations.ts  numbered migrations, run in the upgrade transaction
 *   db.ts          opening (with migrations) and closing
 *   library.ts     the Library API the background (and an import) writes through
 *   segments.ts    index rows and search text, 50 articles to a row, as one write sees them
 *   records.ts     building, validating and merging records (pure)
 *   search-text.ts Chinese-aware full-text search (pure)
 *   ids.ts         URL -> id
 *   errors.ts      StorageError
 */
export { createLibrary, Library } from './library';
export type { EntryPatch, ImportResult, SaveOptions, Usage } from './library';
export type { ImportRecord, RemovedArticle } from './records';
export { StorageError, type StorageErrorCode } from './errors';
export { idForUrl } from './ids';
export { DB_NAME, DB_VERSION } from './schema';
export { MIGRATIONS } from './migrations';
export type { OpenOptions } from './db';
