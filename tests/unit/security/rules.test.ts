/**
 * Site rules are data. A rule carrying code or markup (script URLs, tags,
 * CSS blocks, functions, unknown transforms, prototype keys) is rejected
 * whole, with a message naming the field, and never applied.
 */
import { JSDOM, VirtualConsole } from 'jsdom';
import type { WindowLike } from 'dompurify';
import { describe, expect, it } from 'vitest';
import { extractArticle } from '../../../src/core/index';
import { loadRules, validateRule, type SiteRule } from '../../../src/core/rules/index';

const { window } = new JSDOM('<!doctype html><body></body>', { virtualConsole: new VirtualConsole() });
const probe = window.document;
const base = { id: 'evil-site', match: { hosts: ['evil.example'] }, content: ['article'] };
const rule = (extra: Record<string, unknown>) => ({ ...base, ...extra });

/** [name, rule, field the message must name] */
const HOSTILE: [string, unknown, string][] = [
  ['javascript: in a content selector', rule({ content: ['a[href^="javascript:alert(1)"]'] }), 'content[0]'],
  ['<script> in a removal selector', rule({ remove: ['<script>alert(1)</script>'] }), 'remove[0]'],
  ['CSS block braces', rule({ remove: ['p{background:url(https://evil.example/x)}'] }), 'remove[0]'],
  ['url() in a selector', rule({ paywall: ['div:has(url(https://evil.example))'] }), 'paywall[0]'],
  ['@import in a selector', rule({ content: ['@import "https://evil.example/x.css"'] }), 'content[0]'],
  ['expression() in a selector', rule({ content: ['p[style=expression(alert(1))]'] }), 'content[0]'],
  ['semicolon statement', rule({ content: ['article; alert(1)'] }), 'content[0]'],
  ['backtick template', rule({ content: ['article`${alert(1)}`'] }), 'content[0]'],
  ['backslash escapes', rule({ content: ['\\61rticle'] }), 'content[0]'],
  ['selector that does not parse', rule({ content: ['article[[['] }), 'content[0]'],
  ['a function instead of a selector', rule({ content: [() => 'article'] }), 'content[0]'],
  ['a function as a field selector', rule({ title: [() => 'h1'] }), 'title[0]'],
  ['script in a field-selector pair', rule({ title: [['h1', 'onclick="alert(1)"']] }), 'title[0]'],
  ['unknown transform', rule({ transforms: ['eval'] }), 'transforms[0]'],
  ['transform named after Object.prototype', rule({ transforms: ['constructor'] }), 'transforms[0]'],
  ['transform given as code', rule({ transforms: ['(() => alert(1))()'] }), 'transforms[0]'],
  ['transform as a function', rule({ transforms: [() => undefined] }), 'transforms[0]'],
  ['__proto__ key at the top', JSON.parse('{"id":"evil-site","match":{"hosts":["evil.example"]},"__proto__":{"polluted":"yes"}}'), '__proto__'],
  ['constructor key at the top', rule({ constructor: { prototype: { polluted: 'yes' } } }), 'constructor'],
  ['prototype key at the top', rule({ prototype: { polluted: 'yes' } }), 'prototype'],
  ['unknown field with code', rule({ onload: 'alert(1)' }), 'onload'],
  ['image template to another scheme', rule({ imageUrlTemplate: 'javascript:alert({url})' }), 'imageUrlTemplate'],
  ['image template over http', rule({ imageUrlTemplate: 'http://evil.example/{url}' }), 'imageUrlTemplate'],
  ['image rewrite to another scheme', rule({ imageUrlRewrites: { 'https://evil.example/p/': 'javascript:alert(1)//' } }), 'imageUrlRewrites'],
  ['image rewrite to http', rule({ imageUrlRewrites: { 'https://evil.example/p/': 'http://evil.example/p/' } }), 'imageUrlRewrites'],
  ['image rewrite with markup', rule({ imageUrlRewrites: { 'https://evil.example/p/': 'https://evil.example/"><script>alert(1)</script>' } }), 'imageUrlRewrites'],
  ['image rewrite keyed by __proto__', JSON.parse('{"id":"evil-site","match":{"hosts":["evil.example"]},"imageUrlRewrites":{"__proto__":"https://evil.example/"}}'), 'imageUrlRewrites'],
  ['lazy attribute that is not a name', rule({ lazyImageAttrs: ['onerror="alert(1)"'] }), 'lazyImageAttrs'],
  ['host pattern with a path', rule({ match: { hosts: ['evil.example/<script>'] } }), 'match.hosts[0]'],
  ['host pattern as a function', rule({ match: { hosts: [() => '*'] } }), 'match.hosts[0]'],
  ['path regex that does not compile', rule({ match: { hosts: ['evil.example'], paths: ['(('] } }), 'match.paths[0]'],
  ['id with markup', rule({ id: '<img src=x onerror=alert(1)>' }), 'id'],
  ['full-text link with script', rule({ fullText: { container: 'nav', link: 'a[href="javascript:x"]' } }), 'fullText.link'],
  ['bilingual selector with braces', rule({ bilingual: { left: '.l{}', right: '.r', leftLang: 'en', rightLang: 'zh' } }), 'bilingual.left'],
  ['a rule that is an array', [base], '(root)'],
  ['a rule that is a string', '{"id":"x"}', '(root)'],
];

describe('hostile site rules', () => {
  it.each(HOSTILE)('rejects %s, naming the field', (_name, data, field) => {
    const v = validateRule(data, 'rules/evil.json', probe);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    const problem = v.problems.find((p) => p.field === field || p.field.startsWith(`${field}`));
    expect(problem, JSON.stringify(v.problems)).toBeDefined();
    expect(problem!.file).toBe('rules/evil.json');
    expect(problem!.message.length).toBeGreaterThan(5);
  });

  it('leaves no trace on Object.prototype', () => {
    for (const [, data] of HOSTILE) validateRule(data, 'x', probe);
    loadRules(HOSTILE.map(([name, data]) => ({ file: name, data })), probe);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
  });

  it('loads none of them, and extraction never applies them', () => {
    const loaded = loadRules(HOSTILE.map(([name, data]) => ({ file: `rules/${name}.json`, data })), probe);
    expect(loaded.rules).toEqual([]);
    expect(new Set(loaded.problems.map((p) => p.file)).size).toBe(HOSTILE.length);
    // A page at the hostile rule's host: Readability, not the rule, finds the body; the rule's removals did not run.
    const text = Array.from({ length: 6 }, (_, i) => `<p class="keep">第${i}段：这是一段足够长的正文，用来确认提取由通用算法完成。Paragraph ${i} of plain text.</p>`).join('');
    const dom = new JSDOM(`<!doctype html><html><head><title>T</title></head><body><article>${text}</article></body></html>`, { url: 'https://evil.example/a', virtualConsole: new VirtualConsole() });
    const bad = rule({ remove: ['p.keep', 'p{}'] }) as unknown as SiteRule;
    const rules = loadRules([{ file: 'bad.json', data: bad }], probe).rules;
    const r = extractArticle(dom.window.document, 'https://evil.example/a', { window: dom.window as unknown as WindowLike, rules });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.article.textContent).toContain('第5段');
  });

  it('accepts a plain data rule (the checks are not simply refusing everything)', () => {
    const v = validateRule(rule({ title: ['h1.headline', ['meta[property="og:title"]', 'content']], remove: ['.ad', 'aside'] }), 'ok.json', probe);
    expect(v).toMatchObject({ ok: true });
  });
});
