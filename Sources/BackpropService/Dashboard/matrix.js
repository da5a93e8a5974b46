// Matrices (weights, direction changes) at any size: a table of numbers when it fits the width it
// is given, else a heatmap image with a hover and keyboard readout; both with a colour bar.
// Colour scales are signed-log for weights and log for counts, shared by a layer across the whole
// run (so trials compare) or per trial.

import { element } from './dom.js';
import { countRGB, css, inkOn, MISSING_RGB, weightRGB } from './colour.js';
import { formatCount, formatNumber } from './format.js';

const TABLE_CELL_LIMIT = 64;
const TABLE_ROW_LIMIT = 8;
const LABELLED_ROW_HEIGHT = 14;
const BAR_WIDTH = 184;
const TABLE_MIN_CELL = 38;
const TABLE_ROW_HEADER = 44;
const HEATMAP_GUTTER = 44;
const HEATMAP_MIN_CELL = 4;
const HEATMAP_MAX_CELL = 28;
const HEATMAP_MIN_HEIGHT = 10;
const BAND_GAP = 5;

// A colour scale: `t(value)` in -1…1 (weights) or 0…1 (counts), its colours and the ticks of
// its colour bar.
export function weightScale(largest) {
  const top = largest > 0 && Number.isFinite(largest) ? largest : 1;
  const denominator = Math.log1p(top);
  const t = (value) => Math.sign(value) * Math.log1p(Math.abs(value)) / denominator;
  const decades = [];
  for (let power = 10 ** Math.floor(Math.log10(top * 0.6)); power >= 1 && decades.length < 1; power /= 10) decades.push(power);
  const ticks = [-top, ...decades.map((value) => -value), 0, ...decades.reverse(), top];
  return {
    kind: 'weights', largest: top, t, rgb: (value) => (Number.isFinite(value) ? weightRGB(t(value)) : MISSING_RGB),
    position: (value) => (t(value) + 1) / 2, ticks, format: formatNumber,
    describe: `blue negative, red positive, signed log scale to ±${formatNumber(top)}`,
  };
}

export function countScale(largest) {
  const top = largest > 0 && Number.isFinite(largest) ? largest : 1;
  const denominator = Math.log1p(top);
  const t = (value) => Math.log1p(Math.max(0, value)) / denominator;
  const decades = [];
  for (let power = 10 ** Math.floor(Math.log10(top * 0.6)); power >= 1 && decades.length < 2; power /= 10) decades.push(power);
  return {
    kind: 'changes', largest: top, t, rgb: (value) => (Number.isFinite(value) ? countRGB(t(value)) : MISSING_RGB),
    position: t, ticks: [0, ...decades.reverse(), top], format: formatCount,
    describe: `white none, dark purple ${formatCount(top)}, log scale`,
  };
}

// Largest magnitude per layer over some trials' matrices (`pick(trial)` → matrices).
export function layerMaxima(trials, pick) {
  const maxima = [];
  for (const trial of trials) {
    (pick(trial) ?? []).forEach((matrix, layer) => {
      if (!matrix) return;
      let largest = maxima[layer] ?? 0;
      for (const value of matrix.values) { const size = Math.abs(value); if (size > largest && size < Infinity) largest = size; }
      maxima[layer] = largest;
    });
  }
  return maxima;
}

// The colour key of a scale: a ramp with labelled ticks (text in the page, so it can be read and measured).
export function colourBar(scale, label) {
  const ramp = element('div', { class: 'colour-ramp' });
  const stops = Array.from({ length: 17 }, (_, index) => {
    const position = index / 16;
    const value = scale.kind === 'weights' ? inverseWeight(scale, position * 2 - 1) : Math.expm1(position * Math.log1p(scale.largest));
    return `${css(scale.rgb(value))} ${(position * 100).toFixed(1)}%`;
  });
  ramp.style.backgroundImage = `linear-gradient(to right, ${stops.join(', ')})`;
  const ticks = element('div', { class: 'colour-ticks' }, spacedTicks(scale).map(({ value, end }) => {
    const tick = element('span', { class: end }, scale.format(value));
    tick.style.left = `${(scale.position(value) * 100).toFixed(1)}%`;
    return tick;
  }));
  return element('div', { class: `colour-bar ${scale.kind}`, role: 'img', 'aria-label': `${label}: ${scale.describe}` }, ramp, ticks);
}

// The ends always, then zero, then the other ticks while their labels do not overlap (widths
// estimated for the bar's 11.5rem and the labels' 0.7rem digits).
function spacedTicks(scale) {
  const width = (value) => scale.format(value).length * 6.5 + 8;
  const span = (value, end) => {
    const at = scale.position(value) * BAR_WIDTH;
    if (end === 'first') return [at, at + width(value)];
    if (end === 'last') return [at - width(value), at];
    return [at - width(value) / 2, at + width(value) / 2];
  };
  const ticks = scale.ticks;
  const kept = [{ value: ticks[0], end: 'first' }, { value: ticks[ticks.length - 1], end: 'last' }];
  const middle = ticks.slice(1, -1).sort((a, b) => Math.abs(a) - Math.abs(b));
  for (const value of middle) {
    const [from, to] = span(value, '');
    if (kept.every((tick) => { const [a, b] = span(tick.value, tick.end); return to <= a || from >= b; })) kept.push({ value, end: '' });
  }
  return kept.sort((a, b) => a.value - b.value);
}

function inverseWeight(scale, t) {
  return Math.sign(t) * Math.expm1(Math.abs(t) * Math.log1p(scale.largest));
}

// One matrix: `labels.row(i)` and `labels.column(j)` name its rows (a layer's inputs) and columns
// (its outputs); `width` is the room it has, in CSS pixels.
export function matrixView({ title, matrix, scale, labels, width, showBar = true }) {
  const { rows, columns, values } = matrix;
  const format = scale.format;
  const longest = Math.max(1, ...Array.from(values.subarray(0, Math.min(values.length, 256)), (value) => format(value).length));
  const cell = Math.max(TABLE_MIN_CELL, longest * 7 + 12);
  const asTable = rows * columns <= TABLE_CELL_LIMIT && rows <= TABLE_ROW_LIMIT && columns * cell + TABLE_ROW_HEADER <= width;
  const caption = `${title} (${rows}×${columns})`;
  const body = asTable ? matrixTable(matrix, scale, labels, caption) : new Heatmap({ matrix, scale, labels, width, caption }).element;
  return element('figure', { class: `matrix ${scale.kind} ${asTable ? 'as-table' : 'as-heatmap'}`, 'data-layer': title },
    body, showBar ? colourBar(scale, `${title} colours`) : null);
}

function matrixTable({ rows, columns, values }, scale, labels, caption) {
  return element('table', { class: `heatmap ${scale.kind}` },
    element('caption', {}, caption),
    element('thead', {}, element('tr', {}, element('th', { scope: 'col' }, element('span', { class: 'visually-hidden' }, 'from \\ to')),
      Array.from({ length: columns }, (_, column) => element('th', { scope: 'col' }, labels.column(column))))),
    element('tbody', {}, Array.from({ length: rows }, (_, row) => element('tr', {},
      element('th', { scope: 'row' }, labels.row(row)),
      Array.from({ length: columns }, (_, column) => {
        const value = values[row * columns + column];
        const background = scale.rgb(value);
        const cell = element('td', { 'data-value': Number.isFinite(value) ? value : 'NaN' }, scale.format(value));
        cell.style.backgroundColor = css(background);
        cell.style.color = inkOn(background);
        return cell;
      })))));
}

// A heatmap image of a matrix of any size. Tall matrices are shown turned (a layer's hidden units
// run across, as in the layer before); wider than the room, the columns wrap into bands.
class Heatmap {
  constructor({ matrix, scale, labels, width, caption }) {
    const { rows, columns } = matrix;
    this.matrix = matrix;
    this.scale = scale;
    this.labels = labels;
    this.turned = rows > columns;
    this.displayRows = this.turned ? columns : rows;
    this.displayColumns = this.turned ? rows : columns;
    const room = Math.max(60, width - HEATMAP_GUTTER);
    let cellWidth = Math.min(HEATMAP_MAX_CELL, Math.floor(room / this.displayColumns));
    this.perBand = this.displayColumns;
    if (cellWidth < HEATMAP_MIN_CELL) {
      cellWidth = HEATMAP_MIN_CELL;
      this.perBand = Math.floor(room / cellWidth);
    }
    this.cellWidth = cellWidth;
    // One band of few rows: tall enough to name each row beside it.
    this.cellHeight = Math.max(cellWidth, this.perBand === this.displayColumns && this.displayRows <= 8 ? LABELLED_ROW_HEIGHT : HEATMAP_MIN_HEIGHT);
    this.bands = Math.ceil(this.displayColumns / this.perBand);
    this.bandHeight = this.displayRows * this.cellHeight;
    this.cssWidth = Math.min(this.perBand, this.displayColumns) * cellWidth;
    this.cssHeight = this.bands * (this.bandHeight + BAND_GAP) - BAND_GAP;
    this.cursor = null;

    const ratio = globalThis.devicePixelRatio || 1;
    this.canvas = element('canvas', { class: 'heatmap-image', width: Math.round(this.cssWidth * ratio), height: Math.round(this.cssHeight * ratio), 'aria-hidden': 'true' });
    this.canvas.style.width = `${this.cssWidth}px`;
    this.canvas.style.height = `${this.cssHeight}px`;
    this.draw(ratio);
    this.marker = element('div', { class: 'cell-cursor', hidden: true });
    const gutter = element('div', { class: 'heatmap-gutter', 'aria-hidden': 'true' }, this.gutterLabels());
    this.plane = element('div', { class: 'heatmap-plane' }, this.canvas, this.marker);
    this.readout = element('p', { class: 'readout matrix-readout', role: 'status' });
    const hint = `${caption}${this.turned ? ', turned: its rows run across' : ''}${this.bands > 1 ? `, wrapped every ${this.perBand}` : ''}`;
    this.surface = element('div', {
      class: 'heatmap-surface', tabindex: 0, role: 'group',
      'aria-label': `${hint}. Arrow keys read the values.`,
    }, gutter, this.plane);
    if (this.bands === 1 && this.displayColumns > 1) {
      const nameOf = (c) => (this.turned ? this.labels.row(c) : this.labels.column(c));
      this.surface.append(element('span', {}), element('div', { class: 'heatmap-axis', 'aria-hidden': 'true' },
        element('span', {}, nameOf(0)), element('span', {}, `→ ${nameOf(this.displayColumns - 1)}`)));
    }
    this.surface.style.gridTemplateColumns = `${HEATMAP_GUTTER - 4}px ${this.cssWidth}px`;
    this.element = element('div', { class: `heatmap-view ${scale.kind}` },
      element('p', { class: 'matrix-caption' }, hint), this.surface, this.readout);
    this.surface.addEventListener('pointermove', (event) => this.pointAt(event));
    this.surface.addEventListener('pointerleave', () => { if (document.activeElement !== this.surface) this.hideCursor(); });
    this.surface.addEventListener('keydown', (event) => this.key(event));
    this.surface.addEventListener('focus', () => { if (!this.cursor) this.show(0, 0); });
    this.surface.addEventListener('blur', () => this.hideCursor());
  }

  // Source index of the value shown at display row r, display column c.
  index(r, c) {
    return this.turned ? c * this.matrix.columns + r : r * this.matrix.columns + c;
  }

  place(r, c) {
    const band = Math.floor(c / this.perBand);
    return { x: (c % this.perBand) * this.cellWidth, y: band * (this.bandHeight + BAND_GAP) + r * this.cellHeight };
  }

  draw(ratio) {
    const context = this.canvas.getContext('2d');
    context.scale(ratio, ratio);
    const { values } = this.matrix;
    for (let r = 0; r < this.displayRows; r++) {
      for (let c = 0; c < this.displayColumns; c++) {
        const { x, y } = this.place(r, c);
        context.fillStyle = css(this.scale.rgb(values[this.index(r, c)]));
        context.fillRect(x, y, this.cellWidth, this.cellHeight);
      }
    }
  }

  // Row names beside a single band (when they fit), else the first column of each band.
  gutterLabels() {
    const nameOf = (r, c) => (this.turned ? this.labels.row(c) : this.labels.column(c));
    const rowName = (r) => (this.turned ? this.labels.column(r) : this.labels.row(r));
    const labels = [];
    if (this.bands === 1 && this.cellHeight >= 12) {
      for (let r = 0; r < this.displayRows; r++) labels.push({ text: rowName(r), top: r * this.cellHeight, height: this.cellHeight });
    } else {
      for (let band = 0; band < this.bands; band++) {
        labels.push({ text: nameOf(0, band * this.perBand), top: band * (this.bandHeight + BAND_GAP), height: Math.max(12, this.bandHeight) });
      }
    }
    return labels.map(({ text, top, height }) => {
      const label = element('span', {}, text);
      label.style.top = `${top}px`;
      label.style.height = `${height}px`;
      return label;
    });
  }

  pointAt(event) {
    const bounds = this.canvas.getBoundingClientRect();
    const x = event.clientX - bounds.left;
    const y = event.clientY - bounds.top;
    if (x < 0 || y < 0 || x >= this.cssWidth || y >= this.cssHeight) return;
    const band = Math.floor(y / (this.bandHeight + BAND_GAP));
    const r = Math.floor((y - band * (this.bandHeight + BAND_GAP)) / this.cellHeight);
    const c = band * this.perBand + Math.floor(x / this.cellWidth);
    if (r < this.displayRows && c < this.displayColumns) this.show(r, c);
  }

  key(event) {
    let { r, c } = this.cursor ?? { r: 0, c: 0 };
    switch (event.key) {
      case 'ArrowRight': c += 1; break;
      case 'ArrowLeft': c -= 1; break;
      case 'ArrowDown': r += 1; break;
      case 'ArrowUp': r -= 1; break;
      case 'PageDown': c += this.perBand; break;
      case 'PageUp': c -= this.perBand; break;
      case 'Home': c = 0; break;
      case 'End': c = this.displayColumns - 1; break;
      case 'Escape': this.hideCursor(); return;
      default: return;
    }
    event.preventDefault();
    this.show(Math.max(0, Math.min(this.displayRows - 1, r)), Math.max(0, Math.min(this.displayColumns - 1, c)));
  }

  show(r, c) {
    this.cursor = { r, c };
    const [row, column] = this.turned ? [c, r] : [r, c];
    const value = this.matrix.values[this.index(r, c)];
    const { x, y } = this.place(r, c);
    this.marker.hidden = false;
    this.marker.style.left = `${x}px`;
    this.marker.style.top = `${y}px`;
    this.marker.style.width = `${this.cellWidth}px`;
    this.marker.style.height = `${this.cellHeight}px`;
    this.readout.textContent = `${this.labels.row(row)} → ${this.labels.column(column)}: ${this.scale.format(value)}`;
    this.readout.dataset.value = Number.isFinite(value) ? value : 'NaN';
    this.readout.dataset.cell = `${row},${column}`;
  }

  hideCursor() {
    this.marker.hidden = true;
  }
}
