// The run list: newest first (or by best error), narrowed by the filter box (`key:value` words are
// labels, the rest is searched in the names), updated in place by polling GET /runs (summaries
// without curves), often while something trains, rarely otherwise, never while the tab is hidden.
// Each run has its label chips (a click filters by that label) and a box to tick it for Compare.

import { api, isFinished } from './api.js';
import { element } from './dom.js';
import { formatAlpha, formatNumber, formatPercent, formatTime } from './format.js';

const LIST_POLL_ACTIVE_MS = 2000;
const LIST_POLL_IDLE_MS = 15000;

const FILTER_DELAY_MS = 250;

// The filter box's text → GET /runs query parameters: `key:value` words are labels (all must
// match), the other words are one name search.
export function listQuery(filter, sort) {
  const parameters = new URLSearchParams();
  const words = [];
  for (const word of filter.trim().split(/\s+/).filter(Boolean)) {
    if (word.indexOf(':') > 0) parameters.append('label', word);
    else words.push(word);
  }
  if (words.length) parameters.set('q', words.join(' '));
  if (sort && sort !== 'created_at') parameters.set('sort', sort);
  return parameters;
}

export class RunList {
  constructor(list, status, moreButton, { filter, sort, compare, csv } = {}) {
    this.list = list;
    this.status = status;
    this.moreButton = moreButton;
    this.filterInput = filter;
    this.sortSelect = sort;
    this.compareButton = compare;
    this.csvLink = csv;
    this.items = new Map();
    this.ticked = new Set();
    this.limit = 50;
    this.selected = null;
    this.timer = 0;
    this.generation = 0;
    this.moreButton.addEventListener('click', () => { this.limit = Math.min(1000, this.limit + 50); this.refresh(); });
    document.addEventListener('visibilitychange', () => { if (!document.hidden) this.refresh(); });
    let filterTimer = 0;
    this.filterInput?.addEventListener('input', () => { clearTimeout(filterTimer); filterTimer = setTimeout(() => this.refresh(), FILTER_DELAY_MS); });
    this.filterInput?.addEventListener('keydown', (event) => { if (event.key === 'Enter') { event.preventDefault(); clearTimeout(filterTimer); this.refresh(); } });
    this.sortSelect?.addEventListener('change', () => this.refresh());
    this.compareButton?.addEventListener('click', () => { if (this.ticked.size) location.hash = `#/compare/${[...this.ticked].join(',')}`; });
    this.updateCompare();
  }

  query() {
    return listQuery(this.filterInput?.value ?? '', this.sortSelect?.value ?? 'created_at');
  }

  async refresh() {
    clearTimeout(this.timer);
    const generation = ++this.generation;
    let active = false;
    const query = this.query();
    const filtered = [...query.keys()].some((key) => key !== 'sort');
    if (this.csvLink) {
      const csv = new URLSearchParams(query);
      csv.set('format', 'csv');
      this.csvLink.href = `/runs?${csv}`;
    }
    query.set('limit', this.limit);
    try {
      const body = await api.json('GET', `/runs?${query}`);
      if (generation !== this.generation) return; // a newer filter or sort answered first
      this.show(body.runs);
      this.moreButton.hidden = body.next_cursor === null || this.limit >= 1000;
      active = body.runs.some((run) => !isFinished(run.status));
      this.status.textContent = body.runs.length ? (filtered ? `${body.runs.length}${body.next_cursor === null ? '' : '+'} matching` : '')
        : (filtered ? 'No run matches the filter.' : 'No runs yet: submit a sweep above.');
    } catch (error) {
      if (generation !== this.generation) return;
      this.status.textContent = error.status === 401 ? 'This server needs an API token (top right).'
        : error.status === 422 ? `Filter not understood: ${error.errors.map((issue) => issue.detail).join('; ') || error.message}`
          : `Could not list runs: ${error.message}`;
    }
    if (!document.hidden) this.timer = setTimeout(() => this.refresh(), active ? LIST_POLL_ACTIVE_MS : LIST_POLL_IDLE_MS);
  }

  // Adds `key:value` to the filter box (a label chip's click).
  filterBy(key, value) {
    if (!this.filterInput) return;
    const word = `${key}:${value}`;
    if (/\s/.test(word)) { this.status.textContent = `The filter box takes labels without spaces (${word}).`; return; }
    const words = this.filterInput.value.trim().split(/\s+/).filter(Boolean);
    if (!words.includes(word)) this.filterInput.value = [...words, word].join(' ');
    this.filterInput.focus();
    this.refresh();
  }

  updateCompare() {
    if (!this.compareButton) return;
    this.compareButton.disabled = this.ticked.size === 0;
    this.compareButton.textContent = this.ticked.size ? `Compare ${this.ticked.size} run${this.ticked.size === 1 ? '' : 's'}` : 'Compare: tick runs';
  }

  // The runs ticked for Compare (also set from a #/compare/… address).
  setTicked(ids) {
    this.ticked = new Set(ids);
    for (const [id, item] of this.items) item.tick.checked = this.ticked.has(id);
    this.updateCompare();
  }

  show(runs) {
    const seen = new Set();
    let previous = null;
    for (const run of runs) {
      seen.add(run.id);
      let item = this.items.get(run.id);
      if (!item) {
        item = this.createItem(run);
        this.items.set(run.id, item);
      }
      // The open run's view knows more (points drawn, which trials learned): it wins.
      this.updateItem(item, this.known?.id === run.id && this.known.status === run.status ? this.known : run);
      const expected = previous ? previous.nextSibling : this.list.firstChild;
      if (expected !== item.element) this.list.insertBefore(item.element, expected);
      previous = item.element;
    }
    for (const [id, item] of this.items) {
      if (!seen.has(id)) { item.element.remove(); this.items.delete(id); }
    }
    this.markSelected();
  }

  createItem(run) {
    const item = {
      name: element('span', { class: 'run-name' }),
      status: element('span', { class: 'status' }),
      progress: element('progress', { max: 1, value: 0 }),
      percent: element('span', { class: 'percent' }),
      created: element('span', { class: 'created' }),
      best: element('span', { class: 'best' }),
    };
    item.link = element('a', { href: `#/runs/${run.id}`, class: 'run-link', 'data-run-id': run.id },
      element('span', { class: 'run-line' }, item.name, item.status),
      element('span', { class: 'run-line' }, item.progress, item.percent),
      element('span', { class: 'run-line hint' }, item.created, item.best));
    item.tick = element('input', { type: 'checkbox', class: 'run-tick', 'data-run-id': run.id, checked: this.ticked.has(run.id) || null,
      onchange: () => {
        if (item.tick.checked) this.ticked.add(run.id); else this.ticked.delete(run.id);
        this.updateCompare();
      } });
    item.tickLabel = element('label', { class: 'run-tick-label' }, item.tick, element('span', { class: 'visually-hidden' }, 'compare'));
    item.chips = element('span', { class: 'chips' });
    item.element = element('li', { class: 'run-item' }, item.tickLabel, item.link, item.chips);
    return item;
  }

  updateItem(item, run) {
    const labels = Object.entries(run.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const signature = `${run.status}|${run.progress.iterations_done}|${run.progress.fraction}|${run.summary.best?.alpha}|${run.summary.best?.final_error}|${run.name}|${JSON.stringify(labels)}`;
    if (item.signature === signature) return;
    item.signature = signature;
    item.name.textContent = run.name ?? `run ${run.id.slice(0, 8)}`;
    item.tickLabel.lastChild.textContent = `compare ${item.name.textContent}`;
    item.chips.replaceChildren(...labels.map(([key, value]) => element('button', {
      type: 'button', class: 'chip', 'data-label': `${key}:${value}`, title: `Show only runs labelled ${key}=${value}`,
      onclick: () => this.filterBy(key, value),
    }, `${key}=${value}`)));
    item.status.textContent = run.status;
    item.status.className = `status status-${run.status}`;
    item.progress.value = run.progress.fraction;
    const percent = formatPercent(run.progress.fraction);
    item.progress.setAttribute('aria-label', `${item.name.textContent}: ${percent} done`);
    item.percent.textContent = percent;
    item.created.replaceChildren(element('time', { datetime: run.created_at ?? '' }, formatTime(run.created_at)));
    const best = run.summary.best;
    item.best.textContent = best ? `best α ${formatAlpha(best.alpha)} · error ${formatNumber(best.final_error)}` : '';
  }

  select(id) {
    this.selected = id;
    this.markSelected();
  }

  markSelected() {
    for (const [id, item] of this.items) {
      if (id === this.selected) item.link.setAttribute('aria-current', 'page');
      else item.link.removeAttribute('aria-current');
    }
  }

  // Shows what the run view just learnt without waiting for the next poll.
  update(run) {
    this.known = run;
    const item = this.items.get(run.id);
    if (item) this.updateItem(item, run);
  }

  // A run renamed or relabelled on this page: shown at once, kept until the list's next answer.
  patched(run) {
    const item = this.items.get(run.id);
    if (this.known?.id === run.id) this.known = { ...this.known, name: run.name, labels: run.labels };
    if (item) this.updateItem(item, this.known?.id === run.id ? this.known : run);
  }
}
