import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { defineConfig, type UserConfig } from 'vite';
import webExtension from 'vite-plugin-web-extension';
import { checkedRules } from './src/build/rules-plugin.ts';
import { safeHtml } from './src/build/safe-html-plugin.ts';

const TARGET = process.env.TARGET_BROWSER === 'firefox' ? 'firefox' : 'chrome';
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

/**
 * Test files that mock a module or replace a global, found by reading them. Each of these gets a fresh
 * module graph; the others share one per worker, which keeps jsdom, DOMPurify and the OpenCC tables loaded
 * between files (on 2 cores the whole run takes about 95 s instead of 140 s).
 */
function ownGlobalsTests(): string[] {
  return readdirSync('tests/unit', { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join('tests/unit', f))
    .filter((f) => /\bvi\.(mock|doMock|stubGlobal)\(|\bglobalThis\.\w+ =|defineProperty\(globalThis/.test(readFileSync(f, 'utf8')));
}

/** Unit tests run the same sources under Node; they never load the extension plugin. */
function testConfig(): UserConfig {
  const ownGlobals = ownGlobalsTests();
  return {
    test: {
      environment: 'node',
      testTimeout: 30_000,
      // Many files wait on child processes (epubcheck, the command-line tool) as much as they compute: one worker
      // per core, not Vitest's one fewer, takes the run on 2 cores from about 210 s to 150 s.
      maxWorkers: availableParallelism(),
      projects: [
        { extends: true, test: { name: 'own-globals', include: ownGlobals, isolate: true } },
        { extends: true, test: { name: 'shared', include: ['tests/unit/**/*.test.ts'], exclude: ownGlobals, isolate: false } },
      ],
    },
  } as UserConfig;
}

const extensionConfig: UserConfig = {
  root: 'src',
  publicDir: resolve('public'),
  build: {
    outDir: resolve('dist', TARGET),
    emptyOutDir: true,
    target: 'es2022',
    // Vite's default minifier (oxc) rewrites DOMPurify's argument-copy loop into `[...arguments].slice(1)`,
    // which made every sanitize call about three times slower in Chromium (20,000 bodies: 6.0 s instead of
    // 2.1 s). esbuild keeps the loop.
    minify: 'esbuild',
  },
  plugins: [
    // DOMPurify's and Readability's innerHTML assignments go through src/platform/html.ts (see the plugin).
    safeHtml(),
    // The site rules are validated by the build, which fails on a bad one (see the plugin).
    checkedRules(),
    webExtension({
      browser: TARGET,
      // The manifest lives at the top level; entry paths inside it are relative to `src/`.
      manifest: () => {
        const manifest = JSON.parse(readFileSync('manifest.json', 'utf8')) as Record<string, unknown>;
        return { ...manifest, version: pkg.version };
      },
      additionalInputs: ['library.html', 'reader.html', ...(TARGET === 'chrome' ? ['offscreen.html'] : [])],
      disableAutoLaunch: true,
      // Validation downloads a JSON schema; builds must work offline.
      skipManifestValidation: true,
    }),
  ],
};

export default defineConfig(process.env.VITEST ? testConfig() : extensionConfig);
