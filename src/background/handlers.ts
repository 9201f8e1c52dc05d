/**
 * One handler per `library.*` message. The router has already checked that the
 * sender is one of our own pages; each handler checks its payload's shape.
 */
import type { MessageName, ProtocolMap } from '../platform/messages';
import type { RemovedArticle } from '../storage/records';
import type { ReadState } from '../storage/types';
import { announceChange } from '../storage/changes';
import { describeError, getLibrary } from './library';
import { fetchLinkEntry, saveArticle } from './saves';
import { fetchImages } from './images';
import { ARTICLE_IMAGE_BUDGET } from '../core/article-images';
import { takeUndo, keepForUndo } from './undo';

type Handler<N extends MessageName> = (data: ProtocolMap[N]['req']) => Promise<ProtocolMap[N]['res']>;
type HandlerTable = { [N in MessageName]?: Handler<N> };

const STATES: ReadState[] = ['unread', 'read', 'archived'];
/** More ids than any library holds in practice; a longer list is refused rather than read. */
const MAX_IDS = 100_000;
const isString = (v: unknown): v is string => typeof v === 'string';

export const HANDLERS: HandlerTable = {
  'library.save': ({ article }) => saveArticle(article),

  'library.lookup': async ({ url }) => {
    if (!isString(url)) return null;
    const library = await getLibrary();
    // The popup only needs to know whether, and how, the page is saved: the index row, never the body.
    return (await library.getEntry(library.idForUrl(url))) ?? null;
  },

  'library.update': async ({ id, patch }) => {
    if (!isString(id) || typeof patch !== 'object' || patch === null) return null;
    const clean: Parameters<Awaited<ReturnType<typeof getLibrary>>['update']>[1] = {};
    if (patch.state !== undefined && STATES.includes(patch.state)) clean.state = patch.state;
    if (Array.isArray(patch.tags)) clean.tags = [...new Set(patch.tags.filter(isString).map((t) => t.trim()).filter(Boolean))];
    if (typeof patch.progress === 'number' && patch.progress >= 0 && patch.progress <= 1) clean.progress = patch.progress;
    if (patch.readAt === null) clean.readAt = null;
    else if (isString(patch.readAt) && !Number.isNaN(Date.parse(patch.readAt))) clean.readAt = new Date(patch.readAt).toISOString();
    const library = await getLibrary();
    const updated = (await library.update(id, clean)) ?? null;
    announceChange([id]);
    return updated;
  },

  'library.setState': async ({ ids, state }) => {
    if (!Array.isArray(ids) || ids.length > MAX_IDS || !ids.every(isString) || !STATES.includes(state)) return null;
    const library = await getLibrary();
    const changed = await library.setState(ids, state);
    announceChange(changed.map((e) => e.id));
    return changed;
  },

  'library.fetchLink': async ({ id }) => (isString(id) ? fetchLinkEntry(id) : { ok: false, error: 'invalid', message: 'No article id.' }),

  'library.delete': async ({ id }) => {
    if (!isString(id)) return { ok: false };
    const library = await getLibrary();
    const removed = await library.remove(id);
    if (!removed) return { ok: false };
    announceChange([id]);
    return { ok: true, undoToken: keepForUndo(removed) };
  },

  'library.deleteMany': async ({ ids }) => {
    if (!Array.isArray(ids) || ids.length > MAX_IDS || !ids.every(isString)) return { ok: false, count: 0 };
    const library = await getLibrary();
    const removed = await library.removeMany(ids);
    announceChange(removed.map((r) => r.id));
    return { ok: true, count: removed.length, ...(removed.length ? { undoToken: keepForUndo(removed) } : {}) };
  },

  'library.undoDelete': async ({ undoToken }) => {
    const removed = isString(undoToken) ? takeUndo<RemovedArticle | RemovedArticle[]>(undoToken) : undefined;
    if (!removed) return { ok: false };
    try {
      const library = await getLibrary();
      await library.restoreMany(Array.isArray(removed) ? removed : [removed]);
    } catch (error) {
      // A failed write (a full disk) restored nothing: the copy is held again, under the same token, for another try.
      keepForUndo(removed, undoToken);
      announceChange([]);
      return { ok: false, ...describeError(error) };
    }
    announceChange([]);
    return { ok: true };
  },

  'library.retryImages': async ({ id }) => {
    if (!isString(id)) return { ok: false, error: 'invalid', message: 'No article id.' };
    try {
      const library = await getLibrary();
      const entry = await library.getEntry(id);
      if (!entry) return { ok: false, error: 'missing', message: 'The article is no longer in the library.' };
      // What the article already stores counts against its images' budget.
      const { images, missing, overBudget } = await fetchImages(entry, entry.missingImages, ARTICLE_IMAGE_BUDGET - entry.imageBytes);
      const updated = (await library.putImages(id, images)) ?? entry;
      announceChange([id]);
      return { ok: true, entry: updated, created: false, missingImages: missing, imagesOverBudget: overBudget };
    } catch (error) {
      return { ok: false, ...describeError(error) };
    }
  },
};
