'use strict';
// A line-driven WebSocket client (npm "ws") for the stream tests.
// usage: node ws-lines.js URL [--no-auto-pong]
// stdin, one JSON command per line:
//   {"text": "..."}                 send a text frame
//   {"texts": ["...", ...]}         send several text frames at once
//   {"binary": {seq, dimension, rows: [{id, values, metadata}], flags, version, rowCount}}
//   {"hex": "0a0b..."}              send these bytes as one binary frame
//   {"textHex": "7b22..."}          send these bytes as one text frame (even if they are not UTF-8)
//   {"big": n}                      send a text frame of n 'x' characters
//   {"fragments": [n1, n2, ...]}    send one text message as fragments of n1, n2, ... 'x' characters
//   {"close": [code, reason]}       start the closing handshake
// stdout, one event per line: "open", "text <message>", "binary <hex>", "ping",
//   "close <code> <reason>", "error <message>", "http <status> <body>"
const readline = require('readline');
const WebSocket = require('ws');
const { encode } = require('./binary-batch.js');

const url = process.argv[2];
const autoPong = !process.argv.includes('--no-auto-pong');
const ws = new WebSocket(url, { autoPong });
const say = (line) => process.stdout.write(line + '\n');

ws.on('open', () => say('open'));
ws.on('message', (data, isBinary) => say(isBinary ? 'binary ' + data.toString('hex') : 'text ' + data.toString()));
ws.on('ping', () => say('ping'));
ws.on('close', (code, reason) => {
  say('close ' + code + ' ' + reason.toString());
  process.exit(0);
});
ws.on('error', (err) => say('error ' + err.message));
ws.on('unexpected-response', (req, res) => {
  let body = '';
  res.on('data', (chunk) => (body += chunk));
  res.on('end', () => {
    say('http ' + res.statusCode + ' ' + body);
    process.exit(0);
  });
});

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const c = JSON.parse(line);
  if (c.text !== undefined) ws.send(c.text);
  if (c.texts !== undefined) c.texts.forEach((t) => ws.send(t));
  if (c.binary !== undefined) ws.send(encode(c.binary));
  if (c.hex !== undefined) ws.send(Buffer.from(c.hex, 'hex'));
  if (c.textHex !== undefined) ws.send(Buffer.from(c.textHex, 'hex'), { binary: false });
  if (c.big !== undefined) ws.send('x'.repeat(c.big));
  if (c.fragments !== undefined) {
    c.fragments.forEach((n, i) => ws.send('x'.repeat(n), { fin: i === c.fragments.length - 1 }));
  }
  if (c.close !== undefined) ws.close(c.close[0], c.close[1]);
});
