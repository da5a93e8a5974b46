// Pieces shared by the page's SVG plots: marker shapes, axes, nearest-point search.

import { svgElement } from './dom.js';
import { formatNumber, logTicks } from './format.js';

export function markerPath(shape, x, y, r) {
  switch (shape) {
    case 'square': return `M${x - r},${y - r}h${2 * r}v${2 * r}h${-2 * r}Z`;
    case 'triangle': return `M${x},${y - r * 1.2}L${x + r * 1.1},${y + r * 0.8}L${x - r * 1.1},${y + r * 0.8}Z`;
    case 'diamond': return `M${x},${y - r * 1.3}L${x + r},${y}L${x},${y + r * 1.3}L${x - r},${y}Z`;
    case 'cross': return `M${x - r},${y - r}L${x + r},${y + r}M${x - r},${y + r}L${x + r},${y - r}`;
    case 'plus': return `M${x - r},${y}h${2 * r}M${x},${y - r}v${2 * r}`;
    case 'star': return `M${x},${y - r * 1.3}L${x + r * 0.4},${y - r * 0.4}L${x + r * 1.3},${y - r * 0.3}L${x + r * 0.6},${y + r * 0.3}L${x + r * 0.8},${y + r * 1.2}L${x},${y + r * 0.7}L${x - r * 0.8},${y + r * 1.2}L${x - r * 0.6},${y + r * 0.3}L${x - r * 1.3},${y - r * 0.3}L${x - r * 0.4},${y - r * 0.4}Z`;
    case 'bar': return `M${x - r * 1.3},${y - r * 0.5}h${2.6 * r}v${r}h${-2.6 * r}Z`;
    default: return `M${x - r},${y}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0`;
  }
}

// Whether a marker shape is drawn as lines only (it cannot be filled).
export const strokedMarker = (shape) => shape === 'cross' || shape === 'plus';

// Index of the point whose iteration is closest to `iteration` (-1 if none).
export function nearestIndex(iterations, iteration) {
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

// Whole decades holding every value of `values` that is > 0 (at least one decade).
export function decadeDomain(values, fallback = [-3, 0]) {
  let low = Infinity;
  let high = 0;
  for (const value of values) {
    if (!(value > 0) || !Number.isFinite(value)) continue;
    if (value < low) low = value;
    if (value > high) high = value;
  }
  if (!(high > 0)) return fallback;
  let bottom = Math.floor(Math.log10(low));
  let top = Math.ceil(Math.log10(high));
  if (top - bottom < 1) bottom = top - 1;
  return [Math.max(bottom, -300), Math.min(top, 300)];
}

// Grid lines and labelled ticks of a log axis: `position(value)` maps a value to pixels;
// `vertical` says whether the axis runs up the left side (else along the bottom).
export function logAxisNodes({ low, high, position, vertical, from, to, labelAt }) {
  const nodes = [];
  for (const tick of logTicks(low, high)) {
    const at = position(tick.value);
    const line = vertical ? { x1: from, x2: to, y1: at, y2: at } : { x1: at, x2: at, y1: from, y2: to };
    nodes.push(svgElement('line', { class: tick.label ? 'major' : 'minor', ...line }));
    if (!tick.label) continue;
    const text = formatNumber(tick.value);
    nodes.push(vertical
      ? svgElement('text', { class: 'tick y', x: labelAt, y: at + 4 }, text)
      : svgElement('text', { class: 'tick x', x: at, y: labelAt }, text));
  }
  return nodes;
}
