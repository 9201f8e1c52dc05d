/**
 * One handler per `library.*` message. The router has already checked that the
 * sender is one of our own pages; each handler checks its payload's shape.
 */
import type { MessageName, ProtocolMap } from '../platform/messages';
import type { RemovedArticle } from '../storage/records';
import type { ReadState } from '../storage/types';
import type { EntryPatch } from '../storage/library';
import { announceChange } from '../storage/changes';
import { describeError, getLibrary } from './library';
import { fetchLinkEntry, saveArticle } from './saves';
import { fetchImages } from './images';
import { ARTICLE_IMAGE_BUDGET } from '../core/article-images';
import { takeUndo, keepForUndo } from './undo';
import { tagsByUse } from '../ui/tags';

type Handler<N extends MessageName> = (data: ProtocolMap[N]['req']) => Promise<ProtocolMap[N]['res']>;
type HandlerTable = { [N in MessageName]?: Handler<N> };

const STATES: ReadState[] = ['unread', 'read', 'archived'];
/** More ids than any library holds in practice; a longer list is refused rather than read. */
const MAX_IDS = 100_000;
const isString = (v: unknown): v is string => typeof v === 'string';

/** The fields of a page's patch that are what they say, or null when it is no object. */
function cleanPatch(patch: unknown): EntryPatch | null {
  if (typeof patch !== 'object' || patch === null) return null;
  const { state, tags, progress, readAt } = patch as Record<string, unknown>;
  const clean: EntryPatch = {};
  if (STATES.includes(state as ReadState)) clean.state = state as ReadState;
  if (Array.isArray(tags)) clean.tags = [...new Set(tags.filter(isString).map((t) => t.trim()).filter(Boolean))];
  if (typeof progress === 'number' && progress >= 0 && progress <= 1) clean.progress = progress;
  if (readAt === null) clean.readAt = null;
  else if (isString(readAt) && !Number.isNaN(Date.parse(readAt))) clean.readAt = new Date(readAt).toISOString();
  return clean;
}

export const HANDLERS: HandlerTable = {
  'library.save': ({ article }) => saveArticle(article),

  'library.lookup': async ({ url }) => {
    if (!isString(url)) return null;
    const library = await getLibrary();
    // The popup only needs to know whether, and how, the page is saved: the index row, never the body.
    return (await library.getEntry(library.idForUrl(url))) ?? null;
  },

  'library.tags': async () => tagsByUse(await (await getLibrary()).list()).map(([tag]) => tag),

  'library.update': async ({ id, patch }) => {
    const clean = isString(id) ? cleanPatch(patch) : null;
    if (!clean) return null;
    const library = await getLibrary();
    const updated = (await library.update(id, clean)) ?? null;
    announceChange([id]);
    return updated;
  },

  'library.updateMany': async ({ patches }) => {
    if (!Array.isArray(patches) || patches.length > MAX_IDS) return null;
    const clean: { id: string; patch: EntryPatch }[] = [];
    for (const item of patches as unknown[]) {
      const { id, patch } = (typeof item === 'object' && item !== null ? item : {}) as { id?: unknown; patch?: unknown };
      const cleaned = isString(id) ? cleanPatch(patch) : null;
      if (!cleaned) return null;
      clean.push({ id: id as string, patch: cleaned });
    }
    const library = await getLibrary();
    const changed = await library.updateMany(clean);
    announceChange(changed.map((e) => e.id));
    return changed;
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
    let failure: { error: string; message: string } | null = null;
    try {
      const library = await getLibrary();
      await library.restoreMany(Array.isArray(removed) ? removed : [removed]);
    } catch (error) {
      // A failed write (a full disk) restored nothing: the copy is held again, under the same token, for another try.
      keepForUndo(removed, undoToken);
      failure = describeError(error);
    }
    announceChange([]);
    return failure ? { ok: false, ...failure } : { ok: true };
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
