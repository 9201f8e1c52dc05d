/**
 * Import and export of the library. Pure modules: they take data and return
 * strings, bytes or reports; nothing here touches extension APIs or storage.
 * Feed/seed import and the shared sanitizer come from `./core-hooks`.
 */
export type * from './types';
export { BACKUP_FORMAT, BACKUP_FORMAT_DOC, BACKUP_VERSION, BACKUP_ZIP_ENTRY, isBackupEntry, BACKUP_MIDDLE, BACKUP_SEPARATOR, BACKUP_TAIL, backupHead, backupImageRecords, backupRecord, exportBackup, exportBackupZip, parseBackup, validateSavedArticle } from './backup';
export { BOOKMARKS_HEAD, BOOKMARKS_TAIL, bookmarkRow, BookmarksReader, exportBookmarks, parseBookmarks, parsePocketHtml, NETSCAPE_DOCTYPE } from './bookmarks';
export { exportInstapaperCsv, exportPocketCsv, instapaperRow, pocketRow, parseInstapaperCsv, parsePocketCsv, INSTAPAPER_HEADER, POCKET_HEADER } from './csv-formats';
export { parseCsv, csvRow, neutraliseFormula } from './csv';
export { exportWallabag, wallabagEntry, parseWallabag, parseOmnivore } from './wallabag';
export { exportMarkdownZip, articleMarkdown, MarkdownZipWriter, readingListHead, readingListLine, readingListMarkdown, frontMatter } from './markdown';
export { epubBook, EpubWriter, exportEpub, htmlToXhtml, transcodedLookup, type EpubBook, type EpubOptions, type Transcode, type XhtmlEnv } from './epub';
export { parseFeedFile, parseSeedFile } from './feeds';
export { detectFormat, FORMAT_NAMES, type ImportFormat } from './detect';
export { mergeRecord, linkEntry, type MergeResult, type MergeableRecord } from './merge';
export { failureReason, importFile, parseImport, planImport, Planner, refusal, refusedBySize, type ImportContext, type PlanContext, type ImportReport, type PlanStep, type PlannedUpdate } from './import';
export { blobText, MAX_STREAMED_BACKUP_BYTES, readBackup, UnorderedBackupError, zippedBackupText, type BackupVisitor, type StreamOptions } from './backup-stream';
export { exportFileName, safeFileName, TransferError, MAX_IMPORT_BYTES, MAX_UNZIPPED_BYTES, MAX_ZIP_ENTRIES } from './util';
export { imageUrls, imagesOf } from './images';
