/** Small DOM helpers shared by the core. They use only the standard `Document`/`Element` API. */

const BLOCK = new Set(['P', 'DIV', 'LI', 'BR', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'BLOCKQUOTE', 'SECTION', 'TR', 'UL', 'OL', 'FIGURE', 'TABLE']);

/** Text of `el` with block boundaries and `<br>` as line breaks; lines trimmed, empty ones dropped. */
export function textLines(el: Node): string[] {
  const out: string[] = [''];
  const walk = (n: Node): void => {
    if (n.nodeType === 3) out[out.length - 1] += n.nodeValue ?? '';
    else if (n.nodeType === 1) {
      const block = BLOCK.has((n as Element).tagName);
      if (block) out.push('');
      n.childNodes.forEach(walk);
      if (block) out.push('');
    }
  };
  walk(el);
  return out.map((l) => l.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

/** Whitespace-normalised single-line text. */
export function oneLine(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

/** True when `el` holds no text and no media. */
export function isEmptyElement(el: Element): boolean {
  return oneLine(el.textContent) === '' && !el.querySelector('img, picture, video, audio, table, iframe, svg');
}

/** `querySelectorAll` that never throws (a selector unsupported by this DOM yields nothing). */
export function queryAll(root: ParentNode, selector: string): Element[] {
  try {
    return Array.from(root.querySelectorAll(selector));
  } catch {
    return [];
  }
}

export function queryOne(root: ParentNode, selector: string): Element | null {
  try {
    return root.querySelector(selector);
  } catch {
    return null;
  }
}

/** Moves all children of `from` to the end of `to`. */
export function moveChildren(from: Element, to: Element): void {
  while (from.firstChild) to.appendChild(from.firstChild);
}

/** Removes `<br>`, `<hr>`, whitespace and empty elements from the end of `root`, depth first. */
export function trimTrailing(root: Element): void {
  for (;;) {
    const last = root.lastChild;
    if (!last) return;
    if (last.nodeType === 3 && oneLine(last.nodeValue) === '') last.remove();
    else if (last.nodeType === 8) last.remove();
    else if (last.nodeType === 1 && ['BR', 'HR'].includes((last as Element).tagName)) last.remove();
    else if (last.nodeType === 1 && isEmptyElement(last as Element)) last.remove();
    else if (last.nodeType === 1) {
      const before = last.childNodes.length;
      trimTrailing(last as Element);
      if (last.childNodes.length === before) return;
    } else return;
  }
}
