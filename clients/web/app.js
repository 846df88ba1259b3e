// The pcnv web page: reads NHS Digital's CSV files in the browser, sends them to this server's
// HTTP/JSON API as a ValidateStream (POST /v1/validate:stream, one JSON chunk a line, asking for
// geometries as GeoJSON in WGS84), and shows the verdict, a map of the territories coloured by
// verdict, and the findings grouped by PCN. Files are read as streams with a progress bar, so
// national files (hundreds of megabytes) keep the page responsive. docs/API.md documents the
// API; clients/web/README.md this page.
'use strict';

const CHUNK_ROWS = 20000;  // rows per streamed chunk, as the Python client sends them
const SLICE = 100;  // PCNs drawn and listed between two frames
const SEVERITY = {SEVERITY_ERROR: 'ERROR', SEVERITY_WARNING: 'WARNING', SEVERITY_INFO: 'INFO'};
const COLOUR = {FAIL: '#d73027', WARN: '#fdae61', PASS: '#1a9850'};
// Findings whose geometry marks a place to look at: detached parts, enclaves, overlaps, gaps.
const HIGHLIGHT = /^(CON00[12]|OVL\d+|GAP\d+)$/;

const $ = (id) => document.getElementById(id);
const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 0));

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180: quoted fields with commas, doubled quotes and line breaks), read as a stream.

class CsvParser {
  constructor(onRecord) {
    this.onRecord = onRecord;  // (fields) for every record, the header included
    this.field = '';
    this.fields = [];
    this.quoted = false;
    this.quoteSeen = false;  // a quote inside a quoted field: a doubled quote or its end
  }

  push(text) {
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (this.quoted) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (c === '"') { this.field += '"'; continue; }
          this.quoted = false;  // the closing quote; c is handled below
        } else if (c === '"') {
          this.quoteSeen = true;
          continue;
        } else {
          this.field += c;
          continue;
        }
      }
      if (c === '"' && this.field === '') this.quoted = true;
      else if (c === ',') { this.fields.push(this.field); this.field = ''; }
      else if (c === '\n') this.endRecord();
      else if (c !== '\r') this.field += c;
    }
  }

  end() {
    if (this.quoteSeen) { this.quoteSeen = false; this.quoted = false; }
    if (this.field !== '' || this.fields.length) this.endRecord();
  }

  endRecord() {
    this.fields.push(this.field);
    this.field = '';
    const fields = this.fields;
    this.fields = [];
    if (fields.length === 1 && fields[0] === '') return;  // a blank line
    this.onRecord(fields);
  }
}

// Calls onRow(object keyed by header, 1-based data row) for every row of `file`;
// onProgress(fraction) as it goes. Errors name the file.
async function readCsv(file, onRow, onProgress) {
  let header = null;
  let row = 0;
  const parser = new CsvParser((fields) => {
    if (header === null) {
      header = fields.map((h) => h.replace(/^\ufeff/, '').trim().toUpperCase());
      return;
    }
    row++;
    const record = {};
    header.forEach((h, i) => { record[h] = (fields[i] || '').trim(); });
    onRow(record, row);
  });
  const reader = file.stream().pipeThrough(new TextDecoderStream()).getReader();
  let read = 0;
  let resumed = performance.now();
  for (;;) {
    const {value, done} = await reader.read();
    if (done) break;
    parser.push(value);
    read += value.length;
    onProgress(Math.min(1, read / Math.max(1, file.size)));
    // Reads of a local file resolve at once, as microtasks, which never let the page repaint
    // or answer a click: hand the event loop back every 50 ms of parsing.
    if (performance.now() - resumed > 50) {
      await nextFrame();
      resumed = performance.now();
    }
  }
  parser.end();
  if (header === null) throw new Error(`${file.name}: the file is empty`);
  return {header, rows: row};
}

function requireColumns(file, header, columns) {
  const missing = columns.filter((c) => !header.includes(c));
  if (missing.length) {
    throw new Error(`${file.name}: no ${missing.join(', ')} column (columns: ${header.join(', ')})`);
  }
}

const postcode = (text) => text.replace(/\s+/g, '').toUpperCase();
const integer = (file, row, column, text) => {
  if (!/^\d+$/.test(text)) throw new Error(`${file.name}: row ${row}, ${column}: '${text}' is not a count`);
  return Number(text);
};

// ---------------------------------------------------------------------------------------------
// The request: ValidateStreamRequest chunks as NDJSON (docs/API.md, "HTTP/JSON").

async function buildBody(files, stage) {
  const parts = [JSON.stringify({options: {geometryOutput: {
    encoding: 'GEOMETRY_ENCODING_GEOJSON', srid: 4326}}}) + '\n'];
  let batch = [];
  const flush = (wrap) => {
    if (batch.length) parts.push(JSON.stringify(wrap(batch)) + '\n');
    batch = [];
  };
  const add = (item, wrap) => {
    batch.push(item);
    if (batch.length >= CHUNK_ROWS) flush(wrap);
  };

  const map = files.practices;
  const members = (rows) => ({memberships: {rows}});
  const m = await readCsv(map, (r, row) => add({
    practiceCode: r.PRACTICE_CODE, practiceName: r.PRACTICE_NAME || '',
    practicePostcode: postcode(r.PRACTICE_POSTCODE || ''),
    pcnCode: r.PCN_CODE || '', pcnName: r.PCN_NAME || '',
    subIcbCode: r.SUB_ICB_LOCATION_CODE || r.CCG_CODE || '',
    onsSubIcbCode: r.ONS_SUB_ICB_LOCATION_CODE || r.ONS_CCG_CODE || '',
    icbCode: r.ICB_CODE || r.STP_CODE || '', onsIcbCode: r.ONS_ICB_CODE || r.ONS_STP_CODE || '',
    row}, members), (f) => stage(`reading ${map.name}`, f));
  requireColumns(map, m.header, ['PRACTICE_CODE', 'PCN_CODE']);
  flush(members);

  if (files.listSizes) {
    const f = files.listSizes;
    const sizes = (rows) => ({listSizes: {rows}});
    parts.push(JSON.stringify({listSizes: {}}) + '\n');  // given, even if no row is kept
    const l = await readCsv(f, (r, row) => {
      if ((r.SEX || 'ALL') !== 'ALL' || (r.AGE || 'ALL') !== 'ALL') return;
      add({practiceCode: r.CODE, patients: integer(f, row, 'NUMBER_OF_PATIENTS', r.NUMBER_OF_PATIENTS), row}, sizes);
    }, (x) => stage(`reading ${f.name}`, x));
    requireColumns(f, l.header, ['CODE', 'NUMBER_OF_PATIENTS']);
    flush(sizes);
  }

  if (files.distribution) {
    const f = files.distribution;
    const dist = (rows) => ({distribution: {level: 'DISTRIBUTION_LEVEL_AREA', rows}});
    const d = await readCsv(f, (r, row) => {
      if ((r.SEX || 'ALL') !== 'ALL') return;
      add({practiceCode: r.PRACTICE_CODE, place: r.LSOA_CODE,
        patients: integer(f, row, 'NUMBER_OF_PATIENTS', r.NUMBER_OF_PATIENTS), row}, dist);
    }, (x) => stage(`reading ${f.name}`, x));
    requireColumns(f, d.header, ['PRACTICE_CODE', 'LSOA_CODE', 'NUMBER_OF_PATIENTS']);
    flush(dist);
  }
  return new Blob(parts, {type: 'application/x-ndjson'});
}

// ---------------------------------------------------------------------------------------------
// The call, read event by event.

async function validate(body, token, onEvent) {
  const headers = {'Content-Type': 'application/x-ndjson'};
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch('v1/validate:stream', {method: 'POST', headers, body});
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const status = await response.json();
      message = `${message}: ${status.message}`;
    } catch (e) { /* the status line says enough */ }
    throw new Error(message);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  // A line can be tens of megabytes (the summary of a national report): its pieces are kept
  // apart until its newline comes, so no piece is scanned twice.
  let pieces = [];
  const emit = (line) => {
    line = line.trim();
    if (!line) return;
    const event = JSON.parse(line);
    if (event.error) throw new Error(event.error.message);
    onEvent(event);
  };
  for (;;) {
    const {value, done} = await reader.read();
    if (done) break;
    let start = 0;
    let newline;
    while ((newline = value.indexOf('\n', start)) >= 0) {
      pieces.push(value.slice(start, newline));
      emit(pieces.join(''));
      pieces = [];
      start = newline + 1;
    }
    if (start < value.length) pieces.push(value.slice(start));
  }
  emit(pieces.join(''));
}

// ---------------------------------------------------------------------------------------------
// What the page shows.

const severityOf = (f) => (f.waiver ? 'WAIVED' : SEVERITY[f.severity] || 'INFO');

function verdictOf(findings) {
  const severities = findings.map(severityOf);
  if (severities.includes('ERROR')) return 'FAIL';
  if (severities.includes('WARNING')) return 'WARN';
  return 'PASS';
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => { e[k] = v; });
  children.forEach((c) => e.append(c));
  return e;
}

function numbersOf(pcn) {
  const t = pcn.territory || {};
  const population = pcn.populationSuppressed ? '<5' : Number(pcn.population || 0).toLocaleString('en-GB');
  return `population ${population}, ${(pcn.practices || []).length} practices, ` +
         `territory ${t.areas || 0} areas in ${t.parts || 0} part(s), ` +
         `${(t.areaKm2 || 0).toFixed(1)} km²`;
}

class Results {
  constructor() {
    this.map = null;
    this.layers = {};  // PCN code -> territory layer
    this.rows = {};    // PCN code -> <details>
  }

  reset() {
    $('pcns').replaceChildren();
    $('results').hidden = false;
    if (!this.map) {
      this.map = L.map('map', {preferCanvas: true, attributionControl: false});
      this.map.setView([52.8, -1.5], 6);
    }
    Object.values(this.layers).forEach((l) => l.remove());
    if (this.highlights) this.highlights.remove();
    this.layers = {};
    this.rows = {};
  }

  // Draws and lists the report, a slice of PCNs at a time so that a national report (1,250
  // PCNs, thousands of findings) never holds the page still for long.
  async show(report) {
    this.reset();
    const byPcn = new Map();
    for (const f of report.findings || []) {
      const key = f.pcn || '';
      if (!byPcn.has(key)) byPcn.set(key, []);
      byPcn.get(key).push(f);
    }
    const bounds = L.latLngBounds([]);
    const pcns = [...(report.pcns || [])];
    const order = {FAIL: 0, WARN: 1, PASS: 2};
    pcns.sort((a, b) => order[verdictOf(byPcn.get(a.code) || [])] -
                        order[verdictOf(byPcn.get(b.code) || [])] || a.code.localeCompare(b.code));
    for (const [i, pcn] of pcns.entries()) {
      if (i % SLICE === SLICE - 1) await nextFrame();
      const findings = byPcn.get(pcn.code) || [];
      const verdict = verdictOf(findings);
      this.rows[pcn.code] = this.row(pcn.code, `${pcn.code} ${pcn.name || ''}`, verdict,
                                     findings, numbersOf(pcn));
      if (pcn.territoryGeometry && pcn.territoryGeometry.geojson) {
        const layer = L.geoJSON(JSON.parse(pcn.territoryGeometry.geojson), {
          style: {color: '#fff', weight: 1, fillColor: COLOUR[verdict], fillOpacity: 0.75},
        }).bindPopup(`<b>${escapeHtml(pcn.code)}</b> ${escapeHtml(pcn.name || '')}<br>${verdict}<br>` +
                     escapeHtml(numbersOf(pcn)));
        layer.on('click', () => this.select(pcn.code));
        layer.addTo(this.map);
        this.layers[pcn.code] = layer;
        bounds.extend(layer.getBounds());
      }
    }
    const others = byPcn.get('') || [];
    if (others.length) this.row('', 'Not about one PCN', verdictOf(others), others, '');

    const marked = (report.findings || []).filter((f) => HIGHLIGHT.test(f.rule) &&
                                                         f.geometry && f.geometry.geojson);
    this.highlights = L.geoJSON(marked.map((f) => ({
      type: 'Feature', properties: {rule: f.rule, message: f.message},
      geometry: JSON.parse(f.geometry.geojson)})), {
      style: {color: '#7b1fa2', weight: 3, dashArray: '6 4', fillOpacity: 0.15},
      onEachFeature: (feature, layer) => layer.bindPopup(
          `<b>${escapeHtml(feature.properties.rule)}</b> ${escapeHtml(feature.properties.message)}`),
    }).addTo(this.map);
    if (bounds.isValid()) this.map.fitBounds(bounds, {padding: [10, 10]});
    $('results').dataset.territories = Object.keys(this.layers).length;
    $('results').dataset.highlights = marked.length;
  }

  row(code, title, verdict, findings, numbers) {
    const list = el('ul', {});
    for (const f of findings) {
      const severity = severityOf(f);
      list.append(el('li', {className: 'finding'}, el('span', {className: `badge ${severity}`,
        textContent: severity}), `${f.rule}: ${f.message}`));
    }
    const details = el('details', {className: 'pcn'},
      el('summary', {}, el('span', {className: `badge ${verdict}`, textContent: verdict}),
         title, ` (${findings.length} finding${findings.length === 1 ? '' : 's'})`),
      numbers ? el('div', {className: 'numbers', textContent: numbers}) : '', list);
    details.dataset.pcn = code;
    details.addEventListener('toggle', () => { if (details.open && code) this.focus(code); });
    $('pcns').append(details);
    return details;
  }

  select(code) {
    Object.values(this.rows).forEach((r) => r.classList.remove('selected'));
    const row = this.rows[code];
    if (!row) return;
    row.classList.add('selected');
    row.open = true;
    row.scrollIntoView({block: 'nearest'});
  }

  focus(code) {
    const layer = this.layers[code];
    if (layer) { this.map.fitBounds(layer.getBounds(), {maxZoom: 12}); layer.openPopup(); }
  }
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;',
    '"': '&quot;', "'": '&#39;'}[c]));
}

// ---------------------------------------------------------------------------------------------

const results = new Results();

function stage(text, fraction) {
  $('stage').textContent = text;
  const bar = $('progress');
  bar.hidden = false;
  if (fraction === undefined) bar.removeAttribute('value');  // indeterminate
  else bar.value = fraction;
  document.body.dataset.stage = text;
}

function showVerdict(text, cls) {
  const v = $('verdict');
  v.hidden = false;
  v.className = cls;
  v.textContent = text;
}

async function run(event) {
  event.preventDefault();
  const files = {practices: $('practices').files[0], listSizes: $('listSizes').files[0],
                 distribution: $('distribution').files[0]};
  if (!files.practices) return;
  $('run').disabled = true;
  $('verdict').hidden = true;
  document.body.dataset.state = 'running';
  try {
    const body = await buildBody(files, stage);
    stage(`sending ${(body.size / 1e6).toFixed(1)} MB`);
    let report = null;
    await validate(body, $('token').value.trim(), (e) => {
      if (e.progress) {
        const total = Number(e.progress.total || 0);
        const done = Number(e.progress.done || 0);
        const names = {receive: 'server reading the rows', validate: 'validating',
                       results: 'PCNs checked'};
        stage(total ? `${names[e.progress.stage] || e.progress.stage}: ${done} of ${total}`
                    : `${names[e.progress.stage] || e.progress.stage}: ${done.toLocaleString('en-GB')}`,
              total ? done / total : undefined);
      } else if (e.summary) {
        report = e.summary.report;
      }
    });
    if (!report) throw new Error('the server ended the call without a report');
    const s = report.summary;
    const counts = s.findingsBySeverity || {};
    showVerdict(`${s.verdict}: ${s.pcns || 0} PCNs, ${s.practices || 0} practices; ` +
                `${counts.ERROR || 0} errors, ${counts.WARNING || 0} warnings, ` +
                `${counts.INFO || 0} notes`, s.verdict);
    stage('done', 1);
    await results.show(report);
    document.body.dataset.state = 'done';
  } catch (e) {
    showVerdict(e.message, 'ERROR');
    stage('stopped');
    document.body.dataset.state = 'error';
  } finally {
    $('run').disabled = false;
  }
}

$('inputs').addEventListener('submit', run);
