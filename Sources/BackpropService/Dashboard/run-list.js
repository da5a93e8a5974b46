// The run list: newest first, updated in place by polling GET /runs (summaries without curves),
// often while something trains, rarely otherwise, never while the tab is hidden.

import { api, isFinished } from './api.js';
import { element } from './dom.js';
import { formatAlpha, formatPercent, formatTime } from './format.js';

const LIST_POLL_ACTIVE_MS = 2000;
const LIST_POLL_IDLE_MS = 15000;

export class RunList {
  constructor(list, status, moreButton) {
    this.list = list;
    this.status = status;
    this.moreButton = moreButton;
    this.items = new Map();
    this.limit = 50;
    this.selected = null;
    this.timer = 0;
    this.moreButton.addEventListener('click', () => { this.limit = Math.min(1000, this.limit + 50); this.refresh(); });
    document.addEventListener('visibilitychange', () => { if (!document.hidden) this.refresh(); });
  }

  async refresh() {
    clearTimeout(this.timer);
    let active = false;
    try {
      const body = await api.json('GET', `/runs?limit=${this.limit}`);
      this.show(body.runs);
      this.moreButton.hidden = body.next_cursor === null || this.limit >= 1000;
      active = body.runs.some((run) => !isFinished(run.status));
      this.status.textContent = body.runs.length ? '' : 'No runs yet: submit a sweep above.';
    } catch (error) {
      this.status.textContent = error.status === 401 ? 'This server needs an API token (top right).' : `Could not list runs: ${error.message}`;
    }
    if (!document.hidden) this.timer = setTimeout(() => this.refresh(), active ? LIST_POLL_ACTIVE_MS : LIST_POLL_IDLE_MS);
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
    item.element = element('li', { class: 'run-item' }, item.link);
    return item;
  }

  updateItem(item, run) {
    const signature = `${run.status}|${run.progress.iterations_done}|${run.progress.fraction}|${run.summary.best?.alpha}|${run.name}`;
    if (item.signature === signature) return;
    item.signature = signature;
    item.name.textContent = run.name ?? `run ${run.id.slice(0, 8)}`;
    item.status.textContent = run.status;
    item.status.className = `status status-${run.status}`;
    item.progress.value = run.progress.fraction;
    const percent = formatPercent(run.progress.fraction);
    item.progress.setAttribute('aria-label', `${item.name.textContent}: ${percent} done`);
    item.percent.textContent = percent;
    item.created.replaceChildren(element('time', { datetime: run.created_at ?? '' }, formatTime(run.created_at)));
    const best = run.summary.best;
    item.best.textContent = best ? `best α ${formatAlpha(best.alpha)}` : '';
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
}
