/**
 * Shared helpers for the benchmark sections: medians, ratios, tables and the
 * figures every section hands back to run.ts (printed, then written to
 * test-results/bench.json).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, LaunchOptions, Page } from '@playwright/test';

export const ROOT = join(import.meta.dirname, '../..');
export const FIXTURES = join(ROOT, 'tests/fixtures');
export const DIST_CHROME = join(ROOT, 'dist/chrome');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Chromium launched as users run it: without the `--disable-renderer-backgrounding`
 * switch Playwright adds. With it, V8 in the extension's renderer collected
 * garbage as if to save memory (`Mark-Compact (reduce)` under `--trace-gc`:
 * 98–99 of them during a backup import of 20,000 articles, none without it),
 * and that import's write step took 18.8–21.0 s against 13.0–14.8 s.
 */
export const AS_USERS: Pick<LaunchOptions, 'ignoreDefaultArgs'> = { ignoreDefaultArgs: ['--disable-renderer-backgrounding'] };

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] as number;
}

/** One headline figure: a value, optionally beside a baseline (ratio = value / baseline), and its target. */
export interface Headline {
  section: string;
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
  /** Human-readable target, e.g. "≤ 1.2×". */
  target?: string;
  /** Undefined when the figure has no target. */
  pass?: boolean;
}

export interface SectionResult {
  section: string;
  /** Every figure measured, for bench.json. */
  figures: Record<string, unknown>;
  headlines: Headline[];
  /** Things that could not be measured, with the reason. */
  notes: string[];
}

export const ms = (x: number, digits = 2): string => (Number.isFinite(x) ? `${x.toFixed(digits)} ms` : 'n/a');
export const ratio = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(2)}×` : 'n/a');
export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
export const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/** Prints a table with a header row; columns after the first are right-aligned. */
export function table(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

/** Runs `fn` `n` times and returns each duration in milliseconds. */
export async function timeRuns(n: number, fn: () => unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

export interface FixturePage {
  name: string;
  /** URL the page is extracted as (expected.json's). */
  url: string;
  /** Page HTML (for the seed: the item HTML parseSeed returns). */
  html: string;
  /** Known values from a seed's header, as the golden tests pass them. */
  known?: { title: string; published: string | null };
}

/** Every fixture page with an expected.json, as the golden tests read them. */
export async function loadFixturePages(): Promise<FixturePage[]> {
  const { parseSeed } = await import('../../src/core/index');
  return readdirSync(FIXTURES)
    .filter((d) => existsSync(join(FIXTURES, d, 'expected.json')))
    .sort()
    .map((name) => {
      const dir = join(FIXTURES, name);
      const { url } = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { url: string };
      if (existsSync(join(dir, 'source.txt'))) {
        const seed = parseSeed(readFileSync(join(dir, 'source.txt'), 'utf8'));
        if (!seed) throw new Error(`${name}: source.txt is not a seed`);
        return { name, url, html: seed.html, known: { title: seed.title, published: seed.published } };
      }
      return { name, url, html: readFileSync(join(dir, 'source.html'), 'utf8') };
    });
}

/** Shortens fixture folder names for tables. */
export const shortName = (name: string): string => name.replace(/^www\.ftchinese\.com--/, '').replace(/^(\w+)\.(?:ftchinese|ft)\.com--/, '$1:');

/** The page's JS heap in bytes right after a garbage collection (Chromium, over CDP). */
export async function heapUsed(context: BrowserContext, page: Page): Promise<number> {
  const cdp = await context.newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
  } finally {
    await cdp.detach();
  }
}
