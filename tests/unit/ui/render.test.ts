// @vitest-environment jsdom
// jsdom, not happy-dom: DOMPurify 3.4 reads an empty tag name for the first element under happy-dom 21 and drops it.
import { describe, expect, it } from 'vitest';
import { imageRefsOf, renderArticle, sanitizeBody, setBilingualLayout, type RenderLabels } from '../../../src/reader/render';
import { makeArticle } from './helpers';

const labels: RenderLabels = {
  translator: (name) => `译者：${name}`,
  readingMinutes: (n) => `${n} 分钟`,
  imageNotSaved: '图片未保存',
  retry: '重试',
  original: '查看原文',
  partial: '付费文章：只保存了可见部分。',
  fullText: '到网站上阅读全文',
};

const HERO = 'https://thumbor.ftacademy.cn/unsafe/hero.jpg';
const BODY_IMG = 'https://i.ftimg.net/picture/1/000.jpg';
const stored = new Map([[HERO, 'blob:chrome-extension://x/hero']]);
const render = (patch = {}, imageSrc = (url: string) => stored.get(url) ?? null) =>
  renderArticle(makeArticle(patch), { win: window, locale: 'zh-CN', labels, imageSrc });

describe('reader rendering', () => {
  it('shows the metadata: site, title, byline, translator, localised time, lead and hero', () => {
    const { root } = render();
    expect(root.lang).toBe('zh-CN');
    expect(root.dataset.script).toBe('hans');
    expect(root.querySelector('.rd-site')?.textContent).toBe('FT中文网');
    expect(root.querySelector('h1')?.textContent).toBe('俄罗斯表示准备军事支持白俄罗斯');
    expect(root.querySelector('.rd-byline')?.textContent).toBe('亨利•福伊 莫斯科报道');
    expect(root.querySelector('.rd-translator')?.textContent).toBe('译者：何黎');
    const time = root.querySelector('time');
    expect(time?.getAttribute('datetime')).toBe('2020-08-17T06:52:00Z');
    expect(time?.textContent).toMatch(/^2020年8月17日/);
    expect(root.querySelector('.rd-lead')?.textContent).toBe('普京称已应卢卡申科要求组建一支后备执法力量。');
    expect(root.querySelector<HTMLImageElement>('.rd-hero img')?.getAttribute('src')).toBe('blob:chrome-extension://x/hero');
    expect([...root.querySelectorAll('.rd-body p')].map((p) => p.textContent)).toEqual(['第一段。', '最后一段。']);
  });

  it('shows the update time, unlabelled as the page prints it, when the publish time is not known', () => {
    const updated = render({ published: null, updated: '2020-12-09T08:59:08Z' }).root.querySelector('.rd-meta time');
    expect(updated?.className).toBe('rd-updated');
    expect(updated?.getAttribute('datetime')).toBe('2020-12-09T08:59:08Z');
    expect(updated?.textContent).toMatch(/^2020年12月9日/);
    const both = render({ updated: '2020-08-18T01:00:00Z' }).root.querySelectorAll('.rd-meta time');
    expect([...both].map((t) => [t.className, t.getAttribute('datetime')])).toEqual([['rd-published', '2020-08-17T06:52:00Z']]);
    expect(render({ published: null }).root.querySelector('.rd-meta time')).toBeNull();
  });

  it('keeps each line of a bilingual lead on its own line', () => {
    const { root } = render({ lead: 'Some of the smartest people rarely speak in meetings\n一些最聪明的人很少在工作会议上发言' });
    const lead = root.querySelector('.rd-lead');
    expect(lead?.innerHTML).toBe('Some of the smartest people rarely speak in meetings<br>一些最聪明的人很少在工作会议上发言');
  });

  it('re-sanitizes the stored body: no scripts, handlers, javascript: links or foreign classes', () => {
    const { root } = render({
      contentHtml:
        '<p class="ad qd-pair" onclick="alert(1)" style="color:red">文字<script>alert(2)</script></p>' +
        '<a href="javascript:alert(3)">坏链接</a><iframe src="https://evil.example"></iframe><img src="x" onerror="alert(4)">',
    });
    const html = root.innerHTML;
    expect(html).not.toMatch(/script|onclick|onerror|javascript:|iframe|style=/i);
    expect(root.querySelector('.rd-body p')?.getAttribute('class')).toBe('qd-pair');
  });

  it('opens links in a new tab without opener or referrer, resolving relative ones', () => {
    const { root } = render({ contentHtml: '<p><a href="/story/001">相关</a> <a href="mailto:a@b.c">信</a></p>' });
    const [rel, mail] = root.querySelectorAll<HTMLAnchorElement>('.rd-body a');
    expect(rel?.getAttribute('href')).toBe('https://www.ftchinese.com/story/001');
    expect(rel?.target).toBe('_blank');
    expect(rel?.rel).toBe('noopener noreferrer');
    expect(mail?.getAttribute('href')).toBe('mailto:a@b.c');
  });

  it('shows stored images as blob URLs and a retry placeholder for images never saved', () => {
    const { root, missing } = render({
      contentHtml: `<figure><img src="${HERO}" alt="英雄" srcset="${HERO} 2x"></figure><p>中</p><figure><img src="${BODY_IMG}" alt="图表"></figure>`,
    });
    // The hero is in the body already: no second copy in the header.
    expect(root.querySelector('.rd-hero')).toBeNull();
    const img = root.querySelector<HTMLImageElement>('.rd-body img');
    expect(img?.getAttribute('src')).toBe('blob:chrome-extension://x/hero');
    expect(img?.hasAttribute('srcset')).toBe(false);
    expect(missing).toEqual([BODY_IMG]);
    const box = root.querySelector<HTMLElement>('.rd-missing');
    expect(box?.dataset.url).toBe(BODY_IMG);
    expect(box?.textContent).toContain('图片未保存');
    expect(box?.textContent).toContain('图表');
    expect(box?.querySelector('button.rd-retry')?.textContent).toBe('重试');
    // Nothing points at the network.
    expect([...root.querySelectorAll('img')].every((i) => i.getAttribute('src')?.startsWith('blob:'))).toBe(true);
  });

  it('lists every image once, hero first, with the URL as the article wrote it', () => {
    const article = makeArticle({ contentHtml: `<img src="${BODY_IMG}"><img src="${HERO}"><img src="${BODY_IMG}"><img src="/pic/a b.png">` });
    expect(imageRefsOf(article, sanitizeBody(article.contentHtml, window))).toEqual([
      { url: HERO, raw: HERO },
      { url: BODY_IMG, raw: BODY_IMG },
      { url: 'https://www.ftchinese.com/pic/a%20b.png', raw: '/pic/a b.png' },
    ]);
  });

  it('marks Traditional and English articles for their own fonts', () => {
    expect(render({ lang: 'zh-TW' }).root.dataset.script).toBe('hant');
    expect(render({ lang: 'en' }).root.dataset.script).toBe('latin');
  });

  it('lays bilingual pairs out side by side or interleaved', () => {
    const { root, bilingual } = render({
      contentHtml:
        '<div class="qd-pair"><div lang="en"><p>Russia said…</p></div><div lang="zh"><p>俄罗斯表示……</p></div></div>' +
        '<div class="qd-pair"><div lang="en"><p>More.</p></div><div lang="zh"><p>更多。</p></div></div>',
    });
    expect(bilingual).toBe(true);
    expect(root.classList.contains('rd-bilingual')).toBe(true);
    const pairs = root.querySelectorAll('.qd-pair');
    expect(pairs).toHaveLength(2);
    expect([...pairs[0]!.children].map((c) => c.getAttribute('lang'))).toEqual(['en', 'zh']);
    setBilingualLayout(root, 'interleave');
    expect(root.dataset.layout).toBe('interleave');
    setBilingualLayout(root, 'side');
    expect(root.dataset.layout).toBe('side');
    expect(render().bilingual).toBe(false);
  });

  it('says when only part of the article is kept', () => {
    expect(render({ partial: true }).root.querySelector('.rd-partial')?.textContent).toBe('付费文章：只保存了可见部分。');
    expect(render().root.querySelector('.rd-partial')).toBeNull();
  });

  it('links a story kept as one of its pages to its single-page text, opening outside the reader', () => {
    const full = 'https://www.ftchinese.com/story/001081496?full=y';
    const link = render({ partial: true, fullTextUrl: full }).root.querySelector<HTMLAnchorElement>('.rd-partial a');
    expect(link?.textContent).toBe('到网站上阅读全文');
    expect(link?.href).toBe(full);
    expect(link?.rel).toBe('noopener noreferrer');
    // Behind a paywall the whole text is not on that page either; and only web addresses are linked.
    expect(render({ partial: true, paywalled: true, fullTextUrl: full }).root.querySelector('.rd-partial a')).toBeNull();
    expect(render({ partial: true, fullTextUrl: 'javascript:alert(1)' }).root.querySelector('.rd-partial a')).toBeNull();
  });
});
