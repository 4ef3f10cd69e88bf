// Writes media/icon.png (128x128, the Marketplace icon): a shield with a check mark, anti-aliased by 4x4 supersampling.
// A tiny PNG encoder (zlib from Node) so no image tool is needed: node scripts/gen-icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SHIELD = [37, 99, 235]; // blue
const CHECK = [255, 255, 255];

/** Shield: flat top with rounded shoulders, sides curving to a point at the bottom. Coordinates in 0..1. */
function inShield(x, y) {
  const top = 0.1,
    bottom = 0.92,
    half = 0.36;
  if (y < top || y > bottom) return false;
  const t = (y - top) / (bottom - top);
  const width = t < 0.45 ? half : half * Math.cos(((t - 0.45) / 0.55) * (Math.PI / 2));
  return Math.abs(x - 0.5) <= width;
}

function distToSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax,
    dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function inCheck(x, y) {
  const w = 0.055;
  return distToSegment(x, y, 0.33, 0.5, 0.46, 0.63) < w || distToSegment(x, y, 0.46, 0.63, 0.69, 0.36) < w;
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let py = 0; py < SIZE; py++) {
  raw[py * (SIZE * 4 + 1)] = 0; // filter: none
  for (let px = 0; px < SIZE; px++) {
    let shield = 0,
      check = 0;
    for (let sy = 0; sy < 4; sy++) {
      for (let sx = 0; sx < 4; sx++) {
        const x = (px + (sx + 0.5) / 4) / SIZE,
          y = (py + (sy + 0.5) / 4) / SIZE;
        if (inShield(x, y)) inCheck(x, y) ? check++ : shield++;
      }
    }
    const cover = (shield + check) / 16;
    const mix = (i) => (cover ? Math.round((SHIELD[i] * shield + CHECK[i] * check) / (shield + check)) : 0);
    const o = py * (SIZE * 4 + 1) + 1 + px * 4;
    raw[o] = mix(0);
    raw[o + 1] = mix(1);
    raw[o + 2] = mix(2);
    raw[o + 3] = Math.round(cover * 255);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('../media/icon.png', import.meta.url), png);
console.log(`media/icon.png: ${png.length} bytes`);
