/** Keyboard commands on Qingdu's pages: where a key is text, not a command. */

/** Keys typed there are text (a tick box is not: j, k and x still move and select from it). */
export function isTyping(target: EventTarget | null): boolean {
  if (target instanceof HTMLInputElement) return target.type !== 'checkbox';
  return target instanceof HTMLElement && (target.isContentEditable || /^(TEXTAREA|SELECT)$/.test(target.tagName));
}

/** A modal dialog has the keys: a page's commands must not act behind it. */
export const dialogOpen = (): boolean => document.querySelector('dialog[open]') !== null;

/**
 * Calls `changed` as the text of `field` changes, but not while an input method composes in it: the field then holds
 * the pinyin typed so far ("zhong"), not the characters it will become. Once they are chosen, it is called.
 */
export function onTextChange(field: HTMLInputElement, changed: () => void): void {
  field.addEventListener('input', (event) => {
    if (!(event as InputEvent).isComposing) changed();
  });
  field.addEventListener('compositionend', changed);
}
