/**
 * The typed message map shared by every context (`area.verb` names).
 *
 * Content script ← popup/background: `content.*`
 * Background ← popup / extension pages: `library.*`, `save.*`
 *
 * Handlers return promises; payloads are plain data. Every receiver checks
 * the sender with the guards below before it looks at the payload.
 */
import type { Article, ExtractResult } from '../core/types';
import type { LibraryEntry, ReadState } from '../storage/types';
import type { EntryPatch } from '../storage/library';
import browser, { type Runtime } from './browser';

/** Result the popup shows after a save, with a reason users can act on when it failed. */
export type SaveOutcome =
  /** `imagesOverBudget`: how many of `missingImages` were left because the article's images reached their limit. */
  | { ok: true; entry: LibraryEntry; created: boolean; missingImages: string[]; imagesOverBudget: number }
  | { ok: false; error: string; message: string };

export interface ProtocolMap {
  /** Content script: extract the article from its page (on demand only). */
  'content.extract': { req: Record<string, never>; res: ExtractResult };
  /** Offscreen document (Chrome): extract a page the background fetched. */
  'offscreen.extract': { req: { html: string; url: string }; res: ExtractResult };
  /** Offscreen document (Chrome): sanitize the body of an article the background is about to save. */
  'offscreen.sanitize': { req: { html: string }; res: string };
  /** Background: save an article extracted in a tab. */
  'library.save': { req: { article: Article; tabId?: number }; res: SaveOutcome };
  /** Background: look up whether a URL is already saved. */
  'library.lookup': { req: { url: string }; res: LibraryEntry | null };
  /** Background: every tag in the library, the most used first (the popup offers them). */
  'library.tags': { req: Record<string, never>; res: string[] };
  'library.update': {
    req: { id: string; patch: EntryPatch };
    res: LibraryEntry | null;
  };
  /** Many articles' patches in one write (the Undo of a change of read state). */
  'library.updateMany': { req: { patches: { id: string; patch: EntryPatch }[] }; res: LibraryEntry[] | null };
  /** Library page: the ticked articles marked read, unread or archived at once. */
  'library.setState': { req: { ids: string[]; state: ReadState }; res: LibraryEntry[] | null };
  'library.delete': { req: { id: string }; res: { ok: boolean; undoToken?: string } };
  /** Library page: the ticked articles deleted at once, undone together. */
  'library.deleteMany': { req: { ids: string[] }; res: { ok: boolean; count: number; undoToken?: string } };
  /** `error` and `message` when the write failed: the deleted copy is still held under the same token. */
  'library.undoDelete': { req: { undoToken: string }; res: { ok: boolean; error?: string; message?: string } };
  'library.retryImages': { req: { id: string }; res: SaveOutcome };
  /** Background: fetch and save the text of a link-only entry (an imported bookmark). */
  'library.fetchLink': { req: { id: string }; res: SaveOutcome };
}

export type MessageName = keyof ProtocolMap;
export type Request<N extends MessageName> = ProtocolMap[N]['req'];
export type Response<N extends MessageName> = ProtocolMap[N]['res'];
export interface Envelope<N extends MessageName = MessageName> {
  type: N;
  data: Request<N>;
}

/** Send to the background (from popup or an extension page). */
export function sendMessage<N extends MessageName>(type: N, data: Request<N>): Promise<Response<N>> {
  return browser.runtime.sendMessage({ type, data } satisfies Envelope<N>) as Promise<Response<N>>;
}

/** Send to a tab's content script. */
export function sendToTab<N extends MessageName>(tabId: number, type: N, data: Request<N>): Promise<Response<N>> {
  return browser.tabs.sendMessage(tabId, { type, data } satisfies Envelope<N>) as Promise<Response<N>>;
}

export function isEnvelope(value: unknown): value is Envelope {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string' &&
    typeof (value as { data?: unknown }).data === 'object' &&
    (value as { data?: unknown }).data !== null
  );
}

/** True when the message comes from one of this extension's own pages (popup, library, reader). */
export function isFromExtensionPage(sender: Runtime.MessageSender): boolean {
  if (sender.id !== browser.runtime.id) return false;
  const origin = browser.runtime.getURL('');
  // Content scripts share our id but run in web pages: their sender.url is the page's.
  return typeof sender.url === 'string' && sender.url.startsWith(origin);
}

/** True when the message comes from this extension itself (pages or background), never from a web page. */
export function isFromOwnExtension(sender: Runtime.MessageSender): boolean {
  return sender.id === browser.runtime.id && (!sender.tab || isFromExtensionPage(sender));
}
