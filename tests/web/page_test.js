// The web page pcnv-server serves at / (clients/web), in Debian's headless Chromium driven by
// puppeteer-core: a real server on the sample region, the three NHS Digital files chosen in the
// page's file inputs as a person would, and then the page must show the verdict the CLI gives,
// draw every territory, list every finding (in the same number the CLI's report has) grouped by
// PCN, fetch nothing from any other site and raise no script error. The screenshot is kept as
// $PCNV_WEB_ARTIFACTS/web_page.png.
//
// With PCNV_WEB_NATIONAL=WORK (tests/web/national.sh: the national benchmark workload, WORK/input
// and WORK/reference.gpkg), the same with England's files (850,000 distribution rows): and the
// page must answer within a second throughout (a script asks it every 100 ms) and show its
// progress moving; web_page_national.png.
//
// Environment (tests/CMakeLists.txt): PCNV_SERVER, PCNV_CLI, PCNV_SAMPLE_DIR, PCNV_WEB_ARTIFACTS.
'use strict';

const assert = require('node:assert/strict');
const {spawn, execFileSync} = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const puppeteer = require('puppeteer-core');

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run through ctest)`);
  return value;
};
const sample = (name) => path.join(env('PCNV_SAMPLE_DIR'), name);

function startServer(reference) {
  const server = spawn(env('PCNV_SERVER'), ['--reference', reference, '--port', '0',
                                            '--http-port', '0'],
                       {stdio: ['ignore', 'pipe', 'inherit']});
  return new Promise((resolve, reject) => {
    let http = 0;
    const lines = readline.createInterface({input: server.stdout});
    lines.on('line', (line) => {
      const m = line.match(/^pcnv-server (http|listening) on .*:(\d+)$/);
      if (m && m[1] === 'http') http = Number(m[2]);
      if (m && m[1] === 'listening') resolve({server, port: http});
    });
    server.on('exit', (code) => reject(new Error(`pcnv-server exited with ${code}`)));
  });
}

// The reference store and input folder of the run: the sample's (a store built here) or the
// national workload's.
function inputs(work) {
  const national = process.env.PCNV_WEB_NATIONAL;
  if (national) {
    return {dir: path.join(national, 'input'), reference: path.join(national, 'reference.gpkg'),
            screenshot: 'web_page_national.png', national: true};
  }
  const reference = path.join(work, 'ref.gpkg');
  execFileSync(env('PCNV_CLI'), ['reference', 'build',
    '--areas', `${sample('areas.geojson')}:code`, '--footprint', `icb=${sample('icb.geojson')}:code`,
    '--footprint', `sub-icb=${sample('subicb.geojson')}:code`,
    '--footprint', `community=${sample('community.geojson')}:code`,
    '--postcodes', sample('postcodes.csv'), '--out', reference], {stdio: 'inherit'});
  return {dir: env('PCNV_SAMPLE_DIR'), reference, screenshot: 'web_page.png', national: false};
}

const FILES = [['#practices', 'gp-reg-pat-prac-map.csv'], ['#listSizes', 'gp-reg-pat-prac-all.csv'],
               ['#distribution', 'gp-reg-pat-prac-lsoa-all.csv']];

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pcnv-web-'));
  const run = inputs(work);
  // What the CLI finds on the same files: the page must show the same.
  const cliReport = path.join(work, 'cli.json');
  try {
    execFileSync(env('PCNV_CLI'), ['validate', '--reference', run.reference,
      '--practices', path.join(run.dir, FILES[0][1]), '--list-sizes', path.join(run.dir, FILES[1][1]),
      '--distribution', path.join(run.dir, FILES[2][1]), '--out', cliReport, '--quiet']);
  } catch (e) {
    if (e.status !== 1) throw e;  // 1: there are ERROR findings
  }
  const expected = JSON.parse(fs.readFileSync(cliReport, 'utf8'));

  const {server, port} = await startServer(run.reference);
  const browser = await puppeteer.launch({
    executablePath: process.env.PCNV_CHROMIUM || '/usr/bin/chromium',
    headless: true, args: ['--no-sandbox', '--disable-gpu']});
  try {
    const page = await browser.newPage();
    await page.setViewport({width: 1400, height: 1000});
    const problems = [];
    page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    const origin = `http://127.0.0.1:${port}`;
    page.on('request', (r) => {
      if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) {
        problems.push(`fetched another site: ${r.url()}`);
      }
    });
    await page.goto(`${origin}/`, {waitUntil: 'load'});
    for (const [input, file] of FILES) {
      await (await page.$(input)).uploadFile(path.join(run.dir, file));
    }
    const started = Date.now();
    await page.click('#run');
    // Until the page says it is done: how long it takes to answer, and the progress it shows.
    let slowest = 0;
    const progress = new Set();
    const stages = new Set();
    for (;;) {
      const asked = Date.now();
      const now = await page.evaluate(() => ({
        state: document.body.dataset.state, stage: document.body.dataset.stage || '',
        value: document.getElementById('progress').value}));
      slowest = Math.max(slowest, Date.now() - asked);
      progress.add(now.value);
      stages.add(now.stage.replace(/[\d,.]+/g, 'N'));
      if (['done', 'error'].includes(now.state)) break;
      assert.ok(Date.now() - started < 240000, 'the page did not finish within 4 minutes');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seconds = (Date.now() - started) / 1000;
    const shown = await page.evaluate(() => ({
      state: document.body.dataset.state,
      verdict: document.getElementById('verdict').textContent,
      territories: Number(document.getElementById('results').dataset.territories),
      pcnRows: [...document.querySelectorAll('#pcns details.pcn')].map((d) => d.dataset.pcn),
      findings: document.querySelectorAll('#pcns li.finding').length,
      progress: document.getElementById('progress').value,
    }));
    await page.screenshot({path: path.join(env('PCNV_WEB_ARTIFACTS'), run.screenshot)});
    assert.equal(shown.state, 'done', shown.verdict);
    assert.ok(shown.verdict.startsWith(`${expected.summary.verdict}: ${expected.summary.pcns} PCNs`),
              shown.verdict);
    const withTerritory = expected.pcns.filter((p) => (p.territory || {}).areas > 0).length;
    assert.ok(withTerritory > 5, `only ${withTerritory} territories in the CLI's report`);
    assert.equal(shown.territories, withTerritory, 'territories drawn');
    const rows = new Set(shown.pcnRows);
    for (const pcn of expected.pcns) assert.ok(rows.has(pcn.code), `no row for ${pcn.code}`);
    assert.equal(shown.findings, expected.findings.length, 'findings listed');
    assert.equal(shown.progress, 1);
    if (run.national) {
      assert.ok(slowest < 1000, `the page did not answer for ${slowest} ms`);
      assert.ok(progress.size >= 5, `progress shown: ${[...progress]}`);
      for (const stage of ['reading gp-reg-pat-prac-lsoa-allNcsv', 'PCNs checked: N of N']) {
        assert.ok(stages.has(stage), `no "${stage}" stage in ${[...stages]}`);
      }
    }

    // Clicking a PCN's row opens it and shows its numbers.
    const first = expected.pcns.find((p) => (p.territory || {}).areas > 0).code;
    await page.click(`#pcns details[data-pcn="${first}"] summary`);
    const numbers = await page.$eval(`#pcns details[data-pcn="${first}"] .numbers`,
                                     (e) => e.textContent);
    assert.match(numbers, /^population [\d,<]+, \d+ practices, territory \d+ areas/);
    assert.deepEqual(problems, []);
    console.log(`web page: ${shown.verdict}; ${shown.territories} territories drawn, ` +
                `${shown.findings} findings listed in ${seconds} s; the page answered within ` +
                `${slowest} ms throughout; ${progress.size} progress values shown`);
  } finally {
    await browser.close();
    server.kill('SIGTERM');
    fs.rmSync(work, {recursive: true, force: true});
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
