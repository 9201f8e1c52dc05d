/**
 * Fixture pages served at their real URLs by request routing: no test
 * touches the network.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(HERE, '..', '..');
export const SHARED = process.env.QINGDU_SHARED ?? join(ROOT, '..', 'shared');
export const DIST_CHROME = join(ROOT, 'dist', 'chrome');
export const DIST_FIREFOX = join(ROOT, 'dist', 'firefox');

export const SEED_URL = 'https://cn.ft.com/story/001088998?full=y';
export const SEED_TITLE = '俄罗斯表示准备军事支持白俄罗斯';
/** A front page (no article) on an FT host, where the declared content script runs. */
/** A message a content script may send the background. */
export interface ForgedMessage {
  type: string;
  data: unknown;
}

/**
 * What a content script could send to change the library or read it: the
 * background serves only Qingdu's own pages, so each must be refused or go
 * unanswered. `target` is a saved article's id.
 */
export function forgedMessages(target: string): ForgedMessage[] {
  const forged = {
    title: 'forged', url: 'https://cn.ft.com/story/001099999', siteName: null, lang: null, lead: null, leadImage: null, byline: null,
    translator: null, published: null, updated: null, contentHtml: '<p>forged</p>', textContent: 'forged', length: 200,
    readingMinutes: 1, partial: false, fullTextUrl: null, paywalled: false,
  };
  return [
    { type: 'library.delete', data: { id: target } },
    { type: 'library.update', data: { id: target, patch: { state: 'archived' } } },
    { type: 'library.setState', data: { ids: [target], state: 'archived' } },
    { type: 'library.deleteMany', data: { ids: [target] } },
    { type: 'library.save', data: { article: forged } },
    { type: 'library.lookup', data: { url: 'https://cn.ft.com/story/001088998' } },
  ];
}

export const PLAIN_URL = 'https://cn.ft.com/channel/world.html';

/** The seed (a feedx RSS item) as the story page FT serves: headline, time, then the item's HTML. */
export function seedPage(): string {
  const seed = readFileSync(join(SHARED, 'seeds', '000_95308e068b5b60d6.txt'), 'utf8');
  const [, stamp = '0'] = /^<!--(\d+)-->/.exec(seed) ?? [];
  const body = seed.split(/^-{3,}\s*$/m).slice(1).join('---');
  const seconds = Math.floor(Number(stamp) / 1000);
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>${SEED_TITLE} - FT中文网</title>
<link rel="canonical" href="http://www.ftchinese.com/story/001088998?full=y">
</head><body><div class="story-container">
<h1 class="story-headline">${SEED_TITLE}</h1>
<div class="story-byline"><span class="story-time" data-time="${seconds}">更新于2020年8月17日 06:52</span>
<span class="story-author">英国《金融时报》 亨利•福伊 莫斯科报道</span></div>
${body}
</div></body></html>`;
}

/** A page with no article: a front page of short links. */
export function plainPage(): string {
  const links = Array.from({ length: 12 }, (_, i) => `<li><a href="/story/00109${i}">新闻标题 ${i}</a></li>`).join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>国际 - FT中文网</title></head>
<body><nav><a href="/">首页</a></nav><h2 class="list-title">国际</h2><ul>${links}</ul><footer>© The Financial Times Ltd</footer></body></html>`;
}

/** A 320×180 PNG served for every image route (a 1×1 would be dropped as a tracking pixel). */
export const HERO_PNG = readFileSync(join(HERE, 'assets', 'hero.png'));
