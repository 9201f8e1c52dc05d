/**
 * setInnerHtml (src/platform/html.ts) against the innerHTML setter it stands
 * in for, and the build rewrite (src/build/safe-html-plugin.ts) against the
 * unmodified libraries.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { JSDOM, VirtualConsole } from 'jsdom';
import * as html from '../../../src/platform/html';
import { EXPECTED_SITES, HELPER_PATH, packagePath, rewriteInnerHtml } from '../../../src/build/safe-html-plugin';
import { SANITIZE_CONFIG } from '../../../src/core/sanitize';

const ROOT = join(import.meta.dirname, '../../..');
const FIXTURES = join(ROOT, 'tests/fixtures');
const nodeRequire = createRequire(import.meta.url);

/** Every fixture page's body markup. */
function fixtureBodies(): { name: string; markup: string }[] {
  return readdirSync(FIXTURES)
    .filter((d) => existsSync(join(FIXTURES, d, 'source.html')))
    .sort()
    .map((name) => {
      const dom = new JSDOM(readFileSync(join(FIXTURES, name, 'source.html'), 'utf8'), { virtualConsole: new VirtualConsole() });
      return { name, markup: dom.window.document.body.innerHTML };
    });
}

const QUIRKS_TABLE = '<p><table><tr><td>table inside p (quirks differs)</td></tr></table>';

const TRICKY = [
  '',
  '   leading and trailing whitespace   ',
  '<!-- a comment first --><p>x</p>',
  '<style>p{}</style><meta charset="x"><title>t</title><link rel="x"><p>head-ish tags first</p>',
  '<p>one<p>two<div>three</div>',
  QUIRKS_TABLE,
  '<table><td>implied tbody and tr</td></table>',
  '<tr><td>stray cells</td></tr><caption>c</caption><col>',
  '<b><i>mis</b>nested</i> <a href="x"><div>block in a</div></a>',
  '<noscript><img src="a.jpg"></noscript><img src="b.jpg">',
  '<template><tr><td>in template</td></tr></template>',
  '<form><input name="a"><form><input name="b"></form></form>',
  '<select><option>1<option>2</select><textarea>&lt;b&gt;</textarea>',
  '<svg><foreignObject><p>html in svg</p></foreignObject><desc><b>x</b></desc></svg><math><mi>x</mi></math>',
  '<script>var a = "</scr" + "ipt>";</script><xmp><b>raw</b></xmp><plaintext><b>rest is text',
  '<body class="x"><html lang="y"><head><p>ignored tags</p>',
  '<frameset><frame></frameset><p>after frameset</p>',
  '<ul><li>1<li>2</ul><dl><dt>a<dd>b</dl><ruby>a<rt>b</ruby>',
  '&amp; &lt; &nbsp; &unknown; &#x1F600; &#0; \u0000 text',
  '<img src=x onerror=alert(1)><a href="javascript:alert(1)">x</a>',
  '</p></br></div>stray end tags',
  '<h1><h2>nested headings</h2></h1><button><button>b</button></button>',
  '中文内容 <p lang="zh">繁體 與 简体</p>',
];

/** Node-for-node description of a subtree (type, name, namespace, attributes, data), template contents included. */
function dump(node: Node): string {
  const out: string[] = [];
  const visit = (n: Node, depth: number) => {
    const pad = ' '.repeat(depth);
    if (n.nodeType === 1) {
      const el = n as Element;
      const attrs = Array.from(el.attributes).map((a) => `${a.namespaceURI ?? ''}|${a.name}=${JSON.stringify(a.value)}`).join(' ');
      out.push(`${pad}<${el.namespaceURI}|${el.localName} ${attrs}>`);
      const content = (el as HTMLTemplateElement).content;
      if (el.localName === 'template' && content) visit(content, depth + 1);
    } else {
      out.push(`${pad}#${n.nodeType} ${JSON.stringify((n as CharacterData).data ?? '')}`);
    }
    for (const c of Array.from(n.childNodes)) visit(c, depth + 1);
  };
  for (const c of Array.from(node.childNodes)) visit(c, 0);
  return out.join('\n');
}

/** A document without a browsing context (like the clones Readability reads), in the given mode. */
function docFor(quirks: boolean): Document {
  const { window } = new JSDOM('', { virtualConsole: new VirtualConsole() });
  return new window.DOMParser().parseFromString(`${quirks ? '' : '<!DOCTYPE html>'}<html><body></body></html>`, 'text/html');
}

function withGlobalDomParser<T>(run: () => T): T {
  const g = globalThis as { DOMParser?: unknown };
  const saved = g.DOMParser;
  // DOMParser documents have no defaultView; the helper then uses the global DOMParser, as in the browser.
  g.DOMParser = new JSDOM('').window.DOMParser;
  try {
    return run();
  } finally {
    g.DOMParser = saved;
  }
}

describe('setInnerHtml builds the same tree as innerHTML', () => {
  const tricky = TRICKY.map((markup, i) => ({ name: `tricky #${i}`, markup }));
  const pages = fixtureBodies();

  for (const quirks of [false, true]) {
    for (const context of ['body', 'div', 'article', 'p', 'span']) {
      // Whole fixture pages for the contexts Readability uses (body, div); the tricky inputs everywhere.
      const cases = context === 'body' || context === 'div' ? [...tricky, ...pages] : tricky;
      it(`${context} context, ${quirks ? 'quirks' : 'no-quirks'} document: ${cases.length} inputs`, () => {
        const doc = docFor(quirks);
        expect(doc.compatMode).toBe(quirks ? 'BackCompat' : 'CSS1Compat');
        withGlobalDomParser(() => {
          for (const { name, markup } of cases) {
            const native = context === 'body' ? doc.body : doc.createElement(context);
            const ours = context === 'body' ? doc.createElement('body') : doc.createElement(context);
            html.setInnerHtml(ours, markup);
            if (quirks && markup === QUIRKS_TABLE) {
              // jsdom's fragment parser ignores the context document's quirks mode; the HTML standard (and
              // browsers) keep <table> inside an open <p> there, as a quirks-mode document parse does.
              expect(dump(ours)).toBe(dump(new (new JSDOM('').window.DOMParser)().parseFromString(`<body>${markup}`, 'text/html').body));
              expect(ours.querySelector('p > table')).not.toBeNull();
              continue;
            }
            native.innerHTML = markup;
            expect(dump(ours), name).toBe(dump(native));
            for (const n of Array.from(ours.querySelectorAll('*'))) expect(n.ownerDocument).toBe(doc);
          }
        });
      });
    }
  }

  it('replaces existing children, treats null as empty and stringifies other values', () => {
    const doc = docFor(false);
    withGlobalDomParser(() => {
      const el = doc.createElement('div');
      el.append(doc.createElement('span'), 'text');
      html.setInnerHtml(el, '<b>new</b>');
      expect(el.innerHTML).toBe('<b>new</b>');
      html.setInnerHtml(el, null);
      expect(el.childNodes.length).toBe(0);
      html.setInnerHtml(el, { toString: () => '<i>x</i>' });
      expect(el.innerHTML).toBe('<i>x</i>');
      html.setInnerHtml(el, undefined);
      expect(el.innerHTML).toBe('undefined');
    });
  });

  it('uses the document window\'s DOMParser when there is one', () => {
    const { window } = new JSDOM('<!DOCTYPE html><body></body>');
    const el = window.document.createElement('div');
    html.setInnerHtml(el, '<p>a</p>');
    expect(el.innerHTML).toBe('<p>a</p>');
  });

  it('documented difference: comments after a literal </body> are dropped', () => {
    const doc = docFor(false);
    withGlobalDomParser(() => {
      const el = doc.createElement('div');
      html.setInnerHtml(el, '<p>a</p></body><!--c--><p>b</p>');
      expect(el.innerHTML).toBe('<p>a</p><p>b</p>');
    });
  });

  it('refuses contexts it would parse differently', () => {
    const doc = docFor(false);
    withGlobalDomParser(() => {
      for (const tag of ['table', 'tr', 'td', 'select', 'template', 'textarea', 'style', 'script', 'title', 'noscript', 'html', 'head']) {
        expect(() => html.setInnerHtml(doc.createElement(tag), '<p>x</p>'), tag).toThrow(/NotSupported|unsupported context/);
      }
      expect(() => html.setInnerHtml(doc.createElementNS('http://www.w3.org/2000/svg', 'g'), 'x')).toThrow(/unsupported context/);
      const form = doc.createElement('form');
      const inner = form.appendChild(doc.createElement('div'));
      expect(() => html.setInnerHtml(inner, '<form></form>')).toThrow(/inside a form/);
      const xml = doc.implementation.createDocument('http://www.w3.org/1999/xhtml', 'template', null);
      expect(() => html.setInnerHtml(xml.documentElement!, '<p>x</p>')).toThrow(/not an HTML document/);
    });
  });
});

describe('build rewrite of the bundled libraries', () => {
  const read = (path: string) => readFileSync(join(ROOT, 'node_modules', path), 'utf8');

  it('finds exactly the reviewed sites in the installed versions and leaves no innerHTML assignment', () => {
    for (const [path, expected] of Object.entries(EXPECTED_SITES)) {
      const out = rewriteInnerHtml(read(path), path);
      expect(out.sites, path).toBe(expected);
      expect(out.code, path).not.toMatch(/\.innerHTML\s*=[^=]/);
      expect(out.code).toContain(JSON.stringify(HELPER_PATH));
    }
    expect(existsSync(HELPER_PATH)).toBe(true);
  });

  it('matches only the two packages', () => {
    expect(packagePath('/x/node_modules/dompurify/dist/purify.es.mjs')).toBe('dompurify/dist/purify.es.mjs');
    expect(packagePath('C:\\x\\node_modules\\@mozilla\\readability\\Readability.js?commonjs')).toBe('@mozilla/readability/Readability.js');
    expect(packagePath('/x/node_modules/turndown/lib/turndown.es.js')).toBeNull();
    expect(packagePath('/x/src/core/extract.ts')).toBeNull();
  });

  it('rejects assignments whose shape was not reviewed', () => {
    expect(() => rewriteInnerHtml('a.innerHTML += b;', 'x.js')).toThrow(/"\+="/);
    expect(() => rewriteInnerHtml('f(a.innerHTML = b);', 'x.js')).toThrow(/value is used/);
    const ok = rewriteInnerHtml('"use strict";\na["innerHTML"] = b;', 'x.js');
    expect(ok.sites).toBe(1);
    expect(ok.code.startsWith('"use strict";')).toBe(true);
  });

  it('our DOMPurify configuration keeps the HTML namespace and text/html parser', () => {
    expect(SANITIZE_CONFIG).not.toHaveProperty('NAMESPACE');
    expect(SANITIZE_CONFIG).not.toHaveProperty('PARSER_MEDIA_TYPE');
  });

  describe('behaviour is unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qingdu-safe-html-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** Readability.js, original or rewritten, loaded as the CommonJS module it is. */
    function loadReadability(rewrite: boolean): new (doc: Document, opts?: object) => { parse(): { content: string; textContent: string } | null } {
      const path = '@mozilla/readability/Readability.js';
      const code = rewrite ? rewriteInnerHtml(read(path), path).code : read(path);
      const mod = { exports: {} as unknown };
      const counting = { setInnerHtml: (el: Element, markup: unknown) => { calls.push(el.localName); html.setInnerHtml(el, markup); } };
      const req = (id: string) => (id === HELPER_PATH ? counting : nodeRequire(id));
      new Function('module', 'exports', 'require', code)(mod, mod.exports, req);
      return mod.exports as ReturnType<typeof loadReadability>;
    }

    const inputs = [
      ...fixtureBodies().map(({ name }) => ({ name, source: readFileSync(join(FIXTURES, name, 'source.html'), 'utf8') })),
      // Short pages make Readability retry, restoring its page cache between attempts.
      { name: 'retries', source: '<!DOCTYPE html><body><div class="sidebar"><p>Short text.</p></div><div id="main"><p>Another short one, with <b>bold</b>.</p><!--c--></div></body>' },
      // Lazy images with a <noscript> fallback are unwrapped through a temporary div.
      {
        name: 'noscript images',
        source: `<!DOCTYPE html><body><article><h1>T</h1>${'<p>Paragraph text long enough to be content, with commas, and more words here.</p>'.repeat(8)}
          <figure><img data-lazy="1" class="lazy"><noscript><img src="https://e.test/real.jpg" alt="real" srcset="https://e.test/r2.jpg 2x"></noscript></figure>
          <figure><div><img src="https://e.test/placeholder.gif" data-x="keep.png"></div><noscript><img src="https://e.test/full.jpg"></noscript></figure></article></body>`,
      },
    ];

    const calls: string[] = [];

    it(`Readability gives the same article on ${inputs.length} pages`, () => {
      const Original = loadReadability(false);
      const Rewritten = loadReadability(true);
      const g = globalThis as { DOMParser?: unknown };
      const saved = g.DOMParser;
      try {
        for (const { name, source } of inputs) {
          const { window } = new JSDOM(source, { url: 'https://www.ftchinese.com/story/1', virtualConsole: new VirtualConsole() });
          g.DOMParser = window.DOMParser;
          const a = new Original(window.document.cloneNode(true) as Document, { charThreshold: 500 }).parse();
          const b = new Rewritten(window.document.cloneNode(true) as Document, { charThreshold: 500 }).parse();
          expect(b?.content, name).toBe(a?.content);
          expect(b?.textContent, name).toBe(a?.textContent);
        }
        // Both rewritten sites ran: the page-cache restore (body) and the noscript unwrap (div).
        expect(calls).toContain('body');
        expect(calls).toContain('div');
      } finally {
        g.DOMParser = saved;
      }
    });

    it('DOMPurify: unchanged output, including when DOMParser fails and its fallback runs', async () => {
      const path = 'dompurify/dist/purify.es.mjs';
      const load = async (rewrite: boolean, tag: string) => {
        const file = join(dir, `purify-${tag}.mjs`);
        const code = rewrite ? rewriteInnerHtml(read(path), path).code : read(path);
        writeFileSync(file, code.replace(/^\/\/# sourceMappingURL=.*$/m, ''));
        return ((await import(/* @vite-ignore */ pathToFileURL(file).href)) as { default: (w: unknown) => { sanitize(s: string, c?: object): unknown } }).default;
      };
      const original = await load(false, 'original');
      const rewritten = await load(true, 'rewritten');
      const samples = ['<p>hi <b>there</b></p>', '  <img src=x onerror=alert(1)>', TRICKY.join('\n'), ''];
      for (const broken of [false, true]) {
        const win = new JSDOM('<!DOCTYPE html><body></body>').window;
        if (broken) {
          (win as unknown as { DOMParser: unknown }).DOMParser = class {
            parseFromString(): never { throw new Error('no parser'); }
          };
        }
        for (const sample of samples) {
          for (const config of [{}, { ...SANITIZE_CONFIG }, { RETURN_DOM: true }, { WHOLE_DOCUMENT: true }]) {
            const a = original(win).sanitize(sample, config);
            const b = rewritten(win).sanitize(sample, config);
            const show = (v: unknown) => (v && typeof v === 'object' ? (v as Element).outerHTML : v);
            expect(show(b), `${broken ? 'fallback' : 'DOMParser'} ${JSON.stringify(config)}`).toBe(show(a));
            if (broken) expect(show(a)).toSatisfy((v: unknown) => v === '' || v === null || v === undefined);
          }
        }
      }
    });
  });
});
