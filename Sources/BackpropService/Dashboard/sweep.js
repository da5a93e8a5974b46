// What a sweep's trials mean, derived from the run: names, colours, whether a trial learned, when
// it reached an error, how often its weights changed direction, the best trial.

import { alphaColours } from './colour.js';
import { formatAlpha } from './format.js';

// Dash patterns (by alpha rank) and marker shapes (by hidden size): colour is never the only cue.
export const DASHES = ['', '9 4', '2 3', '12 3 3 3', '5 5', '14 4 2 4 2 4', '1 4', '7 2 1 2'];
export const MARKERS = ['circle', 'square', 'triangle', 'diamond', 'cross', 'plus', 'star', 'bar'];

export function trialName(trial, showHidden) {
  if (trial.display) return trial.display; // the compare view names a curve by its run
  return showHidden ? `α = ${formatAlpha(trial.alpha)}, hidden ${trial.hidden_size}` : `α = ${formatAlpha(trial.alpha)}`;
}

// How each trial is drawn: colour by log alpha, dash by alpha rank, marker by hidden size.
export function trialStyles(run) {
  const alphas = [...new Set(run.request.alphas)].sort((a, b) => a - b);
  const hidden = run.request.hidden_sizes;
  const colourOf = alphaColours(alphas);
  return run.trials.map((trial) => {
    const rank = Math.max(0, alphas.indexOf(trial.alpha));
    return {
      colour: colourOf(trial.alpha),
      dash: DASHES[rank % DASHES.length],
      marker: MARKERS[Math.max(0, hidden.indexOf(trial.hidden_size)) % MARKERS.length],
    };
  });
}

// Trial indices ordered by alpha, then hidden size (the order of every legend and table).
export function byAlpha(trials) {
  return trials.map((trial, index) => index)
    .sort((a, b) => trials[a].alpha - trials[b].alpha || trials[a].hidden_size - trials[b].hidden_size || a - b);
}

// Whether a trial learned, as the service says (api.md: it did not diverge and its final error
// is at most half its error at iteration 0); null while it trains.
export function learnedOf(trial) {
  return typeof trial.learned === 'boolean' ? trial.learned : null;
}

// The best trial: the service's (never one that did not learn, api.md; checked here too for runs
// stored before that rule).
export function bestTrialIndex(run, learned) {
  const best = run.summary?.best;
  if (!best) return null;
  const index = Number.isInteger(best.trial) ? best.trial
    : run.trials.findIndex((trial) => trial.alpha === best.alpha && trial.hidden_size === best.hidden_size);
  if (index < 0 || learned[index] === false) return null;
  return index;
}

// Σ of a trial's direction changes over every weight (null until it finishes).
export function totalDirectionChanges(trial) {
  if (!trial.direction_changes) return null;
  let total = 0;
  for (const matrix of trial.direction_changes) {
    if (!matrix) continue;
    for (const value of matrix.values) if (Number.isFinite(value)) total += value;
  }
  return total;
}

// The first iteration whose error is ≤ threshold, remembered per curve and threshold and
// extended as points arrive (null: not reached).
export class ReachTracker {
  constructor() {
    this.threshold = null;
    this.state = new Map();
  }

  reached(index, iterations, errors, threshold) {
    if (threshold !== this.threshold) { this.threshold = threshold; this.state.clear(); }
    let state = this.state.get(index);
    if (!state) this.state.set(index, state = { scanned: 0, at: null });
    if (state.at === null) {
      for (let i = state.scanned; i < iterations.length; i++) {
        if (errors[i] <= threshold) { state.at = iterations[i]; break; }
      }
      state.scanned = iterations.length;
    }
    return state.at;
  }
}
