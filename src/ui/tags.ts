/** Tags typed by the user (library and popup): split on ASCII or Chinese commas and 、, trimmed, de-duplicated. */
export function parseTags(input: string): string[] {
  const out: string[] = [];
  for (const part of input.split(/[,，、;；\n]+/)) {
    const tag = part.trim();
    if (tag && !out.includes(tag)) out.push(tag);
  }
  return out;
}
