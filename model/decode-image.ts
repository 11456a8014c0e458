// Decodes a JPEG or PNG file into 8-bit RGBA pixels (jpeg-js, pngjs: no native dependencies).
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { ModelFailure } from './model-failure.js';

export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, row-major RGBA. */
  data: Uint8Array;
}

/** File extensions read as images (lowercase). */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.jpg', '.jpeg', '.png']);

// Refuse images whose decoded pixels would not fit comfortably in memory.
const MAX_MEGAPIXELS = 100;

/** Reads and decodes one image; ModelFailure (kind 'input') naming the file when it is not a readable JPEG/PNG. */
export async function decodeImageFile(path: string): Promise<RgbaImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new ModelFailure(`cannot read image ${path}: ${(error as Error).message}`, { kind: 'input', cause: error });
  }
  return decodeImage(bytes, path);
}

/** Decodes JPEG/PNG bytes, chosen by content (magic bytes) rather than by name. */
export function decodeImage(bytes: Buffer, name: string): RgbaImage {
  const isPng = bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47;
  const isJpeg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  try {
    if (isPng) {
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    }
    if (isJpeg) {
      const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_MEGAPIXELS, maxMemoryUsageInMB: 2048 });
      return { width: image.width, height: image.height, data: image.data };
    }
  } catch (error) {
    throw new ModelFailure(`cannot decode image ${name}: ${error instanceof Error ? error.message : String(error)}`, { kind: 'input', cause: error });
  }
  throw new ModelFailure(`${name} is not a JPEG or PNG image (extension ${extname(name) || 'none'})`, { kind: 'input' });
}
