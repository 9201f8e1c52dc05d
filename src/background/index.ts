/**
 * Background service worker (Chrome) / event page (Firefox): it makes every
 * change the user asks for (only an import is written by the library page
 * itself). Every message is checked for its sender and shape before it is
 * routed to its handler.
 */
import browser, { type Runtime } from '../platform/browser';
import { isEnvelope, isFromExtensionPage, type Envelope } from '../platform/messages';
import { HANDLERS } from './handlers';
import { watchGrantedOrigins } from './image-retry';
import { registerShortcuts } from './shortcuts';

browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
  // Content scripts and web pages never talk to the library: only our own pages do.
  if (!isFromExtensionPage(sender) || !isEnvelope(message)) return undefined;
  // Own names only: `constructor` or `toString` is found on every object, and would be called with the page's data.
  if (!Object.hasOwn(HANDLERS, message.type)) return undefined;
  const handler = HANDLERS[message.type as Envelope['type']];
  return handler?.(message.data as never);
});

registerShortcuts();
watchGrantedOrigins();
