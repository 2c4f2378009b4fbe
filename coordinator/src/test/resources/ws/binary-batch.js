'use strict';
// Encodes a binary batch frame exactly as docs/api-websocket.md lays it out (written from the
// document, not from the server's code, so the tests check the document too).
//   header: 'VXWB' | version u16 = 1 | flags u16 | seq u64 | row_count u32 | dimension u32   (little-endian)
//   row:    id u64 | dimension x f32 [| meta_len u32 | meta_len bytes of UTF-8 JSON]  (metadata when flags bit 0)

function encode({ seq, dimension, rows, flags = 0, version = 1, rowCount }) {
  const withMetadata = (flags & 1) !== 0;
  const metas = rows.map((r) => Buffer.from(r.metadata === undefined ? '' : JSON.stringify(r.metadata), 'utf8'));
  let length = 24;
  rows.forEach((r, i) => {
    length += 8 + 4 * r.values.length + (withMetadata ? 4 + metas[i].length : 0);
  });
  const b = Buffer.alloc(length);
  b.write('VXWB', 0, 'ascii');
  b.writeUInt16LE(version, 4);
  b.writeUInt16LE(flags, 6);
  b.writeBigUInt64LE(BigInt(seq), 8);
  b.writeUInt32LE(rowCount === undefined ? rows.length : rowCount, 16);
  b.writeUInt32LE(dimension, 20);
  let at = 24;
  rows.forEach((r, i) => {
    b.writeBigUInt64LE(BigInt(r.id), at);
    at += 8;
    for (const v of r.values) {
      b.writeFloatLE(v, at);
      at += 4;
    }
    if (withMetadata) {
      b.writeUInt32LE(metas[i].length, at);
      at += 4;
      metas[i].copy(b, at);
      at += metas[i].length;
    }
  });
  return b;
}

module.exports = { encode };
