/**
 * Transfer: export of 20,000 articles to the JSON backup and to Netscape
 * bookmarks HTML, and import of both (tests/bench/transfer-bench.ts), against
 * a plain JSON.stringify / JSON.parse of the same records measured here.
 */
import { mb, median, ms, ratio, table, type Headline, type SectionResult } from './common';
import { benchTransfer } from './transfer-bench';
import { makeLibrary } from '../unit/transfer/helpers';

const COUNT = 20_000;
const RUNS = 3;
const TARGET_MS = 3000;

/** The same generated records as benchTransfer: stringified (export baseline), then decoded and parsed (import baseline). */
function jsonBaseline(n: number, runs: number): { stringifyMs: number; parseMs: number; bytes: number } {
  const records = makeLibrary(n, { paragraphs: 8 });
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const s: number[] = [];
  const p: number[] = [];
  let bytes = 0;
  for (let r = 0; r < runs; r++) {
    let t0 = performance.now();
    const json = JSON.stringify(records);
    s.push(performance.now() - t0);
    const encoded = enc.encode(json);
    bytes = encoded.length;
    t0 = performance.now();
    const back = JSON.parse(dec.decode(encoded)) as unknown[];
    p.push(performance.now() - t0);
    if (back.length !== n) throw new Error('JSON baseline lost records');
  }
  return { stringifyMs: median(s), parseMs: median(p), bytes };
}

export async function runBackupBench(n = COUNT): Promise<SectionResult> {
  const base = jsonBaseline(n, RUNS);
  const t = await benchTransfer(n, { runs: RUNS });
  const steps: { name: string; value: number; baseline: number; baseName: string; bytes: number }[] = [
    { name: 'export JSON backup', value: t.exportBackupMs, baseline: base.stringifyMs, baseName: 'JSON.stringify', bytes: t.backupBytes },
    { name: 'export Netscape HTML', value: t.exportBookmarksMs, baseline: base.stringifyMs, baseName: 'JSON.stringify', bytes: t.bookmarksBytes },
    { name: 'import JSON backup', value: t.importBackupMs, baseline: base.parseMs, baseName: 'decode + JSON.parse', bytes: t.backupBytes },
    { name: 'import Netscape HTML', value: t.importBookmarksMs, baseline: base.parseMs, baseName: 'decode + JSON.parse', bytes: t.bookmarksBytes },
  ];
  table(
    `Transfer — ${n} articles (Node; median of ${t.runs} runs; imports timed with an identity sanitizer, DOMPurify over jsdom below)`,
    ['step', 'Qingdu', 'file', 'baseline', '', 'ratio', 'target'],
    steps.map((s) => [s.name, ms(s.value, 0), mb(s.bytes), s.baseName, ms(s.baseline, 0), ratio(s.value / s.baseline), `≤ ${TARGET_MS / 1000} s`]),
  );
  console.log(`(baseline JSON of the same records: ${mb(base.bytes)})`);
  table('Transfer — sanitizing on import (the extension uses the page\'s DOM; Node pays jsdom)', ['figure', 'value'], [
    ['DOMPurify over jsdom, per article (sample median)', ms(t.sanitizeMsPerArticle)],
    [`import JSON backup + jsdom sanitizing of ${n} bodies (extrapolated)`, ms(t.importBackupJsdomMs, 0)],
  ]);
  const headlines: Headline[] = steps.map((s) => ({
    section: 'transfer', name: `${s.name} (${n})`, value: s.value, unit: 'ms', baseline: s.baseline,
    ratio: s.value / s.baseline, target: `≤ ${TARGET_MS / 1000} s`, pass: s.value <= TARGET_MS,
  }));
  return { section: 'transfer', figures: { ...t, baseline: base }, headlines, notes: [] };
}
