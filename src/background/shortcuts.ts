/**
 * Keyboard shortcut and context menus: save without opening the popup.
 * Both run on a user gesture, so `activeTab` grants the current tab.
 */
import browser from '../platform/browser';
import { saveFromTab, saveLink } from './saves';
import { notify } from './notify';

const MENU_PAGE = 'qingdu-save-page';
const MENU_LINK = 'qingdu-save-link';

export function registerShortcuts(): void {
  browser.runtime.onInstalled.addListener(() => {
    void browser.contextMenus.removeAll().then(() => {
      browser.contextMenus.create({ id: MENU_PAGE, title: browser.i18n.getMessage('contextSavePage'), contexts: ['page'] });
      browser.contextMenus.create({ id: MENU_LINK, title: browser.i18n.getMessage('contextSaveLink'), contexts: ['link'] });
    });
  });

  browser.contextMenus.onClicked.addListener((info, tab) => {
    const work =
      info.menuItemId === MENU_LINK && info.linkUrl
        ? saveLink(info.linkUrl)
        : tab?.id !== undefined
          ? saveFromTab(tab.id)
          : null;
    if (work) void work.then(notify);
  });

  browser.commands.onCommand.addListener((command, tab) => {
    if (command !== 'save-page') return;
    const tabId = tab?.id;
    const work = tabId !== undefined
      ? saveFromTab(tabId)
      : browser.tabs.query({ active: true, currentWindow: true }).then(([t]) => saveFromTab(t?.id ?? -1));
    void work.then(notify);
  });
}
