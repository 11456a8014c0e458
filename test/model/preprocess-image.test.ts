import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IMAGENET_MEAN, IMAGENET_STD, preprocessImage, resizeSideFor } from '../../model/preprocess-image.js';

function image(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]) {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([...pixel(x, y), 255], (y * width + x) * 4);
  return { width, height, data };
}

describe('preprocessImage', () => {
  it('uses 256 for a 224 crop', () => {
    assert.equal(resizeSideFor(224), 256);
    assert.equal(resizeSideFor(16), 18);
  });

  it('normalizes a solid image to (v/255 - mean)/std per channel, CHW', () => {
    const out = new Float32Array(2 + 3 * 8 * 8);
    preprocessImage(image(37, 21, () => [255, 128, 0]), 8, 8, out, 2);
    assert.equal(out[0], 0);
    const want = [255, 128, 0].map((v, c) => (v / 255 - (IMAGENET_MEAN[c] as number)) / (IMAGENET_STD[c] as number));
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < 64; p++) assert.ok(Math.abs((out[2 + c * 64 + p] as number) - (want[c] as number)) < 1e-5, `channel ${c} pixel ${p}`);
    }
  });

  it('crops the center after resizing the shorter side', () => {
    // Left half black, right half white, 2:1: the center crop keeps the edge in its middle.
    const out = new Float32Array(3 * 16 * 16);
    preprocessImage(image(200, 100, (x) => (x < 100 ? [0, 0, 0] : [255, 255, 255])), 16, 16, out);
    const red = (x: number, y: number) => (out[y * 16 + x] as number) * (IMAGENET_STD[0] as number) + (IMAGENET_MEAN[0] as number);
    assert.ok(red(0, 8) < 0.01, 'left edge of the crop is black');
    assert.ok(red(15, 8) > 0.99, 'right edge of the crop is white');
    assert.ok(Math.abs(red(7, 8) + red(8, 8) - 1) < 0.05, 'the edge sits in the middle');
  });
});
