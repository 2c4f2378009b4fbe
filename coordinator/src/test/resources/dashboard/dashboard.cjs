// Drives the dashboard in the system's Chromium through playwright-core, one list of steps per run:
//   node dashboard.cjs BASE_URL OUT_DIR STEPS_JSON
// Prints one JSON object: each step's result under its name, and the page's uncaught errors.
// Screenshots go to OUT_DIR. DashboardIT and DashboardAuthTest run it and assert on what it prints.
const { chromium } = require('playwright-core');
const path = require('path');

const [, , base, outDir, stepsJson] = process.argv;
const steps = JSON.parse(stepsJson);
const WAIT = 30000;

function url(hash, query = '') {
  return `${base}/dashboard/${query}${hash}`;
}

async function shot(page, name) {
  if (name) await page.screenshot({ path: path.join(outDir, name), fullPage: true });
}

let loads = 0;

/** A full page load (a query that changes each time, so that a new hash is not a same-page jump). */
async function open(page, hash, query = '?refresh=500') {
  loads++;
  await page.goto(url(hash, (query ? query + '&' : '?') + 'load=' + loads));
}

async function loaded(page, name) {
  await page.waitForSelector(`body[data-loaded="${name}"]`, { timeout: WAIT });
}

/** Times of the page load: navigation events, and the first figures shown (from the navigation's start). */
async function timings(page) {
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const data = performance.getEntriesByName('vxdb-first-data')[0];
    return {
      dom_content_loaded_ms: Math.round(nav.domContentLoadedEventEnd),
      load_ms: Math.round(nav.loadEventEnd),
      first_data_ms: data ? Math.round(data.startTime) : null,
    };
  });
}

async function horizontalOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}

const STEPS = {
  async cluster(page, step) {
    await open(page, '#/cluster');
    await loaded(page, 'cluster');
    const result = {
      timings: await timings(page),
      summary: await page.textContent('#cluster-summary'),
      nodes: await page.$$eval('#nodes tbody tr', (rows) => rows.map((r) => ({
        node: r.dataset.node, state: r.dataset.state, breaker: r.dataset.breaker,
        vectors: r.querySelector('td.num').textContent, version: r.children[4].textContent }))),
      placement: await page.$$eval('#topology td[data-role]', (cells) => cells.map((c) => ({
        node: c.closest('tr').dataset.node, range: c.dataset.range, role: c.dataset.role }))),
      headings: await page.$$eval('#topology thead th', (th) => th.map((t) => t.textContent)),
    };
    await shot(page, step.screenshot);
    return result;
  },

  async waitNode(page, step) {
    if (!(await page.url()).includes('#/cluster')) {
      await open(page, '#/cluster');
      await loaded(page, 'cluster');
    }
    const selector = `#nodes tr[data-node="${step.node}"][data-state="${step.state}"]`;
    try {
      await page.waitForSelector(selector, { timeout: step.timeout || WAIT });
    } catch (e) {
      return { seen: false, rows: await page.$$eval('#nodes tbody tr', (rows) => rows.map((r) => r.dataset.node
        + ' ' + r.dataset.state)) };
    }
    const out = { seen: true, breaker: await page.getAttribute(selector, 'data-breaker'),
      status: await page.textContent('#status') };
    await shot(page, step.screenshot);
    return out;
  },

  async collections(page, step) {
    await open(page, '#/collections/' + encodeURIComponent(step.collection));
    await loaded(page, 'collections');
    await page.waitForSelector('#collection-detail:not([hidden]) #shards tbody tr');
    const result = {
      timings: await timings(page),
      list: await page.$$eval('#collections tbody tr[data-collection]', (rows) => rows.map((r) => ({
        name: r.dataset.collection,
        vector_count: r.querySelector('[data-field="vector_count"]').textContent,
        selected: r.classList.contains('selected') }))),
      heading: await page.textContent('#h-detail'),
      shards: await page.$$eval('#shards tbody tr', (rows) => rows.map((r) => ({
        shard: Number(r.dataset.shard), node: r.dataset.node, agreement: r.dataset.agreement,
        vector_count: (r.querySelector('[data-field="vector_count"]') || {}).textContent ?? null }))),
    };
    await shot(page, step.screenshot);
    return result;
  },

  async playground(page, step) {
    await open(page, '#/playground', '');
    await loaded(page, 'playground');
    await page.selectOption('#pg-collection', step.collection);
    await page.fill('#pg-id', String(step.id));
    await page.click('#pg-load');
    await page.waitForFunction(() => document.querySelector('#pg-vector').value.length > 0, null, { timeout: WAIT });
    await page.fill('#pg-k', String(step.k));
    if (step.filter) await page.fill('#pg-filter', JSON.stringify(step.filter));
    await page.click('#pg-search');
    await page.waitForSelector('#pg-result:not([hidden]) #pg-hits tbody tr', { timeout: WAIT });
    const result = {
      vector: await page.inputValue('#pg-vector'),
      ids: await page.$$eval('#pg-hits tbody tr', (rows) => rows.map((r) => r.dataset.id)),
      distances: await page.$$eval('#pg-hits tbody tr', (rows) => rows.map((r) => r.children[2].textContent)),
      nodes: await page.$$eval('#pg-nodes tbody tr', (rows) => rows.map((r) => ({ node: r.dataset.node,
        ranges: r.children[1].textContent, plan: r.children[2].textContent, error: r.children[7].textContent }))),
      summary: await page.textContent('#pg-summary'),
    };
    await shot(page, step.screenshot);
    return result;
  },

  async live(page, step) {
    await open(page, '#/live', '');
    await page.waitForSelector('#chart-rates canvas', { timeout: WAIT });
    await page.waitForFunction((min) => document.querySelectorAll('.tile').length > 0
      && document.querySelector('.tile[data-field="searches_per_second"] .value').textContent !== '—'
      && Number(document.querySelector('.tile[data-field="searches_per_second"] .value').textContent) >= min,
    step.minSearchesPerSecond || 0, { timeout: WAIT });
    const result = {
      tiles: await page.$$eval('.tile', (tiles) => Object.fromEntries(tiles.map((t) => [t.dataset.field,
        t.querySelector('.value').textContent]))),
      charts: await page.$$eval('.chart canvas', (c) => c.length),
    };
    await shot(page, step.screenshot);
    return result;
  },

  /**
   * Page load times, each page loaded afresh `rounds` times: DOMContentLoaded, load, and the first
   * figures shown, all from the navigation's start; beside them, the API call the page waits for,
   * made from the same page with fetch (the floor under "first figures").
   */
  async loadTimes(page, step) {
    const out = {};
    for (const [name, hash, api] of [['cluster', '#/cluster', '/v1/cluster'],
      ['collections', '#/collections/' + encodeURIComponent(step.collection),
        '/v1/collections/' + encodeURIComponent(step.collection) + '/shards'],
      ['playground', '#/playground', '/v1/collections']]) {
      const rows = [];
      for (let i = 0; i < step.rounds; i++) {
        await open(page, hash, '?refresh=60000');
        await loaded(page, name);
        const t = await timings(page);
        t.api_ms = await page.evaluate(async (path) => {
          const started = performance.now();
          const r = await fetch(path, { headers: window.__vxdbKey ? { Authorization: 'Bearer ' + window.__vxdbKey } : {} });
          await r.text();
          return performance.now() - started;
        }, api);
        rows.push(t);
      }
      out[name] = rows;
    }
    return out;
  },

  /** The layout at a phone's width: no page-wide horizontal scroll on any view. */
  async phone(page, step) {
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = {};
    for (const [hash, name] of [['#/cluster', 'cluster'], ['#/collections', 'collections'],
      ['#/playground', 'playground']]) {
      await open(page, hash);
      await loaded(page, name);
      overflow[name] = await horizontalOverflow(page);
      await shot(page, step.screenshots ? `${name}-phone.png` : null);
    }
    await page.setViewportSize({ width: 1280, height: 860 });
    return { overflow };
  },

  /** Tab through the page from the top, then open a view with the keyboard alone. */
  async keyboard(page) {
    await open(page, '#/cluster');
    await loaded(page, 'cluster');
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    const order = [];
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => {
        const a = document.activeElement;
        return a.textContent.trim();
      }));
    }
    // The fourth stop is "Live metrics" (skip link, then three nav links); back one to "Collections".
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    const focused = await page.evaluate(() => document.activeElement.textContent.trim());
    await page.keyboard.press('Enter');
    await loaded(page, 'collections');
    return { order, focused_before_enter: focused,
      visible: await page.$$eval('.page', (p) => p.filter((s) => !s.hidden).map((s) => s.id)),
      current: await page.getAttribute('nav a[aria-current="page"]', 'data-page') };
  },

  /** A secured cluster: the page asks for a key, and works once it has one. */
  async signIn(page, step) {
    await page.goto(url('#/cluster'));
    await page.waitForSelector('dialog#sign-in[open]', { timeout: WAIT });
    const asked = await page.textContent('#sign-in-why');
    await page.fill('#api-key', step.key);
    await page.press('#api-key', 'Enter');
    // Either the page loads, or it says why not.
    await page.waitForFunction(() => document.body.dataset.loaded === 'cluster'
      || document.querySelector('#status.error'), null, { timeout: WAIT });
    if (await page.evaluate(() => document.body.dataset.loaded !== 'cluster')) {
      await shot(page, step.screenshot);
      return { asked, loaded: false, status: await page.textContent('#status') };
    }
    const out = { asked, loaded: true, who: await page.textContent('#who'),
      nodes: await page.$$eval('#nodes tbody tr', (rows) => rows.map((r) => r.dataset.node + ' ' + r.dataset.state)) };
    await shot(page, step.screenshot);
    return out;
  },

  /** The sign-in dialog, open again after a refusal: what it says. */
  async askedAgain(page) {
    await page.waitForSelector('dialog#sign-in[open]', { timeout: WAIT });
    return { asked: await page.textContent('#sign-in-why') };
  },

  /** The status line after the first refresh (e.g. a refusal for a key without the read role). */
  async statusLine(page) {
    await page.waitForFunction(() => document.querySelector('#status').textContent.length > 0, null,
      { timeout: WAIT });
    return { text: await page.textContent('#status'),
      error: await page.evaluate(() => document.querySelector('#status').classList.contains('error')) };
  },
};

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.VXDB_CHROMIUM || '/usr/bin/chromium',
    // No background traffic: this machine's network is closed, and Chromium would keep retrying.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    headless: true,
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    const results = {};
    for (const step of steps) {
      results[step.name || step.do] = await STEPS[step.do](page, step);
    }
    results.page_errors = pageErrors;
    process.stdout.write(JSON.stringify(results) + '\n');
  } finally {
    await browser.close();
  }
})().catch((e) => {
  process.stderr.write((e && e.stack) || String(e));
  process.exit(1);
});
