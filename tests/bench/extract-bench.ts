/**
 * Extraction: Qingdu's pipeline (clone + site rules + Readability or rule +
 * DOMPurify + metadata) against bare `new Readability(doc.cloneNode(true)).parse()`
 * on every fixture page, in Node (jsdom) and inside headless Chromium.
 * Also the content-script bundle size.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Readability } from '@mozilla/readability';
import { chromium } from '@playwright/test';
import type { WindowLike } from 'dompurify';
import { JSDOM, VirtualConsole } from 'jsdom';
import { extractArticle } from '../../src/core/index';
import { buildBrowserBundle } from './browser-bundle';
import type { PageTimes } from './browser/extract-entry';
import {
  AS_USERS, CHROMIUM, DIST_CHROME, kb, loadFixturePages, median, ms, ratio, shortName, table,
  type FixturePage, type Headline, type SectionResult,
} from './common';

const TARGET_RATIO = 1.2;
const TARGET_GZIP_KB = 40;

interface PageFigures {
  page: string;
  runs: number;
  oursMs: number;
  bareMs: number;
  ratio: number;
  ok: boolean;
  parts?: { outerHtmlMs: number; cloneMs: number; sanitizeMs: number };
}

interface EnvFigures {
  env: string;
  pages: PageFigures[];
  /** Median over every page's median. */
  oursMedianMs: number;
  bareMedianMs: number;
  ratio: number;
  /** Sum of per-page medians (a page set processed once each). */
  oursTotalMs: number;
  bareTotalMs: number;
  totalRatio: number;
  /** Median of the per-page ratios. */
  medianPageRatio: number;
}

function summarize(env: string, pages: PageFigures[]): EnvFigures {
  const oursMedianMs = median(pages.map((p) => p.oursMs));
  const bareMedianMs = median(pages.map((p) => p.bareMs));
  const oursTotalMs = pages.reduce((n, p) => n + p.oursMs, 0);
  const bareTotalMs = pages.reduce((n, p) => n + p.bareMs, 0);
  return {
    env, pages, oursMedianMs, bareMedianMs, ratio: oursMedianMs / bareMedianMs,
    oursTotalMs, bareTotalMs, totalRatio: oursTotalMs / bareTotalMs, medianPageRatio: median(pages.map((p) => p.ratio)),
  };
}

function figuresOf(page: FixturePage, t: PageTimes): PageFigures {
  const oursMs = median(t.ours);
  const bareMs = median(t.bare);
  const parts = t.parts && { outerHtmlMs: median(t.parts.outerHtml), cloneMs: median(t.parts.clone), sanitizeMs: median(t.parts.sanitize) };
  return { page: page.name, runs: t.ours.length, oursMs, bareMs, ratio: oursMs / bareMs, ok: t.oursOk, ...(parts ? { parts } : {}) };
}

/** jsdom 27.0.0: the page parsed once, then both extractors timed on that document, interleaved. */
function benchNodePage(page: FixturePage, minRuns: number, maxRuns: number, budgetMs: number): PageTimes {
  const dom = new JSDOM(page.html, { url: page.url, virtualConsole: new VirtualConsole() });
  const doc = dom.window.document;
  const opts = { window: dom.window as unknown as WindowLike, known: page.known };
  const ours = () => extractArticle(doc, page.url, opts);
  const bare = () => new Readability(doc.cloneNode(true) as Document).parse();
  ours();
  bare();
  const first = ours();
  const out: PageTimes = { ours: [], bare: [], oursOk: first.ok, oursLength: first.ok ? first.article.length : 0, bareLength: bare()?.length ?? 0 };
  const start = performance.now();
  for (let i = 0; i < maxRuns && (i < minRuns || performance.now() - start < budgetMs); i++) {
    const order = i % 2 ? [bare, ours] : [ours, bare];
    for (const fn of order) {
      const t0 = performance.now();
      fn();
      (fn === ours ? out.ours : out.bare).push(performance.now() - t0);
    }
  }
  dom.window.close();
  return out;
}

async function benchChromium(pages: FixturePage[]): Promise<PageFigures[]> {
  const bundle = await buildBrowserBundle('extract-entry.ts');
  const browser = await chromium.launch({ ...AS_USERS, executablePath: CHROMIUM, headless: true });
  try {
    // Page scripts are blocked by CSP (not by turning JavaScript off, which also stops
    // DOMPurify's Trusted Types callback): the DOM is the page as served.
    const context = await browser.newContext();
    const byUrl = new Map(pages.map((p) => [p.url, p.html]));
    await context.route(/^https?:\/\//, (route) => {
      const html = byUrl.get(route.request().url());
      return html === undefined
        ? route.abort('internetdisconnected')
        : route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', headers: { 'content-security-policy': "script-src 'none'" }, body: html });
    });
    const out: PageFigures[] = [];
    for (const page of pages) {
      const tab = await context.newPage();
      await tab.goto(page.url, { waitUntil: 'load' });
      await tab.evaluate(bundle);
      const times = await tab.evaluate(
        ({ url, known }) =>
          (globalThis as unknown as { qingduExtractBench: (u: string, k: unknown, min: number, max: number, budget: number) => PageTimes })
            .qingduExtractBench(url, known, 25, 200, 1500),
        { url: page.url, known: page.known ?? null },
      );
      out.push(figuresOf(page, times));
      await tab.close();
    }
    return out;
  } finally {
    await browser.close();
  }
}

function printEnv(f: EnvFigures): void {
  const withParts = f.pages.some((p) => p.parts);
  const pad = withParts ? ['', '', ''] : [];
  table(
    `Extraction — ${f.env} (median per page; Qingdu vs bare Readability 0.6.0)`,
    ['page', 'runs', 'Qingdu', 'Readability', 'ratio', ...(withParts ? ['of which: outerHTML', 'clone', 'sanitize'] : [])],
    [
      ...f.pages.map((p) => [
        shortName(p.page) + (p.ok ? '' : ' (not an article)'), String(p.runs), ms(p.oursMs), ms(p.bareMs), ratio(p.ratio),
        ...(withParts ? [ms(p.parts?.outerHtmlMs ?? NaN), ms(p.parts?.cloneMs ?? NaN), ms(p.parts?.sanitizeMs ?? NaN)] : []),
      ]),
      ['median of pages', '', ms(f.oursMedianMs), ms(f.bareMedianMs), ratio(f.ratio), ...pad],
      ['sum of pages', '', ms(f.oursTotalMs), ms(f.bareTotalMs), ratio(f.totalRatio), ...pad],
      ['median of per-page ratios', '', '', '', ratio(f.medianPageRatio), ...pad],
    ],
  );
  if (withParts) {
    console.log('  (of which: Qingdu\'s whole-page size check, its document clone and DOMPurify on the article HTML, each timed alone;');
    console.log('   bare Readability pays the clone too; where a site rule names the content, Qingdu does not run Readability at all.)');
  }
}

export async function runExtractBench(): Promise<SectionResult> {
  const notes: string[] = [];
  const headlines: Headline[] = [];
  const pages = await loadFixturePages();

  const node = summarize('Node 20 + jsdom 27.0.0', pages.map((p) => figuresOf(p, benchNodePage(p, 5, 30, 800))));
  printEnv(node);

  let browser: EnvFigures | null = null;
  if (existsSync(CHROMIUM)) {
    browser = summarize('headless Chromium', await benchChromium(pages));
    printEnv(browser);
  } else notes.push(`Chromium not found at ${CHROMIUM}: run npm run setup`);

  const contentPath = join(DIST_CHROME, 'content/index.js');
  let bundle: { raw: number; gzip: number } | null = null;
  if (existsSync(contentPath)) {
    const bytes = readFileSync(contentPath);
    bundle = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    table('Content-script bundle (dist/chrome/content/index.js)', ['', 'raw', 'gzip -9'], [['size', kb(bundle.raw), kb(bundle.gzip)]]);
  } else notes.push('dist/chrome/content/index.js missing: run npm run build');

  for (const f of [browser, node]) {
    if (!f) continue;
    headlines.push({
      section: 'extract', name: `extraction, ${f.env} (median of pages)`, value: f.oursMedianMs, unit: 'ms',
      baseline: f.bareMedianMs, ratio: f.ratio, target: `≤ ${TARGET_RATIO}× bare Readability`, pass: f.ratio <= TARGET_RATIO,
    });
    headlines.push({ section: 'extract', name: '  same, sum over pages', value: f.oursTotalMs, unit: 'ms', baseline: f.bareTotalMs, ratio: f.totalRatio });
  }
  if (bundle) {
    headlines.push({
      section: 'extract', name: 'content script gzip', value: bundle.gzip / 1024, unit: 'KB',
      target: `≤ ${TARGET_GZIP_KB} KB`, pass: bundle.gzip / 1024 <= TARGET_GZIP_KB,
    });
  }
  return { section: 'extract', figures: { node, chromium: browser, contentScript: bundle }, headlines, notes };
}
