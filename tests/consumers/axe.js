#!/usr/bin/env node
// report.html as people get it, in Debian's Chromium (headless, driven by puppeteer-core; no
// browser is downloaded): axe-core's WCAG 2.2 AA rules, failing on serious and critical
// violations, with the page as loaded and with every <details> open, at 1280 and 390 px wide;
// no horizontal overflow at 390 px (a phone); no request but the file itself and no console
// error (the page's CSP is strict); and with JavaScript off, no filter control that is shown
// but does nothing.
//
// Usage: node axe.js REPORT_DIR    Exit 0 accepted, 1 problems (listed), 2 cannot run.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { createRequire } = require('module');
const { pathToFileURL } = require('url');

const NAME = 'html';
const SETUP = 'scripts/setup-validators.sh';
const PREFIX = process.env.MSGREADY_NODE_PREFIX || '/var/tmp/msgready-node';
const CHROMIUM = process.env.MSGREADY_CHROMIUM || '/usr/bin/chromium';
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const PHONE = 390;
const DESKTOP = 1280;

function cannotRun(why) {
  console.error(`${NAME}: CANNOT RUN: ${why}`);
  process.exit(2);
}

const dir = process.argv[2];
if (!dir) cannotRun('usage: axe.js REPORT_DIR');
const file = path.join(dir, 'report.html');
if (!fs.existsSync(file)) cannotRun(`${file} does not exist (run msgready evaluate with --format html)`);
let puppeteer;
let axeSource;
try {
  const req = createRequire(path.join(PREFIX, 'node_modules', 'noop.js'));
  puppeteer = req('puppeteer-core');
  axeSource = fs.readFileSync(req.resolve('axe-core/axe.min.js'), 'utf8');
} catch (e) {
  cannotRun(`puppeteer-core or axe-core is not installed in ${PREFIX}; run ${SETUP} (${e.message.split('\n')[0]})`);
}
if (!fs.existsSync(CHROMIUM)) cannotRun(`${CHROMIUM} is missing; apt-get install chromium`);

const problems = [];
const notes = [];
const url = pathToFileURL(path.resolve(file)).href;

async function open(browser, { width, js }) {
  const page = await browser.newPage();
  const events = { requests: [], errors: [] };
  await page.setViewport({ width, height: 900 });
  await page.setJavaScriptEnabled(js);
  await page.setRequestInterception(true);
  page.on('request', (r) => {
    if (r.url() === url || r.url().startsWith('data:')) {
      r.continue();
    } else {
      events.requests.push(r.url());
      r.abort();
    }
  });
  page.on('console', (m) => {
    if (m.type() === 'error') events.errors.push(m.text());
  });
  page.on('pageerror', (e) => events.errors.push(String(e)));
  // A dialog can only come from a script that is not the report's own (a name from AWS).
  page.on('dialog', (d) => {
    events.errors.push(`a ${d.type()} dialog opened: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, events };
}

async function openAllDetails(page) {
  await page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
  });
}

// content-visibility:auto leaves off-screen blocks unrendered, at a placeholder size, so
// axe would measure colours and targets against whatever is laid out there instead; a person
// scrolling sees them rendered. CSSOM changes are not subject to the page's CSP.
async function renderEverything(page) {
  await page.evaluate(() => {
    for (const el of document.querySelectorAll('*')) {
      if (getComputedStyle(el).contentVisibility === 'auto') el.style.contentVisibility = 'visible';
    }
  });
}

const violations = new Map();
async function axe(page, state) {
  await renderEverything(page);
  // Through the DevTools protocol, which the page's CSP does not govern (an injected
  // <script> would be refused, rightly).
  await page.evaluate(axeSource);
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    TAGS,
  );
  for (const v of result.violations) {
    const seen = violations.get(v.id) || { v, nodes: new Map(), states: new Set() };
    for (const n of v.nodes) {
      const key = n.target.join(' ');
      if (!seen.nodes.has(key)) seen.nodes.set(key, n);
    }
    seen.states.add(state);
    violations.set(v.id, seen);
  }
}

// The outermost elements wider than the viewport that nothing scrolls or clips.
async function overflow(page) {
  return page.evaluate(() => {
    const cw = document.documentElement.clientWidth;
    const sw = document.documentElement.scrollWidth;
    const culprits = [];
    const clips = (el) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible') return true;
      }
      return false;
    };
    const name = (el) => {
      const own = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.classList.length ? '.' + [...el.classList].join('.') : '');
      const home = el.parentElement && el.parentElement.closest('[id]');
      return home ? `${own} in #${home.id}` : own;
    };
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= cw + 0.5) continue;
      const parent = el.parentElement;
      const pr = parent.getBoundingClientRect();
      if (parent !== document.body && pr.right > cw + 0.5) continue;
      if (clips(el)) continue;
      culprits.push(`${name(el)} (right edge at ${Math.round(r.right + window.scrollX)} px)`);
      if (culprits.length >= 6) break;
    }
    // A table squeezed into the width: cells so narrow that their text runs a few characters
    // a line (the page does not overflow, but it cannot be read either).
    const squeezed = [];
    for (const td of document.querySelectorAll('td, th')) {
      const r = td.getBoundingClientRect();
      const text = td.textContent.trim();
      if (r.width > 0 && r.width < 80 && text.length > 30) squeezed.push(`${name(td)} ${Math.round(r.width)} px wide: "${text.slice(0, 30)}…"`);
    }
    return { cw, sw, culprits, squeezed };
  });
}

// With JavaScript off: every form control that is shown must change something when used.
async function controlsWithoutJs(page) {
  const controls = await page.$$('input, select, textarea, button');
  const visibleCount = () =>
    page.evaluate(() => [...document.body.querySelectorAll('*')].filter((e) => e.getClientRects().length > 0).length);
  const dead = [];
  let shown = 0;
  for (const c of controls) {
    const info = await c.evaluate((e) => ({
      visible: e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden',
      type: e.type,
      label: (e.closest('label') || e).textContent.trim().replace(/\s+/g, ' ').slice(0, 40),
    }));
    if (!info.visible) continue;
    shown++;
    if (info.type !== 'checkbox' && info.type !== 'radio') {
      dead.push(`${info.type} "${info.label}"`);
      continue;
    }
    const before = await visibleCount();
    await c.click();
    const after = await visibleCount();
    await c.click();
    if (before === after) dead.push(`${info.type} "${info.label}"`);
  }
  return { shown, total: controls.length, dead };
}

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'msgready-axe-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    const events = [];
    for (const width of [DESKTOP, PHONE]) {
      const { page, events: ev } = await open(browser, { width, js: true });
      events.push(ev);
      await axe(page, `${width} px`);
      if (width === PHONE) {
        const o = await overflow(page);
        if (o.sw > o.cw) {
          problems.push(`at ${PHONE} px wide the page is ${o.sw} px wide (horizontal scrolling): ${o.culprits.join(', ')}`);
        }
      }
      await openAllDetails(page);
      await axe(page, `${width} px, details open`);
      if (width === PHONE) {
        const o = await overflow(page);
        if (o.sw > o.cw) {
          problems.push(`at ${PHONE} px wide with every <details> open the page is ${o.sw} px wide: ${o.culprits.join(', ')}`);
        }
        if (o.squeezed.length) {
          problems.push(`at ${PHONE} px wide ${o.squeezed.length} table cell(s) with text are under 80 px wide, a few characters a line: ${o.squeezed.slice(0, 3).join('; ')}`);
        }
      }
      await page.close();
    }
    const { page, events: ev } = await open(browser, { width: DESKTOP, js: false });
    events.push(ev);
    const c = await controlsWithoutJs(page);
    if (c.dead.length) {
      problems.push(
        `with JavaScript off, ${c.dead.length} of ${c.total} form controls are shown but do nothing: ` +
          c.dead.slice(0, 6).join(', ') + (c.dead.length > 6 ? ', …' : ''),
      );
    }
    notes.push(`with JavaScript off, ${c.shown} of ${c.total} form controls are shown`);
    await page.close();

    const requests = [...new Set(events.flatMap((e) => e.requests))];
    if (requests.length) problems.push(`the page requests something besides itself (blocked): ${requests.slice(0, 5).join(', ')}`);
    const errors = [...new Set(events.flatMap((e) => e.errors))];
    if (errors.length) problems.push(`console errors: ${errors.slice(0, 5).join(' | ')}`);
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }

  for (const { v, nodes, states } of violations.values()) {
    const examples = [...nodes.values()].slice(0, 3).map((n) => {
      const summary = (n.failureSummary || '').split('\n').slice(1).join(' ').trim();
      return `${n.target.join(' ')}${summary ? ` — ${summary}` : ''}`;
    });
    const line = `axe ${v.id} (${v.impact}, ${v.tags.filter((t) => t.startsWith('wcag')).join(' ')}): ${v.help}; ` +
      `${nodes.size} element(s) [${[...states].join('; ')}], e.g. ${examples.join(' | ')}`;
    if (v.impact === 'serious' || v.impact === 'critical') problems.push(line);
    else notes.push(line);
  }

  for (const n of notes) console.log(`${NAME}: note: ${n}`);
  if (problems.length) {
    console.log(`${NAME}: FAIL: ${problems.length} problem(s) in ${file}`);
    for (const p of problems) console.log(`  - ${p}`);
    process.exit(1);
  }
  console.log(`${NAME}: ok: ${file} (axe-core ${require(createRequire(path.join(PREFIX, 'node_modules', 'noop.js')).resolve('axe-core/package.json')).version}, ${TAGS.join(', ')})`);
}

main().catch((e) => {
  console.error(`${NAME}: CANNOT RUN: ${e.stack || e}`);
  process.exit(2);
});
