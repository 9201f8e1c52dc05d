/**
 * The backup and bookmarks files of the articles the browser sections fill
 * their libraries with, written here in Node with the product's exporters.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { idForUrl } from '../../src/storage/ids';
import { articleFields, bodyBytesOf } from '../../src/storage/records';
import type { SavedArticle } from '../../src/storage/types';
import { exportBackup, exportBookmarks } from '../../src/transfer/index';
import { generateChineseArticles } from './storage-fixtures';

/** The articles `fill` stores in the browser sections, as backup records. */
function savedArticles(n: number): SavedArticle[] {
  return generateChineseArticles(n).map((article, k) => {
    const savedAt = new Date(Date.UTC(2024, 0, 1) + k * 60_000).toISOString();
    return {
      id: idForUrl(article.url), ...articleFields(article), savedAt, updatedAt: savedAt, readAt: null, state: 'unread', tags: k % 5 ? [] : ['经济'],
      progress: 0, linkOnly: false, bodyBytes: bodyBytesOf(article), imageBytes: 0, missingImages: [], article,
    };
  });
}

/** Writes `qingdu-bench-<count>.json` and `.html` into `dir`; returns their paths. */
export async function writeTransferFiles(dir: string, count: number): Promise<{ backup: string; bookmarks: string }> {
  const backup = join(dir, `qingdu-bench-${count}.json`);
  const bookmarks = join(dir, `qingdu-bench-${count}.html`);
  const list = savedArticles(count);
  writeFileSync(backup, (await exportBackup(list)).join(''));
  writeFileSync(bookmarks, await exportBookmarks(list));
  return { backup, bookmarks };
}
