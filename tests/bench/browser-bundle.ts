/**
 * Builds a benchmark entry (tests/bench/browser/*.ts) into one IIFE script for
 * Chromium with esbuild (vite's own bundler dependency). The script is kept
 * under node_modules/.cache/qingdu-bench for inspection and returned as text,
 * to be run with `page.evaluate(source)` (DevTools evaluation is not subject
 * to a page's or an extension's CSP).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from './common';

export const BUNDLE_DIR = join(ROOT, 'node_modules/.cache/qingdu-bench');

export async function buildBrowserBundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [join(ROOT, 'tests/bench/browser', entry)],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: false,
    write: false,
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const source = result.outputFiles[0]?.text;
  if (!source) throw new Error(`esbuild produced nothing for ${entry}`);
  mkdirSync(BUNDLE_DIR, { recursive: true });
  writeFileSync(join(BUNDLE_DIR, entry.replace(/\.ts$/, '.js')), source);
  return source;
}
