/**
 * "?" opens a list of the page's keys. The library's hint line is hidden in
 * narrow windows and the reader has none, so this is where keys are found.
 */
import { dialogOpen, isTyping } from './keys';
import { t } from './i18n';

/**
 * Keys as shown (alternatives side by side), the message key saying what they do, and when the page offers them
 * (always when left out): the list is drawn as it opens.
 */
export type Shortcut = readonly [keys: readonly string[], what: string, offered?: () => boolean];

export function mountShortcutHelp(shortcuts: readonly Shortcut[]): void {
  const dialog = document.createElement('dialog');
  dialog.id = 'shortcuts';
  dialog.className = 'shortcuts';
  dialog.setAttribute('aria-labelledby', 'shortcuts-title');
  const title = document.createElement('h2');
  title.id = 'shortcuts-title';
  title.textContent = t('shortcutsTitle');
  const list = document.createElement('dl');
  const fill = () => {
    list.replaceChildren();
    for (const [keys, what, offered] of shortcuts) {
      if (offered && !offered()) continue;
      const dt = document.createElement('dt');
      keys.forEach((key, i) => {
        const kbd = document.createElement('kbd');
        kbd.textContent = key;
        dt.append(...(i > 0 ? [' '] : []), kbd);
      });
      const dd = document.createElement('dd');
      dd.textContent = t(what);
      list.append(dt, dd);
    }
  };
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = t('transferClose');
  close.addEventListener('click', () => dialog.close());
  const actions = document.createElement('div');
  actions.className = 'dialog-actions';
  actions.append(close);
  dialog.append(title, list, actions);
  // First in the page, not last: opened from nothing focused, it is where Tab goes on from once closed, and from the
  // end of the page that was out of the page (to the browser's toolbar) instead of to the page's first control.
  document.body.prepend(dialog);

  document.addEventListener('keydown', (event) => {
    if (event.key !== '?' || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target) || dialogOpen()) return;
    event.preventDefault();
    fill();
    dialog.showModal();
    close.focus();
  });
}
