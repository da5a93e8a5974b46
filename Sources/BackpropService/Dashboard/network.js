// The selected trial's network, drawn like TensorFlow Playground's: neurons in columns (inputs,
// hidden units, outputs), every weight an edge coloured by its sign and sized by its magnitude
// (on the run's scale for its layer), neurons filled by their activation for a chosen sample,
// beside the trial's decision boundary. Updated in place while the trial trains.

import { element, renderQueue, svgElement } from './dom.js';
import { weightRGB, css } from './colour.js';
import { formatNumber } from './format.js';
import { decisionBoundary, finiteWeights, forwardPass, inputColumns } from './boundary.js';

const MOST_PER_LAYER = 16;
const SPACING = 26;
const RADIUS = 9;

export class NetworkView {
  constructor({ onSelect }) {
    this.onSelect = onSelect;
    this.cursor = null;
    this.sample = 0;
    this.trialSelect = element('select', { id: 'network-trial' });
    this.trialSelect.addEventListener('change', () => this.onSelect(Number(this.trialSelect.value)));
    this.sampleSelect = element('select', { id: 'network-sample' });
    this.sampleSelect.addEventListener('change', () => { this.sample = Number(this.sampleSelect.value); this.redraw(); });
    this.svg = svgElement('svg', {
      class: 'network', role: 'img', tabindex: 0, 'aria-describedby': 'network-help',
      'aria-label': 'The selected trial\'s network: neurons and weights',
    });
    this.svg.addEventListener('keydown', (event) => this.key(event));
    this.svg.addEventListener('pointermove', (event) => this.pointAt(event));
    this.note = element('p', { class: 'hint network-note' });
    this.readout = element('p', { class: 'readout', id: 'network-readout', role: 'status' }, 'Point at a neuron, or focus the network and use the arrow keys, to read its activation and weights.');
    this.boundary = element('div', { class: 'network-boundary' });
    this.box = element('div', { class: 'network-box' }, this.svg);
    this.element = element('div', { class: 'network-view' },
      element('div', { class: 'network-controls' },
        element('div', { class: 'field' }, element('label', { for: 'network-trial' }, 'Trial'), this.trialSelect),
        element('div', { class: 'field' }, element('label', { for: 'network-sample' }, 'Activations for sample'), this.sampleSelect)),
      element('div', { class: 'network-body' }, this.box, this.boundary),
      this.note, this.readout,
      element('p', { class: 'hint', id: 'network-help' },
        'Edges: blue negative, red positive, thicker for larger magnitude (the run’s scale per layer). Neurons: activation for the chosen sample, blue near 0, red near 1. Arrow keys: up and down within a layer, left and right between layers.'));
    // The width comes from the observer, measured after layout (never read while the page changes).
    this.width = 0;
    this.redrawTask = () => this.redraw();
    this.resizeObserver = new ResizeObserver((entries) => {
      const width = Math.round(entries[entries.length - 1].contentRect.width);
      if (width !== this.width) { this.width = width; renderQueue.add(this.redrawTask); }
    });
    this.resizeObserver.observe(this.box);
  }

  // The trials to choose from (in alpha order) and the dataset whose samples feed the activations.
  setChoices(entries, dataset) {
    this.trialSelect.replaceChildren(...entries.map(({ index, name }) => element('option', { value: index }, name)));
    this.dataset = dataset;
    const inputs = dataset?.inputs ?? [];
    this.sampleSelect.replaceChildren(...inputs.map((row, index) =>
      element('option', { value: index }, `${index + 1}: ${row.map(formatNumber).join(' ')}${dataset.targets?.[index] ? ` → ${dataset.targets[index].map(formatNumber).join(' ')}` : ''}`)));
    this.sampleSelect.disabled = inputs.length === 0;
  }

  // Shows trial `index` (or updates it): `name`, `scales` (per layer), the boundary `plane`.
  show(index, trial, { name, scales, plane, planeWhy }) {
    const signature = [index, trial.status, trial.iterations_done, scales.map((scale) => scale.largest).join(','),
      plane ? `${plane.x},${plane.y},${plane.row}` : planeWhy].join('|');
    if (signature === this.signature) return;
    this.signature = signature;
    const changedTrial = index !== this.index;
    this.index = index;
    this.trial = trial;
    this.name = name;
    this.scales = scales;
    this.plane = plane;
    this.planeWhy = planeWhy;
    this.trialSelect.value = String(index);
    if (changedTrial) this.cursor = null;
    this.redraw();
  }

  // Which neurons of each layer are drawn: all, or the MOST_PER_LAYER with the largest weights.
  chooseNeurons() {
    const synapses = this.trial.synapses;
    const sizes = [synapses[0].rows, ...synapses.map((matrix) => matrix.columns)];
    const strength = sizes.map((size) => new Float64Array(size));
    synapses.forEach((matrix, m) => {
      for (let i = 0; i < matrix.rows; i++) {
        for (let j = 0; j < matrix.columns; j++) {
          const size = Math.abs(matrix.values[i * matrix.columns + j]);
          if (!Number.isFinite(size)) continue;
          strength[m][i] += size;
          strength[m + 1][j] += size;
        }
      }
    });
    return sizes.map((size, layer) => {
      const all = Array.from({ length: size }, (_, index) => index);
      if (size <= MOST_PER_LAYER) return all;
      return all.sort((a, b) => strength[layer][b] - strength[layer][a]).slice(0, MOST_PER_LAYER).sort((a, b) => a - b);
    });
  }

  neuronName(layer, index) {
    const last = this.trial.synapses.length;
    if (layer === 0) return this.constants?.(index) ? 'bias' : `x${index + 1}`;
    if (layer === last) return `out${index + 1}`;
    return `h${index + 1}`;
  }

  redraw() {
    if (!this.trial) return;
    const synapses = this.trial.synapses;
    if (!synapses.length || synapses.some((matrix) => !matrix)) { this.svg.replaceChildren(); return; }
    const columns = inputColumns(this.dataset?.inputs);
    this.constants = columns.columns ? columns.constant : null;
    if (!this.width) return;
    const width = Math.max(240, this.width);
    const shown = this.chooseNeurons();
    const most = Math.max(...shown.map((layer) => layer.length));
    const height = most * SPACING + 24;
    const left = 46;
    const right = width - 46;
    const layerX = (layer) => left + (layer / synapses.length) * (right - left);
    const neuronY = (layer, position) => 12 + SPACING / 2 + (position + (most - shown[layer].length) / 2) * SPACING;
    this.layout = { shown, layerX, neuronY };

    const sample = this.dataset?.inputs?.[this.sample];
    const finite = finiteWeights(synapses);
    this.activations = sample && finite && sample.length === synapses[0].rows ? forwardPass(synapses)(Float64Array.from(sample)).map((layer) => Float64Array.from(layer)) : null;

    const edges = [];
    synapses.forEach((matrix, m) => {
      const scale = this.scales[m];
      for (const [pi, i] of shown[m].entries()) {
        for (const [pj, j] of shown[m + 1].entries()) {
          const value = matrix.values[i * matrix.columns + j];
          const t = Number.isFinite(value) ? scale.t(value) : 0;
          edges.push(svgElement('line', {
            class: 'edge', x1: layerX(m), y1: neuronY(m, pi), x2: layerX(m + 1), y2: neuronY(m + 1, pj),
            stroke: Number.isFinite(value) ? css(weightRGB(t)) : '#999', 'stroke-width': (0.6 + 4.4 * Math.abs(t)).toFixed(2),
          }));
        }
      }
    });
    const neurons = [];
    shown.forEach((indices, layer) => indices.forEach((index, position) => {
      const x = layerX(layer);
      const y = neuronY(layer, position);
      const activation = this.activations?.[layer]?.[index];
      const fill = layer === 0 || activation === undefined ? '#fff' : css(weightRGB((activation - 0.5) * 2));
      const labelLeft = layer === 0;
      neurons.push(svgElement('g', { class: 'neuron', 'data-layer': layer, 'data-index': index },
        svgElement('circle', { cx: x, cy: y, r: RADIUS, fill }),
        svgElement('text', { x: labelLeft ? x - RADIUS - 4 : x + RADIUS + 4, y: y + 4, 'text-anchor': labelLeft ? 'end' : 'start' }, this.neuronName(layer, index))));
    }));
    this.focusRing = svgElement('circle', { class: 'focus-ring', r: RADIUS + 4, visibility: 'hidden' });
    this.svg.setAttribute('width', width);
    this.svg.setAttribute('height', height);
    this.svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    this.svg.setAttribute('aria-label', `Network of ${this.name}: ${[synapses[0].rows, ...synapses.map((matrix) => matrix.columns)].join(' → ')} neurons`);
    this.svg.replaceChildren(svgElement('g', { class: 'edges' }, edges), svgElement('g', { class: 'neurons' }, neurons), this.focusRing);
    const cut = shown.map((indices, layer) => [indices.length, layer === 0 ? synapses[0].rows : synapses[layer - 1].columns]);
    const hiddenNote = cut.filter(([drawn, size]) => drawn < size).map(([drawn, size]) => `${drawn} of ${size}`);
    this.note.textContent = `${this.name}${finite ? '' : ': weights not finite'}${hiddenNote.length ? `. Showing the neurons with the largest weights (${hiddenNote.join(', ')}).` : ''}`;
    this.boundary.replaceChildren(this.plane && this.dataset && finite ? decisionBoundary(this.trial, this.plane, this.dataset, 200) : element('p', { class: 'hint' }, this.planeWhy ?? ''));
    if (this.cursor) this.showNeuron(this.cursor.layer, this.cursor.position);
  }

  pointAt(event) {
    if (!this.layout) return;
    const bounds = this.svg.getBoundingClientRect();
    const x = event.clientX - bounds.left;
    const y = event.clientY - bounds.top;
    let best = null;
    this.layout.shown.forEach((indices, layer) => indices.forEach((_, position) => {
      const distance = Math.hypot(this.layout.layerX(layer) - x, this.layout.neuronY(layer, position) - y);
      if (distance < RADIUS + 6 && (!best || distance < best.distance)) best = { layer, position, distance };
    }));
    if (best) this.showNeuron(best.layer, best.position);
  }

  key(event) {
    if (!this.layout) return;
    const { shown } = this.layout;
    let { layer, position } = this.cursor ?? { layer: 0, position: 0 };
    switch (event.key) {
      case 'ArrowDown': position += 1; break;
      case 'ArrowUp': position -= 1; break;
      case 'ArrowRight':
      case 'ArrowLeft': {
        const next = Math.max(0, Math.min(shown.length - 1, layer + (event.key === 'ArrowRight' ? 1 : -1)));
        position = Math.round(((position + 0.5) / shown[layer].length) * shown[next].length - 0.5);
        layer = next;
        break;
      }
      case 'Home': position = 0; break;
      case 'End': position = shown[layer].length - 1; break;
      default: return;
    }
    event.preventDefault();
    this.showNeuron(layer, Math.max(0, Math.min(shown[layer].length - 1, position)));
  }

  showNeuron(layer, position) {
    const { shown, layerX, neuronY } = this.layout;
    if (!shown[layer]?.length) return;
    position = Math.min(position, shown[layer].length - 1);
    this.cursor = { layer, position };
    const index = shown[layer][position];
    this.focusRing.setAttribute('cx', layerX(layer));
    this.focusRing.setAttribute('cy', neuronY(layer, position));
    this.focusRing.setAttribute('visibility', 'visible');
    const synapses = this.trial.synapses;
    const weights = (matrix, fromLayer, pick) => {
      const list = [];
      const count = pick === 'in' ? matrix.rows : matrix.columns;
      for (let k = 0; k < count; k++) {
        const value = pick === 'in' ? matrix.values[k * matrix.columns + index] : matrix.values[index * matrix.columns + k];
        list.push({ name: this.neuronName(fromLayer, k), value });
      }
      list.sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
      const most = list.slice(0, 4).map(({ name, value }) => `${name} ${formatNumber(value)}`).join(', ');
      return list.length > 4 ? `${most} (largest 4 of ${list.length})` : most;
    };
    const parts = [this.neuronName(layer, index)];
    const activation = this.activations?.[layer]?.[index];
    if (activation !== undefined) parts.push(`${layer === 0 ? 'value' : 'activation'} ${formatNumber(activation)} for sample ${this.sample + 1}`);
    if (layer > 0) parts.push(`weights in: ${weights(synapses[layer - 1], layer - 1, 'in')}`);
    if (layer < synapses.length) parts.push(`weights out: ${weights(synapses[layer], layer + 1, 'out')}`);
    this.readout.textContent = parts.join(' · ');
  }

  destroy() {
    this.resizeObserver.disconnect();
    renderQueue.delete(this.redrawTask);
  }
}
