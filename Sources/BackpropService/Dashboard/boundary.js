// The network's forward pass, the decision-boundary image and the choice of its plane. The
// notebook's convention: every layer is sigmoid(input · synapse) with no separate bias term; a
// constant input column (xor's third column of ones) is the bias. synapses[0] maps inputs to the
// hidden layer, the last matrix to the outputs; hidden size 0 is the 2-layer network.

import { element } from './dom.js';
import { weightRGB } from './colour.js';
import { formatNumber } from './format.js';

const sigmoid = (x) => 1 / (1 + Math.exp(-x));

// A forward pass over fixed buffers: `run(input)` returns every layer's activations (the input
// first), valid until the next call.
export function forwardPass(synapses) {
  const layers = synapses.map((matrix) => new Float64Array(matrix.columns));
  const run = (input) => {
    let layer = input;
    const all = [input];
    for (let m = 0; m < synapses.length; m++) {
      const { values, columns } = synapses[m];
      const next = layers[m];
      next.fill(0);
      for (let i = 0; i < layer.length; i++) {
        const value = layer[i];
        if (value === 0) continue;
        const offset = i * columns;
        for (let j = 0; j < columns; j++) next[j] += value * values[offset + j];
      }
      for (let j = 0; j < columns; j++) next[j] = sigmoid(next[j]);
      layer = next;
      all.push(next);
    }
    return all;
  };
  return run;
}

export const finiteWeights = (synapses) => synapses.every((matrix) => matrix && matrix.values.every(Number.isFinite));

// Which inputs vary in a dataset and which are constant (a bias column).
export function inputColumns(inputs) {
  const columns = inputs?.[0]?.length ?? 0;
  const varying = [];
  for (let column = 0; column < columns; column++) {
    const first = inputs[0][column];
    if (inputs.some((row) => row[column] !== first)) varying.push(column);
  }
  return { columns, varying, constant: (column) => !varying.includes(column) };
}

// The plane of a boundary image: inputs `x` and `y` vary over the data's range (plus a margin),
// the others are held at the values of sample `row`. `choice` is the user's ({x, y, row}) or
// null for the default: the first two inputs that vary. Null when there is no such plane, with
// the reason in `why`.
export function boundaryPlane(dataset, choice) {
  const inputs = dataset?.inputs;
  if (!inputs?.length) return { plane: null, why: 'The dataset is not known here.' };
  const { columns, varying } = inputColumns(inputs);
  if (columns < 2) return { plane: null, why: `The boundary needs two inputs; this dataset has ${columns}.` };
  if (varying.length < 2 && !choice) return { plane: null, why: `Only ${varying.length} input varies in this dataset: there is no plane to draw.` };
  const x = choice?.x ?? varying[0];
  const y = choice?.y ?? varying[1];
  const row = Math.min(inputs.length - 1, Math.max(0, choice?.row ?? 0));
  if (x === y) return { plane: null, why: 'Pick two different inputs for the boundary.' };
  const range = (column) => {
    const values = inputs.map((sample) => sample[column]);
    const low = Math.min(...values);
    const high = Math.max(...values);
    const margin = high > low ? (high - low) * 0.25 : 1;
    return [low - margin, high + margin];
  };
  const held = varying.filter((column) => column !== x && column !== y);
  return {
    plane: { columns, x, y, row, base: Float64Array.from(inputs[row]), xRange: range(x), yRange: range(y), held },
    why: null,
  };
}

export const inputName = (column, constant) => (constant ? 'bias' : `x${column + 1}`);

// The `level` line of a grid of values (marching squares, linear along the cell edges).
const CORNER_X = [0, 1, 1, 0];
const CORNER_Y = [0, 0, 1, 1];
function drawContour(context, grid, resolution, cell, level) {
  context.beginPath();
  const values = new Float64Array(4);
  const crossings = new Float64Array(8);
  for (let row = 0; row + 1 < resolution; row++) {
    for (let column = 0; column + 1 < resolution; column++) {
      let below = 0;
      for (let corner = 0; corner < 4; corner++) {
        values[corner] = grid[(row + CORNER_Y[corner]) * resolution + column + CORNER_X[corner]] - level;
        if (values[corner] < 0) below++;
      }
      if (below === 0 || below === 4) continue;
      let found = 0;
      for (let edge = 0; edge < 4; edge++) {
        const next = (edge + 1) % 4;
        const a = values[edge];
        const b = values[next];
        if ((a < 0) === (b < 0)) continue;
        const t = a / (a - b);
        crossings[found * 2] = (column + CORNER_X[edge] + (CORNER_X[next] - CORNER_X[edge]) * t + 0.5) * cell;
        crossings[found * 2 + 1] = (row + CORNER_Y[edge] + (CORNER_Y[next] - CORNER_Y[edge]) * t + 0.5) * cell;
        found++;
      }
      for (let k = 0; k + 1 < found; k += 2) {
        context.moveTo(crossings[k * 2], crossings[k * 2 + 1]);
        context.lineTo(crossings[k * 2 + 2], crossings[k * 2 + 3]);
      }
    }
  }
  context.lineWidth = 2;
  context.strokeStyle = 'rgba(0, 0, 0, 0.85)';
  context.stroke();
}

// The network's first output over the plane, with the training samples on top (a hollow circle
// for target < 0.5, a filled square for ≥ 0.5; samples off the plane are left out).
export function decisionBoundary(trial, plane, dataset, display = 150) {
  const weights = trial.synapses.reduce((sum, matrix) => sum + matrix.rows * matrix.columns, 0);
  const resolution = Math.max(16, Math.min(64, Math.floor(Math.sqrt(2e5 / Math.max(1, weights)))));
  const canvas = element('canvas', { class: 'boundary', width: display, height: display, role: 'img' });
  canvas.style.width = `${display}px`;
  canvas.style.height = `${display}px`;
  const context = canvas.getContext('2d');
  const finite = finiteWeights(trial.synapses);
  const [xLow, xHigh] = plane.xRange;
  const [yLow, yHigh] = plane.yRange;
  const input = Float64Array.from(plane.base);
  if (finite) {
    const grid = new Float64Array(resolution * resolution);
    const output = forwardPass(trial.synapses);
    for (let row = 0; row < resolution; row++) {
      for (let column = 0; column < resolution; column++) {
        input[plane.x] = xLow + ((column + 0.5) / resolution) * (xHigh - xLow);
        input[plane.y] = yHigh - ((row + 0.5) / resolution) * (yHigh - yLow);
        const layers = output(input);
        grid[row * resolution + column] = layers[layers.length - 1][0];
      }
    }
    const image = context.createImageData(resolution, resolution);
    for (let i = 0; i < grid.length; i++) {
      const [r, g, b] = weightRGB((grid[i] - 0.5) * 2);
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
  const onPlane = (sample) => plane.held.every((column) => sample[column] === plane.base[column]);
  dataset.inputs.forEach((sample, index) => {
    if (!onPlane(sample)) return;
    const target = dataset.targets[index]?.[0] ?? 0;
    const x = ((sample[plane.x] - xLow) / (xHigh - xLow)) * display;
    const y = ((yHigh - sample[plane.y]) / (yHigh - yLow)) * display;
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
  const a = `x${plane.x + 1}`;
  const b = `x${plane.y + 1}`;
  const held = plane.held.map((column) => `x${column + 1} = ${formatNumber(plane.base[column])}`).join(', ');
  canvas.setAttribute('aria-label', finite
    ? `Decision boundary: the network's output over ${a} and ${b}${held ? ` with ${held}` : ''}, blue below 0.5, red above, black line at 0.5`
    : 'Decision boundary unavailable: the weights are not finite');
  return element('figure', { class: 'boundary-figure' }, canvas,
    element('figcaption', {}, `${a} →, ${b} ↑${held ? `; ${held}` : ''}${finite ? '' : '; weights not finite'}`));
}
