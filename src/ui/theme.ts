/**
 * Qingdu's pages share the reader's theme choice (light, dark, sepia or the
 * system's), and follow it when it changes in another tab.
 */
import browser from '../platform/browser';
import { PREFS_KEY, loadPrefs, normalizePrefs } from './prefs';

export function followThemePref(root: HTMLElement = document.documentElement): void {
  void loadPrefs()
    .then((prefs) => (root.dataset.theme = prefs.theme))
    .catch(() => undefined);
  browser.storage.onChanged.addListener((changes, area) => {
    const change = changes[PREFS_KEY];
    if (area === 'local' && change) root.dataset.theme = normalizePrefs(change.newValue).theme;
  });
}
