// One trial's card: status and facts, then (when opened, and drawn only while on screen or near
// it) outputs against targets, the decision boundary, the weights and their direction changes.

import { element, factList, renderQueue, svgElement } from './dom.js';
import { formatCount, formatDuration, formatNumber } from './format.js';
import { decisionBoundary, inputColumns } from './boundary.js';
import { countScale, layerMaxima, matrixView, weightScale } from './matrix.js';
import { markerPath } from './plot.js';
import { trialName } from './sweep.js';

export class TrialCard {
  constructor(trial, index, style, showHidden, { open, onSelect }) {
    this.index = index;
    this.signature = '';
    this.onScreen = false;
    this.pending = null;
    this.renderTask = () => this.renderBody();
    this.status = element('span', { class: 'status' });
    this.facts = element('dl', { class: 'facts compact' });
    this.body = element('div', { class: 'trial-body' });
    const swatch = svgElement('svg', { class: 'swatch', width: 36, height: 12, 'aria-hidden': 'true' },
      svgElement('line', { x1: 1, y1: 6, x2: 35, y2: 6, stroke: style.colour, 'stroke-width': 2.5, 'stroke-dasharray': style.dash || null }),
      showHidden ? svgElement('path', { d: markerPath(style.marker, 18, 6, 4), fill: style.colour, stroke: style.colour }) : null);
    this.details = element('details', { class: 'trial-details', open: open || null },
      element('summary', {}, 'Details'), this.body);
    this.details.addEventListener('toggle', () => { if (this.details.open && this.pending) this.schedule(); });
    this.name = trialName(trial, showHidden);
    this.element = element('section', { class: 'trial', 'data-trial': index, 'aria-labelledby': `trial-${index}-title` },
      element('div', { class: 'trial-heading' },
        element('h4', { id: `trial-${index}-title` }, swatch, this.name, ' ', this.status),
        element('button', { type: 'button', class: 'small', onclick: () => onSelect(index) }, 'Network')),
      this.facts, this.details);
  }

  // `facts`: {learned, changes}; `context`: {dataset, scales, perTrialScales, plane, planeWhy, key}.
  update(trial, facts, context) {
    const signature = `${trial.status}|${trial.iterations_done}|${trial.final_error}|${facts.learned}|${context.key}`;
    if (signature === this.signature) return;
    this.signature = signature;
    this.element.dataset.status = trial.status;
    this.status.textContent = trial.status;
    this.status.className = `status status-${trial.status}`;
    const list = [
      ['final error', formatNumber(trial.final_error)],
      ['learned', facts.learned === null ? '—' : facts.learned ? 'yes' : 'no'],
      ['iterations', formatCount(trial.iterations_done)],
    ];
    if (trial.status === 'diverged') list.push(['diverged at', formatCount(trial.diverged_at_iteration)]);
    if (facts.changes !== null) list.push(['direction changes', formatCount(facts.changes)]);
    // Trials trained side by side in one engine batch share this time (api.md).
    if (trial.batch_duration_ms !== null && trial.batch_duration_ms !== undefined) list.push(['batch time', formatDuration(trial.batch_duration_ms)]);
    // Only the numbers that changed are rewritten (64 cards follow a live run).
    const terms = list.map(([term]) => term).join('|');
    if (terms !== this.terms) {
      this.terms = terms;
      this.facts.replaceChildren(...factList(list));
      this.values = [...this.facts.querySelectorAll('dd')];
    } else {
      list.forEach(([, value], index) => { if (this.values[index].textContent !== value) this.values[index].textContent = value; });
    }
    this.pending = { trial, context };
    this.schedule();
  }

  // Draws at the next chance once on screen, opened and its width known.
  schedule() {
    if (this.onScreen && this.details.open && this.width) renderQueue.add(this.renderTask);
  }

  setOnScreen(onScreen) {
    this.onScreen = onScreen;
    if (onScreen && this.pending) this.schedule();
    else if (!onScreen) renderQueue.delete(this.renderTask);
  }

  // The room the card's pictures have (its content width, measured by the run view's observer).
  setWidth(width) {
    this.width = width;
    if (this.renderedWidth === undefined ? this.pending : Math.abs(width - this.renderedWidth) >= 8) this.invalidate();
  }

  // Draws again at the next chance (the width changed, say).
  invalidate(context) {
    if (!this.pending && this.last) this.pending = { ...this.last, context: context ?? this.last.context };
    else if (this.pending && context) this.pending.context = context;
    this.schedule();
  }

  discard() {
    renderQueue.delete(this.renderTask);
  }

  renderBody() {
    if (!this.pending || !this.details.open) return;
    const { trial, context } = this.pending;
    this.last = this.pending;
    this.pending = null;
    const width = Math.max(200, this.width);
    this.renderedWidth = this.width;
    const dataset = context.dataset;
    const constants = dataset ? inputColumns(dataset.inputs).constant : null;
    const parts = [];
    if (trial.outputs && dataset) parts.push(outputsTable(trial.outputs, dataset));
    if (trial.synapses.length && dataset) {
      parts.push(context.plane ? decisionBoundary(trial, context.plane, dataset)
        : element('p', { class: 'hint boundary-absent' }, `No decision boundary: ${context.planeWhy}`));
    }
    const layers = trial.synapses.length;
    const labels = (layer) => ({
      row: (index) => (layer === 0 ? (constants?.(index) ? 'bias' : `x${index + 1}`) : `h${index + 1}`),
      column: (index) => (layer === layers - 1 ? `out${index + 1}` : `h${index + 1}`),
    });
    const scales = context.perTrialScales
      ? { weights: layerMaxima([trial], (t) => t.synapses).map(weightScale), changes: layerMaxima([trial], (t) => t.direction_changes).map(countScale) }
      : context.scales;
    const block = (title, matrices, kind) => element('div', { class: `heatmaps ${kind}-block` }, element('h5', {}, title),
      matrices.map((matrix, layer) => (matrix ? matrixView({
        title: `synapse_${layer}`, matrix, scale: scales[kind][layer], labels: labels(layer), width,
      }) : null)));
    parts.push(block(trial.direction_changes ? 'Final weights' : 'Current weights', trial.synapses, 'weights'));
    if (trial.direction_changes) parts.push(block('Direction changes', trial.direction_changes, 'changes'));
    this.body.replaceChildren(...parts);
    this.element.dataset.rendered = trial.status;
  }
}

function outputsTable(outputs, dataset) {
  const shown = Math.min(outputs.rows, 16);
  const rows = [];
  for (let sample = 0; sample < shown; sample++) {
    const output = outputs.values[sample * outputs.columns];
    const target = dataset.targets[sample]?.[0];
    const bar = element('span', { class: 'bar' }, element('span', { class: 'bar-fill' }), element('span', { class: 'bar-target' }));
    bar.firstChild.style.width = `${Math.max(0, Math.min(1, Number.isFinite(output) ? output : 0)) * 100}%`;
    bar.lastChild.style.left = `${Math.max(0, Math.min(1, target ?? 0)) * 100}%`;
    rows.push(element('tr', {},
      element('td', { class: 'mono' }, (dataset.inputs[sample] ?? []).map(formatNumber).join(' ')),
      element('td', { class: 'num' }, target === undefined ? '—' : formatNumber(target)),
      element('td', { class: 'num' }, formatNumber(output)),
      element('td', { class: 'bar-cell' }, bar)));
  }
  const more = outputs.rows > shown ? element('p', { class: 'hint' }, `… and ${formatCount(outputs.rows - shown)} more samples`) : null;
  const note = outputs.columns > 1 ? element('p', { class: 'hint' }, 'first output column shown') : null;
  return element('div', { class: 'outputs' },
    element('table', { class: 'outputs-table' },
      element('caption', {}, 'Outputs vs targets'),
      element('thead', {}, element('tr', {},
        element('th', { scope: 'col' }, 'input'), element('th', { scope: 'col' }, 'target'),
        element('th', { scope: 'col' }, 'output'), element('th', { scope: 'col' }, element('span', { class: 'visually-hidden' }, 'output bar; the tick marks the target')))),
      element('tbody', {}, rows)),
    more, note);
}
