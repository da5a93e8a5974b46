// The run view: header, the sweep summary, the error curves, the selected trial's network and
// the trial cards; kept live while the run trains (the data comes from a RunFeed).

import { api, isFinished, Problem, datasetOf, downloadable, pointsForWidth } from './api.js';
import { byId, element, factList } from './dom.js';
import { formatCount, formatNumber, formatPercent, formatTime } from './format.js';
import { ErrorChart } from './chart.js';
import { SweepSummary } from './summary.js';
import { NetworkView } from './network.js';
import { TrialCard } from './trial-card.js';
import { RunFeed } from './run-feed.js';
import { boundaryPlane, inputColumns, inputName } from './boundary.js';
import { countScale, layerMaxima, weightScale } from './matrix.js';
import { bestTrialIndex, byAlpha, learnedOf, ReachTracker, totalDirectionChanges, trialName, trialStyles } from './sweep.js';

const OPEN_CARDS_UP_TO = 8;
const CARDS_PER_FRAME = 4;
const SUMMARY_EVERY_MS = 300;

const timeElement = (rfc3339) => element('time', { datetime: rfc3339 ?? '' }, formatTime(rfc3339));

export class RunView {
  constructor(container, { onChange, onDeleted, onRunAgain, onPatched }) {
    this.container = container;
    this.onChange = onChange;
    this.onPatched = onPatched;
    this.onDeleted = onDeleted;
    this.onRunAgain = onRunAgain;
    this.id = null;
    this.feed = new RunFeed((message) => this.receive(message));
  }

  open(id) {
    if (id === this.id) return;
    this.close();
    this.id = id;
    this.container.hidden = false;
    this.container.dataset.state = 'loading';
    this.container.replaceChildren(element('p', { class: 'hint' }, 'Loading run…'));
    // Curves come as about two points per pixel of the chart (the view's width, read once).
    const points = pointsForWidth(this.container.clientWidth);
    this.container.dataset.points = points;
    this.feed.open(id, api.token, points);
  }

  close() {
    this.feed.close();
    this.chart?.destroy();
    this.summary?.destroy();
    this.network?.destroy();
    this.chart = this.summary = this.network = null;
    this.cardObserver?.disconnect();
    this.gridObserver?.disconnect();
    this.cardObserver = this.gridObserver = null;
    for (const card of this.cards ?? []) card?.discard();
    cancelAnimationFrame(this.stageFrame);
    this.stages = [];
    clearTimeout(this.summaryTimer);
    this.summaryTimer = 0;
    this.cards = [];
    this.id = null;
    this.run = null;
    this.rendering = null;
  }

  // Messages from the run feed (see run-feed.js).
  async receive(message) {
    if (message.id !== this.id) return;
    switch (message.type) {
      case 'run':
        if (!this.run) {
          // The first answer: the dataset (for outputs and boundaries) is read once, then the
          // view is built; answers that come meanwhile wait for it.
          this.rendering ??= this.firstRender(message.run, message.complete);
          const first = await this.rendering;
          if (first !== message.run && message.id === this.id) this.applyRun(message.run, message.complete);
        } else {
          this.applyRun(message.run, message.complete);
        }
        break;
      case 'points':
        await this.rendering;
        if (message.id !== this.id || !this.chart) return;
        for (const { trial, iterations, errors } of message.points) this.chart.append(trial, iterations, errors);
        this.scheduleSummary();
        break;
      case 'message':
        if (this.message) this.message.textContent = message.text;
        break;
      case 'complete':
        await this.rendering;
        this.complete = true;
        if (this.run) this.applyRun(this.run, true, true);
        break;
      case 'deleted':
        this.deleted();
        break;
      case 'failed':
        this.container.dataset.state = 'error';
        this.container.replaceChildren(element('div', { class: 'form-error', role: 'alert' },
          message.status === 404 ? `There is no run ${this.id} (it may have been deleted).` : `Could not load run ${this.id}: ${message.text}`));
        break;
      case 'unauthorized':
        api.onUnauthorized();
        break;
      default:
    }
  }

  async firstRender(run, complete) {
    const id = this.id;
    this.dataset = await datasetOf(run.request);
    if (id !== this.id) return run;
    this.render(run);
    this.applyRun(run, complete);
    return run;
  }

  render(run) {
    this.run = run;
    this.complete = false;
    this.selected = null;
    this.userSelected = false;
    this.planeChoice = null;
    this.scaleMode = 'run';
    this.reach = new ReachTracker();
    this.styles = trialStyles(run);
    const showHidden = run.request.hidden_sizes.length > 1;
    this.showHidden = showHidden;
    this.title = element('h2', { id: 'run-title' });
    this.renameButton = element('button', { type: 'button', class: 'small', id: 'rename-run', onclick: () => this.startRename() }, 'Rename');
    this.renameInput = element('input', { id: 'rename-input', 'aria-label': 'New name (empty: no name)', spellcheck: 'false' });
    this.renameError = element('span', { class: 'field-error', id: 'rename-error', role: 'alert' });
    this.renameForm = element('form', { class: 'rename-form', id: 'rename-form', hidden: true,
      onsubmit: (event) => { event.preventDefault(); this.rename(); },
      onkeydown: (event) => { if (event.key === 'Escape') this.stopRename(); } },
    this.renameInput,
    element('button', { type: 'submit', class: 'small primary' }, 'Save'),
    element('button', { type: 'button', class: 'small', onclick: () => this.stopRename() }, 'Cancel'),
    this.renameError);
    this.statusBadge = element('span', { class: 'status' });
    this.progress = element('progress', { max: 1, value: 0, 'aria-labelledby': 'run-progress-label' });
    this.progressLabel = element('span', { id: 'run-progress-label' });
    this.facts = element('dl', { class: 'facts' });
    this.runAgainButton = element('button', { type: 'button', id: 'run-again', onclick: () => this.onRunAgain?.(this.run) }, 'Run again…');
    this.cancelButton = element('button', { type: 'button', id: 'cancel-run', onclick: () => this.cancel() }, 'Cancel run');
    this.deleteButton = element('button', { type: 'button', class: 'danger', id: 'delete-run', onclick: () => this.askDelete() }, 'Delete run');
    this.confirmBox = element('div', { class: 'confirm', hidden: true, role: 'group', 'aria-label': 'Confirm deletion' },
      element('span', {}, 'Delete this run and its results?'),
      element('button', { type: 'button', class: 'danger', id: 'confirm-delete', onclick: () => this.remove() }, 'Delete'),
      element('button', { type: 'button', onclick: () => this.hideConfirm() }, 'Keep'));
    this.message = element('p', { class: 'hint', role: 'status' });
    const select = (index) => this.select(index, true);
    this.summary = new SweepSummary(run, this.styles, { onSelect: select });
    this.summary.onThreshold = () => this.updateSummary();
    this.chart = new ErrorChart(run, this.styles, {
      onHover: (index) => this.highlight(index), onSelect: select, onZoom: (window, generation) => this.loadWindow(window, generation),
    });
    this.network = new NetworkView({ onSelect: select });
    this.network.setChoices(byAlpha(run.trials).map((index) => ({ index, name: trialName(run.trials[index], showHidden) })), this.dataset);
    // Cards are made as they join the page (below); until then this.cards[i] is undefined.
    this.cards = new Array(run.trials.length);
    const cardOf = new Map();
    this.cardObserver = new IntersectionObserver((entries) => {
      for (const entry of entries) cardOf.get(entry.target)?.setOnScreen(entry.isIntersecting);
    }, { rootMargin: '600px 0px' });
    const grid = element('div', { class: 'trial-grid' });
    // Every card is as wide as the first: its content width, measured after layout, is the room
    // each card's pictures have (read here, never while the page changes).
    this.gridObserver = new ResizeObserver((entries) => {
      this.cardWidth = entries[entries.length - 1].contentRect.width;
      for (const card of this.cards) card?.setWidth(this.cardWidth);
    });
    const makeCard = (index) => {
      const card = new TrialCard(run.trials[index], index, this.styles[index], showHidden, {
        open: run.trials.length <= OPEN_CARDS_UP_TO,
        onSelect: (chosen) => { this.select(chosen, true); byId('network-heading')?.scrollIntoView({ block: 'start' }); },
      });
      this.cards[index] = card;
      cardOf.set(card.element, card);
      if (this.cardWidth) card.setWidth(this.cardWidth);
      this.updateCard(index);
      card.element.classList.toggle('selected', index === this.selected);
      return card;
    };
    const chartSection = element('section', { class: 'chart-section', 'aria-labelledby': 'chart-heading' },
      element('h3', { id: 'chart-heading' }, 'Error curves'));
    const networkSection = element('section', { class: 'network-section', 'aria-labelledby': 'network-heading' },
      element('h3', { id: 'network-heading' }, 'The selected trial’s network'));
    // The view joins the page a part per frame: the header and summary first, then the curves,
    // the network and the cards, four at a time. Styling and laying out its 4,000 elements at
    // once would be one long frame.
    const order = byAlpha(run.trials);
    this.stages = [
      () => this.summary.buildRows(),
      () => { chartSection.append(this.chart.element); this.chart.buildLegend(); },
      () => networkSection.append(this.network.element),
      ...Array.from({ length: Math.ceil(order.length / CARDS_PER_FRAME) }, (_, chunk) => () => {
        for (const index of order.slice(chunk * CARDS_PER_FRAME, (chunk + 1) * CARDS_PER_FRAME)) {
          const card = makeCard(index);
          grid.append(card.element);
          this.cardObserver.observe(card.element);
        }
        if (chunk === 0) this.gridObserver.observe(grid.firstChild);
      }),
    ];
    this.container.dataset.cards = 'attaching';
    this.stageFrame = requestAnimationFrame(() => this.nextStage());
    const labels = Object.entries(run.labels ?? {}).map(([key, value]) => element('span', { class: 'label' }, `${key}=${value}`));

    this.container.replaceChildren(
      element('header', { class: 'run-header' },
        element('div', { class: 'run-heading' }, this.title, this.renameButton, this.renameForm, this.statusBadge),
        element('div', { class: 'run-actions' },
          this.runAgainButton, this.cancelButton, this.deleteButton,
          element('a', { href: `/runs/${run.id}`, class: 'button-link', id: 'run-json' }, 'Run JSON'),
          downloadable(element('a', { href: `/runs/${run.id}?format=csv`, class: 'button-link', id: 'run-csv', download: `run-${run.id}.csv` }, 'Curves CSV')),
          element('a', { href: `/runs/${run.id}/events`, class: 'button-link' }, 'Events')),
        this.confirmBox),
      element('p', { class: 'run-id' }, element('code', {}, run.id), ...labels),
      element('div', { class: 'progress-row' }, this.progress, this.progressLabel),
      this.facts,
      this.message,
      element('section', { class: 'summary-section', 'aria-labelledby': 'summary-heading' },
        element('h3', { id: 'summary-heading' }, 'What alpha does'),
        this.summary.element),
      chartSection,
      networkSection,
      element('section', { class: 'trials-section', 'aria-labelledby': 'trials-heading' },
        element('h3', { id: 'trials-heading' }, 'Trials'),
        this.trialControls(run),
        grid));
  }

  // Rename in place: the title becomes a field; Enter saves (PATCH, a merge patch of the name).
  startRename() {
    this.renameInput.value = this.run?.name ?? '';
    this.renameError.textContent = '';
    this.title.hidden = true;
    this.renameButton.hidden = true;
    this.renameForm.hidden = false;
    this.renameInput.focus();
    this.renameInput.select();
  }

  stopRename() {
    this.renameForm.hidden = true;
    this.title.hidden = false;
    this.renameButton.hidden = false;
    this.renameButton.focus();
  }

  async rename() {
    const id = this.id;
    const name = this.renameInput.value.trim();
    try {
      const response = await api.request('PATCH', `/runs/${id}`, {
        body: { name: name === '' ? null : name }, headers: { 'Content-Type': 'application/merge-patch+json' },
      });
      if (!response.ok) throw await Problem.from(response);
      const listed = await response.json();
      if (id !== this.id) return;
      this.run = { ...this.run, name: listed.name ?? null, labels: listed.labels ?? this.run.labels };
      this.title.textContent = this.run.name ?? 'Unnamed run';
      this.message.textContent = `Renamed to ${this.title.textContent}.`;
      this.stopRename();
      this.onPatched?.(listed);
    } catch (error) {
      this.renameError.textContent = error.errors?.map((issue) => issue.detail).join('; ') || error.detail || error.message;
      this.renameInput.setAttribute('aria-invalid', 'true');
    }
  }

  // The chart zoomed: its window's points at full resolution (or as many as its width shows).
  async loadWindow(window, generation) {
    if (!window || !this.chart) return;
    const id = this.id;
    const chart = this.chart;
    try {
      const run = await api.json('GET', `/runs/${id}?points=${pointsForWidth(chart.plotWidth())}&from=${window.from}&to=${window.to}`);
      if (id !== this.id || chart !== this.chart) return;
      chart.setWindowData(window, generation, run.trials.map((trial) => curveArrays(trial.error_curve)));
    } catch (error) {
      if (this.message) this.message.textContent = `Could not load the zoomed points: ${error.message}`;
    }
  }

  nextStage() {
    this.stages.shift()?.();
    if (this.stages.length) this.stageFrame = requestAnimationFrame(() => this.nextStage());
    else this.container.dataset.cards = 'attached';
  }

  // The trials' shared settings (colour scales, the boundary's plane) and the key to their pictures.
  trialControls(run) {
    const radio = (value, text) => element('label', { class: 'choice' },
      element('input', { type: 'radio', name: 'scale-mode', value, checked: value === 'run' || null,
        onchange: () => { this.scaleMode = value; this.refreshCards(); } }), text);
    const controls = [element('fieldset', { class: 'scale-mode' }, element('legend', {}, 'Colour scales'),
      radio('run', 'one per layer for the whole run'), radio('trial', 'each trial its own'))];
    const inputs = this.dataset?.inputs;
    const { columns, constant } = inputColumns(inputs);
    if (columns >= 2) {
      const { plane } = boundaryPlane(this.dataset, null);
      const options = (selected) => Array.from({ length: columns }, (_, column) =>
        element('option', { value: column, selected: column === selected || null }, inputName(column, constant(column))));
      this.planeX = element('select', { id: 'plane-x' }, options(plane?.x ?? 0));
      this.planeY = element('select', { id: 'plane-y' }, options(plane?.y ?? 1));
      this.planeRow = element('select', { id: 'plane-row' }, inputs.map((row, index) =>
        element('option', { value: index }, `${index + 1}: ${row.map(formatNumber).join(' ')}`)));
      const changed = () => {
        this.planeChoice = { x: Number(this.planeX.value), y: Number(this.planeY.value), row: Number(this.planeRow.value) };
        this.refreshCards();
      };
      for (const node of [this.planeX, this.planeY, this.planeRow]) node.addEventListener('change', changed);
      controls.push(element('fieldset', { class: 'plane-picker' }, element('legend', {}, 'Decision boundary'),
        element('label', {}, 'across ', this.planeX), element('label', {}, 'up ', this.planeY),
        element('label', {}, 'other inputs from sample ', this.planeRow)));
    }
    this.planeNote = element('p', { class: 'hint', id: 'plane-note' });
    return element('div', { class: 'trial-controls' },
      element('div', { class: 'control-row' }, controls),
      this.planeNote,
      element('ul', { class: 'trial-key' },
        element('li', {}, 'Weights: blue negative, red positive; direction changes: how often a weight’s update flipped sign, white none to dark purple most. Each picture has its colour key; hover or focus a heatmap and use the arrow keys to read a value.'),
        element('li', {}, 'Outputs: the bar is the network’s output from 0 to 1, the red tick the target.'),
        element('li', {}, 'Decision boundary: the output over two inputs, blue below 0.5, red above, the black line at 0.5; ○ target 0, ■ target 1.')));
  }

  // Applies a run read from the API: everything but the curve points, which only ever grow.
  applyRun(run, complete, final = false) {
    this.run = run;
    run.trials.forEach((trial, index) => {
      if (trial.curve?.iterations.length) this.chart.append(index, trial.curve.iterations, trial.curve.errors);
    });
    this.title.textContent = run.name ?? 'Unnamed run';
    this.statusBadge.textContent = run.status;
    this.statusBadge.className = `status status-${run.status}`;
    this.cancelButton.disabled = isFinished(run.status);
    this.cardsStale = true;
    this.updateSummary();
    // 'complete' once the run has finished and every point is in.
    if (complete || final) this.complete = true;
    this.container.dataset.state = isFinished(run.status) && this.complete ? 'complete' : 'live';
    this.container.dataset.status = run.status;
  }

  // Everything derived from the trials and their curves so far: the header's progress and facts,
  // the summary, the legend, the cards, the network. Curve points arrive often, so after points
  // this runs at most every SUMMARY_EVERY_MS.
  scheduleSummary() {
    if (this.summaryTimer) return;
    this.summaryTimer = setTimeout(() => { this.summaryTimer = 0; if (this.run) this.updateSummary(); }, SUMMARY_EVERY_MS);
  }

  updateSummary() {
    const run = this.run;
    const chart = this.chart;
    const learned = run.trials.map(learnedOf);
    const best = bestTrialIndex(run, learned);
    const facts = run.trials.map((trial, index) => {
      const model = chart.trials[index];
      const count = model.iterations.length;
      return {
        status: trial.status,
        learned: learned[index],
        finalError: trial.final_error ?? null,
        currentError: count ? model.errors[count - 1] : null,
        reached: this.reach.reached(index, model.iterations, model.errors, this.summary.threshold),
        changes: totalDirectionChanges(trial),
      };
    });
    this.facts0 = facts;
    this.best = best;
    this.summary.update(facts, best);
    run.trials.forEach((trial, index) => {
      let detail = trial.status;
      if (trial.status === 'diverged') detail = `diverged at ${formatCount(trial.diverged_at_iteration)}`;
      else if (trial.final_error !== null && trial.final_error !== undefined) detail = `error ${formatNumber(trial.final_error)}${learned[index] === false ? ', did not learn' : ''}`;
      chart.updateTrial(index, trial, detail);
    });
    this.updateHeader(run, best, learned);
    if (this.cardsStale || facts.some((fact, index) => fact.learned !== this.cardFacts?.[index]?.learned)) this.refreshCards();
    if (!this.userSelected) this.select(best ?? byAlpha(run.trials)[0], false);
    else this.showNetwork();
    this.onChange?.(this.listedRun(run, best));
  }

  // Progress as the page knows it: the points it has drawn count too, so the header and the
  // chart never disagree; a finished run is done.
  progressOf(run) {
    const total = run.progress.iterations_total;
    if (isFinished(run.status)) return { fraction: 1, done: Math.max(run.progress.iterations_done, 0) };
    let seen = 0;
    run.trials.forEach((trial, index) => {
      seen += Math.min(run.request.iterations, Math.max(trial.iterations_done, this.chart.lastIteration(index)));
    });
    const done = Math.max(run.progress.iterations_done, seen);
    return { fraction: total ? Math.max(run.progress.fraction, done / total) : run.progress.fraction, done };
  }

  updateHeader(run, best, learned) {
    const { fraction, done } = this.progressOf(run);
    this.progress.value = fraction;
    this.progressLabel.textContent = `${formatPercent(fraction)} · ${formatCount(done)} of ${formatCount(run.progress.iterations_total)} iterations · ${run.progress.trials_done} of ${run.progress.trials_total} trials`;
    const request = run.request;
    const bestTrial = best === null ? null : run.trials[best];
    const finishedTrials = learned.filter((value) => value !== null).length;
    const facts = [
      ['best α', bestTrial ? `${formatNumber(bestTrial.alpha)} (error ${formatNumber(bestTrial.final_error)}${request.hidden_sizes.length > 1 ? `, hidden ${bestTrial.hidden_size}` : ''})` : (finishedTrials ? 'none learned' : '—')],
      ['learned', `${learned.filter(Boolean).length} of ${run.trials.length}`],
      ['dataset', typeof request.dataset === 'string' ? request.dataset : `inline, ${formatCount(request.dataset.inputs.length)} samples`],
      ['hidden', request.hidden_sizes.join(', ')],
      ['iterations', formatCount(request.iterations)],
      ['error every', formatCount(request.error_every)],
      ['seed', String(request.seed)],
      ['created', timeElement(run.created_at)],
      ['finished', run.finished_at ? timeElement(run.finished_at) : '—'],
      ['diverged', `${run.summary.trials_diverged} of ${run.trials.length}`],
    ];
    const text = JSON.stringify(facts.map(([term, value]) => [term, typeof value === 'string' ? value : value.textContent]));
    if (text !== this.factsText) {
      this.factsText = text;
      this.facts.replaceChildren(...factList(facts));
    }
  }

  // The run as the run list shows it, with the progress and best this view knows.
  listedRun(run, best) {
    const { fraction, done } = this.progressOf(run);
    const trial = best === null ? null : run.trials[best];
    return {
      ...run,
      progress: { ...run.progress, fraction, iterations_done: done },
      summary: { ...run.summary, best: trial ? { ...run.summary.best, alpha: trial.alpha, hidden_size: trial.hidden_size, final_error: trial.final_error } : null },
    };
  }

  // Scales, plane and settings shared by the cards; each card redraws only when they (or its
  // trial) changed.
  cardContext() {
    const run = this.run;
    const { plane, why } = boundaryPlane(this.dataset, this.planeChoice);
    const scales = {
      weights: layerMaxima(run.trials, (trial) => trial.synapses).map(weightScale),
      changes: layerMaxima(run.trials, (trial) => trial.direction_changes).map(countScale),
    };
    const key = [this.scaleMode, scales.weights.map((scale) => scale.largest).join(','), scales.changes.map((scale) => scale.largest).join(','),
      plane ? `${plane.x},${plane.y},${plane.row}` : why].join('|');
    return { dataset: this.dataset, scales, perTrialScales: this.scaleMode === 'trial', plane, planeWhy: why, key };
  }

  refreshCards() {
    this.cardsStale = false;
    this.cardFacts = this.facts0;
    const context = this.cardContext();
    this.context = context;
    if (this.planeNote) {
      const held = context.plane?.held.map((column) => `x${column + 1} = ${formatNumber(context.plane.base[column])}`).join(', ');
      this.planeNote.textContent = context.plane ? (held ? `Other inputs held at sample ${context.plane.row + 1}: ${held}; only samples with those values are drawn.` : '') : `No decision boundary: ${context.planeWhy}`;
    }
    this.run.trials.forEach((_, index) => this.updateCard(index));
    this.showNetwork();
  }

  updateCard(index) {
    const fact = this.facts0?.[index];
    if (!fact || !this.context) return;
    this.cards[index]?.update(this.run.trials[index], { learned: fact.learned, changes: fact.changes }, this.context);
  }

  select(index, byUser) {
    if (index === null || index === undefined) return;
    if (byUser) this.userSelected = true;
    const changed = index !== this.selected;
    this.selected = index;
    if (changed) {
      this.summary.select(index);
      this.chart.select(index);
      for (const card of this.cards) card?.element.classList.toggle('selected', card.index === index);
    }
    this.showNetwork();
  }

  showNetwork() {
    if (this.selected === null || !this.network || !this.context) return;
    const trial = this.run.trials[this.selected];
    this.network.show(this.selected, trial, {
      name: trialName(trial, this.showHidden), scales: this.context.scales.weights,
      plane: this.context.plane, planeWhy: this.context.planeWhy,
    });
  }

  highlight(index) {
    for (const card of this.cards) card?.element.classList.toggle('highlighted', card.index === index);
  }

  deleted() {
    this.feed.close();
    this.container.dataset.state = 'deleted';
    if (this.message) this.message.textContent = 'This run was deleted.';
    this.onDeleted?.(this.id);
  }

  async cancel() {
    this.cancelButton.disabled = true;
    try {
      // The answer is the whole run; the feed's long-poll brings the new state without it.
      const response = await api.request('POST', `/runs/${this.id}/cancel`);
      if (!response.ok) throw await Problem.from(response);
      response.body?.cancel();
      this.message.textContent = 'Cancelled.';
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

// [{iteration, error}, …] → {iterations, errors} as typed arrays (null errors: NaN, a gap).
export function curveArrays(points) {
  const list = points ?? [];
  const iterations = new Float64Array(list.length);
  const errors = new Float64Array(list.length);
  list.forEach((point, index) => { iterations[index] = point.iteration; errors[index] = point.error === null ? NaN : point.error; });
  return { iterations, errors };
}
