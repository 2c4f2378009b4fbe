// VxDB dashboard: one page, four views, every figure read from the coordinator's REST API
// (docs/dashboard.md). No build step: this file is served as it is, beside the chart library.

const KEY_STORE = 'vxdb.key';
const params = new URLSearchParams(location.search);
/** How often the cluster and collection views reload, in ms (?refresh=ms overrides). */
const REFRESH_MS = Math.max(250, Number(params.get('refresh')) || 2000);
const LIVE_POINTS = 300;

const state = {
  key: sessionStorage.getItem(KEY_STORE),
  timer: null,
  live: null,
  charts: [],
  samples: [],
  page: null,
  selected: null,
};

const $ = (sel, root = document) => root.querySelector(sel);

// ---------------------------------------------------------------------------------------------
// The API

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function authHeaders() {
  return state.key ? { Authorization: 'Bearer ' + state.key } : {};
}

async function api(path, { method = 'GET', json } = {}) {
  const headers = authHeaders();
  let body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  }
  const response = await fetch(path, { method, headers, body });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const error = parsed && parsed.error ? parsed.error : { code: String(response.status), message: text };
    if (response.status === 401) {
      askForKey(error.message);
    }
    throw new ApiError(response.status, error.code, error.message);
  }
  return parsed;
}

// ---------------------------------------------------------------------------------------------
// Formatting

function fmtBytes(n) {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = Number(n);
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  if (v >= 8e15) return 'unlimited';
  return (u === 0 ? v.toFixed(0) : v.toFixed(1)) + ' ' + units[u];
}

function fmtDuration(ms) {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

function fmtCount(n) {
  return Number(n).toLocaleString('en-US');
}

function fmtMicros(us) {
  const n = Number(us);
  return n >= 1000 ? (n / 1000).toFixed(2) + ' ms' : n + ' µs';
}

function fmtNumber(x) {
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'title' || k === 'href' || k === 'scope'
      || k === 'rowspan' || k === 'colspan' || k === 'role') node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function badge(kind, text) {
  return el('span', { class: 'badge ' + kind, text: text ?? kind.replace('_', ' ') });
}

function meter(used, limit) {
  const fraction = limit > 0 && limit < 8e15 ? Math.min(1, used / limit) : 0;
  const bar = el('span');
  bar.style.width = (fraction * 100).toFixed(1) + '%';
  return el('span', { class: 'meter' + (fraction > 0.85 ? ' high' : ''), role: 'presentation' }, bar);
}

function say(message, isError = false) {
  const box = $('#status');
  box.textContent = message;
  box.classList.toggle('error', isError);
}

function timeOfDay(ms) {
  return new Date(ms).toLocaleTimeString('en-GB');
}

// ---------------------------------------------------------------------------------------------
// Credentials

function showWho() {
  const who = $('#who');
  const out = $('#sign-out');
  if (!state.key) {
    who.textContent = '';
    out.hidden = true;
    return;
  }
  const m = /^vxk_([0-9a-f]{12})_/.exec(state.key);
  who.textContent = m ? 'key ' + m[1] : 'token';
  out.hidden = false;
}

function askForKey(reason) {
  const dialog = $('#sign-in');
  $('#sign-in-why').textContent = state.key
    ? 'The key was refused: ' + reason
    : 'This cluster asks for an API key (or a token). It stays in this browser tab only.';
  if (!dialog.open) {
    dialog.showModal();
    $('#api-key').focus();
  }
}

function setupCredentials() {
  $('#sign-in-form').addEventListener('submit', () => {
    state.key = $('#api-key').value.trim();
    $('#api-key').value = '';
    sessionStorage.setItem(KEY_STORE, state.key);
    showWho();
    say('');
    show(location.hash);
  });
  $('#sign-out').addEventListener('click', () => {
    state.key = null;
    sessionStorage.removeItem(KEY_STORE);
    showWho();
    show(location.hash);
  });
  showWho();
}

// ---------------------------------------------------------------------------------------------
// Cluster

async function loadCluster() {
  const c = await api('/v1/cluster');
  const ready = c.nodes.filter((n) => n.state === 'ready').length;
  $('#cluster-summary').textContent = `Coordinator ${c.coordinator_id} · version ${c.version} · `
    + `${c.total_clusters} clusters · replication factor ${c.replication_factor} · `
    + `${c.nodes.length} nodes, ${ready} ready · updated ${timeOfDay(c.taken_at_millis)}`;
  const body = $('#nodes tbody');
  body.replaceChildren(...c.nodes.map(nodeRow));
  renderTopology(c);
  const trouble = c.nodes.filter((n) => n.state !== 'ready').map((n) => `${n.id} is ${n.state.replace('_', ' ')}`);
  say(trouble.join('; '), trouble.length > 0);
}

function nodeRow(n) {
  const s = n.status;
  const stateCell = el('td', {}, badge(n.state, n.state === 'not_ready' ? 'not ready' : n.state));
  if (n.reason) stateCell.append(el('div', { class: 'muted wrap', text: n.reason }));
  let memory = '—';
  let disk = '—';
  if (s) {
    memory = el('span', {}, meter(s.native_memory_used, s.native_memory_limit),
      `${fmtBytes(s.native_memory_used)} of ${fmtBytes(s.native_memory_limit)}`);
    const used = s.data_dirs.reduce((a, d) => a + d.used_bytes, 0);
    const free = s.data_dirs.reduce((a, d) => a + d.usable_bytes, 0);
    const total = s.data_dirs.reduce((a, d) => a + d.total_bytes, 0);
    disk = el('span', { title: `${s.data_dirs.map((d) => d.path).join(', ')}: ${fmtBytes(total)} in all` },
      `${fmtBytes(used)} · ${fmtBytes(free)} free`);
  }
  const ranges = [];
  if (n.primary_ranges.length) ranges.push('P ' + n.primary_ranges.join(', '));
  if (n.replica_ranges.length) ranges.push('R ' + n.replica_ranges.join(', '));
  return el('tr', { 'data-node': n.id, 'data-state': n.state, 'data-breaker': n.breaker },
    el('th', { scope: 'row' }, n.id, el('div', { class: 'muted mono', text: n.address })),
    stateCell,
    el('td', {}, badge(n.breaker, n.breaker.replace('_', '-'))),
    el('td', { text: s ? fmtDuration(s.uptime_millis) : '—' }),
    el('td', { text: s ? s.version : '—' }),
    el('td', {}, memory),
    el('td', {}, disk),
    el('td', { class: 'num', text: s ? fmtCount(s.vectors) : '—' }),
    el('td', { text: ranges.join(' · ') }));
}

function renderTopology(c) {
  const head = el('tr', {}, el('th', { scope: 'col', text: 'Node' }),
    ...c.ranges.map((r) => el('th', { scope: 'col', text: 'clusters ' + r.range })));
  $('#topology thead').replaceChildren(head);
  const rows = c.nodes.map((n) => el('tr', { 'data-node': n.id, 'data-state': n.state },
    el('th', { scope: 'row' }, n.id, ' ', badge(n.state, n.state === 'not_ready' ? 'not ready' : n.state)),
    ...c.ranges.map((r) => {
      const at = r.replicas.indexOf(n.id);
      if (at < 0) return el('td', { 'data-range': r.range, 'aria-label': 'not held' });
      const role = at === 0 ? 'primary' : 'replica';
      return el('td', { 'data-range': r.range, 'data-role': role },
        el('span', { class: 'role ' + role, title: role, 'aria-label': role, text: at === 0 ? 'P' : 'R' }));
    })));
  $('#topology tbody').replaceChildren(...rows);
}

// ---------------------------------------------------------------------------------------------
// Collections

async function loadCollections(name) {
  const shardsCall = name ? api('/v1/collections/' + encodeURIComponent(name) + '/shards') : null;
  shardsCall?.catch(() => {}); // awaited below; a failure is reported there, once
  const list = await api('/v1/collections');
  const rows = list.collections.map((c) => el('tr', { 'data-collection': c.spec.name,
    class: c.spec.name === name ? 'selected' : null },
  el('th', { scope: 'row' }, el('a', { class: 'collection-link', href: '#/collections/' + encodeURIComponent(c.spec.name),
    text: c.spec.name })),
  el('td', { class: 'num', text: c.spec.dimension }),
  el('td', { text: c.spec.metric ?? '' }),
  el('td', { text: c.spec.index }),
  el('td', { class: 'num', 'data-field': 'vector_count', text: fmtCount(c.stats.vector_count) }),
  el('td', { class: 'num', 'data-field': 'buffered_rows', text: fmtCount(c.stats.buffered_rows) }),
  el('td', { class: 'num', 'data-field': 'segment_count', text: fmtCount(c.stats.segment_count) }),
  el('td', { class: 'num', 'data-field': 'indexed_rows', text: fmtCount(c.stats.indexed_rows) })));
  if (!rows.length) {
    rows.push(el('tr', {}, el('td', { colspan: 8, class: 'muted', text: 'No collections yet: create one through the API.' })));
  }
  $('#collections tbody').replaceChildren(...rows);
  const detail = $('#collection-detail');
  if (!name) {
    detail.hidden = true;
    say('');
    return;
  }
  const shards = await shardsCall;
  renderShards(shards);
  detail.hidden = false;
  const drifting = shards.shards.filter((s) => s.agreement === 'drifting').length;
  const unknown = shards.shards.filter((s) => s.agreement === 'unknown').length;
  say(drifting ? `${drifting} shards have replicas that drift apart (repair brings them together)`
    : unknown ? `${unknown} shards have a replica that did not answer` : '', drifting > 0 || unknown > 0);
}

function renderShards(c) {
  const spec = c.spec;
  $('#h-detail').textContent = 'Collection ' + spec.name;
  const fields = [['Dimension', spec.dimension], ['Metric', spec.metric], ['Index', spec.index],
    ['Shards', spec.shard_count], ['Buffer rows', spec.buffer_rows], ['Buffer bytes', fmtBytes(spec.buffer_bytes)],
    ['Fsync policy', spec.fsync_policy ?? 'node default'], ['Read at', timeOfDay(c.taken_at_millis)]];
  $('#collection-spec').replaceChildren(...fields.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]));
  const rows = [];
  for (const s of c.shards) {
    s.replicas.forEach((r, i) => {
      const cells = [];
      if (i === 0) {
        const span = s.replicas.length;
        cells.push(el('th', { scope: 'row', rowspan: span, text: s.shard }),
          el('td', { rowspan: span, text: s.range }),
          el('td', { rowspan: span }, badge(s.agreement, s.agreement.replace('_', ' '))));
      }
      if (r.error) {
        cells.push(el('td', { text: r.node }), el('td', { text: r.role }),
          el('td', { colspan: 7, class: 'wrap' }, badge('failed', 'no answer'), ' ', r.error));
      } else {
        const idx = el('td', {}, badge('index-' + r.index_state, r.index_state), ' ', r.index === 'none' ? '' : r.index);
        if (r.index_error) idx.append(el('div', { class: 'muted wrap', text: r.index_error }));
        cells.push(el('td', { text: r.node }), el('td', { text: r.role }),
          el('td', { class: 'num', 'data-field': 'vector_count', text: fmtCount(r.vector_count) }),
          el('td', { class: 'num', text: fmtCount(r.buffered_rows) }),
          el('td', { class: 'num', text: fmtCount(r.segment_count) }),
          el('td', { class: 'num', text: fmtCount(r.indexed_rows) }),
          idx,
          el('td', { class: 'num', text: fmtBytes(r.index_memory_bytes) }),
          el('td', { class: 'mono', text: r.digest }));
      }
      rows.push(el('tr', { 'data-shard': s.shard, 'data-node': r.node, 'data-agreement': s.agreement }, ...cells));
    });
  }
  $('#shards tbody').replaceChildren(...rows);
}

// ---------------------------------------------------------------------------------------------
// Live metrics

const SERIES = {
  rates: [['searches/s', 'searches_per_second', '#2456c5'], ['writes/s', 'writes_per_second', '#1c7c3a'],
    ['gets/s', 'reads_per_second', '#7a4cc2'], ['errors/s', 'errors_per_second', '#b3261e'],
    ['partial searches/s', 'partial_searches_per_second', '#c77700']],
  latency: [['search p50', 'search_p50_ms', '#2456c5'], ['search p99', 'search_p99_ms', '#8fb0ef'],
    ['write p50', 'write_p50_ms', '#1c7c3a'], ['write p99', 'write_p99_ms', '#8fd1a4']],
  ingest: [['rows written/s', 'rows_written_per_second', '#1c7c3a']],
};

const TILES = [['Searches/s', 'searches_per_second'], ['Search p50 ms', 'search_p50_ms'],
  ['Search p99 ms', 'search_p99_ms'], ['Writes/s', 'writes_per_second'], ['Write p99 ms', 'write_p99_ms'],
  ['Ingest rows/s', 'rows_written_per_second'], ['Errors/s', 'errors_per_second'],
  ['Partial searches/s', 'partial_searches_per_second'], ['In flight', 'in_flight']];

function makeCharts() {
  if (state.charts.length) return;
  for (const [id, series] of [['chart-rates', SERIES.rates], ['chart-latency', SERIES.latency],
    ['chart-ingest', SERIES.ingest]]) {
    const box = document.getElementById(id);
    const opts = {
      width: Math.max(280, box.clientWidth - 4),
      height: 220,
      series: [{}, ...series.map(([label, , stroke]) => ({ label, stroke, width: 2, points: { show: false } }))],
      axes: [{}, { size: 56 }],
      scales: { x: { time: true } },
      legend: { live: false },
    };
    const chart = new uPlot(opts, chartData(series), box);
    state.charts.push({ chart, series, box });
  }
  window.addEventListener('resize', () => {
    for (const c of state.charts) c.chart.setSize({ width: Math.max(280, c.box.clientWidth - 4), height: 220 });
  });
}

function chartData(series) {
  const xs = state.samples.map((s) => s.at_millis / 1000);
  return [xs, ...series.map(([, field]) => state.samples.map((s) => s[field]))];
}

function renderLive() {
  for (const c of state.charts) c.chart.setData(chartData(c.series));
  const last = state.samples[state.samples.length - 1];
  $('#tiles').replaceChildren(...TILES.map(([label, field]) => el('div', { class: 'tile', 'data-field': field },
    el('div', { class: 'label', text: label }),
    el('div', { class: 'value', text: last ? (field === 'in_flight' ? String(last[field]) : fmtNumber(last[field]))
      : '—' }))));
}

/** Reads the server-sent events of /v1/metrics/live (fetch, so that the key goes in a header). */
async function watchLive() {
  const controller = new AbortController();
  state.live = controller;
  makeCharts();
  renderLive();
  while (!controller.signal.aborted) {
    try {
      const response = await fetch('/v1/metrics/live', { headers: authHeaders(), signal: controller.signal });
      if (!response.ok) {
        const body = await response.json().catch(() => ({ error: { message: String(response.status) } }));
        if (response.status === 401) askForKey(body.error.message);
        throw new ApiError(response.status, body.error.code, body.error.message);
      }
      say('');
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          liveEvent(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
        }
      }
    } catch (e) {
      if (controller.signal.aborted) return;
      say('Live metrics: ' + e.message + ' (trying again)', true);
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

function liveEvent(block) {
  let name = 'message';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) name = line.slice(7);
    else if (line.startsWith('data: ')) data += line.slice(6);
  }
  const value = JSON.parse(data);
  if (name === 'history') {
    state.samples = value.slice(-LIVE_POINTS);
  } else if (name === 'sample') {
    state.samples.push(value);
    if (state.samples.length > LIVE_POINTS) state.samples.shift();
  } else if (name === 'end') {
    say('Live metrics ended: ' + value.error.message, true);
    return;
  }
  renderLive();
}

// ---------------------------------------------------------------------------------------------
// Search playground

async function loadPlayground() {
  const select = $('#pg-collection');
  const keep = select.value;
  const list = await api('/v1/collections');
  select.replaceChildren(...list.collections.map((c) => el('option', { value: c.spec.name,
    text: `${c.spec.name} (${c.spec.dimension} dims, ${c.spec.metric})` })));
  if (keep && list.collections.some((c) => c.spec.name === keep)) select.value = keep;
}

function parseVector(text) {
  const t = text.trim();
  if (!t) throw new Error('give a query vector');
  let values;
  if (t.startsWith('[')) {
    try {
      values = JSON.parse(t);
    } catch (e) {
      throw new Error('the query vector is not a JSON array: ' + e.message);
    }
  } else {
    values = t.split(/[\s,]+/).filter((x) => x !== '').map(Number);
  }
  if (!Array.isArray(values) || values.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
    throw new Error('the query vector must be finite numbers');
  }
  return values;
}

async function loadVectorOfId() {
  const id = $('#pg-id').value.trim();
  const collection = $('#pg-collection').value;
  if (!/^[0-9]+$/.test(id)) {
    say('An id is a whole number from 0 to 18446744073709551615', true);
    return;
  }
  try {
    const v = await api(`/v1/collections/${encodeURIComponent(collection)}/vectors/${id}`);
    $('#pg-vector').value = v.values.map((x) => String(x)).join(', ');
    say(`Loaded the vector of id ${id} (${v.values.length} values)`);
  } catch (e) {
    say(e.message, true);
  }
}

async function runSearch(event) {
  event.preventDefault();
  const collection = $('#pg-collection').value;
  let request;
  try {
    request = { vector: parseVector($('#pg-vector').value), k: Number($('#pg-k').value), explain: true,
      include_metadata: $('#pg-metadata').checked };
    const nprobe = Number($('#pg-nprobe').value);
    const ef = Number($('#pg-ef').value);
    if (nprobe > 0 || ef > 0) request.params = { nprobe, ef_search: ef };
    const filter = $('#pg-filter').value.trim();
    if (filter) {
      try {
        request.filter = JSON.parse(filter);
      } catch (e) {
        throw new Error('the filter is not JSON: ' + e.message);
      }
    }
  } catch (e) {
    say(e.message, true);
    return;
  }
  const button = $('#pg-search');
  button.disabled = true;
  const started = performance.now();
  try {
    const r = await api(`/v1/collections/${encodeURIComponent(collection)}/search`, { method: 'POST', json: request });
    renderResult(r, performance.now() - started, request.include_metadata);
    say(`${r.hits.length} hits`);
  } catch (e) {
    say(e.message, true);
  } finally {
    button.disabled = false;
  }
}

function renderResult(r, millis, withMetadata) {
  $('#pg-summary').textContent = `${r.hits.length} hits · plan ${r.plan || '—'} · ${fmtCount(r.rows_scanned)} rows `
    + `scanned exactly · ${millis.toFixed(1)} ms in the browser`
    + (r.partial ? ` · PARTIAL: ${r.unavailable_ranges.join('; ')}` : '');
  $('#pg-hits tbody').replaceChildren(...r.hits.map((h, i) => el('tr', { 'data-id': h.id },
    el('td', { class: 'num', text: i + 1 }),
    el('td', { class: 'mono', text: h.id }),
    el('td', { class: 'num', text: h.distance.toPrecision(6) }),
    el('td', { class: 'mono', text: h.version }),
    el('td', { class: 'mono wrap', text: withMetadata ? JSON.stringify(h.metadata ?? {}) : '' }))));
  $('#pg-nodes tbody').replaceChildren(...(r.nodes ?? []).map((n) => el('tr', { 'data-node': n.node },
    el('th', { scope: 'row', text: n.node }),
    el('td', { text: n.ranges.join(', ') }),
    el('td', { class: 'mono', text: n.plan }),
    el('td', { class: 'num', text: fmtCount(n.rows_scanned) }),
    el('td', { class: 'num', text: n.hits }),
    el('td', { class: 'num', text: n.error ? '—' : fmtMicros(n.node_micros) }),
    el('td', { class: 'num', text: fmtMicros(n.round_trip_micros) }),
    el('td', { class: 'wrap', text: n.error }))));
  $('#pg-result').hidden = false;
}

// ---------------------------------------------------------------------------------------------
// Pages

const PAGES = {
  cluster: { load: loadCluster, every: REFRESH_MS },
  collections: { load: (name) => loadCollections(name), every: Math.max(REFRESH_MS, 5000) },
  live: { start: watchLive },
  playground: { load: loadPlayground },
};

function stop() {
  clearTimeout(state.timer);
  state.timer = null;
  if (state.live) {
    state.live.abort();
    state.live = null;
  }
}

function show(hash) {
  stop();
  const [, page = 'cluster', arg] = /^#\/([a-z]+)(?:\/(.+))?$/.exec(hash || '') || [];
  const name = PAGES[page] ? page : 'cluster';
  const detail = arg ? decodeURIComponent(arg) : null;
  state.page = name;
  for (const section of document.querySelectorAll('.page')) section.hidden = section.id !== 'page-' + name;
  for (const link of document.querySelectorAll('nav a')) {
    if (link.dataset.page === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `VxDB · ${$('#page-' + name + ' h1').textContent}`;
  const p = PAGES[name];
  if (p.start) {
    p.start();
    return;
  }
  const token = {};
  state.token = token;
  const round = async () => {
    try {
      await p.load(detail);
      document.body.dataset.loaded = name;
      if (!performance.getEntriesByName('vxdb-first-data').length) performance.mark('vxdb-first-data');
    } catch (e) {
      say(e.message, true);
    }
    if (p.every && state.token === token) state.timer = setTimeout(round, p.every);
  };
  round();
}

function start() {
  setupCredentials();
  $('#pg-load').addEventListener('click', loadVectorOfId);
  $('#search-form').addEventListener('submit', runSearch);
  window.addEventListener('hashchange', () => {
    show(location.hash);
    $('#main').focus();
  });
  show(location.hash);
}

start();
