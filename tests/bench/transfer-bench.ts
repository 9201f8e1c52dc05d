/**
 * Transfer bench: export n articles to the JSON backup and Netscape HTML, and
 * import both back (detection, UTF-8 decoding, parsing, validation, planning
 * against the library). Target: each ≤ 3 s at n = 20,000.
 *
 * Import re-sanitizes every body through the caller's DOMPurify. Under jsdom
 * that costs milliseconds per article (jsdom builds a whole document per call),
 * which would swamp the transfer code and is not what the extension pays (it
 * uses the page's native DOM). So the timed imports use an identity sanitizer,
 * and the real one is timed separately on a sample: `sanitizeMsPerArticle`
 * (shared config over jsdom) and the extrapolated `importBackupJsdomMs`.
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
  /** Shared DOMPurify config over jsdom, per article (median of the sample). */
  sanitizeMsPerArticle: number;
  /** importBackupMs plus n × sanitizeMsPerArticle: the backup import as Node with jsdom would pay it. */
  importBackupJsdomMs: number;
}

export interface TransferBenchOptions {
  runs?: number;
  /** Body paragraphs per generated article (8 ≈ 1.5 KB of HTML). */
  paragraphs?: number;
  /** Sanitizer for the timed imports. Default: identity (see the note above). */
  sanitize?: Sanitize;
  /** Articles sanitized with the real DOMPurify-over-jsdom to time it. Default 300; 0 skips. */
  sanitizeSample?: number;
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
  const sanitize: Sanitize = opts.sanitize ?? ((html) => html);
  const realSanitize = coreSanitize(new JSDOM('').window as unknown as Window & typeof globalThis);
  const sample = Math.min(n, opts.sanitizeSample ?? 300);
  const lib = makeLibrary(n, { paragraphs: opts.paragraphs ?? 8 });
  // Stored bodies are sanitized; the generated ones are already in DOMPurify's output form except for link rel.
  for (const a of lib) a.article.contentHtml = a.article.contentHtml.replace(/<a href="([^"]*)">/g, '<a href="$1" rel="noopener noreferrer">');
  const perArticle: number[] = [];
  for (let i = 0; i < sample; i++) {
    const html = (lib[i] as (typeof lib)[number]).article.contentHtml;
    const t0 = performance.now();
    realSanitize(html);
    perArticle.push(performance.now() - t0);
  }
  perArticle.sort((a, b) => a - b);
  const sanitizeMsPerArticle = sample ? Math.round((perArticle[Math.floor(sample / 2)] as number) * 100) / 100 : 0;
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
    backupBytes, bookmarksBytes, sanitizeMsPerArticle, importBackupJsdomMs: Math.round(median(t.ib) + n * sanitizeMsPerArticle),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2] ?? 20000);
  benchTransfer(n).then((r) => console.log(JSON.stringify(r, null, 2)), (e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
