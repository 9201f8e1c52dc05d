/**
 * Transfer bench: export n articles to the JSON backup and Netscape HTML, and
 * import both back (detection, parsing, validation, re-sanitizing every body
 * with the shared DOMPurify config under jsdom, planning against the library).
 * Target: each ≤ 3 s at n = 20,000.
 *
 *   npx tsx tests/bench/transfer-bench.ts [n]
 */
import { pathToFileURL } from 'node:url';
import { JSDOM } from 'jsdom';
import { coreSanitize } from '../../src/transfer/core-hooks';
import { exportBackup, exportBookmarks, importFile, type Sanitize } from '../../src/transfer/index';
import { makeLibrary } from '../unit/transfer/helpers';

export interface TransferBenchResult {
  n: number;
  runs: number;
  /** Median milliseconds per step. */
  exportBackupMs: number;
  exportBookmarksMs: number;
  importBackupMs: number;
  importBookmarksMs: number;
  backupBytes: number;
  bookmarksBytes: number;
}

export interface TransferBenchOptions {
  runs?: number;
  /** Body paragraphs per generated article (8 ≈ 1.5 KB of HTML). */
  paragraphs?: number;
  /** Sanitizer used on import. Default: the shared DOMPurify configuration over jsdom. */
  sanitize?: Sanitize;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.floor(s.length / 2)] as number);
};

async function time<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const t0 = performance.now();
  const out = await fn();
  return [performance.now() - t0, out];
}

export async function benchTransfer(n = 20000, opts: TransferBenchOptions = {}): Promise<TransferBenchResult> {
  const runs = opts.runs ?? 3;
  const sanitize = opts.sanitize ?? coreSanitize(new JSDOM('').window as unknown as Window & typeof globalThis);
  const lib = makeLibrary(n, { paragraphs: opts.paragraphs ?? 8 }).map((a) => ({ ...a, article: { ...a.article, contentHtml: sanitize(a.article.contentHtml) } }));
  const enc = new TextEncoder();
  const t = { eb: [] as number[], ek: [] as number[], ib: [] as number[], ik: [] as number[] };
  let backupBytes = 0;
  let bookmarksBytes = 0;
  for (let r = 0; r < runs; r++) {
    const [eb, parts] = await time(() => exportBackup(lib, undefined, { chunkSize: 1000 }));
    const [ek, html] = await time(() => exportBookmarks(lib, { chunkSize: 1000 }));
    const backup = enc.encode(parts.join(''));
    const bookmarks = enc.encode(html);
    backupBytes = backup.length;
    bookmarksBytes = bookmarks.length;
    const [ib, rb] = await time(() => importFile('backup.json', backup, { sanitize, library: [], maxBytes: Infinity }));
    const [ik, rk] = await time(() => importFile('bookmarks.html', bookmarks, { sanitize, library: [] }));
    if (rb.added !== n || rk.added !== n) throw new Error(`bench import lost records: backup ${rb.added}, bookmarks ${rk.added} of ${n}`);
    t.eb.push(eb);
    t.ek.push(ek);
    t.ib.push(ib);
    t.ik.push(ik);
  }
  return {
    n, runs, exportBackupMs: median(t.eb), exportBookmarksMs: median(t.ek), importBackupMs: median(t.ib), importBookmarksMs: median(t.ik),
    backupBytes, bookmarksBytes,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2] ?? 20000);
  benchTransfer(n).then((r) => console.log(JSON.stringify(r, null, 2)), (e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
