/**
 * The one import of webextension-polyfill: every extension context takes
 * `browser` from here, so Chrome and Firefox share promise-based APIs.
 */
import browser from 'webextension-polyfill';

export default browser;
export type { Runtime, Tabs } from 'webextension-polyfill';
