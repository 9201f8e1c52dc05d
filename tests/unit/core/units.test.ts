import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JSDOM, VirtualConsole } from 'jsdom';
import { Window } from 'happy-dom';
import type { WindowLike } from 'dompurify';
import {
  builtinRules, canonicalUrl, countText, extractArticle, extractWithFullText, fullTextUrlOf, hostMatches, loadRules, matchRule, parseChineseDate, parseDate,
  parseFeed, parseSeed, readingMinutes, ruleHosts, textLength, validateRule, BUILTIN_RULE_SOURCES,
} from '../../../src/core/index';
import { applyRules } from '../../../src/core/rules/apply';
import { siteNameOf } from '../../../src/core/rules/site-names';
import { imageUrls, originPatterns } from '../../../src/core/article-images';
import { detectChinese } from '../../../src/core/metadata';
import { loadCases } from './helpers';

const jsdom = (html: string, url = 'https://example.com/a') => new JSDOM(html, { url, virtualConsole: new VirtualConsole() });
const extract = (html: string, url = 'https://example.com/a') => {
  const dom = jsdom(html, url);
  return extractArticle(dom.window.document, url, { window: dom.window as unknown as WindowLike });
};
const PARAS = Array.from({ length: 8 }, (_, i) => `<p>第${i + 1}段：这是一段足够长的正文，用来确认通用提取能够找到文章主体，而不会把页脚当成正文的一部分。This sentence adds English words too.</p>`).join('');

describe('rule validation', () => {
  it('accepts the built-in rules', () => {
    const { rules, problems } = loadRules();
    expect(problems).toEqual([]);
    expect(rules.map((r) => r.id)).toEqual(['ft-chinese', 'flourish', 'feedx', 'ads', 'newsletter']);
  });

  it('reports the file and the field of a bad rule', () => {
    const v = validateRule({ id: 'x', match: { hosts: ['example.com'] }, remove: ['.ok', '<img src=x onerror=alert(1)>'] }, 'sites/x.json');
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.problems).toEqual([expect.objectContaining({ file: 'sites/x.json', field: 'remove[1]' })]);
  });

  it.each([
    ['script tag', '</style><script>alert(1)</script>'],
    ['braces', 'div{color:red}'],
    ['javascript URL', 'a[href="javascript:alert(1)"]'],
    ['css url()', 'a:has(url(x))'],
    ['not a string', 42],
    ['empty', ' '],
  ])('rejects a selector carrying %s', (_label, sel) => {
    expect(validateRule({ id: 'x', match: { hosts: ['a.com'] }, content: [sel] }, 'f.json').ok).toBe(false);
  });

  it('takes labelled:<attribute> for published and updated times only', () => {
    const rule = (fields: object) => validateRule({ id: 'x', match: { hosts: ['a.com'] }, ...fields }, 'f.json');
    expect(rule({ published: [['.t', 'labelled:data-time']], updated: [['.t', 'labelled:data-time'], ['.t', 'text:更新于']] }).ok).toBe(true);
    expect(rule({ byline: [['.t', 'labelled:data-time']] }).ok).toBe(false);
    expect(rule({ published: [['.t', 'labelled:']] }).ok).toBe(false);
  });

  it('takes raw:<attribute> for the lead image only', () => {
    const rule = (fields: object) => validateRule({ id: 'x', match: { hosts: ['a.com'] }, ...fields }, 'f.json');
    expect(rule({ leadImage: [['.pic figure', 'raw:data-url'], ['.hero figure', 'data-url']] }).ok).toBe(true);
    expect(rule({ byline: [['.t', 'raw:data-name']] }).ok).toBe(false);
    expect(rule({ leadImage: [['.pic figure', 'raw:']] }).ok).toBe(false);
  });

  it('rejects selectors the DOM cannot parse when a probe document is given', () => {
    const probe = jsdom('').window.document;
    const v = validateRule({ id: 'x', match: { hosts: ['a.com'] }, content: ['div[['] }, 'f.json', probe);
    expect(v.ok).toBe(false);
  });

  it('rejects a site name per host that is not a host mapped to a name', () => {
    const rule = (siteNameHosts: unknown) => validateRule({ id: 'x', match: { hosts: ['*.a.com'] }, siteName: 'A', siteNameHosts }, 'f.json');
    expect(rule({ 'b.a.com': 'A 繁' }).ok).toBe(true);
    for (const bad of [{ '*.a.com': 'A' }, { '*': 'A' }, { 'b.a.com': 1 }, ['b.a.com'], 'A']) {
      const v = rule(bad);
      expect(!v.ok && v.problems.map((p) => p.field), JSON.stringify(bad)).toEqual(['siteNameHosts']);
    }
  });

  it('rejects story hosts that are not two or more exact hosts', () => {
    const rule = (storyHosts: unknown) => validateRule({ id: 'x', match: { hosts: ['*.a.com'] }, canonical: { storyHosts } }, 'f.json');
    expect(rule(['www.a.com', 'm.a.com']).ok).toBe(true);
    for (const bad of [['www.a.com'], ['*.a.com', 'a.com'], ['*', 'a.com'], ['A.com', 'b.a.com'], ['a.com', 1], 'a.com']) {
      const v = rule(bad);
      expect(!v.ok && v.problems.map((p) => p.field), JSON.stringify(bad)).toEqual(['canonical.storyHosts']);
    }
  });

  it('rejects an embed picture that is not an https URL or whose pattern finds no id', () => {
    const embed = { selector: '.chart[data-src]', attr: 'data-src', pattern: '^(\\d+)', image: 'https://c.example/{id}.png', link: 'https://c.example/{id}', alt: 'chart' };
    expect(validateRule({ id: 'x', match: { hosts: ['*'] }, embedPicture: embed }).ok).toBe(true);
    const v = validateRule({ id: 'x', match: { hosts: ['*'] }, embedPicture: { ...embed, pattern: '^\\d+', image: 'javascript:{id}', link: 'https://c.example/"{id}' } });
    expect(!v.ok && v.problems.map((p) => p.field).sort()).toEqual(['embedPicture.image', 'embedPicture.link', 'embedPicture.pattern']);
  });

  it('rejects unknown fields, transforms, bad hosts and bad regexes, never half-applying', () => {
    const v = validateRule({ id: 'Bad Id', match: { hosts: ['http://a.com'], paths: ['('] }, transforms: ['eval'], extra: 1 }, 'f.json');
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.problems.map((p) => p.field).sort()).toEqual(['extra', 'id', 'match.hosts[0]', 'match.paths[0]', 'transforms[0]']);
    const loaded = loadRules([...BUILTIN_RULE_SOURCES, { file: 'bad.json', data: { id: 'bad', match: { hosts: ['a.com'] }, remove: ['{'] } }]);
    expect(loaded.rules.map((r) => r.id)).not.toContain('bad');
    expect(loaded.problems[0]).toMatchObject({ file: 'bad.json', field: 'remove[0]' });
  });
});

describe('host matching', () => {
  it.each([
    ['ft.com', 'ft.com', true],
    ['ft.com', 'microsoft.com', false],
    ['ft.com', 'notft.com', false],
    ['cn.ft.com', 'cn.ft.com', true],
    ['cn.ft.com', 'www.ft.com', false],
    ['cn.ft.com', 'x.cn.ft.com', false],
    ['*.ftchinese.com', 'ftchinese.com', true],
    ['*.ftchinese.com', 'big5.ftchinese.com', true],
    ['*.ftchinese.com', 'evilftchinese.com', false],
    ['*.ftchinese.com', 'ftchinese.com.evil.net', false],
    ['*', 'anything.example', true],
  ])('%s vs %s → %s', (pattern, host, expected) => {
    expect(hostMatches(pattern, host)).toBe(expected);
  });

  it('picks the FT rule for FT hosts only', () => {
    const rules = builtinRules();
    for (const u of ['https://cn.ft.com/story/1', 'https://www.ftchinese.com/story/1', 'https://big5.ftchinese.com/', 'https://m.ftchinese.com/', 'https://ftchinese.com/', 'https://www.chineseft.net/content/x']) {
      expect(matchRule(u, rules)?.id).toBe('ft-chinese');
    }
    for (const u of ['https://www.microsoft.com/', 'https://www.ft.com/content/x', 'https://notftchinese.com/']) expect(matchRule(u, rules)).toBeNull();
    expect(ruleHosts('ft-chinese')).toContain('cn.ft.com');
  });
});

describe('dates', () => {
  it.each([
    ['2019年2月18日 07:17', '2019-02-17T23:17:00Z'],
    ['更新于2019年2月18日 07:17', '2019-02-17T23:17:00Z'],
    ['2024年12月14日', '2024-12-13T16:00:00Z'],
    ['1597618346', '2020-08-16T22:52:26Z'],
    ['1597618346000', '2020-08-16T22:52:26Z'],
    ['Sun, 16 Aug 2020 22:52:26 +0000', '2020-08-16T22:52:26Z'],
    ['2020-08-16T22:52:26.000Z', '2020-08-16T22:52:26Z'],
    ['Wed Jun 18 2025 08:56:22 GMT+0800 (China Standard Time)', '2025-06-18T00:56:22Z'],
    ['Sun nov 02 2025 00:00:00 gmt+0800 (china standard time)', '2025-11-01T16:00:00Z'],
    ['Mon Jan 05 2026 09:30:00 GMT-0500', '2026-01-05T14:30:00Z'],
    ['Sun Nov 02 2025 00:00:00', null],
    ['Sun Foo 02 2025 00:00:00 GMT+0800', null],
    ['7小时前', null],
    ['Sat', null],
    ['2019年13月1日', null],
  ])('%s → %s', (text, iso) => {
    expect(parseDate(text)).toBe(iso);
  });

  it('reads a time written in an unquoted attribute, which the HTML parser splits into words', () => {
    // FT's /content pages: the text shows only when the story was updated.
    const html = `<html><body><div class="story-byline"><span class="story-time" data-publish-time=Sun Nov 02 2025 00:00:00 GMT+0800 (China Standard Time) data-update-time=Sun Nov 02 2025 15:22:22 GMT+0800 (China Standard Time)>更新于2025年11月2日 15:22</span></div>
      <div id="story-body-container">${PARAS}</div></body></html>`;
    const r = extract(html, 'https://www.ftchinese.com/content/a84f7e35-e062-4a47-8da2-5e11efb3f05c');
    expect(r.ok && [r.article.published, r.article.updated]).toEqual(['2025-11-01T16:00:00Z', '2025-11-02T07:22:00Z']);
  });

  it("reads a Chinese page's zoneless meta time as the Beijing time it prints, and other pages' as UTC", () => {
    const page = (lang: string, time: string) => `<html lang="${lang}"><head><meta name="pubdate" content="${time}"><title>长江中游多地迎来秋收</title></head><body><article>${PARAS}</article></body></html>`;
    const published = (html: string) => {
      const r = extract(html);
      return r.ok ? r.article.published : 'no article';
    };
    expect(published(page('zh-CN', '2024-09-20 08:30:00'))).toBe('2024-09-20T00:30:00Z');
    expect(published(page('zh-TW', '2024-09-20T08:30'))).toBe('2024-09-20T00:30:00Z');
    expect(published(page('zh-CN', '2024-09-20T08:30:00+09:00'))).toBe('2024-09-19T23:30:00Z');
    expect(published(page('en', '2024-09-20 08:30:00'))).toBe('2024-09-20T08:30:00Z');
    // No lang attribute: the title and description tell.
    expect(published(page('zh', '2024-09-20 08:30:00').replace(' lang="zh"', '').replace('长江中游多地迎来秋收', '这个国家发展的问题与开关'))).toBe('2024-09-20T00:30:00Z');
  });

  it("reads the time a Chinese portal gives as publishdate, and the article's times and author from a JSON-LD @graph", () => {
    const portal = `<html lang="zh-CN"><head><meta name="publishdate" content="2017-03-10 09:15"><title>长江中游多地迎来秋收</title></head><body><article>${PARAS}</article></body></html>`;
    const a = extract(portal);
    expect(a.ok && a.article.published).toBe('2017-03-10T01:15:00Z');
    const graph = JSON.stringify({
      '@context': 'https://schema.org',
      '@graph': [
        { '@type': 'WebSite', name: 'Harbour Herald' },
        { '@type': 'NewsArticle', headline: 'Tides rise', datePublished: '2024-05-01T10:00:00+01:00', dateModified: '2024-05-02T08:00:00Z', author: { '@type': 'Person', name: 'Ada Lee' } },
      ],
    });
    const wordpress = `<html lang="en"><head><script type="application/ld+json">${graph}</script><title>Tides rise</title></head><body><article>${PARAS}</article></body></html>`;
    const b = extract(wordpress);
    expect(b.ok && [b.article.published, b.article.updated, b.article.byline]).toEqual(['2024-05-01T09:00:00Z', '2024-05-02T08:00:00Z', 'Ada Lee']);
  });

  it("reads FT's one printed stamp by its label: 更新于 is an update time, 发布于 (or no label) a publish time", () => {
    // 1607504348 is 2020-12-09T08:59:08Z, 16:59 in Beijing.
    const times = (time: string) => {
      const r = extract(`<html><body><div class="story-byline">${time}<span class="story-author">英国《金融时报》 利奥•刘易斯</span></div><div id="story-body-container">${PARAS}</div></body></html>`, 'https://www.ftchinese.com/story/001090562');
      return r.ok ? [r.article.published, r.article.updated] : 'no article';
    };
    // 2019–2021 pages print only the update: the publish time is not on the page.
    expect(times('<span class="story-time" data-time="1607504348">更新于2020年12月9日 16:59</span>')).toEqual([null, '2020-12-09T08:59:08Z']);
    expect(times('<span class="story-time">更新于2019年2月7日 06:21</span>')).toEqual([null, '2019-02-06T22:21:00Z']);
    // FT's script rewrites the text from data-time in the reader's own time zone (here UTC), keeping the label.
    expect(times('<span class="story-time" data-time="1607504348">更新于2020年12月9日 08:59</span>')).toEqual([null, '2020-12-09T08:59:08Z']);
    expect(times('<span class="story-time" data-time="1607504348">发布于2020年12月9日 08:59</span>')).toEqual(['2020-12-09T08:59:08Z', null]);
    expect(times('<span class="story-time" data-time="1607504348"></span>')).toEqual(['2020-12-09T08:59:08Z', null]);
    // Both printed: the stamp is the update, the publish date is the text's.
    expect(times('<span class="story-time" data-time="1607504348">发布于2020年12月1日 更新于2020年12月9日 16:59</span>')).toEqual(['2020-11-30T16:00:00Z', '2020-12-09T08:59:08Z']);
    // pub-date, when there, is the publish time whatever the label.
    expect(times('<span class="story-time" data-time="1607504348" pub-date="1607443200">更新于2020年12月9日 16:59</span>')).toEqual(['2020-12-08T16:00:00Z', '2020-12-09T08:59:08Z']);
  });

  it('reads wall-clock text at the given offset', () => {
    expect(parseChineseDate('2019年2月18日 07:17', 0)).toBe('2019-02-18T07:17:00Z');
  });
});

describe('length and reading time', () => {
  it('counts Chinese characters and other-script words separately', () => {
    expect(countText('俄罗斯表示 Alexander Lukashenko 2020年')).toEqual({ cjk: 6, words: 3 });
    expect(textLength('中文 and English')).toBe(4);
  });
  it('uses ~255 chars/min and ~230 words/min, at least one minute', () => {
    expect(readingMinutes('字')).toBe(1);
    expect(readingMinutes('字'.repeat(2550))).toBe(10);
    expect(readingMinutes(Array(2300).fill('word').join(' '))).toBe(10);
    expect(readingMinutes('字'.repeat(1275) + ' ' + Array(1150).fill('w').join(' '))).toBe(10);
  });
});

describe('canonical URLs', () => {
  const drop = builtinRules()[0]?.canonical?.dropParams ?? [];
  it.each([
    ['https://cn.ft.com/story/001088998?full=y', 'https://cn.ft.com/story/001088998'],
    ['https://www.ftchinese.com/story/001081496/ce?ccode=LanguageSwitch&archive', 'https://www.ftchinese.com/story/001081496/ce'],
    ['https://www.ftchinese.com/story/001081496/en?adchannelID=&full=y&utm_source=x#c', 'https://www.ftchinese.com/story/001081496/en'],
    ['https://www.ftchinese.com/story/001081496/?page=2', 'https://www.ftchinese.com/story/001081496'],
    ['https://www.ftchinese.com/story/001081496?gift_id=abc', 'https://www.ftchinese.com/story/001081496?gift_id=abc'],
  ])('%s → %s', (input, out) => {
    expect(canonicalUrl(input, { dropParams: drop })).toBe(out);
  });
  it('drops only generic tracking without a rule', () => {
    expect(canonicalUrl('https://example.com/a?id=1&utm_medium=rss&fbclid=z')).toBe('https://example.com/a?id=1');
  });
});

describe('inputs', () => {
  it('parses the seed format', () => {
    const seed = parseSeed(loadCases().find((c) => c.name.startsWith('cn.ft.com'))!.source);
    expect(seed).toMatchObject({ title: '俄罗斯表示准备军事支持白俄罗斯', url: 'https://cn.ft.com/story/001088998?full=y', published: '2020-08-16T22:52:26Z' });
    expect(seed?.html.startsWith('<div></div><div class="story-lead">')).toBe(true);
    expect(parseSeed('<html></html>')).toBeNull();
  });

  const win = jsdom('').window as unknown as { DOMParser: typeof DOMParser };
  it('parses RSS 2.0 items', () => {
    const xml = `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>FT</title>
      <item><title>标题一</title><link>https://cn.ft.com/story/001088998?full=y</link><pubDate>Sun, 16 Aug 2020 22:52:26 +0000</pubDate><dc:creator>何黎</dc:creator>
      <description>short</description><content:encoded><![CDATA[<p>正文</p>]]></content:encoded></item>
      <item><title>Two</title><link>https://example.com/2</link><description>&lt;p&gt;desc&lt;/p&gt;</description></item></channel></rss>`;
    expect(parseFeed(xml, win)).toEqual([
      { title: '标题一', link: 'https://cn.ft.com/story/001088998?full=y', published: '2020-08-16T22:52:26Z', author: '何黎', html: '<p>正文</p>' },
      { title: 'Two', link: 'https://example.com/2', published: null, author: null, html: '<p>desc</p>' },
    ]);
  });

  it('parses Atom entries', () => {
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
      <entry><title>A</title><link rel="alternate" href="https://example.com/a"/><published>2020-08-16T22:52:26Z</published><author><name>N</name></author><content type="html">&lt;p&gt;x&lt;/p&gt;</content></entry>
      <entry><title>B</title><link href="https://example.com/b"/><updated>2021-01-01T00:00:00Z</updated><summary>s</summary></entry></feed>`;
    expect(parseFeed(xml, win)).toEqual([
      { title: 'A', link: 'https://example.com/a', published: '2020-08-16T22:52:26Z', author: 'N', html: '<p>x</p>' },
      { title: 'B', link: 'https://example.com/b', published: '2021-01-01T00:00:00Z', author: null, html: 's' },
    ]);
    expect(() => parseFeed('<rss><channel>', win)).toThrow();
  });

  it('reads titles that are escaped HTML as text: Atom\'s type="html" (WordPress), and RSS titles holding references or tags', () => {
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
      <entry><title type="html"><![CDATA[It&#8217;s Tom &#038; Jerry]]></title><link href="https://example.com/a"/></entry>
      <entry><title type="text">Plain &amp;amp; as written</title><link href="https://example.com/b"/></entry></feed>`;
    expect(parseFeed(atom, win).map((i) => i.title)).toEqual(['It’s Tom & Jerry', 'Plain &amp; as written']);
    const rss = `<rss><channel><title>t</title>
      <item><title><![CDATA[A &amp; B &#8211; C]]></title><link>https://example.com/1</link></item>
      <item><title>Why 3 &lt; 4, and R&amp;D</title><link>https://example.com/2</link></item>
      <item><title>The &lt;dialog&gt; element &amp;amp; &lt;img srcset&gt;</title><link>https://example.com/3</link></item></channel></rss>`;
    // References read; what looks like a tag kept as written.
    expect(parseFeed(rss, win).map((i) => i.title)).toEqual(['A & B – C', 'Why 3 < 4, and R&D', 'The <dialog> element & <img srcset>']);
  });

  it('resolves relative links against xml:base, else the feed\'s own link', () => {
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example/en/"><title>t</title><link href="https://other.example/"/>
      <entry><title>A</title><link rel="alternate" href="/posts/1"/></entry>
      <entry xml:base="2025/"><title>B</title><link href="b.html"/></entry></feed>`;
    expect(parseFeed(atom, win).map((i) => i.link)).toEqual(['https://blog.example/posts/1', 'https://blog.example/en/2025/b.html']);
    const noBase = `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><link rel="alternate" href="https://site.example/blog/"/>
      <entry><title>A</title><link href="a"/></entry></feed>`;
    expect(parseFeed(noBase, win).map((i) => i.link)).toEqual(['https://site.example/blog/a']);
    // WordPress writes its <atom:link rel="self"> before the channel's own <link>.
    const rss = `<rss xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>t</title><atom:link href="https://news.example/feed/" rel="self"/>
      <link>https://news.example/</link><item><title>1</title><link>/story/1</link></item></channel></rss>`;
    expect(parseFeed(rss, win).map((i) => i.link)).toEqual(['https://news.example/story/1']);
    const hub = `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><link rel="hub" href="https://hub.example/"/><link rel="self" href="https://site.example/feed.xml"/>
      <entry><title>A</title><link href="posts/a"/></entry></feed>`;
    expect(parseFeed(hub, win).map((i) => i.link)).toEqual(['https://site.example/posts/a']);
  });
});

describe('feedx footer', () => {
  it.each([
    ['<hr><div> wrapper', `<article>${PARAS}<br><hr><div>获取更多RSS：<br><a href="https://feedx.net">https://feedx.net</a> <br><a href="https://feedx.xyz">https://feedx.xyz</a></div></article>`],
    ['<p> with ASCII colon', `<article>${PARAS}<p>获取更多RSS:<a href="https://feedx.site">feedx.site</a></p></article>`],
    ['bare text', `<article>${PARAS}<br>获取更多RSS：https://feedx.net https://feedx.co</article>`],
    ['spaced marker', `<article>${PARAS}<hr>获取更多 RSS ： <a href="https://feedx.co/">feedx</a></article>`],
  ])('is removed: %s', (_label, body) => {
    for (const url of ['https://example.com/a', 'https://cn.ft.com/story/001']) {
      const r = extract(`<html><head><title>t</title></head><body>${url.includes('ft.com') ? `<h1 class="story-headline">t</h1><div id="story-body-container">${body}</div>` : body}</body></html>`, url);
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      expect(r.article.contentHtml).not.toMatch(/feedx|获取更多|RSS/);
      expect(r.article.textContent).toContain('第8段');
    }
  });
});

describe('extractArticle edge cases', () => {
  it('returns no-article for a page without one', () => {
    expect(extract('<html><body><nav><a href="/">home</a></nav></body></html>')).toMatchObject({ ok: false, reason: 'no-article' });
  });

  it('refuses huge input with a clear reason', () => {
    const r = extract(`<html><body>${PARAS}</body></html>`);
    expect(r.ok).toBe(true);
    const dom = jsdom(`<html><body>${PARAS}</body></html>`);
    expect(extractArticle(dom.window.document, 'https://example.com/', { window: dom.window as unknown as WindowLike, maxHtmlChars: 100 })).toMatchObject({ ok: false, reason: 'too-large' });
  });

  it('refuses a page whose HTML is mostly markup, and a body over the limit after sanitizing', () => {
    const opts = (dom: JSDOM, maxHtmlChars: number) => ({ window: dom.window as unknown as WindowLike, maxHtmlChars });
    // Near the limit by text, far over it by markup: the guard serializes the page for the exact size.
    const bloated = jsdom(`<html><body>${PARAS}<div title="${'x'.repeat(20_000)}"></div></body></html>`);
    const text = bloated.window.document.documentElement.textContent?.length ?? 0;
    const r1 = extractArticle(bloated.window.document, 'https://example.com/', opts(bloated, 2 * text));
    expect(r1).toMatchObject({ ok: false, reason: 'too-large' });
    expect(!r1.ok && r1.message).toMatch(/^page HTML is \d+ characters/);
    expect(extractArticle(bloated.window.document, 'https://example.com/', opts(bloated, 30_000)).ok).toBe(true);
    // Mostly markup that sanitizing keeps (the text bound alone lets the page through): the body counts against the limit.
    const inline = jsdom(`<html><body><article>${PARAS}<p title="${'x'.repeat(40_000)}">注</p></article></body></html>`);
    const r2 = extractArticle(inline.window.document, 'https://example.com/', opts(inline, 30_000));
    expect(r2).toMatchObject({ ok: false, reason: 'too-large' });
    expect(!r2.ok && r2.message).toMatch(/^article HTML/);
  });

  it("takes no hero from a page picture whose file name says it is the site's logo, icon or default share image", () => {
    const hero = (image: string) => {
      const r = extract(`<html><head><meta property="og:image" content="${image}"></head><body><article><h1>标题</h1>${PARAS}</article></body></html>`);
      return r.ok ? r.article.leadImage : 'failed';
    };
    for (const standIn of [
      'http://i.yimg.jp/images/jpnews/cre/common/all/images/fbico_ogp_600x600.png', 'https://example.com/static/site-logo.png?v=2',
      'https://example.com/img/logo.svg', 'https://example.com/og-default.jpg', 'https://example.com/default_share.png', 'https://example.com/favicon-192.png',
    ]) expect(hero(standIn), standIn).toBeNull();
    for (const photo of [
      'https://example.com/2025/china-debt-default.jpg', 'https://example.com/silicon-valley.jpg', 'https://example.com/logos/0225-lupita-1200x630.jpg',
    ]) expect(hero(photo), photo).toBe(photo);
  });

  it("takes no byline from an author meta that is a profile page's URL", () => {
    const byline = (metas: string) => {
      const r = extract(`<html><head>${metas}</head><body><article><h1>标题</h1>${PARAS}</article></body></html>`);
      return r.ok ? r.article.byline : 'failed';
    };
    expect(byline('<meta property="article:author" content="https://www.facebook.com/bbcnews">')).toBeNull();
    expect(byline('<meta name="author" content="http://example.com/staff/li"><meta property="article:author" content="李明">')).toBe('李明');
    expect(byline('<meta name="author" content="王芳"><meta property="article:author" content="https://example.com/wang">')).toBe('王芳');
  });

  it('leaves no empty paragraph where the page nested a heading or a caption in one', () => {
    const dom = jsdom(`<html><body><article><h1>标题</h1><p id="kicker"></p>${PARAS}<p id="cap">图：</p>${PARAS}</article></body></html>`);
    const doc = dom.window.document;
    // Only a script can build these: HTML parsing closes the paragraph first.
    const heading = doc.createElement('h2');
    heading.textContent = '小标题';
    doc.getElementById('kicker')!.append(heading);
    doc.getElementById('cap')!.append(Object.assign(doc.createElement('figcaption'), { textContent: '央行大楼' }));
    const r = extractArticle(doc, 'https://example.com/a', { window: dom.window as unknown as WindowLike });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.article.contentHtml).toContain('<h2>小标题</h2>');
    expect(r.article.contentHtml).toContain('央行大楼');
    expect(r.article.contentHtml).not.toMatch(/<p>\s*<\/p>/);
  });

  it('turns an embedded video into a link to its page, and drops any other frame with the box it leaves', () => {
    const frames = [
      '<p><iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ?start=3" title="  专访：\n央行行长 "></iframe></p>',
      '<p><iframe src="//player.vimeo.com/video/76979871"></iframe></p>',
      '<div><iframe src="https://player.bilibili.com/player.html?isOutside=true&bvid=BV1xx411c7mD&p=1"></iframe></div>',
      '<p><iframe src="https://ads.example/slot?id=1"></iframe></p>',
      '<p><iframe src="javascript:alert(1)"></iframe></p>',
    ];
    const r = extract(`<html><body><article><h1>视频报道</h1>${PARAS.slice(0, PARAS.length / 2)}${frames.join('')}${PARAS}</article></body></html>`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const links = [...r.article.contentHtml.matchAll(/<a [^>]*class="qd-video"[^>]*>[^<]*<\/a>/g)].map((m) => m[0]);
    expect(links).toHaveLength(3);
    expect(links[0]).toContain('href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"');
    expect(links[0]).toContain('>▶ 专访： 央行行长</a>');
    expect(links[1]).toContain('href="https://vimeo.com/76979871"');
    expect(links[1]).toContain('>▶ vimeo.com</a>');
    expect(links[2]).toContain('href="https://www.bilibili.com/video/BV1xx411c7mD"');
    expect(r.article.contentHtml).not.toMatch(/<iframe|ads\.example|javascript:|<p>\s*<\/p>|<div>\s*<\/div>/);
    expect(r.article.textContent).toContain('▶ 专访： 央行行长');
  });

  it('marks a paywalled FT page partial', () => {
    const html = `<html><body><div class="story-container"><h1 class="story-headline">付费文章</h1><div id="story-body-container">${PARAS}</div>
      <div class="subscribe-lock-container" id="subscribe-now-container"><div class="lock-content">成为付费会员，阅读FT独家内容</div></div></div></body></html>`;
    const r = extract(html, 'https://www.ftchinese.com/story/001000001');
    expect(r).toMatchObject({ ok: true, article: { paywalled: true, partial: true, fullTextUrl: null } });
    if (r.ok) expect(r.article.textContent).not.toContain('成为付费会员');
  });

  it("drops FT's sentence that the text stops for subscribers, and marks the page partial", () => {
    const notice = '您已阅读5%(500字),剩余95%(10269字)包含更多重要信息,订阅以继续探索完整内容,并享受更多专属服务。';
    const page = (tail: string) => `<html><body><h1 class="story-headline">付费文章</h1><div id="story-body-container">${PARAS}${tail}</div></body></html>`;
    for (const [tail, left] of [
      [`<p>${notice}</p><p>版权声明：本文版权归FT中文网所有。</p>`, '版权声明：本文版权归FT中文网所有。'],
      [`<div>最后一句正文。${notice}</div>`, '最后一句正文。'],
      ['<p>最后一句正文。您已閱讀11%(332字)，剩餘89%(2687字)包含更多重要資訊，訂閱以繼續探索完整內容，並享受更多專屬服務。</p>', '最后一句正文。'],
    ] as const) {
      const r = extract(page(tail), 'https://www.ftchinese.com/story/001058069');
      expect(r).toMatchObject({ ok: true, article: { paywalled: true, partial: true } });
      if (!r.ok) continue;
      expect(r.article.textContent).not.toMatch(/您已[阅閱][读讀]|探索完整/);
      expect(r.article.textContent.trimEnd().endsWith(left)).toBe(true);
      expect(r.article.contentHtml).not.toMatch(/<p><\/p>|<div><\/div>/);
    }
  });

  it('sanitizes: no handlers, scripts, javascript: URLs, pixels or forms', () => {
    const html = `<html><body><article>${PARAS}<p onclick="x()">click<a href="javascript:alert(1)">bad</a><a href="/rel">rel</a></p><img src="https://t.example/p.gif" width="1" height="1"><img src="/a.jpg" onerror="x()"><form><input></form><script>alert(1)</script><iframe src="https://x"></iframe></article></body></html>`;
    const r = extract(html);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.article.contentHtml).not.toMatch(/onclick|onerror|javascript:|<script|<iframe|<form|<input|p\.gif/);
    expect(r.article.contentHtml).toContain('href="https://example.com/rel"');
    expect(r.article.contentHtml).toContain('src="https://example.com/a.jpg"');
  });

  it("keeps a mail link a link, and still drops links that run code or carry a document", () => {
    const links = '<a href="mailto:pilita.clark@ft.com">写信</a><a href=" MAILTO:a@b.c?subject=%E4%BD%A0">大写</a><a href="javascript:alert(1)">js</a>' +
      '<a href="data:text/html,<script>alert(1)</script>">data</a><a href="vbscript:msgbox(1)">vb</a><a href="tel:123">电话</a>';
    for (const [url, page] of [
      ['https://www.ftchinese.com/story/001096000', `<html><body><div id="story-body-container">${PARAS}<p>${links}</p></div></body></html>`],
      ['https://example.com/a', `<html><body><article>${PARAS}<p>${links}</p></article></body></html>`],
    ] as const) {
      const r = extract(page, url);
      const html = r.ok ? r.article.contentHtml : '';
      expect([...html.matchAll(/\shref="([^"]*)"/g)].map((m) => m[1]), url).toEqual(['mailto:pilita.clark@ft.com', 'mailto:a@b.c?subject=%E4%BD%A0']);
      expect(html).toContain('<a href="mailto:pilita.clark@ft.com" rel="noopener noreferrer">写信</a>');
      expect(r.ok && r.article.textContent).toContain('电话');
    }
  });

  it('gives no standfirst that only repeats the opening paragraph, so the reader does not show it twice', () => {
    const first = '第1段：这是一段足够长的正文，用来确认通用提取能够找到文章主体，而不会把页脚当成正文的一部分。This sentence adds English words too.';
    const page = (head: string) => `<html><head>${head}</head><body><article><h1>标题</h1>${PARAS}</article></body></html>`;
    const lead = (head: string) => {
      const r = extract(page(head));
      return r.ok ? r.article.lead : 'no article';
    };
    expect(lead(`<meta property="og:description" content="${first}">`)).toBeNull();
    expect(lead(`<meta name="description" content="${first.slice(0, 30)}…">`)).toBeNull();
    // Without a description Readability's excerpt is the first paragraph itself.
    expect(lead('')).toBeNull();
    expect(lead('<meta name="description" content="秋收进度过半，农机手昼夜忙碌。">')).toBe('秋收进度过半，农机手昼夜忙碌。');
  });

  it('gives no standfirst that repeats a paragraph after a kicker, a date and a tag line, or the title, or ends in the site name', () => {
    const first = 'Lupita Nyongo’s now-famous Oscar dress, adorned in pearls, was stolen from her hotel room on Wednesday night, police say.';
    const body = `<p>EXCLUSIVE</p><p>2/26/2015 7:15 PM PST</p><p>Breaking News</p><p>${first}</p>${EN_PARAS.join('')}`;
    const page = (head: string) => `<html lang="en"><head><title>Oscar dress stolen</title>${head}</head><body><article><h1>Oscar dress stolen</h1>${body}</article></body></html>`;
    const lead = (head: string) => {
      const r = extract(page(head));
      return r.ok ? r.article.lead : 'no article';
    };
    expect(lead(`<meta property="og:description" content="${first}">`)).toBeNull();
    expect(lead(`<meta property="og:description" content="${first.slice(0, 60)} - Celebrity News (TMZ)">`)).toBeNull();
    expect(lead('<meta property="og:description" content="Oscar dress stolen">')).toBeNull();
    expect(lead('<meta property="og:description" content="Police are looking at the hotel’s cameras.">')).toBe('Police are looking at the hotel’s cameras.');
  });

  it('names as the hero the picture the body opens with, not another size of it the page shares, so the reader shows it once', () => {
    const html = `<html lang="en"><head><title>Minecraft exploit</title><meta property="og:image" content="https://cdn.example.com/uploads/server-crash-640x215.jpg"></head>
      <body><article><h1>Minecraft exploit</h1><figure class="intro-image"><img src="https://cdn.example.com/uploads/server-crash-640x426.jpg" alt=""><figcaption>A crashed server.</figcaption></figure>${EN_PARAS.join('')}</article></body></html>`;
    const r = extract(html);
    expect(r.ok && r.article.contentHtml).toContain('server-crash-640x426.jpg');
    expect(r.ok && r.article.leadImage).toBe('https://cdn.example.com/uploads/server-crash-640x426.jpg');
  });

  it("takes the site's name off a title Readability leaves it on, after the _ Chinese portals write", () => {
    const page = (title: string, h1: string) => `<html lang="zh-CN"><head><title>${title}</title></head><body><h1>${h1}</h1><article>${PARAS}</article></body></html>`;
    const title = (html: string) => {
      const r = extract(html);
      return r.ok ? r.article.title : 'no article';
    };
    expect(title(page('人工智能迈上新台阶_科技_腾讯网', '人工智能迈上新台阶'))).toBe('人工智能迈上新台阶');
    expect(title(page('沙尘暴后果很严重 _探索者 _光明网', '沙尘暴后果很严重'))).toBe('沙尘暴后果很严重');
    // A heading that is only the title's start, with no mark after it, is not the title.
    expect(title(page('长江中游多地迎来秋收季节', '长江中游多地'))).toBe('长江中游多地迎来秋收季节');
  });

  it('drops a line break standing between blocks, and keeps those inside text', () => {
    // FT's template turns a separator paragraph (<p>___</p>) into <hr/><br/>: the <br> drew an empty line under the rule.
    const body = `<p>${'第一段正文。'.repeat(20)}</p><hr/><br/><p>${'第二段正文。'.repeat(20)}</p><br>\n<br><div>第一行<br>第二行</div><p>诗句一<br><br>诗句二</p>`;
    const r = extract(`<html><body><h1 class="story-headline">标题</h1><div id="story-body-container">${body}${PARAS}</div></body></html>`, 'https://www.ftchinese.com/story/001000002');
    const html = r.ok ? r.article.contentHtml : '';
    expect(html).toContain(`<hr><p>${'第二段正文。'.repeat(20)}</p>\n<div>第一行<br>第二行</div><p>诗句一<br><br>诗句二</p>`);
    expect(html).not.toMatch(/<\/p><br>|<hr><br>/);
  });

  it('moves a body\'s headings up when they start below <h2>, keeping their levels apart', () => {
    const page = (heads: string) => `<html><head><title>标题</title></head><body><article>${PARAS}${heads}${PARAS}</article></body></html>`;
    const html = (heads: string) => {
      const r = extract(page(heads), 'https://news.example.com/a');
      return r.ok ? (r.article.contentHtml.match(/<h\d[^>]*>[^<]*/g) ?? []) : [];
    };
    expect(html('<h3>表格脚注</h3><p>脚注。</p><h4>细节</h4><p>细节。</p><h3>更多</h3><p>更多。</p>')).toEqual(['<h2>表格脚注', '<h3>细节', '<h2>更多']);
    expect(html('<h2>一</h2><p>一。</p><h4>二</h4><p>二。</p>')).toEqual(['<h2>一', '<h4>二']);
  });

  it('keeps a player whose media a <source> names, playable and absolute', () => {
    const page = `<html><body><article><h1>标题</h1>${PARAS}<audio controls><source src="/audio/ep1.mp3" type="audio/mpeg">您的浏览器不支持 audio 标签。</audio><video controls src="clip.mp4"></video></article></body></html>`;
    const r = extract(page, 'https://radio.example.com/show/1');
    expect(r.ok && r.article.contentHtml).toContain('<audio controls="" src="https://radio.example.com/audio/ep1.mp3" preload="none"></audio>');
    expect(r.ok && r.article.contentHtml).toContain('<video controls="" src="https://radio.example.com/show/clip.mp4" preload="none"></video>');
  });

  it("keeps the audio FT prints above a story's text, at the start of the body", () => {
    // An audio story (FT英语电台 and others): div.story-body holds the player, then #story-body-container.
    const player = `<div class="audio-placeholder" id="audio-placeholder"><div class="audio-container"><audio preload="none" controls=""><source src="https://creatives.ftimg.net/album/ep-20240101.mp3"><br clear='all'></audio></div></div>`;
    const page = `<html><body><h1 class="story-headline">标题</h1><div class="story-body">${player}<div id="story-body-container">${PARAS}</div></div></body></html>`;
    const r = extract(page, 'https://www.ftchinese.com/interactive/12345');
    expect(r.ok && r.article.contentHtml.startsWith('<div><div><audio preload="none" controls="" src="https://creatives.ftimg.net/album/ep-20240101.mp3"></audio></div></div>')).toBe(true);
    expect(r.ok && r.article.textContent.startsWith('第1段')).toBe(true);
  });

  it('keeps a picture that ends the article', () => {
    // A feed item's body is often just its paragraphs and a closing picture.
    const feedItem = extract(`<html><body>${PARAS}<p><img src="https://example.com/last.jpg" alt="最后一张图"></p></body></html>`);
    expect(feedItem.ok && feedItem.article.contentHtml).toContain('<img src="https://example.com/last.jpg" alt="最后一张图">');
    const ft = extract(`<html><body><div id="story-body-container">${PARAS}<div class="pic"><img src="https://thumbor.ftacademy.cn/unsafe/picture/8/000108288_piclink.png"></div></div></body></html>`, 'https://www.ftchinese.com/story/001090567');
    expect(ft.ok && ft.article.contentHtml).toMatch(/<figure><img src="https:\/\/thumbor\.ftacademy\.cn\/unsafe\/picture\/8\/000108288_piclink\.png"><\/figure>$/);
  });

  it("gives FT's hero picture its caption, printed beside it above the text", () => {
    // div.story-image > figure[data-url] + div.caption: the picture and its caption sit outside the body.
    const page = (caption: string) => `<html><body><h1 class="story-headline">标题</h1><div class="story-image image"><figure data-url="https://thumbor.ftacademy.cn/unsafe/picture/5/000108225_piclink.jpg" class="loading"></figure>${caption}</div><div id="story-body-container">${PARAS}</div></body></html>`;
    const hero = '<figure><img src="https://dq4atoxl7csa1.cloudfront.net/unsafe/1340x754/https://thumbor.ftacademy.cn/unsafe/picture/5/000108225_piclink.jpg" alt="">';
    const r = extract(page('<div class="caption">东京街头的老年人 <span>彭博社</span></div>'), 'https://www.ftchinese.com/story/001090562');
    expect(r.ok && r.article.contentHtml.startsWith(`${hero}<figcaption>东京街头的老年人 彭博社</figcaption></figure><p>第1段`)).toBe(true);
    expect(r.ok && r.article.textContent.split('\n')[0]).toBe('东京街头的老年人 彭博社');
    for (const none of ['', '<div class="caption"> </div>']) {
      const bare = extract(page(none), 'https://www.ftchinese.com/story/001090562');
      expect(bare.ok && bare.article.contentHtml.startsWith(`${hero}</figure><p>第1段`)).toBe(true);
    }
  });

  it("takes FT's portrait hero, printed beside the text in the story body, at its own shape", () => {
    // A story tagged 插图 or with a portrait picture gets div.leftPic (a skyline picture div.left-pic-small) inside
    // div.story-body, before #story-body-container, instead of div.story-image above the byline.
    const page = (box: string, url: string) => `<html><body><h1 class="story-headline">标题</h1><div class="story-body"><div class="${box} image portrait-img"><figure class="loading" data-url=${url}></figure></div><div id="story-body-container">${PARAS}</div></div></body></html>`;
    const cases: [string, string, string][] = [
      ['leftPic', 'https://thumbor.ftacademy.cn/unsafe/picture/2/000217942_piclink.jpeg', 'https://thumbor.ftacademy.cn/unsafe/picture/2/000217942_piclink.jpeg'],
      ['left-pic-small', 'http://i.ftimg.net/picture/9/000063189_piclink.jpg', 'https://d1sh1cgb4xvhl.cloudfront.net/unsafe/picture/9/000063189_piclink.jpg'],
    ];
    for (const [box, raw, shown] of cases) {
      const r = extract(page(box, raw), 'https://www.ftchinese.com/story/001090562');
      // Not through the 1340x754 landscape crop the hero above the byline gets: that would cut a portrait to a strip.
      expect(r.ok && r.article.leadImage).toBe(shown);
      expect(r.ok && r.article.contentHtml.startsWith(`<figure><img src="${shown}" alt=""></figure><p>第1段`)).toBe(true);
    }
  });

  it("drops the promotion label FT prints before a headline (【限免】, 【高端限免】) from the title", () => {
    const title = (h1: string, path = '/story/001090562') => {
      const r = extract(`<html><body><h1 class="story-headline">${h1}</h1><div id="story-body-container">${PARAS}</div></body></html>`, `https://www.ftchinese.com${path}`);
      return r.ok ? r.article.title : 'no article';
    };
    expect(title('【限免】老龄化困境：东京留给北京的教训')).toBe('老龄化困境：东京留给北京的教训');
    expect(title('【高端限免】It’s OK to be quiet in meetings<br>为什么在会议上少说话对你更有利？', '/story/001096000/ce')).toBe('It’s OK to be quiet in meetings / 为什么在会议上少说话对你更有利？');
    // Only as a prefix, and only these labels: a headline's own brackets stay.
    expect(title('【FT大视野】中国的老龄化')).toBe('【FT大视野】中国的老龄化');
    expect(title('为何说“【限免】”不是营销')).toBe('为何说“【限免】”不是营销');
    // A feed item's title, when the page has no headline of its own.
    const seed = jsdom(`<html><body><div id="story-body-container">${PARAS}</div></body></html>`, 'https://cn.ft.com/story/001088998');
    const r = extractArticle(seed.window.document, 'https://cn.ft.com/story/001088998', { window: seed.window as unknown as WindowLike, known: { title: '【限免】俄罗斯表示准备军事支持白俄罗斯' } });
    expect(r.ok && r.article.title).toBe('俄罗斯表示准备军事支持白俄罗斯');
  });

  it('credits no one post\'s author as a live blog\'s byline, and still reads a columnist\'s', () => {
    const post = (who: string) => `<div class="live-blog-container"><div class="time-byline-container"><span class="story-time" data-publish-time="1750208182000">t</span><div class="story-author">${who}</div></div><h1>标题</h1>${PARAS}</div>`;
    const live = extract(`<html><body><h1 class="story-headline">直播</h1><div id="story-body-container">${post('喬治•斯蒂爾')}${post('萊拉•阿布德')}</div></body></html>`, 'https://big5.ftchinese.com/interactive/200000');
    expect(live.ok && live.article.byline).toBeNull();
    const columnist = extract(`<html><body><div class="story-topper-container"><h1 class="story-headline">专栏</h1><div class="story-author">FT中文网专栏作家 徐瑾</div></div><div id="story-body-container">${PARAS}</div></body></html>`, 'https://www.ftchinese.com/story/001000003');
    expect(columnist.ok && columnist.article.byline).toBe('FT中文网专栏作家 徐瑾');
  });

  it('dates a live blog from its first post to its latest, not by the pinned post that opens the page', () => {
    const post = (ms: number, pinned = '') => `<div class="live-blog-container${pinned}"><div class="time-byline-container"><span class="story-time" data-publish-time="${ms}">t</span><div class="story-author">記者</div></div><h1>标题</h1>${PARAS}</div>`;
    // The pinned post (08:56 Beijing) comes first; the blog began at 06:59 and was last written to at 00:43 the next day.
    const html = `<html><body><h1 class="story-headline">直播</h1><div id="story-body-container">${post(1750208182000, ' live-blog-pinned')}${post(1750201167000)}${post(1750265032000)}</div></body></html>`;
    const r = extract(html, 'https://big5.ftchinese.com/interactive/200000');
    expect(r.ok && [r.article.published, r.article.updated]).toEqual(['2025-06-17T22:59:27Z', '2025-06-18T16:43:52Z']);
    const one = extract(`<html><body><h1 class="story-headline">直播</h1><div id="story-body-container">${post(1750208182000)}</div></body></html>`, 'https://big5.ftchinese.com/interactive/200000');
    expect(one.ok && [one.article.published, one.article.updated]).toEqual(['2025-06-18T00:56:22Z', null]);
  });

  it("keeps FT's note that the Chinese is machine-translated as the text's first paragraph, once", () => {
    const note = '为了第一时间为您呈现此信息，中文内容为AI翻译，仅供参考。';
    const r = extract(`<html><body><div class="story-container"><div class="ai-disclaimer-container">${note}</div><h1 class="story-headline">译文</h1><div id="story-body-container">${PARAS}</div></div></body></html>`, 'https://www.ftchinese.com/story/001000004');
    expect(r.ok && r.article.contentHtml).toMatch(new RegExp(`^<p class="qd-note">${note}</p>`));
    expect(r.ok && r.article.textContent.split(note)).toHaveLength(2);
    const plain = extract(`<html><body><h1 class="story-headline">原文</h1><div id="story-body-container">${PARAS}</div></body></html>`, 'https://www.ftchinese.com/story/001000005');
    expect(plain.ok && plain.article.contentHtml).not.toContain('qd-note');
  });

  it("names FT's Traditional edition as it names itself (FT中文網), and every other FT host FT中文网", () => {
    const c = loadCases().find((x) => x.name.endsWith('live-blog-big5'))!;
    for (const [url, name] of [
      ['https://big5.ftchinese.com/interactive/200000', 'FT中文網'], ['https://www.ftchinese.com/interactive/200000', 'FT中文网'], ['https://cn.ft.com/interactive/200000', 'FT中文网'],
    ] as const) {
      const dom = jsdom(c.source, url);
      const r = extractArticle(dom.window.document, url, { window: dom.window as unknown as WindowLike });
      expect(r.ok && r.article.siteName, url).toBe(name);
      expect(siteNameOf(url), url).toBe(name);
    }
  });

  it('keeps a Japanese page Japanese, though it writes 時, 問題 and 電話 as Traditional Chinese does', () => {
    const text = '東京の電話会社は、問題の時間帯に通信障害が発生したと発表した。現在は復旧している。長い間ご迷惑をおかけしました。';
    expect(detectChinese(text)).toBeNull();
    const url = 'https://news.example.jp/article/1';
    const html = `<html lang="ja"><head><title>通信障害</title></head><body><article><h1>通信障害</h1>${`<p>${text}</p>`.repeat(6)}</article></body></html>`;
    const dom = jsdom(html, url);
    const r = extractArticle(dom.window.document, url, { window: dom.window as unknown as WindowLike });
    expect(r.ok && r.article.lang).toBe('ja');
    // A Taiwanese line with one の is still Traditional Chinese.
    expect(detectChinese('台灣の味：這家老店開了五十年，總統也來過，還說會再來。')).toBe('zh-TW');
  });

  it('uses en for /en pages and zh-TW for big5', () => {
    const c = loadCases().find((x) => x.name.endsWith('story-001090562-translator'))!;
    for (const [url, lang] of [['https://www.ftchinese.com/story/001090562/en', 'en'], ['https://big5.ftchinese.com/story/001090562', 'zh-TW']] as const) {
      const dom = jsdom(c.source, url);
      const r = extractArticle(dom.window.document, url, { window: dom.window as unknown as WindowLike });
      expect(r.ok && r.article.lang).toBe(lang);
    }
  });
});

describe('bilingual pairs', () => {
  /** Each pair's English and Chinese text, and `[picture]` for what stands between pairs. */
  function rows(contentHtml: string): string[] {
    const body = jsdom(`<body>${contentHtml}</body>`).window.document.body;
    return Array.from(body.children).map((el) =>
      el.classList.contains('qd-pair')
        ? Array.from(el.children).map((c) => (c.textContent ?? '').trim().slice(0, 8)).join(' | ')
        : el.querySelector('img') ? '[picture]' : (el.textContent ?? '').trim());
  }
  const ce = (cells: [string, string][]) => `<html><body><h1 class="story-headline">Pairs<br>对照</h1><div id="story-body-container">${cells
    .map(([l, r]) => `<div class=leftp>${l}</div><div class=rightp>${r}</div><div class=clearfloat></div>`).join('')}</div></body></html>`;
  const en = (n: number) => `<p>English paragraph number ${n} of the story, long enough to count as text for this article.</p>`;
  const zh = (n: number) => `<p>中文第${n}段，这是一段足够长的译文，用来确认双语对照的每一行都能对齐，不会错位。</p>`;
  const pic = '<p><div class="pic"><img src="https://www.ftchinese.com/p.jpg"></div></p>';

  it('keeps each translation beside its English when a picture sits in one column only', () => {
    // As FT prints it: the picture takes a Chinese cell, so the Chinese runs a row behind from there on.
    const html = ce([[en(1), zh(1)], [en(2), pic], [en(3), zh(2)], [en(4), zh(3)], ['', zh(4)], ['<p></p>', '<p>译者/马柯斯</p>']]);
    const r = extract(html, 'https://www.ftchinese.com/story/001066979/ce');
    expect(r.ok && rows(r.article.contentHtml)).toEqual([
      'English  | 中文第1段，这是', '[picture]', 'English  | 中文第2段，这是', 'English  | 中文第3段，这是', 'English  | 中文第4段，这是',
    ]);
    expect(r.ok && r.article.contentHtml).toContain('English paragraph number 4 of the story, long enough to count as text for this article.</p></div><div lang="zh"><p>中文第4段');
    expect(r.ok && r.article.translator).toBe('马柯斯');
  });

  it('keeps an untranslated paragraph in its own row, and shows a picture printed in both columns once', () => {
    const html = ce([[en(1), zh(1)], [en(2), ''], [pic, pic], [en(3), zh(3)]]);
    const r = extract(html, 'https://www.ftchinese.com/story/001000002/ce');
    expect(r.ok && rows(r.article.contentHtml)).toEqual(['English  | 中文第1段，这是', 'English  | ', '[picture]', 'English  | 中文第3段，这是']);
  });

  it('pairs the 2016 page whose pictures sit in the Chinese column', () => {
    const c = loadCases().find((x) => x.name.endsWith('story-001066979-ce-2016'))!;
    const dom = jsdom(c.source, c.expected.url);
    const r = extractArticle(dom.window.document, c.expected.url, { window: dom.window as unknown as WindowLike });
    const pairs = r.ok ? rows(r.article.contentHtml) : [];
    expect(pairs.filter((p) => p === '[picture]')).toHaveLength(5);
    expect(pairs).toContain('When, in | 3月，喜达屋披露');
    expect(pairs).toContain('Mr Wu to | 吴小晖告诉顾问们');
    expect(pairs[pairs.length - 1]).toBe('Regardle | 不管怎样，那位熟');
  });
});

describe('image URL rewrites', () => {
  const MANIFEST = JSON.parse(readFileSync(join(import.meta.dirname, '../../../manifest.json'), 'utf8')) as { host_permissions: string[] };

  it('rejects rewrites that are not http(s) URL prefixes moved to https', () => {
    const rule = (imageUrlRewrites: unknown) => validateRule({ id: 'x', match: { hosts: ['a.com'] }, imageUrlRewrites }, 'f.json');
    expect(rule({ 'http://old.a.com/picture/': 'https://cdn.a.com/picture/' }).ok).toBe(true);
    for (const bad of [
      { 'http://old.a.com/picture/': 'http://cdn.a.com/picture/' },
      { 'http://old.a.com/picture/': 'javascript:alert(1)//' },
      { 'http://old.a.com': 'https://cdn.a.com/' },
      { 'ftp://old.a.com/': 'https://cdn.a.com/' },
      { 'http://old.a.com/': 'https://cdn.a.com/"><script>' },
      { 'http://old.a.com/': 1 },
      {},
      [['http://old.a.com/', 'https://cdn.a.com/']],
      'https://cdn.a.com/',
    ]) {
      const v = rule(bad);
      expect(!v.ok && [...new Set(v.problems.map((p) => p.field))], JSON.stringify(bad)).toEqual(['imageUrlRewrites']);
    }
  });

  it('moves the 2016 page\'s pictures from http://i.ftimg.net to the https host FT serves them from, which saving may fetch', () => {
    const c = loadCases().find((x) => x.name.endsWith('story-001066979-ce-2016'))!;
    const dom = jsdom(c.source, c.expected.url);
    const r = extractArticle(dom.window.document, c.expected.url, { window: dom.window as unknown as WindowLike });
    const urls = r.ok ? imageUrls(r.article) : [];
    expect(urls).toEqual(['9/000060429', '0/000060430', '1/000060431', '2/000060432', '3/000060433'].map((p) => `https://d1sh1cgb4xvhl.cloudfront.net/unsafe/picture/${p}_piclink.jpg`));
    // Every picture is on a host the extension holds, so the background stores it and nothing is missing offline.
    expect(originPatterns(urls).filter((o) => !MANIFEST.host_permissions.includes(o))).toEqual([]);
  });

  it('rewrites the hero image a rule reads, and the page\'s own, the first matching prefix winning', () => {
    const rule = {
      id: 'old-pictures', match: { hosts: ['a.com'] }, content: ['article'], leadImage: [['.hero img', 'src']],
      imageUrlRewrites: { 'http://old.a.com/picture/': 'https://cdn.a.com/p/', 'http://old.a.com/': 'https://cdn.a.com/other/' },
    };
    const rules = loadRules([{ file: 'old.json', data: rule }]).rules;
    expect(rules).toHaveLength(1);
    const run = (hero: string, head = '') => {
      const dom = jsdom(`<html><head>${head}</head><body>${hero}<article>${PARAS}<img src="//old.a.com/picture/2.jpg"><img src="http://old.a.com/x.png"></article></body></html>`, 'http://a.com/s');
      const r = extractArticle(dom.window.document, 'http://a.com/s', { window: dom.window as unknown as WindowLike, rules });
      return r.ok ? r.article : null;
    };
    const a = run('<div class="hero"><img src="http://old.a.com/picture/1.jpg"></div>');
    expect(a?.leadImage).toBe('https://cdn.a.com/p/1.jpg');
    expect(a?.contentHtml).toMatch(/^<figure><img src="https:\/\/cdn\.a\.com\/p\/1\.jpg"/);
    expect(a?.contentHtml).toContain('<img src="https://cdn.a.com/p/2.jpg"><img src="https://cdn.a.com/other/x.png">');
    expect(run('', '<meta property="og:image" content="http://old.a.com/picture/og.jpg">')?.leadImage).toBe('https://cdn.a.com/p/og.jpg');
  });
});

describe('picture captions', () => {
  it('makes an FT picture and the caption written beside it a figure with its figcaption', () => {
    const img = (n: number) => `<img src="https://images.ft.com/v3/images/raw/${n}.jpg?source=next&amp;width=2400">`;
    const html = `<html><body><div id="story-body-container">${PARAS}
      <div class="pic is-mixed" id="id-0"><picture>${img(1)}<source media="screen and (max-width: 490px)" srcset="https://images.ft.com/m.jpg"></picture>油輪通過荷莫茲海峽</div>
      <div class="pic"><img src="https://www.ftchinese.com/2.jpg"></div>
      <div class="n-content-layout"><div class="n-content-layout__slot pic"><picture>${img(3)}</picture><p class="is-text-only">游泳池</p></div>
        <div class="pic">${img(4)}${img(5)}两张图</div></div></div></body></html>`;
    const r = extract(html, 'https://big5.ftchinese.com/interactive/200000');
    const body = r.ok ? r.article.contentHtml : '';
    expect(body).toContain('<figure><picture><img src="https://images.ft.com/v3/images/raw/1.jpg?source=next&amp;width=2400"></picture><figcaption>油輪通過荷莫茲海峽</figcaption></figure>');
    expect(body).toContain('<figure><img src="https://www.ftchinese.com/2.jpg"></figure>');
    expect(body).toContain('<figure><picture><img src="https://images.ft.com/v3/images/raw/3.jpg?source=next&amp;width=2400"></picture><figcaption><p>游泳池</p></figcaption></figure>');
    // Two images in one block are a layout, not a captioned picture.
    expect(body).toMatch(/<div><img src="[^"]*4\.jpg[^"]*"><img src="[^"]*5\.jpg[^"]*">两张图<\/div>/);
  });
});

describe('chart embeds', () => {
  it('shows a Flourish chart, which its script draws into an empty box, as its still picture linked to the live chart', () => {
    const html = `<html><body><div id="story-body-container">${PARAS}<div class="flourish-embed" data-src="visualisation/7938249?hideSignature"></div>
      <p>下一段。</p><div class="flourish-embed flourish-chart" data-src="story/1074816"><script src="https://public.flourish.studio/resources/embed.js"></script></div>
      <div class="flourish-embed" data-src="javascript:alert(1)"></div></div></body></html>`;
    for (const url of ['https://www.ftchinese.com/story/001095000', 'https://example.com/a']) {
      const r = extract(html, url);
      const body = r.ok ? r.article.contentHtml : '';
      expect(body).toContain('<figure><a href="https://public.flourish.studio/visualisation/7938249/" rel="noopener noreferrer"><img src="https://public.flourish.studio/visualisation/7938249/thumbnail" alt="Flourish"></a></figure>');
      expect(body).toContain('<img src="https://public.flourish.studio/story/1074816/thumbnail" alt="Flourish">');
      expect(body).not.toContain('javascript');
    }
  });
});

describe('seed item', () => {
  const c = loadCases().find((x) => x.name.startsWith('cn.ft.com'))!;
  const seed = parseSeed(c.source)!;
  const check = (win: WindowLike, doc: Document) => {
    const r = extractArticle(doc, seed.url, { window: win, known: { title: seed.title, published: seed.published } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const a = r.article;
    expect(a).toMatchObject({ title: '俄罗斯表示准备军事支持白俄罗斯', url: 'https://cn.ft.com/story/001088998', published: '2020-08-16T22:52:26Z', translator: '何黎' });
    expect(a.leadImage).toBe('https://thumbor.ftacademy.cn/unsafe/1340x754/https://thumbor.ftacademy.cn/unsafe/picture/3/000078793_piclink.jpg');
    expect(a.lead).toContain('白俄罗斯总统卢卡申科声称赢得总统选举后');
    expect(a.contentHtml.match(/<p>/g)).toHaveLength(11);
    expect(a.contentHtml).not.toMatch(/译者|o-ads|data-o-ads|获取更多RSS|feedx/);
    for (const p of Array.from(doc.querySelectorAll('#story-body-container > p')).slice(0, 11)) expect(a.textContent).toContain(p.textContent);
  };

  it('extracts under jsdom', () => {
    const dom = jsdom(seed.html, seed.url);
    check(dom.window as unknown as WindowLike, dom.window.document);
  });

  it('extracts under happy-dom (the core is DOM-agnostic)', () => {
    const win = new Window({ url: seed.url });
    win.document.write(seed.html);
    check(win as unknown as WindowLike, win.document as unknown as Document);
    win.close();
  });
});

describe('full text of a paginated page', () => {
  it('re-extracts from fullTextUrl through a caller-supplied fetch', async () => {
    const cases = loadCases();
    const page1 = cases.find((x) => x.name.endsWith('story-001081496-page1-of-2'))!;
    const whole = cases.find((x) => x.name.endsWith('story-001081367-single-page'))!;
    const dom = jsdom(page1.source, page1.expected.url);
    const opts = { window: dom.window as unknown as WindowLike };
    const first = extractArticle(dom.window.document, page1.expected.url, opts);
    expect(fullTextUrlOf(first)).toBe('https://www.ftchinese.com/story/001081496?full=y');
    const fetched: string[] = [];
    const second = await extractWithFullText(first, async (url) => {
      fetched.push(url);
      return jsdom(whole.source, url).window.document;
    }, opts);
    expect(fetched).toEqual(['https://www.ftchinese.com/story/001081496?full=y']);
    expect(second).toMatchObject({ ok: true, article: { partial: false, fullTextUrl: null, url: 'https://www.ftchinese.com/story/001081496' } });
    expect(await extractWithFullText(first, async () => null, opts)).toBe(first);
  });
});

describe('rule removals', () => {
  const PAGE = `<div id="main"><p class="keep">甲</p><div class="o-ads Banner">ad</div><section id="story_main_mpu"><p>mpu</p></section>
    <aside data-o-ads-name="x">slot</aside><h2 class="list-title">more</h2><h3 class="list-title">kept</h3><div id="taboola-below">t</div>
    <svg><style>svg style</style></svg><p class="AD">case</p><p class="keep&#9;ad">tab</p><script>1</script></div>`;
  const SELECTORS = ['script', 'style', '.o-ads', '.ad', '#story_main_mpu', '[data-o-ads-name]', 'h2.list-title', "[id^='taboola']", '.no-such'];

  /** What one querySelectorAll of the whole list removes: the reference the faster walk must equal. */
  function reference(html: string): string {
    const doc = jsdom(html).window.document;
    doc.querySelectorAll(SELECTORS.join(', ')).forEach((el) => el.remove());
    return doc.body.innerHTML;
  }

  function applied(html: string): string {
    const doc = jsdom(html).window.document;
    applyRules(doc, 'https://example.com/a', { id: 'test', match: { hosts: ['example.com'] }, remove: SELECTORS }, []);
    return doc.body.innerHTML;
  }

  it('removes what the selector engine would, in a standards-mode page', () => {
    const html = `<!DOCTYPE html><html><body>${PAGE}</body></html>`;
    expect(applied(html)).toBe(reference(html));
    expect(applied(html)).toContain('class="AD"');
    expect(applied(html)).not.toContain('tab');
    expect(applied(html)).toContain('kept');
  });

  it('matches classes without regard to case in a quirks-mode page, as browsers do', () => {
    const html = `<html><body>${PAGE}</body></html>`;
    expect(applied(html)).toBe(reference(html));
    expect(applied(html)).not.toContain('case');
  });
});

/** The generic (`*`) built-in rules applied to a page, as they run before Readability: what is left of its body. */
function afterGenericRules(html: string): string {
  const doc = jsdom(`<!DOCTYPE html><html><body>${html}</body></html>`).window.document;
  applyRules(doc, 'https://example.com/a', null, builtinRules().filter((r) => r.match.hosts.includes('*')));
  return doc.body.textContent ?? '';
}

const EN_PARAS = Array.from({ length: 6 }, (_, i) => `<p>Paragraph ${i + 1}: the council approved the harbour plan on Thursday after a long debate about costs, roads, schools and the future of the district.</p>`);
/** A page whose body is `EN_PARAS` with `box` after the second paragraph. */
const withBox = (box: string) => `<html><body><article><h1>Harbour plan approved</h1><div class="body">${EN_PARAS.slice(0, 2).join('')}${box}${EN_PARAS.slice(2).join('')}</div></article></body></html>`;

describe('ad slots on any site', () => {
  it.each([
    ['div.ad', '<div class="ad"><p>Buy the new Lumen phone today, now with a better camera and a longer battery.</p></div>'],
    ['div.ad-slot with its label', '<div class="ad-slot ad-slot--inline"><p>Advertisement</p><p>Buy the new Lumen phone today, now with a better camera and a longer battery.</p></div>'],
    ['div.advert', '<div class="advert">Buy the new Lumen phone today, now with a better camera and a longer battery.</div>'],
    ['div.advertisement', '<div class="advertisement">Buy the new Lumen phone today, now with a better camera and a longer battery.</div>'],
    ['div.sponsored', '<div class="sponsored content-card"><p>Buy the new Lumen phone today, now with a better camera and a longer battery.</p></div>'],
    ['ins.adsbygoogle', '<p><ins class="adsbygoogle" data-ad-client="ca-pub-1">Buy the new Lumen phone today, now with a better camera and a longer battery.</ins></p>'],
    ['a figure labelled ADVERTISEMENT', '<figure><a href="https://ads.example.net/c"><img src="https://ads.example.net/lumen.jpg"></a><figcaption>ADVERTISEMENT</figcaption></figure>'],
    ['a box labelled 广告 over a picture', '<div class="mid"><span>广告</span><a href="https://ads.example.net/c"><img src="https://ads.example.net/lumen.jpg" alt=""></a></div>'],
    ['a box labelled Advertisement over a line of text', '<div class="mid"><p>Advertisement</p><p>Buy the new Lumen phone today, with a better camera.</p></div>'],
  ])('removes %s from the article', (_label, box) => {
    const r = extract(withBox(box));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.article.textContent).not.toMatch(/Lumen|Advertisement|ADVERTISEMENT|广告/);
    expect(r.article.contentHtml).not.toContain('ads.example.net');
    expect(r.article.textContent).toContain('Paragraph 3:');
  });

  it('keeps text whose class merely contains "ad": whole class tokens only', () => {
    const classes = ['header', 'lead', 'shadow', 'read-more', 'download', 'gradient', 'badge', 'ad-hoc-note', 'ads-free', 'loading', 'adapt', 'head', 'pad', 'thread', 'advice', 'advocacy', 'advent', 'sponsored-by-note'];
    const kept = afterGenericRules(classes.map((c) => `<div class="${c}" id="${c}"><p>Kept ${c}.</p></div>`).join(''));
    for (const c of classes) expect(kept).toContain(`Kept ${c}.`);
    // An ad's label is a line of its own: the word in a sentence stays.
    const r = extract(withBox('<p>Advertisement spending by the council rose by a tenth, to £2.1m, the report says.</p><p class="lead shadow badge">广告法修订草案今日提交审议。</p>'));
    expect(r.ok && r.article.textContent).toContain('Advertisement spending by the council rose');
    expect(r.ok && r.article.textContent).toContain('广告法修订草案今日提交审议。');
  });

  it('takes only the label line from a box that goes on with more text than an ad has', () => {
    const more = extract(withBox(`<div class="mid"><p>Advertisement</p>${EN_PARAS[0]?.replace('Paragraph 1', 'Paragraph 1b')}</div>`));
    expect(more.ok && more.article.textContent).toContain('Paragraph 1b:');
    expect(more.ok && more.article.textContent).not.toContain('Advertisement');
  });

  it('never removes the article for its class: a sponsored post, or a page that wraps its text in an ad class', () => {
    const sponsored = extract(`<html><body><article class="post sponsored"><h1>Harbour plan approved</h1>${EN_PARAS.join('')}</article></body></html>`);
    expect(sponsored.ok && sponsored.article.textContent).toContain('Paragraph 6:');
    const wrapped = extract(`<html><body><div class="ad-container"><div class="story">${EN_PARAS.join('')}</div></div></body></html>`);
    expect(wrapped.ok && wrapped.article.textContent).toContain('Paragraph 6:');
  });
});

describe('newsletter sign-up boxes on any site', () => {
  it.each([
    ['div.newsletter', '<div class="newsletter"><h3>Get our newsletter</h3><p>The best Lumen stories in your inbox every morning, free of charge.</p><form><input type="email"><button>Sign up</button></form></div>'],
    ['a box named in camelCase', '<div id="morningBriefingSignup"><h3>Get our newsletter</h3><p>The best Lumen stories in your inbox every morning, free of charge.</p><form><input type="email"><button>Sign up</button></form></div>'],
    ['a box named sign-up, its email field outside a form', '<section class="nl-sign-up"><h3>Get our newsletter</h3><p>The best Lumen stories in your inbox every morning, free of charge.</p><div><input type="email" placeholder="you@example.com"><button>Sign up</button></div></section>'],
    ['a subscribe box in Chinese', '<div class="subscribe-box"><h3>订阅晨江早报</h3><p>每天早上七点，把最值得读的 Lumen 新闻送到你的邮箱。</p><form><input type="email" placeholder="请输入邮箱地址"><button>订阅</button></form></div>'],
    ['the outermost box of nested ones', '<div class="newsletter-promo"><div class="newsletter-promo__copy"><h3>Get our newsletter</h3><p>The best Lumen stories in your inbox every morning, free of charge.</p></div><form class="newsletter-promo__form"><input type="email"><button>Sign up</button></form></div>'],
  ])('removes %s, heading and pitch with its form', (_label, box) => {
    const r = extract(withBox(box));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.article.textContent).not.toMatch(/Lumen|newsletter|订阅/);
    expect(r.article.textContent).toContain('Paragraph 3:');
  });

  it('keeps boxes without a form or an email field, boxes with a form named otherwise, and words that only contain the names', () => {
    const kept = afterGenericRules([
      '<div class="newsletter-archive"><p>Kept archive: read past issues of the Morning Briefing.</p></div>',
      '<div class="subscribe-note"><p>Kept note: <a href="/podcasts">subscribe to the podcast</a>.</p></div>',
      '<div class="poll"><p>Kept poll: should the harbour be dredged?</p><form><input type="radio" name="q"><input type="text"></form></div>',
      '<div class="subscriber-only"><p>Kept subscriber text.</p><form><input type="email"></form></div>',
      '<div class="newsletters-unsubscribed-note"><p>Kept prose about newsletters.</p></div>',
    ].join(''));
    for (const t of ['Kept archive', 'Kept note', 'Kept poll', 'Kept subscriber text', 'Kept prose']) expect(kept).toContain(t);
    const r = extract(withBox('<p>The council also launched a newsletter, which 4,000 residents have signed up to since March.</p>'));
    expect(r.ok && r.article.textContent).toContain('launched a newsletter');
  });

  it('never removes the article for its class: a page whose sign-up wall holds the text keeps it', () => {
    const r = extract(`<html><body><div class="subscribe-wall"><form><input type="email"><button>Sign up to read on</button></form><article><h1>Harbour plan approved</h1>${EN_PARAS.join('')}</article></div></body></html>`);
    expect(r.ok && r.article.textContent).toContain('Paragraph 6:');
  });
});

describe('lead figure of a page Readability reads', () => {
  const BODY = `<div class="article-body">${EN_PARAS.join('')}</div>`;
  const HEADER = '<header class="article-header"><h1>Harbour plan approved</h1><p class="standfirst">Councillors backed the £40m scheme after a six-hour meeting that ran past midnight.</p></header>';
  const page = (head: string, body: string) => `<!DOCTYPE html><html><head>${head}</head><body>${body}</body></html>`;
  const og = (url: string) => `<meta property="og:image" content="${url}">`;
  const count = (html: string, s: string) => html.split(s).length - 1;

  it('keeps the hero figure and its caption printed above the text in the same article, shown once', () => {
    const r = extract(page(og('https://example.com/img/harbour.jpg?width=1200&crop=1200x630'),
      `<main><article>${HEADER}<figure class="lead-media"><picture><source srcset="/img/harbour.jpg?width=1300 1300w"><img src="/img/harbour.jpg?width=700" alt="The harbour at dawn"></picture><figcaption>The harbour at dawn. <span class="credit">Photograph: Ana Lee</span></figcaption></figure>${BODY}</article></main>`));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.article.contentHtml.startsWith('<figure><img src="https://example.com/img/harbour.jpg?width=700" alt="The harbour at dawn"><figcaption>The harbour at dawn. <span>Photograph: Ana Lee</span></figcaption></figure>')).toBe(true);
    expect(r.article.leadImage).toBe('https://example.com/img/harbour.jpg?width=700');
    expect(count(r.article.contentHtml, '<img')).toBe(1);
    expect(r.article.textContent).toContain('Paragraph 6:');
  });

  it("keeps a hero printed outside the text's container when it is the page's image at another size, its URL from a lazy loader", () => {
    const r = extract(page(og('https://img.example.cn/news/0312/a8f3.jpg'),
      `<div class="article-head"><h1>长江口湿地越冬候鸟数量创十年新高</h1></div><div class="article-pic"><figure><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="https://img.example.cn/news/0312/a8f3.jpg?x-oss-process=image/resize,w_800" alt="白头鹤"><figcaption>3月10日，成群的白头鹤在崇明东滩湿地觅食。</figcaption></figure></div><div class="article-content">${PARAS}</div>`));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.article.contentHtml.startsWith('<figure><img src="https://img.example.cn/news/0312/a8f3.jpg?x-oss-process=image/resize,w_800" alt="白头鹤"><figcaption>3月10日，成群的白头鹤在崇明东滩湿地觅食。</figcaption></figure>')).toBe(true);
    expect(r.article.leadImage).toBe('https://img.example.cn/news/0312/a8f3.jpg?x-oss-process=image/resize,w_800');
  });

  it("leaves out a figure outside the article that is not the page's image, and one that follows the text", () => {
    const promo = extract(page(og('https://example.com/img/harbour.jpg'),
      `<div class="promo"><figure><img src="/img/festival.jpg" alt=""><figcaption>Book now for the harbour festival.</figcaption></figure></div><article>${HEADER}${BODY}</article>`));
    expect(promo.ok && promo.article.contentHtml).not.toContain('festival');
    expect(promo.ok && promo.article.leadImage).toBe('https://example.com/img/harbour.jpg');
    const after = extract(page('', `<article>${HEADER}${BODY}<footer class="article-footer"></footer><figure class="author-card"><img src="/img/ana-lee.png" alt=""><figcaption>Ana Lee covers the harbour for the paper.</figcaption></figure></article>`));
    expect(after.ok && after.article.contentHtml).not.toMatch(/^<figure><img src="https:\/\/example\.com\/img\/ana-lee\.png"/);
  });

  it('takes no figure from navigation, a sidebar or a link to another page', () => {
    for (const box of [
      '<aside class="rail"><figure><img src="/img/other.jpg" alt=""><figcaption>Most read: the other story.</figcaption></figure></aside>',
      '<nav><figure><img src="/img/other.jpg" alt=""><figcaption>Most read: the other story.</figcaption></figure></nav>',
      '<a href="/other-story"><figure><img src="/img/other.jpg" alt=""><figcaption>Most read: the other story.</figcaption></figure></a>',
    ]) {
      const r = extract(page(og('https://example.com/img/other.jpg'), `<main><article>${HEADER}${box}${BODY}</article></main>`));
      expect(r.ok && r.article.contentHtml, box).not.toContain('Most read');
    }
  });

  it('shows a hero the body already has once', () => {
    const r = extract(page(og('https://example.com/img/harbour.jpg'),
      `<article>${HEADER}<figure><img src="/img/harbour.jpg" alt=""><figcaption>The harbour at dawn.</figcaption></figure><div class="article-body"><p><img src="/img/harbour.jpg?width=620" alt=""></p>${EN_PARAS.join('')}</div></article>`));
    expect(r.ok && count(r.article.contentHtml, '/img/harbour.jpg')).toBe(1);
  });
});
