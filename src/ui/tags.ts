/** What separates tags typed in one field: ASCII or Chinese commas, 、, semicolons, line breaks. */
export const TAG_SEPARATOR = /[,，、;；\n]+/;

/**
 * Tags typed by the user (library and popup): split at `TAG_SEPARATOR`, trimmed, each once. A tag of `known` (the
 * library's, most used first) is kept as it is, however it is spelled (an imported `#todo`, an `Ai` beside `AI`). Any
 * other is taken without the `#` the list writes before each (typed `#经济` is 经济), and one of `known` typed in
 * another case is that tag: `ai` is the library's `AI`, not a new tag beside it.
 */
export function parseTags(input: string, known: readonly string[] = []): string[] {
  const exact = new Set(known);
  const spelling = new Map<string, string>();
  for (const tag of known) if (!spelling.has(tag.toLowerCase())) spelling.set(tag.toLowerCase(), tag);
  const out: string[] = [];
  for (const part of input.split(TAG_SEPARATOR)) {
    const typed = part.trim();
    const bare = typed.replace(/^[#＃]+\s*/, '');
    const tag = exact.has(typed) ? typed : (spelling.get(bare.toLowerCase()) ?? bare);
    // A new tag typed twice in two cases is one.
    const repeated = exact.has(tag) ? out.includes(tag) : out.some((t) => t.toLowerCase() === tag.toLowerCase());
    if (tag && !repeated) out.push(tag);
  }
  return out;
}

/**
 * The order of tag and site names wherever they are listed (the popup's
 * suggestions, the library's filters): numbers by value, then Chinese names
 * by pinyin, then Latin ones (the Chinese collation puts Han before Latin).
 */
export const compareNames = new Intl.Collator('zh', { numeric: true }).compare;

/** Each tag `entries` carry, with how many carry it: the most used first, then in `compareNames` order. */
export function tagsByUse(entries: Iterable<{ readonly tags: readonly string[] }>): [tag: string, count: number][] {
  const counts = new Map<string, number>();
  for (const entry of entries) for (const tag of entry.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || compareNames(a[0], b[0]));
}

/** Fills `box` with a button for each of `tags` (`#tag`, with `title` as its tooltip) that calls `pick`; hidden when there is none. */
export function showTagChips(box: HTMLElement, tags: readonly string[], title: (tag: string) => string, pick: (tag: string) => void): void {
  box.replaceChildren(
    ...tags.map((tag) => {
      const chip = document.createElement('button');
      chip.type = 'button';
      chip.className = 'chip';
      chip.textContent = `#${tag}`;
      chip.title = title(tag);
      chip.addEventListener('click', () => pick(tag));
      return chip;
    }),
  );
  box.hidden = tags.length === 0;
}
