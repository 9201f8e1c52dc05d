/**
 * A WebP's or an AVIF's size read from its header, before the library page
 * decodes it for an EPUB: a small file may name a picture of 20000 × 20000.
 */
import { describe, expect, it } from 'vitest';
import { imageDimensions, sniffImageType } from '../../../src/transfer/images';

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const le = (n: number, bytes: number) => Array.from({ length: bytes }, (_, i) => (n >>> (8 * i)) & 0xff);
const be32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

/** A RIFF WebP whose first chunk is `chunk` with `data`, padded as a real file has more after it. */
function webp(chunk: string, data: number[]): Uint8Array {
  const body = [...ascii(chunk), ...le(data.length, 4), ...data, ...new Array(16).fill(0)];
  return Uint8Array.from([...ascii('RIFF'), ...le(body.length + 4, 4), ...ascii('WEBP'), ...body]);
}

const box = (type: string, ...children: number[][]) => {
  const body = children.flat();
  return [...be32(body.length + 8), ...ascii(type), ...body];
};
const ispe = (width: number, height: number) => box('ispe', [0, 0, 0, 0], be32(width), be32(height));

/** An AVIF as a muxer writes one: ftyp, then meta (a full box) holding iprp/ipco's properties, then the data. */
function avif(...properties: number[][]): Uint8Array {
  return Uint8Array.from([
    ...box('ftyp', ascii('avif'), [0, 0, 0, 0], ascii('mif1avif')),
    ...box('meta', [0, 0, 0, 0], box('hdlr', new Array(20).fill(0)), box('iprp', box('ipco', ...properties))),
    ...box('mdat', new Array(32).fill(7)),
  ]);
}

const size = (b: Uint8Array) => imageDimensions(b, sniffImageType(b) ?? '');

describe('the size of a WebP or an AVIF, from its header', () => {
  it('reads an extended WebP\'s canvas (VP8X)', () => {
    expect(size(webp('VP8X', [0x10, 0, 0, 0, ...le(20000 - 1, 3), ...le(20000 - 1, 3)]))).toEqual({ width: 20000, height: 20000 });
  });

  it('reads a lossy WebP\'s frame (VP8)', () => {
    expect(size(webp('VP8 ', [0x50, 0x2a, 0x00, 0x9d, 0x01, 0x2a, ...le(16383, 2), ...le(12000, 2)]))).toEqual({ width: 16383, height: 12000 });
  });

  it('reads a lossless WebP\'s image (VP8L)', () => {
    const bits = (9999 | (7999 << 14)) >>> 0;
    expect(size(webp('VP8L', [0x2f, ...le(bits, 4)]))).toEqual({ width: 10000, height: 8000 });
  });

  it('reads an AVIF\'s largest image spatial extents', () => {
    expect(size(avif(box('pixi', [0, 0, 0, 0, 3, 8, 8, 8]), ispe(640, 480), ispe(20000, 20000), ispe(512, 512)))).toEqual({ width: 20000, height: 20000 });
  });

  it('reads nothing from a header it cannot follow', () => {
    expect(size(webp('VP8 ', [0x50, 0x2a, 0x00, 0, 0, 0, ...le(100, 2), ...le(100, 2)]))).toBeNull();
    expect(size(webp('ALPH', new Array(10).fill(0)))).toBeNull();
    expect(size(webp('VP8X', []).subarray(0, 24))).toBeNull();
    expect(size(avif(box('pixi', [0, 0, 0, 0, 3, 8, 8, 8])))).toBeNull();
    // Cut short inside its meta box, which then claims more than the file holds.
    const cut = avif(ispe(640, 480));
    expect(size(cut.subarray(0, cut.length - 40 - 6))).toBeNull();
  });
});
