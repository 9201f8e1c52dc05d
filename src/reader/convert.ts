/**
 * 简⇄繁: converts the article's text nodes with OpenCC, and back. The
 * dictionaries are large (Simplified → Traditional is ~1 MB), so they load
 * only when the reader first asks, as their own chunks.
 */
import type { Script } from '../ui/format';

export type Convert = (text: string) => string;

/** The converter to the other script: Simplified → Traditional (Taiwan) or Traditional → Simplified. */
export async function loadConverter(from: Script): Promise<Convert> {
  if (from === 'hant') {
    const { Converter } = await import('opencc-js/t2cn');
    return Converter({ from: 'tw', to: 'cn' });
  }
  const { Converter } = await import('opencc-js/cn2t');
  return Converter({ from: 'cn', to: 'tw' });
}

/**
 * Simplified → each Traditional spelling in use: OpenCC's standard forms (爲,
 * 裏, 峯, 羣衆: what FT's big5 edition prints), Taiwan's (為, 裡, 峰, 群眾)
 * and Hong Kong's. Search tries them all.
 */
export async function loadTraditionalSpellings(): Promise<Convert[]> {
  const { Converter } = await import('opencc-js/cn2t');
  return (['t', 'tw', 'hk'] as const).map((to) => Converter({ from: 'cn', to }));
}

/**
 * Text-node conversion of one element that can be undone exactly: only
 * `nodeValue`s change (markup, links and images stay as they are), and the
 * originals are kept so switching back restores the stored text, not a
 * round-tripped approximation.
 */
export class TextConversion {
  private originals = new Map<Text, string>();
  private on = false;

  constructor(private readonly root: Element) {}

  /** True between `apply` and `restore`. */
  get active(): boolean {
    return this.on;
  }

  apply(convert: Convert): void {
    if (this.on) return;
    this.on = true;
    const doc = this.root.ownerDocument;
    const walker = doc.createTreeWalker(this.root, 4 /* NodeFilter.SHOW_TEXT */);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node as Text;
      const value = text.nodeValue ?? '';
      if (!/[\u3400-\u9fff\uf900-\ufaff]/.test(value)) continue;
      const converted = convert(value);
      if (converted === value) continue;
      this.originals.set(text, value);
      text.nodeValue = converted;
    }
  }

  restore(): void {
    for (const [node, value] of this.originals) node.nodeValue = value;
    this.originals.clear();
    this.on = false;
  }
}
