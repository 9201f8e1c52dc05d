/**
 * When the user grants access to more sites (the popup's one-time prompt, or
 * the browser's site-access settings), fetch the images saves missed there.
 */
import browser from '../platform/browser';
import { fetchImages } from './images';
import { ARTICLE_IMAGE_BUDGET, patternCovers } from '../core/article-images';
import { announceChange } from '../storage/changes';
import { getLibrary } from './library';

export async function retryImagesFor(origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  const library = await getLibrary();
  for (const entry of await library.list()) {
    const urls = entry.missingImages.filter((url) => origins.some((pattern) => patternCovers(pattern, url)));
    if (urls.length === 0) continue;
    const { images } = await fetchImages(entry, urls, ARTICLE_IMAGE_BUDGET - entry.imageBytes);
    if (images.length && (await library.putImages(entry.id, images))) announceChange([entry.id]);
  }
}

export function watchGrantedOrigins(): void {
  browser.permissions.onAdded.addListener(({ origins }) => void retryImagesFor(origins ?? []).catch(() => undefined));
}
