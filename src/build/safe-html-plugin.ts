/**
 * Build step: route the bundled libraries' `innerHTML` assignments through
 * one reviewed helper.
 *
 * Why: addons.mozilla.org's linter (`web-ext lint`, eslint-plugin-no-unsanitized)
 * flags every assignment of a non-literal to `innerHTML`, and its list of known
 * libraries has neither DOMPurify 3 nor Readability, so their few assignments
 * would be warnings in every Firefox build. Rewriting exactly those
 * assignments into `setInnerHtml(element, markup)` from src/platform/html.ts
 * keeps the lint clean without hiding anything: the string-to-DOM step still
 * happens, in one small function that parses with DOMParser and is tested
 * against `innerHTML` itself. Chrome and Firefox builds get the same code.
 *
 * The sites, and why the rewrite keeps their behaviour (re-check on updates):
 * - Readability.js `_grabArticle`: `page.innerHTML = pageCacheHtml` restores
 *   the body between attempts. `page` is the body of the document being read,
 *   always a clone or a DOMParser document here; the markup is that body's own
 *   serialization.
 * - Readability.js `_unwrapNoscriptImages`: `tmp.innerHTML = noscript.innerHTML`
 *   into a detached `<div>` of the same document.
 *   Both are body-like contexts of an HTML document without a browsing
 *   context, which the helper parses as `innerHTML` does (differences, none
 *   reachable here in practice, are listed in src/platform/html.ts).
 * - DOMPurify `_initDocument`: `doc.documentElement.innerHTML = ...` runs only
 *   when `new DOMParser().parseFromString` threw or gave no document element.
 *   `doc` is then an XML document from `createDocument(NAMESPACE, "template")`.
 *   With our configuration (HTML namespace; no NAMESPACE / PARSER_MEDIA_TYPE
 *   options) the caller returns no body either way (original: the markup went
 *   into the template's contents or failed XML well-formedness), so sanitize()
 *   returns '' before and after; the helper throws NotSupportedError for XML
 *   documents, which DOMPurify's own try/catch absorbs.
 *
 * The rewrite works on the parsed AST, only in modules of those two packages,
 * and fails the build if the number of assignments in a file differs from
 * the table below, so a library update that moves, adds or removes one stops
 * the build until someone reviews the new site.
 */
import { fileURLToPath } from 'node:url';
import { parseSync, type Plugin } from 'vite';

/** Reviewed `X.innerHTML = Y` statements per file (package-relative path, forward slashes). */
export const EXPECTED_SITES: Readonly<Record<string, number>> = {
  'dompurify/dist/purify.es.mjs': 1,
  '@mozilla/readability/Readability.js': 2,
};

/** Packages whose modules are scanned. */
const PACKAGES = ['dompurify', '@mozilla/readability'];

export const HELPER_PATH = fileURLToPath(new URL('../platform/html.ts', import.meta.url));
const LOCAL_NAME = '__qingduSetInnerHtml';

interface AstNode {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** Depth-first walk calling `visit(node, parent)` for every ESTree node. */
function walk(node: AstNode, parent: AstNode | null, visit: (node: AstNode, parent: AstNode | null) => void): void {
  visit(node, parent);
  for (const key of Object.keys(node)) {
    if (key === 'type' || key === 'start' || key === 'end' || key === 'range' || key === 'loc') continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const child of value) if (isNode(child)) walk(child, node, visit);
    } else if (isNode(value)) {
      walk(value, node, visit);
    }
  }
}

function isInnerHtmlMember(node: unknown): node is AstNode & { object: AstNode; property: AstNode } {
  if (!isNode(node) || node.type !== 'MemberExpression') return false;
  const property = node.property as AstNode & { name?: string; value?: unknown };
  return node.computed
    ? property.type === 'Literal' && property.value === 'innerHTML'
    : property.type === 'Identifier' && property.name === 'innerHTML';
}

function countAssignments(program: AstNode): number {
  let n = 0;
  walk(program, null, (node) => {
    if (node.type === 'AssignmentExpression' && isInnerHtmlMember(node.left)) n++;
  });
  return n;
}

/** Package-relative path of a module id inside one of PACKAGES, else null. */
export function packagePath(id: string): string | null {
  const path = id.split('?')[0]!.replace(/\\/g, '/');
  const at = path.lastIndexOf('/node_modules/');
  if (at < 0) return null;
  const rest = path.slice(at + '/node_modules/'.length);
  return PACKAGES.some((p) => rest.startsWith(`${p}/`)) ? rest : null;
}

export interface RewriteResult {
  code: string;
  sites: number;
}

/**
 * Rewrites every `X.innerHTML = Y;` statement in `code` into
 * `setInnerHtml(X, Y);` and imports the helper. Throws on any other use of an
 * `innerHTML` assignment (compound operators, value used), which would need review.
 */
export function rewriteInnerHtml(code: string, filename: string, helperPath = HELPER_PATH): RewriteResult {
  const parsed = parseSync(filename, code, { lang: 'js', sourceType: 'unambiguous' });
  if (parsed.errors.length) throw new Error(`safe-html: cannot parse ${filename}: ${parsed.errors[0]!.message}`);
  const program = parsed.program as unknown as AstNode & { body: AstNode[] };

  const edits: { start: number; end: number; text: string }[] = [];
  let isModule = false;
  walk(program, null, (node, parent) => {
    if (/^(Import|Export\w*)Declaration$/.test(node.type)) isModule = true;
    if (node.type !== 'AssignmentExpression' || !isInnerHtmlMember(node.left)) return;
    const where = `${filename}:${code.slice(0, node.start).split('\n').length}`;
    if (node.operator !== '=') throw new Error(`safe-html: unexpected "${String(node.operator)}" on innerHTML at ${where}`);
    if (parent?.type !== 'ExpressionStatement') {
      throw new Error(`safe-html: innerHTML assignment whose value is used at ${where}; review it and extend the rewrite`);
    }
    const left = node.left;
    const right = node.right as AstNode;
    // Guard against offset mismatches (the parser must report UTF-16 offsets, as JS strings use).
    if (!code.slice(left.property.start, left.property.end).includes('innerHTML') || code[node.end - 1] !== code[right.end - 1]) {
      throw new Error(`safe-html: source offsets do not match the AST at ${where}`);
    }
    const target = code.slice(left.object.start, left.object.end);
    const value = code.slice(right.start, right.end);
    edits.push({ start: node.start, end: node.end, text: `${LOCAL_NAME}(${target}, ${value})` });
  });
  if (!edits.length) return { code, sites: 0 };

  // Helper binding after any directive prologue ("use strict" must stay first to keep its meaning).
  let insertAt = 0;
  for (const statement of program.body) {
    if (statement.type === 'ExpressionStatement' && typeof statement.directive === 'string') insertAt = statement.end;
    else break;
  }
  const spec = JSON.stringify(helperPath);
  const binding = isModule
    ? `import { setInnerHtml as ${LOCAL_NAME} } from ${spec};`
    : `var ${LOCAL_NAME} = require(${spec}).setInnerHtml;`;

  let out = code;
  for (const edit of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  out = `${out.slice(0, insertAt)}\n${binding}\n${out.slice(insertAt)}`;
  // The result must still parse and hold no innerHTML assignment.
  const check = parseSync(filename, out, { lang: 'js', sourceType: 'unambiguous' });
  if (check.errors.length) throw new Error(`safe-html: rewritten ${filename} does not parse: ${check.errors[0]!.message}`);
  if (countAssignments(check.program as unknown as AstNode)) throw new Error(`safe-html: rewritten ${filename} still assigns innerHTML`);
  return { code: out, sites: edits.length };
}

/** Vite/Rollup plugin applying `rewriteInnerHtml` to DOMPurify and Readability, checked against EXPECTED_SITES. */
export function safeHtml(): Plugin {
  return {
    name: 'qingdu:safe-html',
    enforce: 'pre',
    transform(code, id) {
      const path = packagePath(id);
      if (!path || !/\.[cm]?js$/.test(path)) return null;
      const expected = EXPECTED_SITES[path] ?? 0;
      // Cheap pre-check; the AST decides.
      if (!expected && !code.includes('innerHTML')) return null;
      const result = rewriteInnerHtml(code, path);
      if (result.sites !== expected) {
        this.error(
          `safe-html: ${path} has ${result.sites} innerHTML assignment(s), ${expected} reviewed. ` +
          'Review the library change against src/platform/html.ts, then update EXPECTED_SITES in src/build/safe-html-plugin.ts.',
        );
      }
      return result.sites ? { code: result.code, map: null } : null;
    },
  };
}
