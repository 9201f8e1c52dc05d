import browser from '../platform/browser';
import type { SaveOutcome } from '../platform/messages';

/**
 * Saves started without the popup (shortcut, context menu) report through the
 * toolbar badge and its tooltip: no `notifications` permission needed.
 */
export async function notify(outcome: SaveOutcome): Promise<void> {
  const text = outcome.ok ? '✓' : '!';
  const title = outcome.ok
    ? `${browser.i18n.getMessage('saved')}: ${outcome.entry.title}`
    : `${browser.i18n.getMessage('saveFailed')} ${outcome.message}`;
  await browser.action.setBadgeBackgroundColor({ color: outcome.ok ? '#2e7d32' : '#b3261e' });
  await browser.action.setBadgeText({ text });
  await browser.action.setTitle({ title });
  setTimeout(() => {
    void browser.action.setBadgeText({ text: '' });
    void browser.action.setTitle({ title: browser.i18n.getMessage('actionTitle') });
  }, 4000);
}
