'use strict';
// Streams many batches over one session as fast as the credit allows, checking the protocol as a
// careful client would: acks are cumulative and in order, each ack's credit is exactly the bytes
// of the batches it covers, and the client never has more than `credits` bytes unanswered.
// usage: node ws-stream.js URL BATCHES ROWS DIMENSION ID_BASE FORMAT(text|binary|mixed)
// stdout: every server message as "msg <json>", then "summary <json>" once every batch is acked.
// Exits 2 on a protocol inconsistency, 3 on an error message.
const WebSocket = require('ws');
const { encode } = require('./binary-batch.js');

const [url, batchesArg, rowsArg, dimArg, idBaseArg, format] = process.argv.slice(2);
const batches = Number(batchesArg);
const rowsPerBatch = Number(rowsArg);
const dimension = Number(dimArg);
const idBase = BigInt(idBaseArg);

// The value of component d of row id: a multiple of 1/8, exact in float32 (the test checks it).
const value = (id, d) => Number((id * 31n + BigInt(d) * 7n) % 1000n) / 8;

function batch(seq) {
  const rows = [];
  for (let i = 0; i < rowsPerBatch; i++) {
    const id = idBase + BigInt((seq - 1) * rowsPerBatch + i);
    const values = [];
    for (let d = 0; d < dimension; d++) values.push(value(id, d));
    rows.push({ id, values });
  }
  const binary = format === 'binary' || (format === 'mixed' && seq % 2 === 0);
  if (binary) return encode({ seq, dimension, rows });
  return JSON.stringify({ type: 'batch', seq, vectors: rows.map((r) => ({ id: r.id.toString(), values: r.values })) });
}

const ws = new WebSocket(url);
const sizes = new Map(); // seq -> bytes, unanswered
let credits = 0;
let held = 0;
let maxHeld = 0;
let nextSeq = 1;
let ackedUpTo = 0;
let written = 0;
let creditWaits = 0;
let backoffs = 0;
let binaryFrames = 0;
let textFrames = 0;

function fail(code, why) {
  process.stdout.write('fail ' + why + '\n');
  process.exit(code);
}

function pump() {
  while (nextSeq <= batches) {
    const frame = batch(nextSeq);
    const bytes = typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length;
    if (held + bytes > credits) {
      creditWaits++;
      return;
    }
    if (typeof frame === 'string') textFrames++; else binaryFrames++;
    ws.send(frame);
    sizes.set(nextSeq, bytes);
    held += bytes;
    maxHeld = Math.max(maxHeld, held);
    nextSeq++;
  }
}

function onAck(m) {
  if (m.up_to <= ackedUpTo || m.up_to >= nextSeq) fail(2, 'ack out of order: ' + JSON.stringify(m));
  let released = 0;
  for (let s = ackedUpTo + 1; s <= m.up_to; s++) {
    released += sizes.get(s);
    sizes.delete(s);
  }
  if (released !== m.credit) fail(2, 'ack credit ' + m.credit + ' but the batches it covers hold ' + released);
  held -= released;
  ackedUpTo = m.up_to;
  written += m.written;
  if (ackedUpTo === batches) {
    process.stdout.write('summary ' + JSON.stringify({ acked_up_to: ackedUpTo, written, credits, max_held: maxHeld,
      credit_waits: creditWaits, backoffs, text_frames: textFrames, binary_frames: binaryFrames }) + '\n');
    ws.close(1000, 'done');
    return;
  }
  pump();
}

ws.on('message', (data) => {
  const text = data.toString();
  process.stdout.write('msg ' + text + '\n');
  const m = JSON.parse(text);
  if (m.type === 'ready') {
    credits = m.credits;
    pump();
  } else if (m.type === 'ack') {
    onAck(m);
  } else if (m.type === 'backoff') {
    backoffs++;
  } else {
    fail(3, 'unexpected message ' + text);
  }
});
ws.on('close', (code, reason) => {
  process.stdout.write('close ' + code + ' ' + reason.toString() + '\n');
  process.exit(ackedUpTo === batches ? 0 : 2);
});
ws.on('error', (err) => fail(2, 'error ' + err.message));
