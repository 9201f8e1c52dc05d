/**
 * Permissions and content-security policy of the BUILT extensions
 * (dist/chrome, dist/firefox; `npm run build` runs before the unit tests).
 * Anything new here needs a line in the allow-lists below and in the README's
 * permissions table, with the same justification.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Built extensions; POLICY_DIST points the checks at another build. */
const DIST = process.env.POLICY_DIST ?? join(import.meta.dirname, '../../../dist');
const TARGETS = ['chrome', 'firefox'] as const;
type Target = (typeof TARGETS)[number];

/** API permissions, with why each is needed. */
const PERMISSIONS: Record<string, { why: string; only?: Target }> = {
  activeTab: { why: 'Read the page in the current tab when the user clicks Save, the shortcut or the context menu; no standing access to other sites.' },
  scripting: { why: 'Inject the extractor into that tab (non-FT pages) on the user\'s request.' },
  storage: { why: 'Reader and library preferences (font, theme, 简/繁).' },
  unlimitedStorage: { why: 'The library keeps articles and their images in IndexedDB for offline reading; the default quota would evict them.' },
  contextMenus: { why: '"Save page / Save link to Qingdu" menu items.' },
  offscreen: { why: 'Chrome only: the service worker has no DOMParser, so extraction of fetched pages runs in an offscreen document.', only: 'chrome' },
};

/** FT Chinese hosts: the content script runs here, and full-text pages are fetched from them. */
const FT_HOSTS = [
  'https://cn.ft.com/*',
  'https://www.ftchinese.com/*',
  'https://big5.ftchinese.com/*',
  'https://m.ftchinese.com/*',
  'https://ftchinese.com/*',
  'http://www.ftchinese.com/*',
  'http://big5.ftchinese.com/*',
];

/** Required host permissions, with why each is needed. */
const HOST_PERMISSIONS: Record<string, string> = {
  ...Object.fromEntries(FT_HOSTS.map((h) => [h, 'FT Chinese: reader mode on its pages and fetching the other pages of multi-page stories.'])),
  'https://thumbor.ftacademy.cn/*': 'FT Chinese image host: saving article images for offline reading.',
  'https://i.ftimg.net/*': 'FT Chinese image host: saving article images for offline reading.',
  'https://d1sh1cgb4xvhl.cloudfront.net/*': 'FT Chinese image CDN: saving article images for offline reading.',
  'https://dq4atoxl7csa1.cloudfront.net/*': 'FT Chinese image CDN: saving article images for offline reading.',
  'https://images.ft.com/*': 'FT image service: saving article images for offline reading.',
};

/** Optional host permissions: never granted at install; the user may grant them per site in the browser. */
const OPTIONAL_HOST_PERMISSIONS: Record<string, string> = {
  'https://*/*': 'Optional: sites the user grants access to, so links there can be saved without opening them (and their images kept).',
  'http://*/*': 'Optional: the same for plain-HTTP sites.',
};

/** MV3 default extension-page policies (Chrome's, and Firefox's); an explicit one must not differ from these. */
const DEFAULT_CSP = new Set([
  "script-src 'self' 'wasm-unsafe-eval'; object-src 'self';",
  "script-src 'self'; upgrade-insecure-requests;",
]);

interface Manifest {
  manifest_version: number;
  permissions?: string[];
  optional_permissions?: string[];
  host_permissions?: string[];
  optional_host_permissions?: string[];
  content_security_policy?: unknown;
  web_accessible_resources?: unknown[];
  externally_connectable?: unknown;
  content_scripts?: { matches?: string[]; include_globs?: string[]; world?: string; match_origin_as_fallback?: boolean }[];
  background?: { service_worker?: string; scripts?: string[]; page?: string };
  browser_specific_settings?: { gecko?: { id?: string } };
  [key: string]: unknown;
}

function readManifest(target: Target): Manifest {
  const path = join(DIST, target, 'manifest.json');
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` before the unit tests`);
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

/** Files under `dir` (recursive) whose names end with one of `exts`. */
function filesIn(dir: string, exts: string[]): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesIn(path, exts));
    else if (exts.some((e) => entry.name.endsWith(e))) out.push(path);
  }
  return out;
}

/** Every directive's sources in a CSP string, e.g. { 'script-src': ["'self'"] }. */
function parseCsp(csp: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of csp.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out[name.toLowerCase()] = sources;
  }
  return out;
}

describe.each(TARGETS)('%s manifest', (target) => {
  const manifest = readManifest(target);

  it('is Manifest V3', () => {
    expect(manifest.manifest_version).toBe(3);
  });

  it('asks only for allow-listed API permissions', () => {
    for (const p of [...(manifest.permissions ?? []), ...(manifest.optional_permissions ?? [])]) {
      const allowed = PERMISSIONS[p];
      expect(allowed, `permission "${p}" is not in the allow-list`).toBeDefined();
      if (allowed?.only) expect(target, `permission "${p}" is for ${allowed.only} only`).toBe(allowed.only);
    }
  });

  it('asks only for allow-listed host permissions', () => {
    for (const h of manifest.host_permissions ?? []) expect(HOST_PERMISSIONS, `host permission "${h}" is not in the allow-list`).toHaveProperty([h]);
    for (const h of manifest.optional_host_permissions ?? []) {
      expect(OPTIONAL_HOST_PERMISSIONS, `optional host permission "${h}" is not in the allow-list`).toHaveProperty([h]);
    }
    // Broad patterns only ever as optional.
    for (const h of manifest.host_permissions ?? []) expect(h).not.toMatch(/^(<all_urls>|\*:|[a-z]+:\/\/\*)/);
  });

  it('keeps the default content security policy', () => {
    const csp = manifest.content_security_policy;
    if (csp === undefined) return;
    expect(typeof csp, 'MV3 content_security_policy is an object').toBe('object');
    for (const [key, value] of Object.entries(csp as Record<string, unknown>)) {
      expect(typeof value, key).toBe('string');
      const directives = parseCsp(value as string);
      const sources = Object.values(directives).flat();
      expect(sources, `${key}: unsafe-eval`).not.toContain("'unsafe-eval'");
      expect(sources, `${key}: unsafe-inline`).not.toContain("'unsafe-inline'");
      for (const s of directives['script-src'] ?? []) expect(s, `${key}: remote script source`).toMatch(/^'(self|wasm-unsafe-eval|none)'$/);
      expect(DEFAULT_CSP.has((value as string).trim()), `${key} differs from the MV3 default: ${String(value)}`).toBe(true);
    }
  });

  it('exposes nothing to web pages or other extensions', () => {
    expect(manifest.web_accessible_resources ?? [], 'web_accessible_resources').toEqual([]);
    expect(manifest.externally_connectable, 'externally_connectable').toBeUndefined();
  });

  it('runs content scripts on FT Chinese pages only', () => {
    for (const script of manifest.content_scripts ?? []) {
      expect(script.matches?.length).toBeGreaterThan(0);
      for (const m of script.matches ?? []) expect(FT_HOSTS, `content script matches "${m}"`).toContain(m);
      expect(script.include_globs, 'include_globs widen matches').toBeUndefined();
      expect(script.world ?? 'ISOLATED', 'content scripts stay in the isolated world').toBe('ISOLATED');
      expect(script.match_origin_as_fallback ?? false).toBe(false);
    }
  });

  if (target === 'firefox') {
    it('has a Gecko id and an event page, not a service worker', () => {
      expect(manifest.browser_specific_settings?.gecko?.id, 'browser_specific_settings.gecko.id').toMatch(/\S/);
      expect(manifest.background?.service_worker, 'background.service_worker').toBeUndefined();
      expect(manifest.background?.scripts?.length).toBeGreaterThan(0);
    });
  } else {
    it('has a background service worker', () => {
      expect(manifest.background?.service_worker, 'background.service_worker').toMatch(/\.js$/);
    });

    // runtime.getContexts (offscreen documents) came in Chrome 116; color-mix() and
    // String.prototype.toWellFormed in 111. An older Chrome must refuse to install.
    it('declares the oldest Chrome it runs in', () => {
      expect(manifest.minimum_chrome_version).toBe('116');
    });
  }
});

describe.each(TARGETS)('%s extension pages and scripts', (target) => {
  const root = join(DIST, target);

  it('HTML pages load only packaged scripts, with no inline code', () => {
    const pages = filesIn(root, ['.html']);
    expect(pages.length).toBeGreaterThan(0);
    for (const page of pages) {
      const name = relative(root, page);
      const text = readFileSync(page, 'utf8');
      for (const tag of text.match(/<script\b[^>]*>/gi) ?? []) {
        const src = /\bsrc\s*=\s*["']?([^"'\s>]+)/i.exec(tag)?.[1];
        expect(src, `${name}: inline <script>`).toBeDefined();
        expect(src, `${name}: remote script ${src}`).not.toMatch(/^(https?:)?\/\//i);
      }
      expect(text, `${name}: inline <script> body`).not.toMatch(/<script\b[^>]*>\s*[^<\s]/i);
      expect(text, `${name}: inline event handler`).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
      expect(text, `${name}: javascript: URL`).not.toMatch(/javascript:/i);
    }
  });

  it('scripts contain no eval or new Function', () => {
    const scripts = filesIn(root, ['.js', '.mjs', '.html']);
    expect(scripts.some((s) => s.endsWith('.js'))).toBe(true);
    for (const file of scripts) {
      const text = readFileSync(file, 'utf8');
      const name = relative(root, file);
      expect(text, `${name}: eval(`).not.toMatch(/(^|[^\w$.])eval\s*\(/);
      expect(text, `${name}: new Function(`).not.toMatch(/\bnew\s+Function\s*\(/);
      expect(text, `${name}: remote import`).not.toMatch(/\bimport\s*\(\s*["'`]https?:/);
    }
  });
});

/** The README's permissions table, from the allow-lists above (printed with DEBUG_PERMISSIONS=1). */
it('allow-lists carry a justification for every entry', () => {
  const rows = [
    ...Object.entries(PERMISSIONS).map(([p, { why }]) => `| \`${p}\` | ${why} |`),
    ...Object.entries(HOST_PERMISSIONS).map(([h, why]) => `| \`${h}\` | ${why} |`),
    ...Object.entries(OPTIONAL_HOST_PERMISSIONS).map(([h, why]) => `| \`${h}\` (optional) | ${why} |`),
  ];
  for (const row of rows) expect(row).toMatch(/\| \S.{10,} \|$/);
  if (process.env.DEBUG_PERMISSIONS) console.log(['| Permission | Why |', '| --- | --- |', ...rows].join('\n'));
});
