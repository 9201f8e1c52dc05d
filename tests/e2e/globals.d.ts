// `chrome` as seen inside code that tests evaluate in the extension's service worker.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const chrome: any;
