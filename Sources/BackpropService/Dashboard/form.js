// The submission form. Values go to the server as typed (numbers when they parse, text when they
// do not) so that the server's problem+json names every invalid field; its messages appear next
// to the fields its JSON pointers name. `prefill(run)` starts the form from a run ("Run again").

import { api, builtInDatasets, Problem } from './api.js';
import { byId, element } from './dom.js';

const FIELD_OF_POINTER = {
  dataset: 'dataset', alphas: 'alphas', hidden_size: 'hidden', hidden_sizes: 'hidden',
  iterations: 'iterations', seed: 'seed', error_every: 'error_every', name: 'name', labels: 'labels',
};
const INPUT_OF_FIELD = {
  dataset: 'field-dataset', alphas: 'field-alphas', hidden: 'field-hidden', iterations: 'field-iterations',
  seed: 'field-seed', error_every: 'field-error-every', name: 'field-name', labels: 'field-labels',
};

// "key=value, other=value" → {key: 'value', other: 'value'}; throws a Problem naming bad items.
export function parseLabels(text) {
  const labels = {};
  const issues = [];
  text.split(/[,\n]/).map((item) => item.trim()).filter(Boolean).forEach((item, index) => {
    const separator = item.indexOf('=');
    if (separator <= 0) { issues.push({ pointer: '/labels', detail: `item ${index + 1} (“${item}”): expected key=value` }); return; }
    labels[item.slice(0, separator).trim()] = item.slice(separator + 1).trim();
  });
  if (issues.length) throw new Problem(0, 'Invalid labels', '', issues);
  return labels;
}

export const formatLabels = (labels) => Object.entries(labels ?? {}).map(([key, value]) => `${key}=${value}`).join(', ');

export class SubmissionForm {
  constructor(form, { onSubmitted }) {
    this.form = form;
    this.onSubmitted = onSubmitted;
    this.dataset = byId('field-dataset');
    this.inline = byId('field-dataset-inline');
    this.button = byId('submit-button');
    this.status = byId('submit-status');
    this.idempotency = null;
    form.addEventListener('submit', (event) => { event.preventDefault(); this.submit(); });
    this.dataset.addEventListener('change', () => {
      this.inline.hidden = this.dataset.value !== 'inline';
      if (!this.inline.hidden) this.inline.focus();
    });
    this.datasetsLoaded = this.loadDatasets();
  }

  async loadDatasets() {
    const datasets = await builtInDatasets();
    const options = [...datasets.keys()].map((name) => element('option', { value: name }, `${name} (${datasets.get(name).samples} samples)`));
    if (!options.length) options.push(element('option', { value: 'xor' }, 'xor'));
    options.push(element('option', { value: 'inline' }, 'inline JSON…'));
    const current = this.dataset.value;
    this.dataset.replaceChildren(...options);
    this.dataset.value = [...this.dataset.options].some((option) => option.value === current) ? current : this.dataset.options[0].value;
  }

  // Fills every field from a run's normalized request, name and labels.
  async prefill(run) {
    await this.datasetsLoaded;
    this.clearErrors();
    const request = run.request;
    const builtIn = typeof request.dataset === 'string' && [...this.dataset.options].some((option) => option.value === request.dataset);
    this.dataset.value = builtIn ? request.dataset : 'inline';
    this.inline.hidden = builtIn;
    this.inline.value = builtIn ? '' : JSON.stringify(request.dataset);
    const set = (id, value) => { byId(id).value = value === null || value === undefined ? '' : String(value); };
    set('field-alphas', request.alphas.map(String).join(', '));
    set('field-hidden', request.hidden_sizes.join(', '));
    set('field-iterations', request.iterations);
    set('field-seed', request.seed);
    set('field-error-every', request.error_every);
    set('field-name', run.name);
    set('field-labels', formatLabels(run.labels));
    this.status.textContent = `Prefilled from ${run.name ?? `run ${run.id.slice(0, 8)}`}: change anything, then submit.`;
    this.form.scrollIntoView({ block: 'start' });
    byId('field-alphas').focus({ preventScroll: true });
  }

  body() {
    const text = (id) => byId(id).value.trim();
    const list = (value) => value.split(/[\s,;]+/).filter(Boolean);
    const number = (value) => (value !== '' && Number.isFinite(Number(value)) ? Number(value) : value);
    const body = {};
    if (this.dataset.value === 'inline') {
      try {
        body.dataset = JSON.parse(this.inline.value);
      } catch (error) {
        throw new Problem(0, 'Invalid dataset', '', [{ pointer: '/dataset', detail: `not valid JSON: ${error.message}` }]);
      }
    } else {
      body.dataset = this.dataset.value;
    }
    body.alphas = list(text('field-alphas')).map(number);
    const hidden = list(text('field-hidden')).map(number);
    if (hidden.length === 1) body.hidden_size = hidden[0];
    else if (hidden.length > 1) body.hidden_sizes = hidden;
    for (const [key, id] of [['iterations', 'field-iterations'], ['seed', 'field-seed'], ['error_every', 'field-error-every']]) {
      if (text(id) !== '') body[key] = number(text(id));
    }
    if (text('field-name') !== '') body.name = text('field-name');
    const labels = parseLabels(text('field-labels'));
    if (Object.keys(labels).length) body.labels = labels;
    return body;
  }

  async submit() {
    this.clearErrors();
    let body;
    try {
      body = this.body();
    } catch (problem) {
      this.showProblem(problem);
      return;
    }
    // One Idempotency-Key per distinct body: pressing Submit again after a lost answer cannot
    // create a second run; a changed form gets a new key.
    const text = JSON.stringify(body);
    if (this.idempotency?.text !== text) this.idempotency = { text, key: randomKey() };
    this.button.disabled = true;
    this.status.textContent = 'Submitting…';
    try {
      const response = await api.request('POST', '/runs', { body, headers: { 'Idempotency-Key': this.idempotency.key } });
      if (!response.ok) throw await Problem.from(response);
      const run = await response.json();
      this.idempotency = null;
      this.status.textContent = `Submitted ${run.name ?? body.name ?? run.id.slice(0, 8)}.`;
      this.onSubmitted(run);
    } catch (problem) {
      this.status.textContent = '';
      this.showProblem(problem instanceof Problem ? problem : new Problem(0, 'Network error', problem.message));
    } finally {
      this.button.disabled = false;
    }
  }

  clearErrors() {
    for (const [field, id] of Object.entries(INPUT_OF_FIELD)) {
      byId(`error-${field}`).textContent = '';
      byId(id).removeAttribute('aria-invalid');
    }
    this.inline.removeAttribute('aria-invalid');
    const general = byId('error-general');
    general.hidden = true;
    general.textContent = '';
  }

  showProblem(problem) {
    const messages = new Map();
    const general = [];
    for (const issue of problem.errors) {
      const segments = String(issue.pointer ?? '').split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
      const field = FIELD_OF_POINTER[segments[0]];
      if (!field) { general.push(`${issue.pointer || 'body'}: ${issue.detail}`); continue; }
      let message = issue.detail;
      if (segments.length > 1 && (field === 'alphas' || field === 'hidden')) message = `item ${Number(segments[1]) + 1}: ${message}`;
      else if (segments.length > 1) message = `${segments.slice(1).join('/')}: ${message}`;
      if (!messages.has(field)) messages.set(field, []);
      messages.get(field).push(message);
    }
    let first = null;
    for (const [field, list] of messages) {
      byId(`error-${field}`).textContent = list.join('; ');
      const input = field === 'dataset' && this.dataset.value === 'inline' ? this.inline : byId(INPUT_OF_FIELD[field]);
      input.setAttribute('aria-invalid', 'true');
      first ??= input;
    }
    if (general.length || !messages.size) {
      const box = byId('error-general');
      box.textContent = [problem.title, problem.errors.length ? '' : problem.detail, ...general].filter(Boolean).join(' — ');
      box.hidden = false;
    }
    first?.focus();
  }
}

function randomKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `dashboard-${[...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
