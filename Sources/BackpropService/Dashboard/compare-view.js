// The compare view (#/compare/ID,ID,…): the chosen runs' curves on one chart (each run's best
// trial by default, any of its trials by choice), and a table of each run's best alpha and final
// error. Curves come as `points=` sized to the chart's width; zooming re-reads the window.

import { api, pointsForWidth } from './api.js';
import { element, svgElement } from './dom.js';
import { formatNumber } from './format.js';
import { ErrorChart } from './chart.js';
import { curveArrays } from './run-view.js';
import { AFTER_EVERYTHING } from './run-feed.js';
import { DASHES, MARKERS } from './sweep.js';

export const MAX_COMPARED = 12;

// Line colours for runs, each ≥ 4.5:1 on white (they also colour text in the legend's swatches).
const RUN_COLOURS = ['#0b5cad', '#b3261e', '#1b7f3b', '#8a5a00', '#6a3d9a', '#00727a', '#c2185b', '#4e5d6c', '#005f87', '#7a4a00', '#3f6212', '#9d174d'];

const runName = (run) => run.name ?? `run ${run.id.slice(0, 8)}`;
const trialLabel = (trial, showHidden) => `α = ${formatNumber(trial.alpha)}${showHidden ? `, hidden ${trial.hidden_size}` : ''}`;

// The trial a run is compared by: the service's best, else the lowest final error, else the first.
export function defaultTrial(run) {
  const best = run.summary?.best;
  if (best && Number.isInteger(best.trial)) return best.trial;
  let chosen = 0;
  run.trials.forEach((trial, index) => {
    const error = trial.final_error;
    if (error !== null && error !== undefined && !(run.trials[chosen].final_error <= error)) chosen = index;
  });
  return chosen;
}

export class CompareView {
  constructor(container) {
    this.container = container;
    this.ids = null;
  }

  key(ids) { return ids.join(','); }

  async open(ids) {
    if (this.ids && this.key(ids) === this.key(this.ids)) return;
    this.close();
    const generation = this.generation = (this.generation ?? 0) + 1;
    this.ids = ids;
    this.container.hidden = false;
    this.container.dataset.state = 'loading';
    this.container.replaceChildren(element('p', { class: 'hint' }, 'Loading runs…'));
    const runs = await Promise.all(ids.map((id) => api.json('GET', `/runs/${id}?since=${AFTER_EVERYTHING}`).catch((error) => ({ id, error }))));
    if (generation !== this.generation) return;
    this.render(runs.filter((run) => !run.error), runs.filter((run) => run.error));
    await this.loadCurves();
    if (generation !== this.generation) return;
    this.container.dataset.state = 'complete';
  }

  close() {
    this.generation = (this.generation ?? 0) + 1;
    this.chart?.destroy();
    this.chart = null;
    this.ids = null;
    this.runs = [];
    this.container.hidden = true;
    this.container.replaceChildren();
    delete this.container.dataset.state;
  }

  render(runs, failed) {
    this.runs = runs;
    this.chosen = runs.map(defaultTrial);
    const showHidden = runs.some((run) => run.request.hidden_sizes.length > 1);
    this.showHidden = showHidden;
    const iterations = Math.max(1, ...runs.map((run) => run.request.iterations));
    const chartRun = {
      request: { iterations, hidden_sizes: [0], alphas: [] },
      trials: runs.map((run, index) => this.curveTrial(run, this.chosen[index])),
    };
    const styles = runs.map((_, index) => ({ colour: RUN_COLOURS[index % RUN_COLOURS.length], dash: DASHES[index % DASHES.length], marker: MARKERS[0] }));
    this.chart = new ErrorChart(chartRun, styles, {
      label: 'Error curves of the compared runs',
      onSelect: () => {}, onHover: () => {},
      onZoom: (window, generation) => this.loadWindow(window, generation),
    });
    this.rows = runs.map((run, index) => this.row(run, index, styles[index]));
    const table = element('table', { class: 'compare-table', id: 'compare-table' },
      element('caption', { class: 'visually-hidden' }, 'The compared runs: best alpha, final error and the trial drawn'),
      element('thead', {}, element('tr', {},
        element('th', { scope: 'col' }, 'Run'), element('th', { scope: 'col' }, 'Status'),
        element('th', { scope: 'col' }, 'Best α'), element('th', { scope: 'col' }, 'Final error'),
        element('th', { scope: 'col' }, 'Curve drawn'))),
      element('tbody', {}, this.rows.map((row) => row.element)));
    const link = `#/compare/${runs.map((run) => run.id).join(',')}`;
    this.container.replaceChildren(...[
      element('header', { class: 'run-header' },
        element('h2', { id: 'compare-title' }, `Compare ${runs.length} run${runs.length === 1 ? '' : 's'}`),
        element('div', { class: 'run-actions' }, element('a', { href: link, class: 'button-link', id: 'compare-link' }, 'Link to this comparison'))),
      failed.length ? element('p', { class: 'form-error', role: 'alert' }, failed.map((run) => `Could not read run ${run.id}: ${run.error.message}`).join(' ')) : null,
      element('div', { class: 'table-scroll' }, table),
      element('section', { class: 'chart-section', 'aria-labelledby': 'compare-chart-heading' },
        element('h3', { id: 'compare-chart-heading' }, 'Error curves'),
        this.chart.element),
    ].filter(Boolean));
    // The legend and the keyboard go through the runs in the table's order.
    this.chart.order = this.chart.trials.slice();
    this.chart.buildLegend();
  }

  // The chart's stand-in for trial `index` of `run`: named by the run.
  curveTrial(run, index) {
    const trial = run.trials[index] ?? {};
    return {
      alpha: trial.alpha, hidden_size: trial.hidden_size, status: trial.status, final_error: trial.final_error ?? null,
      diverged_at_iteration: trial.diverged_at_iteration ?? null, display: runName(run),
    };
  }

  detail(run, index) {
    const trial = run.trials[index];
    if (!trial) return '';
    const error = trial.final_error === null || trial.final_error === undefined ? trial.status : `error ${formatNumber(trial.final_error)}`;
    return `${trialLabel(trial, this.showHidden)}, ${error}`;
  }

  row(run, index, style) {
    const best = run.summary?.best;
    const select = element('select', { class: 'compare-trial', 'data-run-id': run.id, 'aria-label': `Curve drawn for ${runName(run)}`,
      onchange: () => this.choose(index, Number(select.value)) },
    run.trials.map((trial, trialIndex) => element('option', { value: trialIndex, selected: trialIndex === this.chosen[index] || null },
      `${trialLabel(trial, this.showHidden)}${trialIndex === best?.trial ? ' (best)' : ''}${trial.final_error === null || trial.final_error === undefined ? '' : ` · ${formatNumber(trial.final_error)}`}`)));
    const element_ = element('tr', { 'data-run-id': run.id },
      element('th', { scope: 'row' }, svgElement('svg', { class: 'swatch', width: 28, height: 10, 'aria-hidden': 'true' },
        svgElement('line', { x1: 1, y1: 5, x2: 27, y2: 5, stroke: style.colour, 'stroke-width': 2.5, 'stroke-dasharray': style.dash || null })),
      ' ', element('a', { href: `#/runs/${run.id}` }, runName(run))),
      element('td', {}, element('span', { class: `status status-${run.status}` }, run.status)),
      element('td', { class: 'best-alpha' }, best ? formatNumber(best.alpha) + (this.showHidden ? ` (hidden ${best.hidden_size})` : '') : '—'),
      element('td', { class: 'best-error' }, best ? formatNumber(best.final_error) : '—'),
      element('td', {}, select));
    return { element: element_, select };
  }

  // Draws another trial of run `index`.
  async choose(index, trialIndex) {
    this.chosen[index] = trialIndex;
    const run = this.runs[index];
    this.container.dataset.state = 'loading';
    const generation = this.generation;
    try {
      const trial = await api.json('GET', `/runs/${run.id}/trials/${trialIndex}?points=${this.points()}`);
      if (generation !== this.generation || this.chosen[index] !== trialIndex) return;
      const { iterations, errors } = curveArrays(trial.error_curve);
      this.chart.replace(index, iterations, errors, this.curveTrial(run, trialIndex), this.detail(run, trialIndex));
      if (this.chart.window) await this.loadWindow(this.chart.window, this.chart.zoomGeneration);
      this.container.dataset.state = 'complete';
    } catch (error) {
      this.container.dataset.state = 'error';
      this.container.querySelector('#compare-chart-heading').after(element('p', { class: 'form-error', role: 'alert' }, `Could not read the trial: ${error.message}`));
    }
  }

  points() {
    return pointsForWidth(this.chart?.plotWidth() ?? this.container.clientWidth);
  }

  async loadCurves() {
    const points = pointsForWidth(Math.max(200, this.container.clientWidth - 200));
    await Promise.all(this.runs.map(async (run, index) => {
      try {
        const trial = await api.json('GET', `/runs/${run.id}/trials/${this.chosen[index]}?points=${points}`);
        const { iterations, errors } = curveArrays(trial.error_curve);
        this.chart?.append(index, iterations, errors);
        this.chart?.updateTrial(index, this.curveTrial(run, this.chosen[index]), this.detail(run, this.chosen[index]));
      } catch (error) {
        this.chart?.updateTrial(index, { status: 'missing', final_error: null }, `could not read: ${error.message}`);
      }
    }));
  }

  async loadWindow(window, generation) {
    if (!window || !this.chart) return;
    const chart = this.chart;
    const points = pointsForWidth(chart.plotWidth());
    const curves = await Promise.all(this.runs.map((run, index) =>
      api.json('GET', `/runs/${run.id}/trials/${this.chosen[index]}?points=${points}&from=${window.from}&to=${window.to}`)
        .then((trial) => curveArrays(trial.error_curve)).catch(() => null)));
    if (chart !== this.chart) return;
    chart.setWindowData(window, generation, curves);
  }
}
