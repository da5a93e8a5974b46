// The sweep at a glance: final error against alpha and total direction changes against alpha
// (log scales, one mark per trial, hidden sizes as shapes, learned / not learned / diverged
// marked), a sentence saying which alphas learned, and a sortable table of every trial.

import { element, renderQueue, svgElement } from './dom.js';
import { formatAlpha, formatCount, formatNumber } from './format.js';
import { decadeDomain, logAxisNodes, markerPath, strokedMarker } from './plot.js';
import { byAlpha, trialName } from './sweep.js';

const DEFAULT_THRESHOLD = 0.05;
const STATES = {
  learned: 'learned',
  unlearned: 'did not learn',
  diverged: 'diverged',
  pending: 'still training',
};

// One row of the summary: everything the plots and the table show about a trial.
function stateOf(row) {
  if (row.status === 'diverged') return 'diverged';
  if (row.learned === true) return 'learned';
  if (row.learned === false) return 'unlearned';
  return 'pending';
}

// A scatter plot against alpha on a log axis; `yOf(row)` gives a row's value (null: not shown),
// `scale` is 'log' or 'log1p' (a log axis of 1 + value, so zero has a place).
class AlphaPlot {
  constructor({ id, title, yTitle, yOf, scale, describe, onSelect }) {
    this.id = id;
    this.yOf = yOf;
    this.scale = scale;
    this.describe = describe;
    this.onSelect = onSelect;
    this.rows = [];
    this.cursor = null;
    this.svg = svgElement('svg', { class: 'alpha-plot', id, role: 'img', tabindex: 0, 'aria-label': `${title}: one mark per trial; arrow keys read them` });
    this.grid = svgElement('g', { class: 'grid' });
    this.lines = svgElement('g', { class: 'trend-lines' });
    this.marks = svgElement('g', { class: 'marks' });
    this.overlay = svgElement('g', { class: 'overlay' });
    this.focusRing = svgElement('circle', { class: 'focus-ring', r: 10, visibility: 'hidden' });
    this.svg.append(this.grid, this.lines, this.marks, this.overlay, this.focusRing);
    this.box = element('div', { class: 'chart-box' }, this.svg);
    this.element = element('figure', { class: 'summary-plot' }, element('figcaption', { class: 'plot-title' }, title), this.box);
    this.yTitle = yTitle;
    this.svg.addEventListener('keydown', (event) => this.key(event));
    this.svg.addEventListener('pointermove', (event) => this.pointAt(event));
    this.svg.addEventListener('click', () => { if (this.cursor !== null) this.onSelect(this.cursor); });
    // The width comes from the observer, measured after layout (never read while the page changes).
    this.width = 0;
    this.drawTask = () => this.draw();
    this.resizeObserver = new ResizeObserver((entries) => {
      const width = Math.round(entries[entries.length - 1].contentRect.width);
      if (width !== this.width) { this.width = width; renderQueue.add(this.drawTask); }
    });
    this.resizeObserver.observe(this.box);
  }

  // Redraws only when something it shows changed.
  update(rows, best, selected) {
    const signature = JSON.stringify([best, selected, rows.map((row) => [row.index, row.state, this.yOf(row)])]);
    this.rows = rows;
    this.best = best;
    this.selected = selected;
    if (signature === this.signature) return;
    this.signature = signature;
    this.draw();
  }

  draw() {
    if (!this.width || !this.rows.length) return;
    const width = this.width;
    const height = Math.round(Math.min(260, Math.max(190, width * 0.55)));
    const size = { left: 62, right: width - 22, top: 18, bottom: height - 36 };
    this.size = size;
    this.svg.setAttribute('width', width);
    this.svg.setAttribute('height', height);
    this.svg.setAttribute('viewBox', `0 0 ${width} ${height}`);

    const [xLow, xHigh] = decadeDomain(this.rows.map((row) => row.alpha), [-1, 1]);
    const values = this.rows.map((row) => this.yOf(row)).filter((value) => value !== null && Number.isFinite(value));
    let yLow;
    let yHigh;
    if (this.scale === 'log') {
      [yLow, yHigh] = decadeDomain(values);
    } else {
      yLow = 0;
      yHigh = Math.max(1, Math.ceil(Math.log10(1 + Math.max(0, ...values))));
    }
    const x = (alpha) => size.left + ((Math.log10(alpha) - xLow) / (xHigh - xLow)) * (size.right - size.left);
    const yPosition = (value) => (this.scale === 'log' ? Math.log10(value) : Math.log10(1 + value));
    const y = (value) => size.bottom - ((yPosition(value) - yLow) / (yHigh - yLow)) * (size.bottom - size.top);
    this.x = x;
    this.y = y;

    // The axes change only with the width or the ranges; the marks with every update.
    const axesKey = [width, xLow, xHigh, yLow, yHigh].join(',');
    if (axesKey !== this.axesKey) {
      this.axesKey = axesKey;
      this.grid.replaceChildren(...this.axes({ size, height, x, y, yPosition, xLow, xHigh, yLow, yHigh }));
    }

    // Where each trial's mark goes; a diverged trial without a finite value sits on the top edge.
    this.points = new Map();
    for (const row of this.rows) {
      const value = this.yOf(row);
      if (value !== null && Number.isFinite(value) && (this.scale !== 'log' || value > 0)) this.points.set(row.index, { x: x(row.alpha), y: y(value) });
      else if (row.state === 'diverged') this.points.set(row.index, { x: x(row.alpha), y: size.top + 6 });
    }
    // A thin line through each hidden size's trials, in alpha order: the trend.
    const byHidden = new Map();
    for (const row of this.rows) {
      if (!this.points.has(row.index) || row.state === 'diverged') continue;
      if (!byHidden.has(row.hidden)) byHidden.set(row.hidden, []);
      byHidden.get(row.hidden).push(this.points.get(row.index));
    }
    this.lines.replaceChildren(...[...byHidden.values()].filter((points) => points.length > 1).map((points) =>
      svgElement('path', { d: points.map((point, index) => `${index ? 'L' : 'M'}${point.x.toFixed(1)},${point.y.toFixed(1)}`).join('') })));
    this.marks.replaceChildren(...this.rows.filter((row) => this.points.has(row.index)).map((row) => {
      const { x: px, y: py } = this.points.get(row.index);
      if (row.state === 'diverged') {
        return svgElement('path', { class: 'mark diverged', 'data-trial': row.index, d: markerPath('cross', px, py, 5) });
      }
      const hollow = row.state !== 'learned' || strokedMarker(row.marker);
      return svgElement('path', {
        class: `mark ${row.state}`, 'data-trial': row.index, d: markerPath(row.marker, px, py, 5),
        fill: hollow ? '#fff' : row.colour, stroke: row.colour,
      });
    }));
    const overlay = [];
    const bestPoint = this.best === null ? null : this.points.get(this.best);
    if (bestPoint) {
      overlay.push(svgElement('circle', { class: 'best-ring', cx: bestPoint.x, cy: bestPoint.y, r: 9 }));
      const anchorEnd = bestPoint.x > (size.left + size.right) / 2;
      overlay.push(svgElement('text', { class: 'best-label', x: bestPoint.x + (anchorEnd ? -12 : 12), y: bestPoint.y - 8, 'text-anchor': anchorEnd ? 'end' : 'start' }, 'best'));
    }
    const selectedPoint = this.selected === null ? null : this.points.get(this.selected);
    if (selectedPoint) overlay.push(svgElement('circle', { class: 'selected-ring', cx: selectedPoint.x, cy: selectedPoint.y, r: 12 }));
    this.overlay.replaceChildren(...overlay);
    if (this.cursor !== null) this.showCursor(this.cursor);
  }

  axes({ size, height, x, y, yPosition, xLow, xHigh, yLow, yHigh }) {
    const nodes = [svgElement('rect', { class: 'plot-area', x: size.left, y: size.top, width: size.right - size.left, height: size.bottom - size.top })];
    nodes.push(...logAxisNodes({ low: xLow, high: xHigh, position: x, vertical: false, from: size.top, to: size.bottom, labelAt: size.bottom + 15 }));
    if (this.scale === 'log') {
      nodes.push(...logAxisNodes({ low: yLow, high: yHigh, position: y, vertical: true, from: size.left, to: size.right, labelAt: size.left - 6 }));
    } else {
      const step = Math.max(1, Math.ceil(yHigh / 5));
      for (let decade = -1; decade <= yHigh; decade += decade < 0 ? 1 : step) {
        const value = decade < 0 ? 0 : 10 ** decade;
        if (yPosition(value) > yHigh + 1e-9) break;
        const at = y(value);
        nodes.push(svgElement('line', { class: 'major', x1: size.left, x2: size.right, y1: at, y2: at }));
        nodes.push(svgElement('text', { class: 'tick y', x: size.left - 6, y: at + 4 }, formatNumber(value)));
      }
    }
    nodes.push(svgElement('text', { class: 'axis-title', x: (size.left + size.right) / 2, y: height - 4 }, 'alpha (log)'));
    nodes.push(svgElement('text', { class: 'axis-title', x: 12, y: (size.top + size.bottom) / 2, transform: `rotate(-90 12 ${(size.top + size.bottom) / 2})` }, this.yTitle));
    return nodes;
  }

  ordered() {
    return this.rows.filter((row) => this.points?.has(row.index)).map((row) => row.index);
  }

  key(event) {
    const order = this.ordered();
    if (!order.length) return;
    let position = Math.max(0, order.indexOf(this.cursor));
    switch (event.key) {
      case 'ArrowRight': case 'ArrowDown': position = this.cursor === null ? 0 : position + 1; break;
      case 'ArrowLeft': case 'ArrowUp': position -= 1; break;
      case 'Home': position = 0; break;
      case 'End': position = order.length - 1; break;
      case 'Enter': if (this.cursor !== null) this.onSelect(this.cursor); event.preventDefault(); return;
      default: return;
    }
    event.preventDefault();
    this.showCursor(order[Math.max(0, Math.min(order.length - 1, position))]);
  }

  pointAt(event) {
    if (!this.points) return;
    const bounds = this.svg.getBoundingClientRect();
    const x = event.clientX - bounds.left;
    const y = event.clientY - bounds.top;
    let best = null;
    for (const [index, point] of this.points) {
      const distance = Math.hypot(point.x - x, point.y - y);
      if (distance < 24 && (!best || distance < best.distance)) best = { index, distance };
    }
    if (best) this.showCursor(best.index);
  }

  showCursor(index) {
    const point = this.points?.get(index);
    if (!point) return;
    this.cursor = index;
    this.focusRing.setAttribute('cx', point.x);
    this.focusRing.setAttribute('cy', point.y);
    this.focusRing.setAttribute('visibility', 'visible');
    this.describe(index);
  }

  destroy() {
    this.resizeObserver.disconnect();
    renderQueue.delete(this.drawTask);
  }
}

const COLUMNS = [
  { key: 'alpha', title: 'α' },
  { key: 'hidden', title: 'hidden', numeric: true },
  { key: 'status', title: 'status' },
  { key: 'learned', title: 'learned' },
  { key: 'finalError', title: 'final error', numeric: true },
  { key: 'reached', title: 'iterations to reach', numeric: true },
  { key: 'changes', title: 'direction changes', numeric: true },
];

export class SweepSummary {
  constructor(run, styles, { onSelect }) {
    this.onSelect = onSelect;
    this.showHidden = run.request.hidden_sizes.length > 1;
    this.threshold = DEFAULT_THRESHOLD;
    this.sort = { key: 'alpha', ascending: true };
    this.selected = null;
    this.rows = run.trials.map((trial, index) => ({ index, alpha: trial.alpha, hidden: trial.hidden_size, hidden_size: trial.hidden_size, ...styles[index] }));
    this.alphaOrder = byAlpha(run.trials);
    const describe = (index) => { this.readout.textContent = this.describeRow(this.rows[index]); };
    this.errorPlot = new AlphaPlot({
      id: 'summary-error-plot', title: 'Final error by alpha', yTitle: 'final error (log)', scale: 'log',
      yOf: (row) => row.finalError ?? row.currentError ?? null, describe, onSelect: (index) => this.onSelect(index),
    });
    this.changesPlot = new AlphaPlot({
      id: 'summary-changes-plot', title: 'Direction changes by alpha', yTitle: 'changes, all weights', scale: 'log1p',
      yOf: (row) => row.changes ?? null, describe, onSelect: (index) => this.onSelect(index),
    });
    this.story = element('p', { class: 'story', id: 'summary-story' });
    this.readout = element('p', { class: 'readout', id: 'summary-readout', role: 'status' }, 'Point at a mark, or focus a plot and use the arrow keys, to read a trial; Enter or a click selects it.');
    this.thresholdInput = element('input', { id: 'reach-threshold', value: String(DEFAULT_THRESHOLD), inputmode: 'decimal', spellcheck: 'false', 'aria-describedby': 'reach-threshold-error' });
    this.thresholdError = element('p', { class: 'field-error', id: 'reach-threshold-error' });
    this.thresholdInput.addEventListener('input', () => this.setThreshold(this.thresholdInput.value));
    this.headers = COLUMNS.map((column) => {
      const button = element('button', { type: 'button', class: 'sort' }, column.key === 'reached' ? element('span', { class: 'reach-title' }) : column.title);
      const header = element('th', { scope: 'col', 'data-key': column.key, class: column.numeric ? 'num' : null }, button);
      button.addEventListener('click', () => this.sortBy(column.key));
      return header;
    });
    this.body = element('tbody', {});
    this.table = element('table', { class: 'sweep-table', id: 'sweep-table' },
      element('caption', { class: 'visually-hidden' }, 'Every trial of the sweep; the column headers sort'),
      element('thead', {}, element('tr', {}, this.headers)), this.body);
    this.element = element('div', { class: 'summary' },
      this.story,
      element('div', { class: 'summary-plots' }, this.errorPlot.element, this.changesPlot.element),
      this.keyList(run),
      this.readout,
      element('div', { class: 'table-controls field' },
        element('label', { for: 'reach-threshold' }, 'Iterations until the error is at most'),
        this.thresholdInput, this.thresholdError),
      element('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Trials table' }, this.table));
    this.renderHeaders();
  }

  keyList(run) {
    const symbol = (d, attributes) => svgElement('svg', { class: 'key-symbol', width: 16, height: 16, viewBox: '0 0 16 16', 'aria-hidden': 'true' }, svgElement('path', { d, ...attributes }));
    const items = [
      [symbol(markerPath('circle', 8, 8, 5), { class: 'mark learned', fill: '#3a4a68', stroke: '#3a4a68' }), 'learned (filled)'],
      [symbol(markerPath('circle', 8, 8, 5), { class: 'mark unlearned', fill: '#fff', stroke: '#3a4a68' }), 'did not learn (hollow)'],
      [symbol(markerPath('cross', 8, 8, 5), { class: 'mark diverged' }), 'diverged'],
      [symbol(markerPath('circle', 8, 8, 5), { class: 'mark pending', fill: '#fff', stroke: '#3a4a68' }), 'still training'],
      [svgElement('svg', { class: 'key-symbol', width: 16, height: 16, 'aria-hidden': 'true' }, svgElement('circle', { class: 'best-ring', cx: 8, cy: 8, r: 6 })), 'best'],
    ];
    if (this.showHidden) {
      for (const hidden of run.request.hidden_sizes) {
        const row = this.rows.find((candidate) => candidate.hidden === hidden);
        items.push([symbol(markerPath(row.marker, 8, 8, 5), { fill: '#3a4a68', stroke: '#3a4a68' }), `hidden ${hidden}`]);
      }
    }
    items.push([element('span', { class: 'alpha-ramp', 'aria-hidden': 'true' }), 'colour: alpha, dark (small) to ochre (large)']);
    return element('ul', { class: 'plot-key', 'aria-label': 'How the plots mark trials' }, items.map(([symbolNode, text]) => element('li', {}, symbolNode, text)));
  }

  // The table's rows, made in a later frame than the rest of the view (then filled with the last facts).
  buildRows() {
    if (this.rowsBuilt) return;
    for (const row of this.rows) this.createTableRow(row);
    this.rowsBuilt = true;
    if (this.lastUpdate) this.update(...this.lastUpdate);
    if (this.selected !== null) this.select(this.selected);
  }

  createTableRow(row) {
    const swatch = svgElement('svg', { class: 'swatch', width: 16, height: 12, 'aria-hidden': 'true' },
      svgElement('path', { d: markerPath(row.marker, 8, 6, 4.5), fill: row.colour, stroke: row.colour }));
    row.cells = {
      alpha: element('button', { type: 'button', class: 'trial-button', title: `select ${trialName(row, this.showHidden)} (α = ${row.alpha})` }, swatch, formatAlpha(row.alpha)),
      badge: element('span', { class: 'best-badge', hidden: true }, 'best'),
      hidden: element('td', { class: 'num' }, String(row.hidden)),
      status: element('span', { class: 'status' }),
      learned: element('td', {}),
      finalError: element('td', { class: 'num' }),
      reached: element('td', { class: 'num' }),
      changes: element('td', { class: 'num' }),
    };
    row.cells.alpha.addEventListener('click', () => this.onSelect(row.index));
    row.element = element('tr', { 'data-trial': row.index },
      element('th', { scope: 'row' }, row.cells.alpha, row.cells.badge),
      row.cells.hidden, element('td', {}, row.cells.status), row.cells.learned,
      row.cells.finalError, row.cells.reached, row.cells.changes);
    this.body.append(row.element);
  }

  setThreshold(text) {
    const value = Number(text.trim());
    const valid = text.trim() !== '' && Number.isFinite(value) && value > 0;
    this.thresholdInput.toggleAttribute('aria-invalid', !valid);
    if (!valid) this.thresholdInput.setAttribute('aria-invalid', 'true');
    this.thresholdError.textContent = valid ? '' : 'a number > 0, such as 0.05';
    if (!valid) return;
    this.threshold = value;
    this.onThreshold?.();
  }

  sortBy(key) {
    this.sort = { key, ascending: this.sort.key === key ? !this.sort.ascending : true };
    this.renderHeaders();
    this.order();
  }

  renderHeaders() {
    for (const header of this.headers) {
      const key = header.dataset.key;
      if (key === this.sort.key) header.setAttribute('aria-sort', this.sort.ascending ? 'ascending' : 'descending');
      else header.removeAttribute('aria-sort');
    }
    this.table.querySelector('.reach-title').textContent = `iterations to ≤ ${formatNumber(this.threshold)}`;
  }

  // Rows in the table's order; missing values go last either way.
  order() {
    const { key, ascending } = this.sort;
    const value = (row) => {
      switch (key) {
        case 'learned': return row.learned === null ? null : row.learned ? 1 : 0;
        case 'status': return row.status;
        default: return row[key];
      }
    };
    const sorted = [...this.rows].sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      if (va === null || va === undefined) return vb === null || vb === undefined ? a.alpha - b.alpha : 1;
      if (vb === null || vb === undefined) return -1;
      const compared = typeof va === 'string' ? va.localeCompare(vb) : va - vb;
      return (ascending ? compared : -compared) || a.alpha - b.alpha || a.hidden - b.hidden;
    });
    let previous = null;
    for (const row of sorted) {
      const expected = previous ? previous.nextSibling : this.body.firstChild;
      if (expected !== row.element) this.body.insertBefore(row.element, expected);
      previous = row.element;
    }
  }

  // `facts[i]`: {status, learned, finalError, currentError, reached, changes}; `best`: index or null.
  update(facts, best) {
    this.best = best;
    this.lastUpdate = [facts, best];
    for (const row of this.rows) {
      Object.assign(row, facts[row.index]);
      row.state = stateOf(row);
      if (!this.rowsBuilt) continue;
      const set = (node, text) => { if (node.textContent !== text) node.textContent = text; };
      if (row.cells.status.className !== `status status-${row.status}`) row.cells.status.className = `status status-${row.status}`;
      set(row.cells.status, row.status);
      set(row.cells.learned, row.learned === null ? '—' : row.learned ? 'yes' : 'no');
      set(row.cells.finalError, formatNumber(row.finalError));
      set(row.cells.reached, row.reached === null ? (row.status === 'running' || row.status === 'queued' ? '—' : 'not reached') : formatCount(row.reached));
      set(row.cells.changes, row.changes === null ? '—' : formatCount(row.changes));
      row.cells.badge.hidden = row.index !== best;
      row.element.classList.toggle('best', row.index === best);
      if (row.element.dataset.state !== row.state) row.element.dataset.state = row.state;
    }
    this.renderHeaders();
    if (this.rowsBuilt) this.order();
    const ordered = this.alphaOrder.map((index) => this.rows[index]);
    this.errorPlot.update(ordered, best, this.selected);
    this.changesPlot.update(ordered, best, this.selected);
    const story = this.storyText(ordered);
    if (this.story.textContent !== story) this.story.textContent = story;
  }

  select(index) {
    this.selected = index;
    for (const row of this.rows) row.element?.classList.toggle('selected', row.index === index);
    this.errorPlot.update(this.errorPlot.rows, this.best, index);
    this.changesPlot.update(this.changesPlot.rows, this.best, index);
  }

  describeRow(row) {
    const parts = [trialName(row, this.showHidden), row.status];
    if (row.finalError !== null && row.finalError !== undefined) parts.push(`final error ${formatNumber(row.finalError)}`);
    else if (row.currentError !== null && row.currentError !== undefined) parts.push(`error so far ${formatNumber(row.currentError)}`);
    parts.push(STATES[row.state]);
    if (row.changes !== null && row.changes !== undefined) parts.push(`${formatCount(row.changes)} direction changes`);
    if (row.index === this.best) parts.push('best');
    return parts.join(' · ');
  }

  // "Learned: α 0.01 to 10 (5 of 7). Did not learn: α 0.001, 100, 1000. Best: α = 10, final error 0.00264."
  storyText(ordered) {
    const groups = this.showHidden ? [...new Set(ordered.map((row) => row.hidden))] : [null];
    const sentences = [];
    for (const hidden of groups) {
      const rows = ordered.filter((row) => hidden === null || row.hidden === hidden);
      const prefix = hidden === null ? '' : `Hidden ${hidden}: `;
      const learned = runsOf(rows, (row) => row.state === 'learned');
      const unlearned = runsOf(rows, (row) => row.state === 'unlearned');
      const diverged = runsOf(rows, (row) => row.state === 'diverged');
      const pending = rows.filter((row) => row.state === 'pending').length;
      const parts = [];
      const count = rows.filter((row) => row.state === 'learned').length;
      parts.push(count ? `learned at α ${shortList(learned)} (${count} of ${rows.length})` : `no trial learned${pending ? ' yet' : ''}`);
      if (unlearned.length) parts.push(`did not learn at α ${shortList(unlearned)}`);
      if (diverged.length) parts.push(`diverged at α ${shortList(diverged)}`);
      if (pending) parts.push(`${pending} still training`);
      sentences.push(`${prefix}${prefix ? parts.join('; ') : capitalise(parts.join('; '))}.`);
    }
    const best = this.best === null || this.best === undefined ? null : this.rows[this.best];
    if (best) sentences.push(`Best: ${trialName(best, this.showHidden)}, final error ${formatNumber(best.finalError)}.`);
    return sentences.join(' ');
  }

  destroy() {
    this.errorPlot.destroy();
    this.changesPlot.destroy();
  }
}

// Consecutive runs (in alpha order) of rows matching `test`, written "0.01 to 10" or "0.1".
function runsOf(rows, test) {
  const runs = [];
  let start = null;
  let end = null;
  const close = () => { if (start) runs.push(start === end ? formatAlpha(start.alpha) : `${formatAlpha(start.alpha)} to ${formatAlpha(end.alpha)}`); start = end = null; };
  for (const row of rows) {
    if (test(row)) { start ??= row; end = row; } else close();
  }
  close();
  return runs;
}

function shortList(items) {
  return items.length > 6 ? `${items.slice(0, 3).join(', ')} … ${items.slice(-2).join(', ')} (${items.length})` : items.join(', ');
}

const capitalise = (text) => text.charAt(0).toUpperCase() + text.slice(1);
