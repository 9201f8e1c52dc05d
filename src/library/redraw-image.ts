/**
 * WebP and AVIF pictures redrawn as JPEG, or PNG when they have transparency,
 * for EPUB: e-readers and epubcheck want the older types, and the browser can
 * decode what it once fetched. Done in the library page, one image at a time.
 */
import type { StoredImage } from '../storage/types';
import type { Transcode } from '../transfer/index';
import { imageDimensions, sniffImageType } from '../transfer/images';

/** Longest side kept: more than any e-reader screen, and it bounds the pixels held at once. */
const MAX_SIDE = 2400;
/**
 * Most pixels a picture may have to be redrawn: 50 megapixels, 200 MB as the browser holds them decoded, four
 * bytes to a pixel. A browser decodes the whole picture before it can be scaled, and a small file may say
 * 20000 × 20000 pixels (1.6 GB decoded): such a picture is left out for its alt text, as an undecodable one is.
 */
const MAX_PIXELS = 50_000_000;
const JPEG_QUALITY = 0.88;

function opaque(pixels: Uint8ClampedArray): boolean {
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 255) return false;
  return true;
}

export const redrawImage: Transcode = async (image: StoredImage) => {
  const type = sniffImageType(image.bytes) ?? image.type;
  // Read from the header before anything is decoded; a picture whose size cannot be read is not decoded either.
  const size = imageDimensions(image.bytes, type);
  if (!size || size.width * size.height > MAX_PIXELS) return null;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([image.bytes as BlobPart], { type }));
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
  const redrawn = opaque(context.getImageData(0, 0, width, height).data) ? 'image/jpeg' : 'image/png';
  const blob = await canvas.convertToBlob({ type: redrawn, quality: JPEG_QUALITY });
  return { ...image, type: blob.type, bytes: new Uint8Array(await blob.arrayBuffer()) };
};
