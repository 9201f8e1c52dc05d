/**
 * The one place in the extension that turns an HTML string into nodes of an
 * existing element, standing in for `element.innerHTML = markup`.
 *
 * Our own code never assigns `innerHTML`. Two bundled libraries do, a few
 * times each (Readability restoring its page cache and unwrapping `<noscript>`
 * images; DOMPurify's fallback when DOMParser fails). The build rewrites those
 * assignments, and only those, into calls to `setInnerHtml` (see
 * src/build/safe-html-plugin.ts), so every string-to-DOM step in the shipped
 * code is either DOMParser or this reviewed function.
 *
 * It parses with DOMParser, which never runs scripts or loads anything, and
 * moves the parsed nodes into the element. For the contexts it accepts it
 * builds the same tree as the `innerHTML` setter in a document without a
 * browsing context (documents from DOMParser or `cloneNode`, which is where
 * both libraries run here): HTML parsing "in body" with scripting disabled,
 * in the target document's quirks mode. Tested node-for-node against
 * `innerHTML` in tests/unit/policy/html.test.ts.
 *
 * Known differences:
 * - A comment that follows a literal `</body>` or `</html>` end tag in the
 *   markup ends up outside the parsed body and is dropped, where `innerHTML`
 *   would keep it.
 * - `<noscript>` content is always parsed as markup (scripting disabled).
 *   Chromium's `innerHTML` does the same in these documents; Firefox's treats
 *   it as text. At the rewritten sites this cannot matter in practice:
 *   Readability removes every `<noscript>` before it caches the page, and the
 *   noscript it unwraps would need another `<noscript>` nested inside. Both
 *   browsers now get Chromium's result.
 *
 * Other contexts (XML documents, raw-text, table, select, template and
 * foreign elements, elements inside a form) parse differently; they throw a
 * NotSupportedError DOMException rather than build a different tree.
 */

const HTML_NS = 'http://www.w3.org/1999/xhtml';

/**
 * Elements whose `innerHTML` is parsed in another tokenizer state or
 * insertion mode than "in body" (HTML fragment parsing algorithm, steps on the
 * context element and "reset the insertion mode appropriately").
 */
const UNSUPPORTED_CONTEXTS = new Set([
  'title', 'textarea', 'style', 'xmp', 'iframe', 'noembed', 'noframes', 'script', 'noscript', 'plaintext',
  'select', 'td', 'th', 'tr', 'tbody', 'thead', 'tfoot', 'caption', 'colgroup', 'table', 'template',
  'head', 'html', 'frameset',
]);

interface DOMParserLike {
  parseFromString(markup: string, type: 'text/html'): Document;
}

function unsupported(reason: string): DOMException {
  return new DOMException(`setInnerHtml: ${reason}`, 'NotSupportedError');
}

/** `element.innerHTML = markup` for an element of an HTML document in body context (see above). */
export function setInnerHtml(element: Element, markup: unknown): void {
  const doc = element.ownerDocument;
  if (doc.contentType !== 'text/html') throw unsupported(`not an HTML document (${doc.contentType})`);
  if (element.namespaceURI !== HTML_NS || UNSUPPORTED_CONTEXTS.has(element.localName)) {
    throw unsupported(`unsupported context element <${element.localName}>`);
  }
  if (element.closest('form')) throw unsupported('context element inside a form');

  const Parser = (doc.defaultView as { DOMParser?: new () => DOMParserLike } | null)?.DOMParser
    ?? (globalThis as { DOMParser?: new () => DOMParserLike }).DOMParser;
  if (!Parser) throw unsupported('no DOMParser in this environment');

  // The innerHTML setter treats null as the empty string and stringifies anything else (e.g. TrustedHTML).
  const text = markup === null ? '' : String(markup);
  // An explicit <body> start tag puts the parser "in body" before the first byte of the markup, as
  // fragment parsing with a body-like context does; leading <style>/<meta>/<title> then stay in the body.
  const prefix = doc.compatMode === 'BackCompat' ? '<body>' : '<!DOCTYPE html><body>';
  const parsed = new Parser().parseFromString(prefix + text, 'text/html');
  const fragment = doc.createDocumentFragment();
  const body = parsed.body;
  // One node at a time: spreading a huge child list into a call could exceed the argument limit.
  while (body.firstChild) fragment.appendChild(body.firstChild);
  element.replaceChildren(fragment);
}
