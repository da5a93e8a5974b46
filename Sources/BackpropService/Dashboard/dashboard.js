// The backpropd dashboard: one page, no libraries, nothing but the public API (api.md).
// A run is first read without its curves (GET /runs/{id}?since=AFTER_EVERYTHING). A finished run
// is then read once in full; while a run trains, its curve points arrive once each as Server-Sent
// Events (GET /runs/{id}/events) and everything else (status, current weights) by the same
// curve-free read, long-polled with ETag/If-None-Match (&wait=…): a whole run is never fetched
// in a loop.

const TOKEN_KEY = 'backpropd-token';
const LIST_POLL_ACTIVE_MS = 2000;
const LIST_POLL_IDLE_MS = 15000;
const RUN_POLL_GAP_MS = 1500;
const RUN_WAIT_SECONDS = 20;
const RETRY_MS = 3000;
const SVG_NS = 'http://www.w3.org/2000/svg';
// `?since=` beyond every iteration: the run with no curve points.
const AFTER_EVERYTHING = Number.MAX_SAFE_INTEGER;

// Okabe–Ito-like colours that stay apart for colour-blind readers; more alphas cycle through
// hues. Every alpha also gets its own dash pattern and a text label, so colour is never the only cue.
const PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000', '#8a6d00'];
const DASHES = ['', '9 4', '2 3', '12 3 3 3', '5 5', '14 4 2 4 2 4', '1 4', '7 2 1 2'];
const MARKERS = ['circle', 'square', 'triangle', 'diamond', 'cross', 'plus'];

// ---------------------------------------------------------------------------------------------
// DOM helpers

// element('p', { class: 'hint', onclick: f }, 'text', child, [more]): null, undefined and false
// attributes and children are left out.
const element = (tag, attributes, ...children) => filled(document.createElement(tag), attributes, children);
const svgElement = (tag, attributes, ...children) => filled(document.createElementNS(SVG_NS, tag), attributes, children);

function filled(node, attributes = {}, children = []) {
  setAttributes(node, attributes);
  node.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

function setAttributes(node, attributes) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
}

const byId = (id) => document.getElementById(id);
const sleep = (ms, signal) => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
});

// ---------------------------------------------------------------------------------------------
// Formatting

const integerFormat = new Intl.NumberFormat('en-US');
const formatInteger = (value) => integerFormat.format(value);
const formatAlpha = (alpha) => String(alpha);

function formatError(value) {
  if (value === null || value === undefined) return '—';
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e4)) return value.toExponential(2);
  return value.toPrecision(3);
}

function formatWeight(value) {
  if (value === null || value === undefined) return 'NaN';
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function formatDuration(ms) {
  if (ms === null || ms === undefined) return '—';
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function formatTime(rfc3339) {
  if (!rfc3339) return '—';
  const date = new Date(rfc3339);
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

function timeElement(rfc3339) {
  return element('time', { datetime: rfc3339 ?? '', title: rfc3339 ?? '' }, formatTime(rfc3339));
}

function alphaLabel(trial, showHidden) {
  return showHidden ? `α = ${formatAlpha(trial.alpha)}, hidden ${trial.hidden_size}` : `α = ${formatAlpha(trial.alpha)}`;
}

// The short form written at the end of a curve.
function endLabel(trial, showHidden) {
  return showHidden ? `α ${formatAlpha(trial.alpha)} h${trial.hidden_size}` : `α = ${formatAlpha(trial.alpha)}`;
}

// ---------------------------------------------------------------------------------------------
// The API client: the token (if the server wants one), JSON bodies, problem+json errors.

const api = {
  token: sessionStorage.getItem(TOKEN_KEY) ?? '',
  onUnauthorized: () => {},

  async request(method, path, { body, headers = {}, signal } = {}) {
    const allHeaders = { Accept: 'application/json', ...headers };
    if (body !== undefined) allHeaders['Content-Type'] = 'application/json';
    if (this.token) allHeaders.Authorization = `Bearer ${this.token}`;
    // no-store: the page sends its own If-None-Match and wants to see the 304 itself.
    const response = await fetch(path, {
      method, headers: allHeaders, signal, cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401) this.onUnauthorized();
    return response;
  },

  async json(method, path, options) {
    const response = await this.request(method, path, options);
    if (!response.ok) throw await Problem.from(response);
    return response.json();
  },
};

// An RFC 9457 problem (or a stand-in for a response that is not one).
class Problem extends Error {
  constructor(status, title, detail, errors = []) {
    super(detail || title);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = errors;
  }

  static async from(response) {
    let body = null;
    try { body = await response.json(); } catch { /* not JSON */ }
    if (body && typeof body === 'object') {
      return new Problem(response.status, body.title ?? response.statusText, body.detail ?? '', Array.isArray(body.errors) ? body.errors : []);
    }
    return new Problem(response.status, `HTTP ${response.status}`, response.statusText);
  }
}

// Server-Sent Events read from a fetch body (EventSource cannot send an Authorization header).
async function* serverSentEvents(response, signal) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  signal.addEventListener('abort', () => reader.cancel().catch(() => {}), { once: true });
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    const blocks = buffer.split('\n\n');
    buffer = blocks.pop();
    for (const block of blocks) {
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let text = colon < 0 ? '' : line.slice(colon + 1);
        if (text.startsWith(' ')) text = text.slice(1);
        if (field === 'event') event = text;
        else if (field === 'data') data.push(text);
      }
      if (data.length > 0) yield { event, data: data.join('\n') };
    }
  }
}

// The built-in datasets, read once: outputs are shown against their targets.
let datasetsPromise = null;
function builtInDatasets() {
  datasetsPromise ??= api.json('GET', '/datasets')
    .then((body) => new Map(body.datasets.map((dataset) => [dataset.name, dataset])))
    .catch(() => { datasetsPromise = null; return new Map(); });
  return datasetsPromise;
}

async function datasetOf(request) {
  if (request.dataset && typeof request.dataset === 'object') return request.dataset;
  return (await builtInDatasets()).get(request.dataset) ?? null;
}

// ---------------------------------------------------------------------------------------------
// The network's forward pass, for the decision-boundary image. The notebook's convention: every
// layer is sigmoid(input · synapse) with no separate bias term; a constant input column (xor's
// third column of ones) is the bias. synapses[0] maps inputs to the hidden layer, the last
// matrix to the outputs; hidden size 0 is the 2-layer network with one matrix.

const sigmoid = (x) => 1 / (1 + Math.exp(-x));

// A forward pass over fixed buffers (one per layer), for evaluating thousands of inputs.
function forwardPass(synapses) {
  const layers = synapses.map((matrix) => new Float64Array(matrix[0].length));
  const flat = synapses.map((matrix) => Float64Array.from(matrix.flat()));
  return (input) => {
    let layer = input;
    for (let m = 0; m < flat.length; m++) {
      const weights = flat[m];
      const next = layers[m];
      const width = next.length;
      next.fill(0);
      for (let i = 0; i < layer.length; i++) {
        const value = layer[i];
        for (let j = 0; j < width; j++) next[j] += value * weights[i * width + j];
      }
      for (let j = 0; j < width; j++) next[j] = sigmoid(next[j]);
      layer = next;
    }
    return layer[0];
  };
}

// How a dataset's inputs map onto a plane: the two columns that vary, the constants of the rest.
function inputPlane(inputs) {
  if (!inputs?.length) return null;
  const columns = inputs[0].length;
  const varying = [];
  const constants = [];
  for (let column = 0; column < columns; column++) {
    const first = inputs[0][column];
    if (inputs.every((row) => row[column] === first)) constants[column] = first;
    else varying.push(column);
  }
  if (varying.length !== 2) return null;
  const range = (column) => {
    const values = inputs.map((row) => row[column]);
    const low = Math.min(...values);
    const high = Math.max(...values);
    const margin = (high - low) * 0.25;
    return [low - margin, high + margin];
  };
  return { columns, varying, constants, x: range(varying[0]), y: range(varying[1]) };
}

// ---------------------------------------------------------------------------------------------
// Colour scales

// -1…1 → blue, white, red (weights), as [r, g, b].
function divergingRGB(t) {
  const s = Math.max(-1, Math.min(1, t));
  return s < 0 ? mix(WHITE, BLUE, -s) : mix(WHITE, RED, s);
}

// 0…1 → white, lavender, dark purple (counts), as [r, g, b].
function sequentialRGB(t) {
  const s = Math.max(0, Math.min(1, t));
  return s < 0.5 ? mix(WHITE, LAVENDER, s * 2) : mix(LAVENDER, PURPLE, (s - 0.5) * 2);
}

const WHITE = [255, 255, 255];
const BLUE = [33, 102, 172];
const RED = [178, 24, 43];
const LAVENDER = [158, 154, 200];
const PURPLE = [63, 0, 125];
const GREY = [153, 153, 153];

function mix(from, to, t) {
  return [from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t, from[2] + (to[2] - from[2]) * t];
}

const css = ([r, g, b]) => `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`;

function inkFor(t) {
  return Math.abs(t) > 0.55 ? 'light' : 'dark';
}

// ---------------------------------------------------------------------------------------------
// Heatmaps: small matrices as tables (the numbers are in the cells, so colour is a second cue),
// large ones as a canvas image.

const TABLE_CELL_LIMIT = 96;

function heatmap({ title, matrix, scale, format, rowLabel, columnLabel, kind }) {
  const rows = matrix.length;
  const columns = rows ? matrix[0].length : 0;
  const caption = `${title} (${rows}×${columns})`;
  const colourOf = (value) => (value === null ? GREY : (kind === 'weights' ? divergingRGB : sequentialRGB)(scale(value)));
  if (rows * columns <= TABLE_CELL_LIMIT) {
    const table = element('table', { class: `heatmap ${kind}` },
      element('caption', {}, caption),
      element('thead', {}, element('tr', {}, element('th', { scope: 'col' }, ''),
        Array.from({ length: columns }, (_, column) => element('th', { scope: 'col' }, columnLabel(column))))),
      element('tbody', {}, matrix.map((row, rowIndex) => element('tr', {},
        element('th', { scope: 'row' }, rowLabel(rowIndex)),
        row.map((value) => {
          const cell = element('td', { class: `ink-${inkFor(value === null ? 1 : scale(value))}` }, format(value));
          cell.style.backgroundColor = css(colourOf(value));
          return cell;
        })))));
    return table;
  }
  const canvas = element('canvas', { class: `heatmap-image ${kind}`, width: columns, height: rows, role: 'img', 'aria-label': caption });
  const context = canvas.getContext('2d');
  const image = context.createImageData(columns, rows);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      const [r, g, b] = colourOf(matrix[row][column]);
      const offset = (row * columns + column) * 4;
      image.data.set([r, g, b, 255], offset);
    }
  }
  context.putImageData(image, 0, 0);
  return element('figure', { class: 'heatmap-figure' }, canvas, element('figcaption', {}, caption));
}

function layerLabels(layerIndex, layerCount, constants) {
  const inputName = (index) => (layerIndex === 0
    ? (constants?.[index] !== undefined ? 'bias' : `x${index + 1}`)
    : `h${index + 1}`);
  const outputName = (index) => (layerIndex === layerCount - 1 ? `out${index + 1}` : `h${index + 1}`);
  return { rowLabel: inputName, columnLabel: outputName };
}

// ---------------------------------------------------------------------------------------------
// The error-curve chart: one SVG path per trial on a log error axis, downsampled to at most two
// points per pixel column, redrawn per animation frame only for the trials that changed.

class ErrorChart {
  constructor(run, onHover) {
    this.iterations = run.request.iterations;
    this.trials = [];
    this.showHidden = run.request.hidden_sizes.length > 1;
    this.dirty = new Set();
    this.frame = 0;
    this.domain = null;
    this.cursor = null;
    this.onHover = onHover;

    this.svg = svgElement('svg', {
      class: 'chart', role: 'img', tabindex: 0,
      'aria-label': 'Error curves of every trial: mean absolute error (log scale) against iteration',
      'aria-describedby': 'chart-help',
    });
    this.grid = svgElement('g', { class: 'grid' });
    // Curves are drawn in tenths of a pixel with integer coordinates: a path of 64 × 2,000
    // points is built and parsed several times faster than with decimals.
    this.curves = svgElement('g', { class: 'curves', transform: 'scale(0.1)' });
    this.decorations = svgElement('g', { class: 'decorations' });
    this.labels = svgElement('g', { class: 'end-labels' });
    this.hover = svgElement('g', { class: 'hover', visibility: 'hidden' },
      svgElement('line', { class: 'hover-line' }),
      svgElement('circle', { class: 'hover-dot', r: 5 }));
    this.svg.append(this.grid, this.curves, this.decorations, this.labels, this.hover);
    this.tooltip = element('div', { class: 'tooltip', hidden: true, 'aria-hidden': 'true' });
    this.legend = element('ul', { class: 'legend', 'aria-label': 'Trials (select to show or hide a curve)' });
    this.readout = element('p', { class: 'readout', id: 'chart-readout', role: 'status' }, 'Point at the chart (or focus it and use the arrow keys) to read an iteration and its error.');
    this.box = element('div', { class: 'chart-box' }, this.svg, this.tooltip);
    this.element = element('figure', { class: 'chart-figure' },
      this.box,
      element('figcaption', {}, this.legend, this.readout,
        element('p', { class: 'hint', id: 'chart-help' }, 'Arrow keys move along the curves (Shift: faster); up and down switch trials.')));

    run.trials.forEach((trial, index) => this.addTrial(trial, index, run.request));
    this.svg.addEventListener('pointermove', (event) => this.pointAt(event));
    this.svg.addEventListener('pointerleave', () => this.clearHover());
    this.svg.addEventListener('keydown', (event) => this.key(event));
    this.svg.addEventListener('blur', () => this.clearHover());
    this.resizeObserver = new ResizeObserver(() => this.layout());
    this.resizeObserver.observe(this.box);
  }

  addTrial(trial, index, request) {
    const alphaIndex = Math.max(0, request.alphas.indexOf(trial.alpha));
    const hiddenIndex = Math.max(0, request.hidden_sizes.indexOf(trial.hidden_size));
    const colour = alphaIndex < PALETTE.length ? PALETTE[alphaIndex] : `hsl(${(alphaIndex * 137.5) % 360} 65% 40%)`;
    const model = {
      index, alpha: trial.alpha, hidden_size: trial.hidden_size, colour,
      dash: DASHES[alphaIndex % DASHES.length], marker: MARKERS[hiddenIndex % MARKERS.length],
      iterations: [], errors: [], low: Infinity, high: 0, cache: null, visible: true,
      status: trial.status, divergedAt: trial.diverged_at_iteration, finalError: trial.final_error,
    };
    const tenths = model.dash && model.dash.split(' ').map((length) => Number(length) * 10).join(' ');
    model.path = svgElement('path', { class: 'curve', 'data-trial': index, stroke: colour, 'stroke-dasharray': tenths || null });
    model.endMarker = svgElement('path', { class: 'end-marker', fill: colour, stroke: colour });
    model.divergence = svgElement('g', { class: 'diverged-marker', visibility: 'hidden' },
      svgElement('path', { d: 'M-6,-6L6,6M-6,6L6,-6', stroke: colour }),
      svgElement('text', { x: 8, y: -8 }, 'diverged'));
    model.label = svgElement('text', { class: 'end-label', fill: colour }, endLabel(trial, this.showHidden));
    this.curves.append(model.path);
    this.decorations.append(model.endMarker, model.divergence);
    this.labels.append(model.label);

    const swatch = svgElement('svg', { class: 'swatch', width: 36, height: 12, 'aria-hidden': 'true' },
      svgElement('line', { x1: 1, y1: 6, x2: 35, y2: 6, stroke: colour, 'stroke-width': 2.5, 'stroke-dasharray': model.dash || null }),
      this.showHidden ? svgElement('path', { d: markerPath(model.marker, 18, 6, 4), fill: colour }) : null);
    model.legendText = element('span', { class: 'legend-detail' });
    model.legendButton = element('button', {
      type: 'button', class: 'legend-item', 'aria-pressed': 'true', 'data-trial': index,
      onclick: () => this.toggle(model),
    }, swatch, element('span', { class: 'legend-name' }, alphaLabel(trial, this.showHidden)), model.legendText);
    this.legend.append(element('li', {}, model.legendButton));
    this.trials.push(model);
  }

  // Adds curve points (older or repeated iterations are dropped, so replays are harmless).
  append(index, points) {
    const model = this.trials[index];
    let last = model.iterations.length ? model.iterations[model.iterations.length - 1] : -1;
    for (const point of points) {
      if (point.iteration <= last) continue;
      model.iterations.push(point.iteration);
      model.errors.push(point.error);
      if (point.error > 0) {
        if (point.error < model.low) model.low = point.error;
        if (point.error > model.high) model.high = point.error;
      }
      last = point.iteration;
    }
    this.markDirty(index);
  }

  lastIteration(index) {
    const model = this.trials[index];
    return model.iterations.length ? model.iterations[model.iterations.length - 1] : -1;
  }

  updateTrial(index, trial) {
    const model = this.trials[index];
    model.status = trial.status;
    model.divergedAt = trial.diverged_at_iteration;
    model.finalError = trial.final_error;
    let detail = trial.status;
    if (trial.status === 'diverged') detail = `diverged at ${formatInteger(trial.diverged_at_iteration)}`;
    else if (trial.final_error !== null && trial.final_error !== undefined) detail = `error ${formatError(trial.final_error)}`;
    model.legendText.textContent = detail;
    model.legendButton.dataset.status = trial.status;
    this.markDirty(index);
  }

  toggle(model) {
    model.visible = !model.visible;
    model.legendButton.setAttribute('aria-pressed', String(model.visible));
    this.markDirty(model.index);
  }

  markDirty(index) {
    this.dirty.add(index);
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  layout() {
    const width = Math.max(280, Math.round(this.box.clientWidth));
    const height = Math.round(Math.min(440, Math.max(240, width * 0.5)));
    const longest = Math.max(0, ...this.trials.map((model) => model.label.textContent.length));
    const labelRoom = this.trials.length <= 16 ? Math.min(160, 16 + longest * 7.5) : 12;
    this.size = { width, height, left: 58, right: width - labelRoom, top: 12, bottom: height - 40 };
    this.svg.setAttribute('width', width);
    this.svg.setAttribute('height', height);
    this.svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    this.domain = null; // redraws every curve from scratch at the next flush
    this.flush();
  }

  // Decades that hold every finite positive error seen so far.
  errorDomain() {
    let low = Infinity;
    let high = 0;
    for (const model of this.trials) {
      if (model.low < low) low = model.low;
      if (model.high > high) high = model.high;
    }
    if (!(high > 0)) return [1e-3, 1];
    let bottom = Math.floor(Math.log10(low));
    let top = Math.ceil(Math.log10(high));
    if (top - bottom < 1) bottom = top - 1;
    return [Math.max(bottom, -300), Math.min(top, 300)];
  }

  x(iteration) {
    const { left, right } = this.size;
    return left + (iteration / Math.max(1, this.iterations)) * (right - left);
  }

  y(error) {
    const { top, bottom } = this.size;
    const [low, high] = this.domain;
    return top + ((high - Math.log10(error)) / (high - low)) * (bottom - top);
  }

  flush() {
    this.frame = 0;
    if (!this.size) return;
    const started = performance.now();
    const domain = this.errorDomain();
    if (!this.domain || domain[0] !== this.domain[0] || domain[1] !== this.domain[1]) {
      this.domain = domain;
      this.drawAxes();
      for (const model of this.trials) {
        model.cache = null;
        this.dirty.add(model.index);
      }
    }
    // About 12 ms of curves per frame; the rest waits for the next one, so that a first draw
    // or a new error range with 64 long curves never freezes the page.
    for (const index of this.dirty) {
      this.drawTrial(this.trials[index]);
      this.dirty.delete(index);
      if (performance.now() - started > 12) break;
    }
    this.placeLabels();
    this.svg.dataset.pending = this.dirty.size;
    if (this.dirty.size) this.frame = requestAnimationFrame(() => this.flush());
    // How long drawing takes, for scripts/dashboard-bench (read from the DOM).
    const elapsed = performance.now() - started;
    this.svg.dataset.draws = Number(this.svg.dataset.draws ?? 0) + 1;
    this.svg.dataset.drawMsMax = Math.max(Number(this.svg.dataset.drawMsMax ?? 0), elapsed).toFixed(2);
  }

  drawAxes() {
    const { left, right, top, bottom, height } = this.size;
    const [low, high] = this.domain;
    const nodes = [svgElement('rect', { class: 'plot-area', x: left, y: top, width: right - left, height: bottom - top })];
    const step = Math.max(1, Math.ceil((high - low) / 8));
    for (let decade = low; decade <= high; decade++) {
      const y = this.y(10 ** decade);
      if (decade < high) {
        for (let multiple = 2; multiple < 10; multiple++) {
          const minor = this.y(multiple * 10 ** decade);
          nodes.push(svgElement('line', { class: 'minor', x1: left, x2: right, y1: minor, y2: minor }));
        }
      }
      if ((decade - low) % step !== 0) continue;
      nodes.push(svgElement('line', { class: 'major', x1: left, x2: right, y1: y, y2: y }));
      nodes.push(svgElement('text', { class: 'tick y', x: left - 6, y: y + 4 }, powerOfTen(decade)));
    }
    for (const iteration of niceTicks(this.iterations, Math.max(2, Math.floor((right - left) / 90)))) {
      const x = this.x(iteration);
      nodes.push(svgElement('line', { class: 'major', x1: x, x2: x, y1: top, y2: bottom }));
      nodes.push(svgElement('text', { class: 'tick x', x, y: bottom + 16 }, compactInteger(iteration)));
    }
    nodes.push(svgElement('text', { class: 'axis-title', x: (left + right) / 2, y: height - 6 }, 'iteration'));
    nodes.push(svgElement('text', { class: 'axis-title', x: 14, y: (top + bottom) / 2, transform: `rotate(-90 14 ${(top + bottom) / 2})` }, 'mean absolute error (log)'));
    this.grid.replaceChildren(...nodes);
  }

  drawTrial(model) {
    const visibility = model.visible ? 'visible' : 'hidden';
    for (const node of [model.path, model.endMarker, model.label]) node.setAttribute('visibility', visibility);
    const { iterations, errors } = model;
    // Per pixel column keep the lowest and highest point, in their order: the line looks like
    // the full one with at most two points per column. Points only ever append, so the path up
    // to the last (still open) column is kept and only the rest is redone.
    let { d, count, penUp, from } = model.cache ?? { d: '', count: 0, penUp: true, from: 0 };
    const emit = (i) => {
      d += (penUp ? 'M' : 'L') + Math.round(this.x(iterations[i]) * 10) + ',' + Math.round(this.y(errors[i]) * 10);
      penUp = false;
      count++;
    };
    let column = null;
    let first = -1;
    let lowest = -1;
    let highest = -1;
    const closeColumn = () => {
      if (first < 0) return;
      emit(Math.min(lowest, highest));
      if (lowest !== highest) emit(Math.max(lowest, highest));
      first = -1;
    };
    for (let i = from; i < iterations.length; i++) {
      const error = errors[i];
      if (!(error > 0)) { closeColumn(); penUp = true; column = null; continue; }
      const pixel = Math.round(this.x(iterations[i]));
      if (pixel !== column) {
        closeColumn();
        column = pixel;
        first = lowest = highest = i;
      } else {
        if (error < errors[lowest]) lowest = i;
        if (error > errors[highest]) highest = i;
      }
    }
    model.cache = { d, count, penUp, from: first < 0 ? iterations.length : first };
    closeColumn();
    model.path.setAttribute('d', d);
    model.path.dataset.points = count;

    let lastFinite = null;
    for (let i = iterations.length - 1; i >= 0; i--) if (errors[i] > 0) { lastFinite = i; break; }
    if (lastFinite === null) {
      model.endMarker.setAttribute('d', '');
      model.labelY = null;
    } else {
      const x = this.x(iterations[lastFinite]);
      const y = this.y(errors[lastFinite]);
      model.endMarker.setAttribute('d', this.showHidden ? markerPath(model.marker, x, y, 4) : '');
      model.labelX = x;
      model.labelY = y;
    }
    if (model.status === 'diverged' && model.divergedAt !== null && model.divergedAt !== undefined) {
      const x = this.x(model.divergedAt);
      const y = lastFinite === null ? this.size.top : this.y(errors[lastFinite]);
      model.divergence.setAttribute('transform', `translate(${x.toFixed(1)},${y.toFixed(1)})`);
      model.divergence.setAttribute('visibility', visibility);
      model.divergence.dataset.iteration = model.divergedAt;
    } else {
      model.divergence.setAttribute('visibility', 'hidden');
    }
  }

  // End-of-curve labels, nudged apart vertically so they stay readable.
  placeLabels() {
    if (this.trials.length > 16) { this.labels.setAttribute('visibility', 'hidden'); return; }
    const placed = this.trials.filter((model) => model.visible && model.labelY !== null && model.labelY !== undefined)
      .sort((a, b) => a.labelY - b.labelY);
    const gap = 13;
    let previous = -Infinity;
    for (const model of placed) {
      const y = Math.max(model.labelY, previous + gap);
      model.placedY = y;
      previous = y;
    }
    const overflow = previous - (this.size.bottom + 4);
    for (const model of placed) {
      const y = overflow > 0 ? model.placedY - overflow : model.placedY;
      model.label.setAttribute('x', (Math.min(model.labelX, this.size.right) + 6).toFixed(1));
      model.label.setAttribute('y', (y + 4).toFixed(1));
    }
  }

  // Hover and keyboard readout.

  pointAt(event) {
    if (!this.size) return;
    const bounds = this.svg.getBoundingClientRect();
    const x = event.clientX - bounds.left;
    const y = event.clientY - bounds.top;
    if (x < this.size.left - 4 || x > this.size.right + 4) { this.clearHover(); return; }
    const iteration = ((x - this.size.left) / (this.size.right - this.size.left)) * this.iterations;
    let best = null;
    for (const model of this.trials) {
      if (!model.visible) continue;
      const index = nearestIndex(model.iterations, iteration);
      if (index < 0 || !(model.errors[index] > 0)) continue;
      const distance = Math.abs(this.y(model.errors[index]) - y) + Math.abs(this.x(model.iterations[index]) - x) * 0.25;
      if (!best || distance < best.distance) best = { model, index, distance };
    }
    if (best) this.showCursor(best.model, best.index, { x, y });
  }

  key(event) {
    const visible = this.trials.filter((model) => model.visible && model.iterations.length);
    if (!visible.length) return;
    let { model, index } = this.cursor ?? { model: visible[0], index: 0 };
    if (!visible.includes(model)) { model = visible[0]; index = 0; }
    const step = Math.max(1, Math.round(model.iterations.length / (event.shiftKey ? 10 : 100)));
    const position = visible.indexOf(model);
    switch (event.key) {
      case 'ArrowRight': index += step; break;
      case 'ArrowLeft': index -= step; break;
      case 'Home': index = 0; break;
      case 'End': index = model.iterations.length - 1; break;
      case 'ArrowUp':
      case 'ArrowDown': {
        const next = visible[(position + (event.key === 'ArrowDown' ? 1 : visible.length - 1)) % visible.length];
        index = nearestIndex(next.iterations, model.iterations[Math.min(index, model.iterations.length - 1)]);
        model = next;
        break;
      }
      case 'Escape': this.clearHover(); return;
      default: return;
    }
    event.preventDefault();
    index = Math.max(0, Math.min(model.iterations.length - 1, index));
    this.showCursor(model, index, null);
  }

  showCursor(model, index, pointer) {
    this.cursor = { model, index };
    const iteration = model.iterations[index];
    const error = model.errors[index];
    const x = this.x(iteration);
    const y = error > 0 ? this.y(error) : this.size.top;
    const [line, dot] = this.hover.children;
    setAttributes(line, { x1: x, x2: x, y1: this.size.top, y2: this.size.bottom });
    setAttributes(dot, { cx: x, cy: y, stroke: model.colour });
    this.hover.setAttribute('visibility', 'visible');
    const text = `${alphaLabel(model, this.showHidden)} · iteration ${formatInteger(iteration)} · error ${formatError(error)}`;
    this.readout.textContent = text;
    this.tooltip.textContent = text;
    this.tooltip.hidden = false;
    const anchorX = pointer ? pointer.x : x;
    const anchorY = pointer ? pointer.y : y;
    const flip = anchorX > this.size.width * 0.6;
    this.tooltip.classList.toggle('flip', flip);
    this.tooltip.style.left = `${anchorX}px`;
    this.tooltip.style.top = `${anchorY}px`;
    this.onHover?.(model.index);
  }

  clearHover() {
    this.hover.setAttribute('visibility', 'hidden');
    this.tooltip.hidden = true;
  }

  destroy() {
    this.resizeObserver.disconnect();
    if (this.frame) cancelAnimationFrame(this.frame);
  }
}

// Index of the point whose iteration is closest to `iteration` (-1 if none).
function nearestIndex(iterations, iteration) {
  if (!iterations.length) return -1;
  let low = 0;
  let high = iterations.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (iterations[middle] < iteration) low = middle + 1; else high = middle;
  }
  if (low > 0 && Math.abs(iterations[low - 1] - iteration) <= Math.abs(iterations[low] - iteration)) return low - 1;
  return low;
}

function niceTicks(maximum, count) {
  if (maximum <= 0) return [0];
  const rough = maximum / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough) ?? 10 * power;
  const ticks = [];
  for (let value = 0; value <= maximum + step * 1e-9; value += step) ticks.push(Math.round(value));
  return ticks;
}

const SUPERSCRIPTS = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
function powerOfTen(exponent) {
  if (exponent === 0) return '1';
  if (exponent === 1) return '10';
  return `10${[...String(exponent)].map((c) => SUPERSCRIPTS[c]).join('')}`;
}

function compactInteger(value) {
  if (value >= 1e6 && value % 1e5 === 0) return `${value / 1e6}M`;
  if (value >= 1e3 && value % 100 === 0) return `${value / 1e3}k`;
  return formatInteger(value);
}

function markerPath(shape, x, y, r) {
  switch (shape) {
    case 'square': return `M${x - r},${y - r}h${2 * r}v${2 * r}h${-2 * r}Z`;
    case 'triangle': return `M${x},${y - r * 1.2}L${x + r * 1.1},${y + r * 0.8}L${x - r * 1.1},${y + r * 0.8}Z`;
    case 'diamond': return `M${x},${y - r * 1.3}L${x + r},${y}L${x},${y + r * 1.3}L${x - r},${y}Z`;
    case 'cross': return `M${x - r},${y - r}L${x + r},${y + r}M${x - r},${y + r}L${x + r},${y - r}`;
    case 'plus': return `M${x - r},${y}h${2 * r}M${x},${y - r}v${2 * r}`;
    default: return `M${x - r},${y}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0`;
  }
}

// ---------------------------------------------------------------------------------------------
// Spreads heavy DOM work over animation frames, about 10 ms of it per frame, so scrolling,
// hovering and the live chart stay smooth while many trial cards change at once.
const renderQueue = {
  tasks: new Set(),
  frame: 0,
  add(task) {
    this.tasks.add(task);
    if (!this.frame) this.frame = requestAnimationFrame(() => this.run());
  },
  delete(task) {
    this.tasks.delete(task);
  },
  run() {
    this.frame = 0;
    const started = performance.now();
    for (const task of this.tasks) {
      this.tasks.delete(task);
      task();
      if (performance.now() - started > 10) break;
    }
    if (this.tasks.size) this.frame = requestAnimationFrame(() => this.run());
  },
};

// ---------------------------------------------------------------------------------------------
// One trial's card: status, outputs against targets, weights, direction changes, decision boundary.
// The heavy part (tables, the decision-boundary image) is drawn only while the card is on screen
// or near it, so 64 trials training at once cost no more than the few in view.

class TrialCard {
  constructor(trial, index, chartModel, showHidden) {
    this.index = index;
    this.signature = '';
    this.onScreen = false;
    this.pending = null;
    this.renderTask = () => this.renderBody();
    this.status = element('span', { class: 'status' });
    this.facts = element('dl', { class: 'facts compact' });
    this.body = element('div', { class: 'trial-body' });
    const swatch = svgElement('svg', { class: 'swatch', width: 28, height: 10, 'aria-hidden': 'true' },
      svgElement('line', { x1: 1, y1: 5, x2: 27, y2: 5, stroke: chartModel.colour, 'stroke-width': 2.5, 'stroke-dasharray': chartModel.dash || null }));
    this.element = element('section', { class: 'trial', 'data-trial': index, 'aria-labelledby': `trial-${index}-title` },
      element('h4', { id: `trial-${index}-title` }, swatch, alphaLabel(trial, showHidden), ' ', this.status),
      this.facts, this.body);
  }

  update(trial, context) {
    const signature = `${trial.status}|${trial.iterations_done}|${trial.final_error}|${context.countScaleMax}|${context.dataset ? 1 : 0}`;
    if (signature === this.signature) return;
    this.signature = signature;
    this.element.dataset.status = trial.status;
    this.status.textContent = trial.status;
    this.status.className = `status status-${trial.status}`;
    const facts = [
      ['final error', formatError(trial.final_error)],
      ['iterations', formatInteger(trial.iterations_done)],
    ];
    if (trial.status === 'diverged') facts.push(['diverged at', formatInteger(trial.diverged_at_iteration)]);
    // Trials trained side by side in one engine batch share this time (api.md).
    if (trial.batch_duration_ms !== null) facts.push(['batch time', formatDuration(trial.batch_duration_ms)]);
    this.facts.replaceChildren(...facts.map(([term, value]) => element('div', {}, element('dt', {}, term), element('dd', {}, value))));
    this.pending = { trial, context };
    if (this.onScreen) renderQueue.add(this.renderTask);
  }

  setOnScreen(onScreen) {
    this.onScreen = onScreen;
    if (onScreen && this.pending) renderQueue.add(this.renderTask);
    else if (!onScreen) renderQueue.delete(this.renderTask);
  }

  discard() {
    renderQueue.delete(this.renderTask);
  }

  renderBody() {
    if (!this.pending) return;
    const { trial, context } = this.pending;
    this.pending = null;
    const parts = [];
    const plane = inputPlane(context.dataset?.inputs);
    if (trial.outputs && context.dataset) parts.push(outputsTable(trial.outputs, context.dataset));
    if (plane && trial.synapses.length) parts.push(decisionBoundary(trial, plane, context.dataset));
    const layers = trial.synapses.length;
    const weightsBlock = element('div', { class: 'heatmaps weights-block' }, element('h5', {}, trial.direction_changes ? 'Final weights' : 'Current weights'));
    trial.synapses.forEach((matrix, layer) => {
      const largest = Math.max(1e-12, ...matrix.flat().map((value) => (value === null ? 0 : Math.abs(value))));
      weightsBlock.append(heatmap({
        title: `synapse_${layer}`, matrix, kind: 'weights', format: formatWeight,
        scale: (value) => (value === null ? 0 : value / largest),
        ...layerLabels(layer, layers, plane?.constants),
      }));
    });
    parts.push(weightsBlock);
    if (trial.direction_changes) {
      const changesBlock = element('div', { class: 'heatmaps changes-block' }, element('h5', {}, 'Direction changes'));
      const denominator = Math.log1p(Math.max(1, context.countScaleMax));
      trial.direction_changes.forEach((matrix, layer) => {
        changesBlock.append(heatmap({
          title: `synapse_${layer}`, matrix, kind: 'changes', format: (value) => formatInteger(value),
          scale: (value) => Math.log1p(value) / denominator,
          ...layerLabels(layer, layers, plane?.constants),
        }));
      });
      parts.push(changesBlock);
    }
    this.body.replaceChildren(...parts);
    this.element.dataset.rendered = trial.status;
  }
}

function outputsTable(outputs, dataset) {
  const shown = Math.min(outputs.length, 16);
  const rows = [];
  for (let sample = 0; sample < shown; sample++) {
    const output = outputs[sample][0];
    const target = dataset.targets[sample]?.[0];
    const bar = element('span', { class: 'bar' }, element('span', { class: 'bar-fill' }), element('span', { class: 'bar-target' }));
    bar.firstChild.style.width = `${Math.max(0, Math.min(1, output ?? 0)) * 100}%`;
    bar.lastChild.style.left = `${Math.max(0, Math.min(1, target ?? 0)) * 100}%`;
    rows.push(element('tr', {},
      element('td', { class: 'mono' }, (dataset.inputs[sample] ?? []).join(' ')),
      element('td', { class: 'num' }, String(target ?? '—')),
      element('td', { class: 'num' }, output === null ? 'NaN' : output.toFixed(3)),
      element('td', { class: 'bar-cell' }, bar)));
  }
  const more = outputs.length > shown ? element('p', { class: 'hint' }, `… and ${outputs.length - shown} more samples`) : null;
  const note = outputs[0]?.length > 1 ? element('p', { class: 'hint' }, 'first output column shown') : null;
  return element('div', { class: 'outputs' },
    element('table', { class: 'outputs-table' },
      element('caption', {}, 'Outputs vs targets'),
      element('thead', {}, element('tr', {},
        element('th', { scope: 'col' }, 'input'), element('th', { scope: 'col' }, 'target'),
        element('th', { scope: 'col' }, 'output'), element('th', { scope: 'col' }, element('span', { class: 'visually-hidden' }, 'output bar; the tick marks the target')))),
      element('tbody', {}, rows)),
    more, note);
}

// The `level` line of a grid of values (marching squares, linear along the cell edges).
function drawContour(context, grid, resolution, cell, level) {
  context.beginPath();
  const corners = [[0, 0], [1, 0], [1, 1], [0, 1]];
  for (let row = 0; row + 1 < resolution; row++) {
    for (let column = 0; column + 1 < resolution; column++) {
      const values = corners.map(([dx, dy]) => grid[(row + dy) * resolution + column + dx] - level);
      const crossings = [];
      for (let edge = 0; edge < 4; edge++) {
        const a = values[edge];
        const b = values[(edge + 1) % 4];
        if ((a < 0) === (b < 0)) continue;
        const t = a / (a - b);
        const [x0, y0] = corners[edge];
        const [x1, y1] = corners[(edge + 1) % 4];
        crossings.push([(column + x0 + (x1 - x0) * t + 0.5) * cell, (row + y0 + (y1 - y0) * t + 0.5) * cell]);
      }
      for (let k = 0; k + 1 < crossings.length; k += 2) {
        context.moveTo(...crossings[k]);
        context.lineTo(...crossings[k + 1]);
      }
    }
  }
  context.lineWidth = 2;
  context.strokeStyle = 'rgba(0, 0, 0, 0.85)';
  context.stroke();
}

// The network's first output over the plane of the two varying inputs (constant columns, such
// as xor's bias column of ones, keep their value), with the training samples on top.
function decisionBoundary(trial, plane, dataset) {
  const weights = trial.synapses.reduce((sum, matrix) => sum + matrix.length * (matrix[0]?.length ?? 0), 0);
  const resolution = Math.max(16, Math.min(64, Math.floor(Math.sqrt(2e5 / Math.max(1, weights)))));
  const display = 150;
  const canvas = element('canvas', { class: 'boundary', width: display, height: display, role: 'img' });
  const context = canvas.getContext('2d');
  const finite = trial.synapses.every((matrix) => matrix.every((row) => row.every((value) => value !== null)));
  const [xLow, xHigh] = plane.x;
  const [yLow, yHigh] = plane.y;
  const input = Float64Array.from({ length: plane.columns }, (_, column) => plane.constants[column] ?? 0);
  const grid = new Float64Array(resolution * resolution);
  if (finite) {
    const output = forwardPass(trial.synapses);
    for (let row = 0; row < resolution; row++) {
      for (let column = 0; column < resolution; column++) {
        input[plane.varying[0]] = xLow + ((column + 0.5) / resolution) * (xHigh - xLow);
        input[plane.varying[1]] = yHigh - ((row + 0.5) / resolution) * (yHigh - yLow);
        grid[row * resolution + column] = output(input);
      }
    }
    const image = context.createImageData(resolution, resolution);
    for (let i = 0; i < grid.length; i++) {
      const [r, g, b] = divergingRGB((grid[i] - 0.5) * 2);
      image.data.set([r, g, b, 255], i * 4);
    }
    const scratch = document.createElement('canvas');
    scratch.width = resolution;
    scratch.height = resolution;
    scratch.getContext('2d').putImageData(image, 0, 0);
    context.imageSmoothingEnabled = true;
    context.drawImage(scratch, 0, 0, display, display);
    drawContour(context, grid, resolution, display / resolution, 0.5);
  } else {
    context.fillStyle = '#ddd';
    context.fillRect(0, 0, display, display);
  }
  // Samples: a hollow circle for target < 0.5, a filled square for ≥ 0.5.
  dataset.inputs.forEach((inputs, sample) => {
    const target = dataset.targets[sample]?.[0] ?? 0;
    const x = ((inputs[plane.varying[0]] - xLow) / (xHigh - xLow)) * display;
    const y = ((yHigh - inputs[plane.varying[1]]) / (yHigh - yLow)) * display;
    context.lineWidth = 2.5;
    context.strokeStyle = '#111';
    context.fillStyle = '#111';
    if (target >= 0.5) {
      context.fillRect(x - 6, y - 6, 12, 12);
      context.strokeStyle = '#fff';
      context.lineWidth = 1.5;
      context.strokeRect(x - 6, y - 6, 12, 12);
    } else {
      context.beginPath();
      context.arc(x, y, 6, 0, 2 * Math.PI);
      context.fillStyle = '#fff';
      context.fill();
      context.stroke();
    }
  });
  const [a, b] = plane.varying.map((column) => `x${column + 1}`);
  canvas.setAttribute('aria-label', finite
    ? `Decision boundary: the network's output over ${a} and ${b}, blue below 0.5, red above, black line at 0.5`
    : 'Decision boundary unavailable: the weights are not finite');
  return element('figure', { class: 'boundary-figure' }, canvas,
    element('figcaption', {}, element('strong', {}, 'Decision boundary'),
      ` output over ${a} (→) and ${b} (↑); blue < 0.5 < red, black line 0.5; ○ target 0, ■ target 1`));
}

// ---------------------------------------------------------------------------------------------
// The run view: header, chart, trial cards; kept live while the run trains.

class RunView {
  constructor(container, { onChange, onDeleted }) {
    this.container = container;
    this.onChange = onChange;
    this.onDeleted = onDeleted;
    this.id = null;
  }

  async open(id) {
    if (id === this.id) return;
    this.close();
    this.id = id;
    this.abort = new AbortController();
    const { signal } = this.abort;
    this.container.hidden = false;
    this.container.dataset.state = 'loading';
    this.container.replaceChildren(element('p', { class: 'hint' }, 'Loading run…'));
    try {
      const summary = await api.request('GET', this.curveFreePath(), { signal });
      if (!summary.ok) throw await Problem.from(summary);
      const etag = summary.headers.get('ETag');
      let run = await summary.json();
      if (isFinished(run.status)) {
        // The one full read: a finished run never changes.
        const full = await api.request('GET', `/runs/${id}`, { signal });
        if (!full.ok) throw await Problem.from(full);
        run = await full.json();
      }
      if (signal.aborted) return;
      this.dataset = await datasetOf(run.request);
      if (signal.aborted) return;
      this.render(run);
      if (!isFinished(run.status)) this.followLive(signal, etag);
    } catch (error) {
      if (signal.aborted) return;
      this.container.dataset.state = 'error';
      this.container.replaceChildren(element('div', { class: 'form-error', role: 'alert' },
        error.status === 404 ? `There is no run ${id} (it may have been deleted).` : `Could not load run ${id}: ${error.message}`));
    }
  }

  close() {
    this.abort?.abort();
    this.following = false;
    this.chart?.destroy();
    this.chart = null;
    this.cardObserver?.disconnect();
    this.cardObserver = null;
    for (const card of this.cards ?? []) card.discard();
    this.cards = [];
    this.id = null;
    this.run = null;
  }

  render(run) {
    this.run = run;
    const showHidden = run.request.hidden_sizes.length > 1;
    this.title = element('h2', { id: 'run-title' });
    this.statusBadge = element('span', { class: 'status' });
    this.progress = element('progress', { max: 1, value: 0, 'aria-labelledby': 'run-progress-label' });
    this.progressLabel = element('span', { id: 'run-progress-label' });
    this.facts = element('dl', { class: 'facts' });
    this.cancelButton = element('button', { type: 'button', id: 'cancel-run', onclick: () => this.cancel() }, 'Cancel run');
    this.deleteButton = element('button', { type: 'button', class: 'danger', id: 'delete-run', onclick: () => this.askDelete() }, 'Delete run');
    this.confirmBox = element('div', { class: 'confirm', hidden: true, role: 'group', 'aria-label': 'Confirm deletion' },
      element('span', {}, 'Delete this run and its results?'),
      element('button', { type: 'button', class: 'danger', id: 'confirm-delete', onclick: () => this.remove() }, 'Delete'),
      element('button', { type: 'button', onclick: () => this.hideConfirm() }, 'Keep'));
    this.message = element('p', { class: 'hint', role: 'status' });
    this.chart = new ErrorChart(run, (index) => this.highlight(index));
    this.cards = run.trials.map((trial, index) => new TrialCard(trial, index, this.chart.trials[index], showHidden));
    const cardOf = new Map(this.cards.map((card) => [card.element, card]));
    this.cardObserver = new IntersectionObserver((entries) => {
      for (const entry of entries) cardOf.get(entry.target)?.setOnScreen(entry.isIntersecting);
    }, { rootMargin: '600px 0px' });
    for (const card of this.cards) this.cardObserver.observe(card.element);
    const labels = Object.entries(run.labels ?? {}).map(([key, value]) => element('span', { class: 'label' }, `${key}=${value}`));

    this.container.replaceChildren(
      element('header', { class: 'run-header' },
        element('div', { class: 'run-heading' }, this.title, this.statusBadge),
        element('div', { class: 'run-actions' },
          this.cancelButton, this.deleteButton,
          element('a', { href: `/runs/${run.id}`, class: 'button-link', id: 'run-json' }, 'Run JSON'),
          element('a', { href: `/runs/${run.id}/events`, class: 'button-link' }, 'Events')),
        this.confirmBox),
      element('p', { class: 'run-id' }, element('code', {}, run.id), ...labels),
      element('div', { class: 'progress-row' }, this.progress, this.progressLabel),
      this.facts,
      this.message,
      element('section', { class: 'chart-section', 'aria-labelledby': 'chart-heading' },
        element('h3', { id: 'chart-heading' }, 'Error curves'),
        this.chart.element),
      element('section', { class: 'trials-section', 'aria-labelledby': 'trials-heading' },
        element('h3', { id: 'trials-heading' }, 'Trials'),
        element('p', { class: 'hint' }, 'Weights: blue negative, red positive, scaled to each layer’s largest magnitude. Direction changes: how often a weight’s update flipped sign, one log scale for the whole run, so trials compare.'),
        element('div', { class: 'trial-grid' }, this.cards.map((card) => card.element))));
    this.applyRun(run);
  }

  // Applies a run read from the API: everything but the curve points, which only ever grow.
  applyRun(run) {
    this.run = run;
    this.title.textContent = run.name ?? 'Unnamed run';
    this.statusBadge.textContent = run.status;
    this.statusBadge.className = `status status-${run.status}`;
    this.progress.value = run.progress.fraction;
    this.progressLabel.textContent = `${Math.floor(run.progress.fraction * 100)}% · ${formatInteger(run.progress.iterations_done)} of ${formatInteger(run.progress.iterations_total)} iterations · ${run.progress.trials_done} of ${run.progress.trials_total} trials`;
    const best = run.summary.best;
    const request = run.request;
    const facts = [
      ['best α', best ? `${formatAlpha(best.alpha)} (error ${formatError(best.final_error)}${request.hidden_sizes.length > 1 ? `, hidden ${best.hidden_size}` : ''})` : '—'],
      ['dataset', typeof request.dataset === 'string' ? request.dataset : `inline, ${request.dataset.inputs.length} samples`],
      ['hidden', request.hidden_sizes.join(', ')],
      ['iterations', formatInteger(request.iterations)],
      ['error every', formatInteger(request.error_every)],
      ['seed', String(request.seed)],
      ['created', timeElement(run.created_at)],
      ['finished', run.finished_at ? timeElement(run.finished_at) : '—'],
      ['diverged', `${run.summary.trials_diverged} of ${run.trials.length}`],
    ];
    this.facts.replaceChildren(...facts.map(([term, value]) => element('div', {}, element('dt', {}, term), element('dd', {}, value))));
    this.cancelButton.disabled = isFinished(run.status);

    const countScaleMax = Math.max(0, ...run.trials.flatMap((trial) => (trial.direction_changes ?? []).flat(2)));
    const context = { dataset: this.dataset, countScaleMax };
    run.trials.forEach((trial, index) => {
      if (trial.error_curve.length) this.chart.append(index, trial.error_curve);
      this.chart.updateTrial(index, trial);
      this.cards[index].update(trial, context);
    });
    // 'complete' once the run has finished and every point is in (see followLive).
    this.container.dataset.state = isFinished(run.status) && !this.following ? 'complete' : 'live';
    this.container.dataset.status = run.status;
    this.onChange?.(run);
  }

  highlight(index) {
    for (const card of this.cards) card.element.classList.toggle('highlighted', card.index === index);
  }

  // While the run trains: new points by SSE, everything else by a curve-free ETag long-poll.
  // When both have seen the end, any trial whose curve stops short of its last iteration (the
  // stream was cut, say) gets its missing points with one `?since=` read.
  async followLive(signal, etag) {
    this.following = true;
    await Promise.all([this.streamPoints(signal), this.pollRun(signal, etag)]);
    if (signal.aborted) return;
    const last = this.chart.trials.map((model) => this.chart.lastIteration(model.index));
    const short = this.run.trials.some((trial, index) => trial.status !== 'cancelled' && last[index] < trial.iterations_done);
    try {
      if (short) {
        const response = await api.request('GET', `/runs/${this.id}?since=${Math.min(...last)}`, { signal });
        if (!response.ok) throw await Problem.from(response);
        this.following = false;
        this.applyRun(await response.json());
        return;
      }
    } catch (error) {
      if (signal.aborted) return;
      this.message.textContent = `Could not read the last curve points (${error.message}); reload to retry.`;
    }
    this.following = false;
    this.applyRun(this.run);
  }

  async streamPoints(signal) {
    while (!signal.aborted && !isFinished(this.run.status)) {
      // Resume after the point every trial already has (-1 while a trial has none: the replay
      // repeats the other trials' points once; the chart drops them).
      const since = Math.min(...this.chart.trials.map((model) => this.chart.lastIteration(model.index)));
      try {
        const response = await api.request('GET', `/runs/${this.id}/events?since=${since}`, { signal, headers: { Accept: 'text/event-stream' } });
        if (response.status === 404) { this.deleted(); return; }
        if (!response.ok) throw await Problem.from(response);
        let slice = performance.now();
        for await (const { event, data } of serverSentEvents(response, signal)) {
          // A replay can bring thousands of events at once: let the page draw in between.
          if (performance.now() - slice > 12) {
            await sleep(0, signal);
            slice = performance.now();
          }
          const message = JSON.parse(data);
          if (event === 'point') this.chart.append(message.trial, [message]);
          else if (event === 'deleted') { this.deleted(); return; }
          else if (event === 'end') return;
        }
      } catch (error) {
        if (signal.aborted) return;
        this.message.textContent = `Live updates interrupted (${error.message}); retrying…`;
      }
      await sleep(RETRY_MS, signal);
    }
  }

  curveFreePath() {
    return `/runs/${this.id}?since=${AFTER_EVERYTHING}`;
  }

  // Status, progress and current weights: the curve-free read, long-polled against the ETag of
  // the last answer. (Without an ETag a wait would end only at a point after `since`, never.)
  async pollRun(signal, firstETag) {
    let etag = firstETag;
    while (!signal.aborted) {
      await sleep(RUN_POLL_GAP_MS, signal);
      if (signal.aborted) return;
      try {
        const wait = etag && !isFinished(this.run.status) ? RUN_WAIT_SECONDS : 0;
        const headers = etag ? { 'If-None-Match': etag } : {};
        const response = await api.request('GET', `${this.curveFreePath()}&wait=${wait}`, { signal, headers });
        if (response.status === 404) { this.deleted(); return; }
        if (response.status === 200) {
          etag = response.headers.get('ETag');
          const run = await response.json();
          if (signal.aborted) return;
          this.message.textContent = '';
          this.applyRun(run);
          if (isFinished(run.status)) return;
        } else if (response.status !== 304) {
          throw await Problem.from(response);
        }
      } catch (error) {
        if (signal.aborted) return;
        this.message.textContent = `Could not refresh the run (${error.message}); retrying…`;
        await sleep(RETRY_MS, signal);
      }
    }
  }

  deleted() {
    this.abort?.abort();
    this.container.dataset.state = 'deleted';
    this.message.textContent = 'This run was deleted.';
    this.onDeleted?.(this.id);
  }

  async cancel() {
    this.cancelButton.disabled = true;
    try {
      const response = await api.request('POST', `/runs/${this.id}/cancel`);
      if (!response.ok) throw await Problem.from(response);
      this.message.textContent = 'Cancelled.';
      this.applyRun(await response.json());
    } catch (error) {
      this.message.textContent = `Cancel failed: ${error.detail || error.message}`;
      this.cancelButton.disabled = isFinished(this.run.status);
    }
  }

  askDelete() {
    this.confirmBox.hidden = false;
    byId('confirm-delete').focus();
  }

  hideConfirm() {
    this.confirmBox.hidden = true;
    this.deleteButton.focus();
  }

  async remove() {
    const id = this.id;
    try {
      const response = await api.request('DELETE', `/runs/${id}`);
      if (!response.ok && response.status !== 404) throw await Problem.from(response);
      this.close();
      this.onDeleted?.(id);
    } catch (error) {
      this.message.textContent = `Delete failed: ${error.detail || error.message}`;
      this.hideConfirm();
    }
  }
}

function isFinished(status) {
  return status === 'succeeded' || status === 'cancelled';
}

// ---------------------------------------------------------------------------------------------
// The run list: newest first, updated in place by polling GET /runs (summaries without curves),
// often while something trains, rarely otherwise, never while the tab is hidden.

class RunList {
  constructor(list, status, moreButton) {
    this.list = list;
    this.status = status;
    this.moreButton = moreButton;
    this.items = new Map();
    this.limit = 50;
    this.selected = null;
    this.timer = 0;
    this.moreButton.addEventListener('click', () => { this.limit = Math.min(1000, this.limit + 50); this.refresh(); });
    document.addEventListener('visibilitychange', () => { if (!document.hidden) this.refresh(); });
  }

  async refresh() {
    clearTimeout(this.timer);
    let active = false;
    try {
      const body = await api.json('GET', `/runs?limit=${this.limit}`);
      this.show(body.runs);
      this.moreButton.hidden = body.next_cursor === null || this.limit >= 1000;
      active = body.runs.some((run) => !isFinished(run.status));
      this.status.textContent = body.runs.length ? '' : 'No runs yet: submit a sweep above.';
    } catch (error) {
      this.status.textContent = error.status === 401 ? 'This server needs an API token (top right).' : `Could not list runs: ${error.message}`;
    }
    if (!document.hidden) this.timer = setTimeout(() => this.refresh(), active ? LIST_POLL_ACTIVE_MS : LIST_POLL_IDLE_MS);
  }

  show(runs) {
    const seen = new Set();
    let previous = null;
    for (const run of runs) {
      seen.add(run.id);
      let item = this.items.get(run.id);
      if (!item) {
        item = this.createItem(run);
        this.items.set(run.id, item);
      }
      this.updateItem(item, run);
      const expected = previous ? previous.nextSibling : this.list.firstChild;
      if (expected !== item.element) this.list.insertBefore(item.element, expected);
      previous = item.element;
    }
    for (const [id, item] of this.items) {
      if (!seen.has(id)) { item.element.remove(); this.items.delete(id); }
    }
    this.markSelected();
  }

  createItem(run) {
    const item = {
      name: element('span', { class: 'run-name' }),
      status: element('span', { class: 'status' }),
      progress: element('progress', { max: 1, value: 0 }),
      percent: element('span', { class: 'percent' }),
      created: element('span', { class: 'created' }),
      best: element('span', { class: 'best' }),
    };
    item.link = element('a', { href: `#/runs/${run.id}`, class: 'run-link', 'data-run-id': run.id },
      element('span', { class: 'run-line' }, item.name, item.status),
      element('span', { class: 'run-line' }, item.progress, item.percent),
      element('span', { class: 'run-line hint' }, item.created, item.best));
    item.element = element('li', { class: 'run-item' }, item.link);
    return item;
  }

  updateItem(item, run) {
    const signature = `${run.status}|${run.progress.iterations_done}|${run.summary.best?.alpha}|${run.name}`;
    if (item.signature === signature) return;
    item.signature = signature;
    item.name.textContent = run.name ?? `run ${run.id.slice(0, 8)}`;
    item.status.textContent = run.status;
    item.status.className = `status status-${run.status}`;
    item.progress.value = run.progress.fraction;
    const percent = `${Math.floor(run.progress.fraction * 100)}%`;
    item.progress.setAttribute('aria-label', `${item.name.textContent}: ${percent} done`);
    item.percent.textContent = percent;
    item.created.replaceChildren(timeElement(run.created_at));
    const best = run.summary.best;
    item.best.textContent = best ? `best α ${formatAlpha(best.alpha)}` : '';
  }

  select(id) {
    this.selected = id;
    this.markSelected();
  }

  markSelected() {
    for (const [id, item] of this.items) {
      if (id === this.selected) item.link.setAttribute('aria-current', 'page');
      else item.link.removeAttribute('aria-current');
    }
  }

  // Shows what the run view just learnt without waiting for the next poll.
  update(run) {
    const item = this.items.get(run.id);
    if (item) this.updateItem(item, run);
  }
}

// ---------------------------------------------------------------------------------------------
// The submission form. Values go to the server as typed (numbers when they parse, text when they
// do not) so that the server's problem+json names every invalid field; its messages appear next
// to the fields its JSON pointers name.

const FIELD_OF_POINTER = {
  dataset: 'dataset', alphas: 'alphas', hidden_size: 'hidden', hidden_sizes: 'hidden',
  iterations: 'iterations', seed: 'seed', error_every: 'error_every', name: 'name',
};
const INPUT_OF_FIELD = {
  dataset: 'field-dataset', alphas: 'field-alphas', hidden: 'field-hidden', iterations: 'field-iterations',
  seed: 'field-seed', error_every: 'field-error-every', name: 'field-name',
};

class SubmissionForm {
  constructor(form, { onSubmitted }) {
    this.form = form;
    this.onSubmitted = onSubmitted;
    this.dataset = byId('field-dataset');
    this.inline = byId('field-dataset-inline');
    this.button = byId('submit-button');
    this.status = byId('submit-status');
    this.idempotency = null;
    form.addEventListener('submit', (event) => { event.preventDefault(); this.submit(); });
    this.dataset.addEventListener('change', () => {
      this.inline.hidden = this.dataset.value !== 'inline';
      if (!this.inline.hidden) this.inline.focus();
    });
    this.loadDatasets();
  }

  async loadDatasets() {
    const datasets = await builtInDatasets();
    const options = [...datasets.keys()].map((name) => element('option', { value: name }, `${name} (${datasets.get(name).samples} samples)`));
    if (!options.length) options.push(element('option', { value: 'xor' }, 'xor'));
    options.push(element('option', { value: 'inline' }, 'inline JSON…'));
    const current = this.dataset.value;
    this.dataset.replaceChildren(...options);
    this.dataset.value = [...this.dataset.options].some((option) => option.value === current) ? current : this.dataset.options[0].value;
  }

  body() {
    const text = (id) => byId(id).value.trim();
    const list = (value) => value.split(/[\s,;]+/).filter(Boolean);
    const number = (value) => (value !== '' && Number.isFinite(Number(value)) ? Number(value) : value);
    const body = {};
    if (this.dataset.value === 'inline') {
      try {
        body.dataset = JSON.parse(this.inline.value);
      } catch (error) {
        throw new Problem(0, 'Invalid dataset', '', [{ pointer: '/dataset', detail: `not valid JSON: ${error.message}` }]);
      }
    } else {
      body.dataset = this.dataset.value;
    }
    body.alphas = list(text('field-alphas')).map(number);
    const hidden = list(text('field-hidden')).map(number);
    if (hidden.length === 1) body.hidden_size = hidden[0];
    else if (hidden.length > 1) body.hidden_sizes = hidden;
    for (const [key, id] of [['iterations', 'field-iterations'], ['seed', 'field-seed'], ['error_every', 'field-error-every']]) {
      if (text(id) !== '') body[key] = number(text(id));
    }
    if (text('field-name') !== '') body.name = text('field-name');
    return body;
  }

  async submit() {
    this.clearErrors();
    let body;
    try {
      body = this.body();
    } catch (problem) {
      this.showProblem(problem);
      return;
    }
    // One Idempotency-Key per distinct body: pressing Submit again after a lost answer cannot
    // create a second run; a changed form gets a new key.
    const text = JSON.stringify(body);
    if (this.idempotency?.text !== text) this.idempotency = { text, key: randomKey() };
    this.button.disabled = true;
    this.status.textContent = 'Submitting…';
    try {
      const response = await api.request('POST', '/runs', { body, headers: { 'Idempotency-Key': this.idempotency.key } });
      if (!response.ok) throw await Problem.from(response);
      const run = await response.json();
      this.idempotency = null;
      this.status.textContent = `Submitted ${run.name ?? run.id.slice(0, 8)}.`;
      this.onSubmitted(run);
    } catch (problem) {
      this.status.textContent = '';
      this.showProblem(problem instanceof Problem ? problem : new Problem(0, 'Network error', problem.message));
    } finally {
      this.button.disabled = false;
    }
  }

  clearErrors() {
    for (const [field, id] of Object.entries(INPUT_OF_FIELD)) {
      byId(`error-${field}`).textContent = '';
      byId(id).removeAttribute('aria-invalid');
    }
    this.inline.removeAttribute('aria-invalid');
    const general = byId('error-general');
    general.hidden = true;
    general.textContent = '';
  }

  showProblem(problem) {
    const messages = new Map();
    const general = [];
    for (const issue of problem.errors) {
      const segments = String(issue.pointer ?? '').split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
      const field = FIELD_OF_POINTER[segments[0]];
      if (!field) { general.push(`${issue.pointer || 'body'}: ${issue.detail}`); continue; }
      let message = issue.detail;
      if (segments.length > 1 && (field === 'alphas' || field === 'hidden')) message = `item ${Number(segments[1]) + 1}: ${message}`;
      else if (segments.length > 1) message = `${segments.slice(1).join('/')}: ${message}`;
      if (!messages.has(field)) messages.set(field, []);
      messages.get(field).push(message);
    }
    let first = null;
    for (const [field, list] of messages) {
      byId(`error-${field}`).textContent = list.join('; ');
      const input = field === 'dataset' && this.dataset.value === 'inline' ? this.inline : byId(INPUT_OF_FIELD[field]);
      input.setAttribute('aria-invalid', 'true');
      first ??= input;
    }
    if (general.length || !messages.size) {
      const box = byId('error-general');
      box.textContent = [problem.title, problem.errors.length ? '' : problem.detail, ...general].filter(Boolean).join(' — ');
      box.hidden = false;
    }
    first?.focus();
  }
}

function randomKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `dashboard-${[...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

// ---------------------------------------------------------------------------------------------
// Wiring: the hash is the route (#/runs/ID shows a run).

function start() {
  const runList = new RunList(byId('run-list'), byId('runs-status'), byId('more-runs'));
  const placeholder = byId('run-placeholder');
  const runView = new RunView(byId('run-view'), {
    onChange: (run) => runList.update(run),
    onDeleted: () => { runList.refresh(); if (location.hash !== '#/') location.hash = '#/'; },
  });
  new SubmissionForm(byId('run-form'), {
    onSubmitted: (run) => { location.hash = `#/runs/${run.id}`; runList.refresh(); },
  });

  const tokenPanel = byId('token-panel');
  const tokenInput = byId('token-input');
  tokenInput.value = api.token;
  api.onUnauthorized = () => {
    if (!tokenPanel.open) tokenPanel.open = true;
    byId('token-status').textContent = api.token ? 'The server refused this token.' : 'This server needs a token.';
  };
  byId('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    api.token = tokenInput.value.trim();
    sessionStorage.setItem(TOKEN_KEY, api.token);
    byId('token-status').textContent = api.token ? 'Token set.' : 'Token cleared.';
    runList.refresh();
    const id = runView.id;
    runView.close();
    if (id) runView.open(id);
  });

  const route = () => {
    const match = /^#\/runs\/([0-9a-f]{32})$/.exec(location.hash);
    if (match) {
      placeholder.hidden = true;
      runList.select(match[1]);
      runView.open(match[1]);
      return true;
    }
    runView.close();
    runList.select(null);
    byId('run-view').hidden = true;
    placeholder.hidden = false;
    return false;
  };
  window.addEventListener('hashchange', () => { if (route()) byId('main').focus({ preventScroll: false }); });
  // The skip link moves the focus without touching the hash, which is the route.
  document.querySelector('.skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    byId('main').focus();
  });
  route();
  runList.refresh();
}

start();
