// The error-curve chart: one SVG path per trial on a log error axis, downsampled to at most two
// points per pixel column, redrawn per animation frame only for the trials that changed.
// Zoom: drag across the chart, or focus it and press + and − (0 resets); the chart asks its owner
// (`onZoom`) for the window's points at full resolution and draws what it has meanwhile. Live
// points keep arriving while zoomed; the window stays where it is.

import { element, svgElement, setAttributes } from './dom.js';
import { formatCount, formatNumber, niceTicks } from './format.js';
import { decadeDomain, logAxisNodes, markerPath, nearestIndex } from './plot.js';
import { byAlpha, trialName } from './sweep.js';

const LEGEND_OPEN_LIMIT = 16;
const MIN_WINDOW = 4; // iterations
let chartCount = 0;

// Linear ticks between `from` and `to`, about `count` of them, at 1-2-2.5-5 steps.
function windowTicks(from, to, count) {
  if (from === 0) return niceTicks(to, count);
  const step = niceTicks(to - from, count)[1] ?? (to - from);
  const ticks = [];
  for (let value = Math.ceil(from / step) * step; value <= to + step * 1e-9; value += step) ticks.push(Number(value.toPrecision(12)));
  return ticks;
}

// The index of the first iteration ≥ `iteration` (iterations ascending).
function lowerBound(iterations, iteration) {
  let low = 0;
  let high = iterations.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (iterations[middle] < iteration) low = middle + 1; else high = middle;
  }
  return low;
}

export class ErrorChart {
  constructor(run, styles, { onHover, onSelect, onZoom, label = 'Error curves of every trial' }) {
    this.iterations = run.request.iterations;
    this.window = null;
    this.onZoom = onZoom;
    this.clipId = `chart-clip-${++chartCount}`;
    this.trials = [];
    this.showHidden = run.request.hidden_sizes.length > 1;
    this.dirty = new Set();
    this.frame = 0;
    this.domain = null;
    this.cursor = null;
    this.selected = null;
    this.onHover = onHover;
    this.onSelect = onSelect;

    this.svg = svgElement('svg', {
      class: 'chart', role: 'img', tabindex: 0,
      'aria-label': `${label}: mean absolute error (log scale) against iteration`,
      'aria-describedby': 'chart-help',
    });
    this.grid = svgElement('g', { class: 'grid' });
    // Curves are drawn in tenths of a pixel with integer coordinates: a path of 64 × 2,000
    // points is built and parsed several times faster than with decimals.
    this.curves = svgElement('g', { class: 'curves', transform: 'scale(0.1)' });
    this.clipRect = svgElement('rect', {});
    this.selection = svgElement('rect', { class: 'zoom-selection', visibility: 'hidden' });
    this.decorations = svgElement('g', { class: 'decorations' });
    this.labels = svgElement('g', { class: 'end-labels' });
    this.hover = svgElement('g', { class: 'hover', visibility: 'hidden' },
      svgElement('line', { class: 'hover-line' }),
      svgElement('circle', { class: 'hover-dot', r: 5 }));
    this.svg.append(svgElement('defs', {}, svgElement('clipPath', { id: this.clipId }, this.clipRect)), this.grid,
      svgElement('g', { 'clip-path': `url(#${this.clipId})` }, this.curves, this.decorations), this.labels, this.hover, this.selection);
    this.tooltip = element('div', { class: 'tooltip', hidden: true, 'aria-hidden': 'true' });
    this.legend = element('ul', { class: 'legend', 'aria-label': 'Trials (select to show or hide a curve)' });
    this.readout = element('p', { class: 'readout', id: 'chart-readout', role: 'status' }, 'Point at the chart (or focus it and use the arrow keys) to read an iteration and its error.');
    this.zoomText = element('span', { class: 'zoom-text', id: 'chart-zoom', role: 'status' }, 'All iterations.');
    this.resetButton = element('button', { type: 'button', class: 'small', id: 'zoom-reset', hidden: true, onclick: () => this.zoomTo(null) }, 'Show all iterations');
    this.box = element('div', { class: 'chart-box' }, this.svg, this.tooltip);
    const legendBlock = run.trials.length > LEGEND_OPEN_LIMIT
      ? element('details', { class: 'legend-details' }, element('summary', {}, `Show or hide curves (${run.trials.length} trials)`), this.legend)
      : this.legend;
    this.element = element('figure', { class: 'chart-figure' },
      this.box,
      element('figcaption', {}, this.readout,
        element('p', { class: 'hint', id: 'chart-help' }, 'Arrow keys move along the curves (Shift: faster); up and down switch trials, by alpha; Enter selects the trial. Zoom: drag across the chart, or + and − (0 shows all).'),
        element('p', { class: 'zoom-row' }, this.zoomText, this.resetButton),
        legendBlock));

    run.trials.forEach((trial, index) => this.addTrial(trial, index, styles[index]));
    // Keyboard and legend order: by alpha, then hidden size.
    this.order = byAlpha(run.trials).map((index) => this.trials[index]);
    this.svg.addEventListener('pointermove', (event) => { this.dragMove(event); this.pointAt(event); });
    this.svg.addEventListener('pointerleave', () => this.clearHover());
    this.svg.addEventListener('pointerdown', (event) => this.dragStart(event));
    this.svg.addEventListener('pointerup', (event) => this.dragEnd(event));
    this.svg.addEventListener('click', () => {
      if (this.dragged) { this.dragged = false; return; }
      if (this.cursor) this.onSelect?.(this.cursor.model.index);
    });
    this.svg.addEventListener('keydown', (event) => this.key(event));
    this.svg.addEventListener('blur', () => this.clearHover());
    // Widths come from the observer (measured after layout): reading clientWidth while the page
    // changes would force a layout of the whole page.
    // The new layout is drawn in the next frame, not in the one that measured it.
    this.resizeObserver = new ResizeObserver((entries) => {
      this.boxWidth = entries[entries.length - 1].contentRect.width;
      if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
    });
    this.resizeObserver.observe(this.box);
  }

  addTrial(trial, index, style) {
    const model = {
      index, alpha: trial.alpha, hidden_size: trial.hidden_size, display: trial.display, ...style, zoom: null,
      iterations: new Float64Array(0), errors: new Float64Array(0), capacity: 0, low: Infinity, high: 0, cache: null, visible: true,
      status: trial.status, divergedAt: trial.diverged_at_iteration, finalError: trial.final_error,
    };
    const tenths = model.dash && model.dash.split(' ').map((length) => Number(length) * 10).join(' ');
    model.path = svgElement('path', { class: 'curve', 'data-trial': index, stroke: model.colour, 'stroke-dasharray': tenths || null });
    model.endMarker = svgElement('path', { class: 'end-marker', fill: model.colour, stroke: model.colour });
    model.divergence = svgElement('g', { class: 'diverged-marker', visibility: 'hidden' },
      svgElement('path', { d: 'M-6,-6L6,6M-6,6L6,-6' }),
      svgElement('text', { x: 8, y: -8 }, 'diverged'));
    model.label = svgElement('text', { class: 'end-label' }, trial.display ?? (this.showHidden ? `α ${formatNumber(trial.alpha)} h${trial.hidden_size}` : `α = ${formatNumber(trial.alpha)}`));
    this.curves.append(model.path);
    this.decorations.append(model.endMarker, model.divergence);
    this.labels.append(model.label);

    this.trials.push(model);
  }

  // The legend's buttons, made when the chart joins the page (not while the view is first built).
  buildLegend() {
    if (this.legend.firstChild) return;
    for (const model of this.order) {
      const swatch = svgElement('svg', { class: 'swatch', width: 36, height: 12, 'aria-hidden': 'true' },
        svgElement('line', { x1: 1, y1: 6, x2: 35, y2: 6, stroke: model.colour, 'stroke-width': 2.5, 'stroke-dasharray': model.dash || null }),
        this.showHidden ? svgElement('path', { d: markerPath(model.marker, 18, 6, 4), fill: model.colour, stroke: model.colour }) : null);
      model.legendText = element('span', { class: 'legend-detail' }, model.detail ?? '');
      model.legendButton = element('button', {
        type: 'button', class: 'legend-item', 'aria-pressed': String(model.visible), 'data-trial': model.index, 'data-status': model.status,
        onclick: () => this.toggle(model),
      }, swatch, element('span', { class: 'legend-name' }, trialName(model, this.showHidden)), model.legendText);
      this.legend.append(element('li', {}, model.legendButton));
    }
  }

  // Adds curve points, in iteration order (older or repeated iterations are dropped, so replays
  // are harmless). A curve is a typed array that doubles its room when full: appending 64 ×
  // 2,000 points is a few block copies.
  append(index, iterations, errors) {
    const model = this.trials[index];
    const count = model.iterations.length;
    const last = count ? model.iterations[count - 1] : -1;
    let from = 0;
    while (from < iterations.length && iterations[from] <= last) from++;
    const added = iterations.length - from;
    if (added <= 0) return;
    if (count + added > model.capacity) {
      model.capacity = Math.max(count + added, model.capacity * 2, 64);
      const grownIterations = new Float64Array(model.capacity);
      const grownErrors = new Float64Array(model.capacity);
      grownIterations.set(model.iterations);
      grownErrors.set(model.errors);
      model.iterationBuffer = grownIterations;
      model.errorBuffer = grownErrors;
    }
    model.iterationBuffer.set(from ? iterations.subarray(from) : iterations, count);
    model.errorBuffer.set(from ? errors.subarray(from) : errors, count);
    model.iterations = model.iterationBuffer.subarray(0, count + added);
    model.errors = model.errorBuffer.subarray(0, count + added);
    for (let i = from; i < errors.length; i++) {
      const error = errors[i];
      if (error > 0 && error < Infinity) {
        if (error < model.low) model.low = error;
        if (error > model.high) model.high = error;
      }
    }
    // Zoomed: live points inside the window join its full-resolution points.
    if (model.zoom && this.window) {
      const zoomLast = model.zoom.iterations.length ? model.zoom.iterations[model.zoom.iterations.length - 1] : -1;
      const keep = [];
      for (let i = from; i < iterations.length; i++) {
        if (iterations[i] > zoomLast && iterations[i] >= this.window.from && iterations[i] <= this.window.to) keep.push(i);
      }
      if (keep.length) {
        const length = model.zoom.iterations.length;
        const grownIterations = new Float64Array(length + keep.length);
        const grownErrors = new Float64Array(length + keep.length);
        grownIterations.set(model.zoom.iterations);
        grownErrors.set(model.zoom.errors);
        keep.forEach((i, k) => { grownIterations[length + k] = iterations[i]; grownErrors[length + k] = errors[i]; });
        model.zoom = { iterations: grownIterations, errors: grownErrors };
      }
    }
    this.markDirty(index);
  }

  // Replaces trial `index`'s points (the compare view shows another trial of a run).
  replace(index, iterations, errors, trial, detail) {
    const model = this.trials[index];
    model.iterations = new Float64Array(0);
    model.errors = new Float64Array(0);
    model.capacity = 0;
    model.low = Infinity;
    model.high = 0;
    model.cache = null;
    model.zoom = null;
    model.alpha = trial.alpha;
    model.hidden_size = trial.hidden_size;
    model.status = null;
    this.append(index, iterations, errors);
    this.updateTrial(index, trial, detail);
    this.domain = null;
    this.markDirty(index);
  }

  // The arrays drawn for a trial: the zoom window's full-resolution points once they are in.
  shown(model) {
    return this.window && model.zoom ? model.zoom : model;
  }

  // Zooms to iterations [from, to] (null: everything) and asks the owner for the window's points.
  zoomTo(window) {
    let next = null;
    if (window) {
      const from = Math.max(0, Math.floor(window.from));
      const to = Math.min(this.iterations, Math.ceil(window.to));
      if (to - from >= MIN_WINDOW) next = { from, to };
      else {
        const middle = (from + to) / 2;
        next = { from: Math.max(0, Math.floor(middle - MIN_WINDOW / 2)), to: Math.min(this.iterations, Math.ceil(middle + MIN_WINDOW / 2)) };
      }
      if (next.from === 0 && next.to === this.iterations) next = null;
    }
    if (next?.from === this.window?.from && next?.to === this.window?.to) return;
    this.window = next;
    this.cursor = null;
    this.clearHover();
    for (const model of this.trials) { model.zoom = null; model.cache = null; }
    this.zoomGeneration = (this.zoomGeneration ?? 0) + 1;
    this.svg.dataset.window = next ? `${next.from}-${next.to}` : '';
    this.svg.dataset.zoom = next ? 'loading' : '';
    this.zoomText.textContent = next ? `Iterations ${formatCount(next.from)} to ${formatCount(next.to)}.` : 'All iterations.';
    this.resetButton.hidden = !next;
    this.redrawAll();
    if (next) this.onZoom?.(next, this.zoomGeneration);
    else this.onZoom?.(null, this.zoomGeneration);
  }

  // The window's points from the API: `curves[i]` is {iterations, errors} for trial i (or null).
  setWindowData(window, generation, curves) {
    if (generation !== this.zoomGeneration || !this.window) return;
    curves.forEach((curve, index) => {
      const model = this.trials[index];
      if (model && curve) { model.zoom = curve; model.cache = null; }
    });
    this.cursor = null;
    this.clearHover();
    this.svg.dataset.zoom = 'loaded';
    this.redrawAll();
  }

  // How many points the drawn arrays hold (for the tests and the benchmark).
  loadedPoints() {
    return this.trials.reduce((sum, model) => sum + this.shown(model).iterations.length, 0);
  }

  // Axes and every curve again, in the next frame (the domain stays, so keys work meanwhile).
  redrawAll() {
    this.axesStale = true;
    for (const model of this.trials) this.markDirty(model.index);
    if (!this.trials.length && !this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  iterationAt(x) {
    const { left, right } = this.size;
    const from = this.window?.from ?? 0;
    const to = this.window?.to ?? this.iterations;
    return from + ((x - left) / (right - left)) * (to - from);
  }

  // Pixel width of the plot area (what `points=` is sized to).
  plotWidth() {
    return this.size ? this.size.right - this.size.left : Math.max(200, Math.round((this.boxWidth ?? 600) * 0.75));
  }

  dragStart(event) {
    if (event.button !== 0 || !this.size) return;
    const x = event.clientX - this.svg.getBoundingClientRect().left;
    if (x < this.size.left || x > this.size.right) return;
    this.drag = { x, moved: false };
    this.svg.setPointerCapture?.(event.pointerId);
  }

  dragMove(event) {
    if (!this.drag) return;
    const x = Math.max(this.size.left, Math.min(this.size.right, event.clientX - this.svg.getBoundingClientRect().left));
    if (Math.abs(x - this.drag.x) > 4) this.drag.moved = true;
    if (!this.drag.moved) return;
    setAttributes(this.selection, { x: Math.min(x, this.drag.x), width: Math.abs(x - this.drag.x), y: this.size.top, height: this.size.bottom - this.size.top });
    this.selection.setAttribute('visibility', 'visible');
  }

  dragEnd(event) {
    const drag = this.drag;
    this.drag = null;
    this.selection.setAttribute('visibility', 'hidden');
    if (!drag?.moved) return;
    this.dragged = true;
    const x = Math.max(this.size.left, Math.min(this.size.right, event.clientX - this.svg.getBoundingClientRect().left));
    const [a, b] = [this.iterationAt(Math.min(x, drag.x)), this.iterationAt(Math.max(x, drag.x))];
    this.zoomTo({ from: a, to: b });
  }

  // + and −: halve or double the window around the cursor (or the window's middle).
  zoomBy(factor) {
    const from = this.window?.from ?? 0;
    const to = this.window?.to ?? this.iterations;
    const centre = this.cursor ? this.shown(this.cursor.model).iterations[this.cursor.index] ?? (from + to) / 2 : (from + to) / 2;
    const half = ((to - from) * factor) / 2;
    let start = centre - half;
    let end = centre + half;
    if (start < 0) { end -= start; start = 0; }
    if (end > this.iterations) { start -= end - this.iterations; end = this.iterations; }
    this.zoomTo({ from: Math.max(0, start), to: Math.min(this.iterations, end) });
  }

  lastIteration(index) {
    const model = this.trials[index];
    return model.iterations.length ? model.iterations[model.iterations.length - 1] : -1;
  }

  updateTrial(index, trial, detail) {
    const model = this.trials[index];
    if (model.status === trial.status && model.finalError === trial.final_error && model.detail === detail) return;
    model.status = trial.status;
    model.divergedAt = trial.diverged_at_iteration;
    model.finalError = trial.final_error;
    model.detail = detail;
    if (model.legendButton) {
      model.legendText.textContent = detail;
      model.legendButton.dataset.status = trial.status;
    }
    this.markDirty(index);
  }

  toggle(model) {
    model.visible = !model.visible;
    model.legendButton.setAttribute('aria-pressed', String(model.visible));
    this.markDirty(model.index);
  }

  // The selected trial's curve is drawn on top, thicker.
  select(index) {
    const previous = this.selected;
    this.selected = index;
    for (const model of [this.trials[previous], this.trials[index]]) {
      if (!model) continue;
      model.path.classList.toggle('selected', model.index === index);
      if (model.index === index) this.curves.append(model.path);
    }
  }

  markDirty(index) {
    this.dirty.add(index);
    this.svg.dataset.pending = this.dirty.size;
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  layout() {
    const width = Math.max(280, Math.round(this.boxWidth));
    if (this.size && this.size.width === width) return;
    const height = Math.round(Math.min(440, Math.max(240, width * 0.5)));
    const longest = Math.max(0, ...this.trials.map((model) => model.label.textContent.length));
    const labelRoom = this.trials.length <= LEGEND_OPEN_LIMIT ? Math.min(160, 16 + longest * 7.5, Math.max(80, width * 0.24)) : 30;
    this.size = { width, height, left: 62, right: width - labelRoom, top: 12, bottom: height - 40 };
    this.svg.setAttribute('width', width);
    this.svg.setAttribute('height', height);
    this.svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    setAttributes(this.clipRect, { x: this.size.left, y: 0, width: this.size.right - this.size.left + 1, height });
    this.domain = null; // redraws every curve from scratch
  }

  errorDomain() {
    return decadeDomain(this.trials.flatMap((model) => [model.low, model.high]));
  }

  x(iteration) {
    const { left, right } = this.size;
    const from = this.window?.from ?? 0;
    const to = this.window?.to ?? this.iterations;
    return left + ((iteration - from) / Math.max(1, to - from)) * (right - left);
  }

  y(error) {
    const { top, bottom } = this.size;
    const [low, high] = this.domain;
    return top + ((high - Math.log10(error)) / (high - low)) * (bottom - top);
  }

  flush() {
    this.frame = 0;
    if (this.boxWidth) this.layout();
    if (!this.size) return;
    const started = performance.now();
    const domain = this.errorDomain();
    if (this.axesStale || !this.domain || domain[0] !== this.domain[0] || domain[1] !== this.domain[1]) {
      this.axesStale = false;
      this.domain = domain;
      this.drawAxes();
      for (const model of this.trials) {
        model.cache = null;
        this.dirty.add(model.index);
      }
    }
    // About 8 ms of curves per frame; the rest waits for the next one, so that a first draw
    // or a new error range with 64 long curves never freezes the page.
    for (const index of this.dirty) {
      this.drawTrial(this.trials[index]);
      this.dirty.delete(index);
      if (performance.now() - started > 8) break;
    }
    this.placeLabels();
    this.svg.dataset.pending = this.dirty.size;
    this.svg.dataset.loaded = this.loadedPoints();
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
    nodes.push(...logAxisNodes({ low, high, position: (value) => this.y(value), vertical: true, from: left, to: right, labelAt: left - 6 }));
    for (const iteration of windowTicks(this.window?.from ?? 0, this.window?.to ?? this.iterations, Math.max(3, Math.floor((right - left) / 90)))) {
      const x = this.x(iteration);
      nodes.push(svgElement('line', { class: 'major', x1: x, x2: x, y1: top, y2: bottom }));
      nodes.push(svgElement('text', { class: 'tick x', x, y: bottom + 16 }, formatCount(iteration)));
    }
    nodes.push(svgElement('text', { class: 'axis-title', x: (left + right) / 2, y: height - 6 }, 'iteration'));
    nodes.push(svgElement('text', { class: 'axis-title', x: 14, y: (top + bottom) / 2, transform: `rotate(-90 14 ${(top + bottom) / 2})` }, 'mean absolute error (log)'));
    this.grid.replaceChildren(...nodes);
  }

  drawTrial(model) {
    const visibility = model.visible ? 'visible' : 'hidden';
    for (const node of [model.path, model.endMarker, model.label]) node.setAttribute('visibility', visibility);
    const { iterations, errors } = this.shown(model);
    // Per pixel column keep the lowest and highest point, in their order: the line looks like
    // the full one with at most two points per column. Points only ever append, so the path up
    // to the last (still open) column is kept and only the rest is redone. Zoomed, only the
    // window's points (and one beyond each edge) are drawn, every time.
    let { d, count, penUp, from } = (!this.window && model.cache) || { d: '', count: 0, penUp: true, from: 0 };
    let end = iterations.length;
    if (this.window) {
      from = Math.max(0, lowerBound(iterations, this.window.from) - 1);
      end = Math.min(iterations.length, lowerBound(iterations, this.window.to + 1e-9) + 1);
    }
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
    for (let i = from; i < end; i++) {
      const error = errors[i];
      if (!(error > 0 && error < Infinity)) { closeColumn(); penUp = true; column = null; continue; }
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
    model.cache = this.window ? null : { d, count, penUp, from: first < 0 ? iterations.length : first };
    closeColumn();
    model.path.setAttribute('d', d);
    model.path.dataset.points = count;

    let lastFinite = null;
    for (let i = end - 1; i >= from; i--) if (errors[i] > 0 && errors[i] < Infinity) { lastFinite = i; break; }
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

  // End-of-curve labels (in ink, beside the curve's end), nudged apart so they stay readable.
  placeLabels() {
    if (this.trials.length > LEGEND_OPEN_LIMIT) { this.labels.setAttribute('visibility', 'hidden'); return; }
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
    if (!this.size || !this.domain) return;
    const bounds = this.svg.getBoundingClientRect();
    const x = event.clientX - bounds.left;
    const y = event.clientY - bounds.top;
    if (x < this.size.left - 4 || x > this.size.right + 4) { this.clearHover(); return; }
    const iteration = this.iterationAt(x);
    let best = null;
    for (const model of this.trials) {
      if (!model.visible) continue;
      const { iterations, errors } = this.shown(model);
      const index = nearestIndex(iterations, iteration);
      if (index < 0 || !(errors[index] > 0)) continue;
      const distance = Math.abs(this.y(errors[index]) - y) + Math.abs(this.x(iterations[index]) - x) * 0.25;
      if (!best || distance < best.distance) best = { model, index, distance };
    }
    if (best) this.showCursor(best.model, best.index, { x, y });
  }

  key(event) {
    switch (event.key) {
      case '+': case '=': this.zoomBy(0.5); event.preventDefault(); return;
      case '-': case '_': case '−': this.zoomBy(2); event.preventDefault(); return;
      case '0': this.zoomTo(null); event.preventDefault(); return;
      default:
    }
    const visible = this.order.filter((model) => model.visible && this.shown(model).iterations.length);
    if (!visible.length || !this.domain) return;
    let { model, index } = this.cursor ?? { model: visible[0], index: -1 };
    if (!visible.includes(model)) { model = visible[0]; index = -1; }
    const points = this.shown(model).iterations;
    // The cursor starts at the window's first point.
    if (index < 0 || index >= points.length) index = Math.max(0, lowerBound(points, this.window?.from ?? 0));
    const step = Math.max(1, Math.round(points.length / (event.shiftKey ? 10 : 100)));
    const position = visible.indexOf(model);
    switch (event.key) {
      case 'ArrowRight': index += step; break;
      case 'ArrowLeft': index -= step; break;
      case 'Home': index = lowerBound(points, this.window?.from ?? 0); break;
      case 'End': index = this.window ? lowerBound(points, this.window.to + 1e-9) - 1 : points.length - 1; break;
      case 'ArrowUp':
      case 'ArrowDown': {
        const next = visible[(position + (event.key === 'ArrowDown' ? 1 : visible.length - 1)) % visible.length];
        index = nearestIndex(this.shown(next).iterations, points[Math.min(index, points.length - 1)]);
        model = next;
        break;
      }
      case 'Enter': this.onSelect?.(model.index); event.preventDefault(); return;
      case 'Escape': this.clearHover(); return;
      default: return;
    }
    event.preventDefault();
    index = Math.max(0, Math.min(this.shown(model).iterations.length - 1, index));
    this.showCursor(model, index, null);
  }

  showCursor(model, index, pointer) {
    this.cursor = { model, index };
    const { iterations, errors } = this.shown(model);
    const iteration = iterations[index];
    const error = errors[index];
    const x = this.x(iteration);
    const y = error > 0 ? this.y(error) : this.size.top;
    const [line, dot] = this.hover.children;
    setAttributes(line, { x1: x, x2: x, y1: this.size.top, y2: this.size.bottom });
    setAttributes(dot, { cx: x, cy: y, stroke: model.colour });
    this.hover.setAttribute('visibility', 'visible');
    const text = `${trialName(model, this.showHidden)} · iteration ${formatCount(iteration)} · error ${formatNumber(error)}`;
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
