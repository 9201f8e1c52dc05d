/**
 * WebP and AVIF pictures redrawn as JPEG, or PNG when they have transparency,
 * for EPUB: e-readers and epubcheck want the older types, and the browser can
 * decode what it once fetched. Done in the library page, one image at a time.
 */
import type { StoredImage } from '../storage/types';
import type { Transcode } from '../transfer/index';
import { sniffImageType } from '../transfer/images';

/** Longest side kept: more than any e-reader screen, and it bounds the pixels held at once. */
const MAX_SIDE = 2400;
const JPEG_QUALITY = 0.88;

function opaque(pixels: Uint8ClampedArray): boolean {
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 255) return false;
  return true;
}

export const redrawImage: Transcode = async (image: StoredImage) => {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([image.bytes as BlobPart], { type: sniffImageType(image.bytes) ?? image.type }));
  } catch {
    return null; // a type this browser cannot decode, or damaged bytes
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (!context) return null;
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const type = opaque(context.getImageData(0, 0, width, height).data) ? 'image/jpeg' : 'image/png';
  const blob = await canvas.convertToBlob({ type, quality: JPEG_QUALITY });
  return { ...image, type: blob.type, bytes: new Uint8Array(await blob.arrayBuffer()) };
};
