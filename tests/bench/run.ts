/**
 * Qingdu benchmarks. Every figure is printed beside a baseline measured in the
 * same run, as a ratio of medians.
 *
 *   npm run bench                    all sections
 *   npm run bench -- extract search  only those sections
 *
 * Sections: extract, library, transfer, transfer-browser, transfer-firefox, search. Browser sections need
 * `npm run setup` (Chromium, Firefox ESR) and `npm run build` (dist/chrome, dist/firefox).
 * Figures are also written to test-results/bench.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ratio, ROOT, table, type Headline, type SectionResult } from './common';

const SECTIONS: Record<string, () => Promise<SectionResult>> = {
  extract: async () => (await import('./extract-bench')).runExtractBench(),
  library: async () => (await import('./library-bench')).runLibraryBench(),
  transfer: async () => (await import('./backup-bench')).runBackupBench(),
  'transfer-browser': async () => (await import('./transfer-browser-bench')).runTransferBrowserBench(),
  'transfer-firefox': async () => (await import('./transfer-firefox-bench')).runTransferFirefoxBench(),
  search: async () => (await import('./search-bench')).runSearchBench(),
};

function formatValue(h: Headline): string {
  const digits = h.value >= 100 ? 0 : h.value >= 10 ? 1 : 2;
  return `${h.value.toFixed(digits)} ${h.unit}`;
}

function formatBaseline(h: Headline): string {
  if (h.baseline === undefined) return '';
  const digits = h.baseline >= 100 ? 0 : h.baseline >= 10 ? 1 : 2;
  return `${h.baseline.toFixed(digits)} ${h.unit}`;
}

/** A callable gc() for steadier heap figures, without asking for node flags. */
function exposeGc(): void {
  if (globalThis.gc) return;
  setFlagsFromString('--expose_gc');
  globalThis.gc = runInNewContext('gc') as typeof globalThis.gc;
}

async function main(): Promise<void> {
  exposeGc();
  const asked = process.argv.slice(2).filter((a) => a !== '--');
  const unknown = asked.filter((a) => !(a in SECTIONS));
  if (unknown.length) {
    console.error(`Unknown section(s): ${unknown.join(', ')}. Sections: ${Object.keys(SECTIONS).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const names = asked.length ? asked : Object.keys(SECTIONS);
  const started = performance.now();
  console.log(`Qingdu bench — ${names.join(', ')} — Node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? 'unknown'})`);

  const results: SectionResult[] = [];
  const failures: { section: string; error: string }[] = [];
  for (const name of names) {
    const t0 = performance.now();
    console.log(`\n===== ${name} =====`);
    try {
      const result = await (SECTIONS[name] as () => Promise<SectionResult>)();
      results.push(result);
      for (const note of result.notes) console.log(`note: ${note}`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error(`section ${name} failed: ${message}`);
      failures.push({ section: name, error: message });
    }
    console.log(`(${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }

  const headlines = results.flatMap((r) => r.headlines);
  table(
    'Summary (medians; ratio = Qingdu / baseline)',
    ['figure', 'Qingdu', 'baseline', 'ratio', 'target', 'result'],
    headlines.map((h) => [
      h.name,
      formatValue(h),
      formatBaseline(h),
      h.ratio === undefined ? '' : ratio(h.ratio),
      h.target ?? '',
      h.pass === undefined ? '' : h.pass ? 'PASS' : 'MISS',
    ]),
  );
  for (const f of failures) console.log(`${f.section}: FAILED (${f.error.split('\n')[0]})`);
  const totalS = (performance.now() - started) / 1000;
  console.log(`\nTotal bench time ${totalS.toFixed(1)} s`);

  const outDir = join(ROOT, 'test-results');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'bench.json');
  writeFileSync(
    file,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        cpus: cpus().length,
        sections: names,
        seconds: totalS,
        headlines,
        results: Object.fromEntries(results.map((r) => [r.section, { figures: r.figures, notes: r.notes }])),
        failures,
      },
      null,
      2,
    ),
  );
  console.log(`Figures written to ${file}`);
  if (failures.length) process.exitCode = 1;
}

await main();
