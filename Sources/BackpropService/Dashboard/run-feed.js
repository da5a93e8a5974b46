// Follows one run through the public API and hands the page compact messages. It runs in a
// worker (run-feed-worker.js), so parsing a finished run of 64 × 2,000 points or a live run's
// weights at hidden 1,024 never blocks the page; numbers arrive as typed arrays, moved, not copied.
//
// A run is first read without its curves (GET /runs/{id}?since=AFTER_EVERYTHING). A finished run
// is then read once in full (with `points`: each curve as at most that many points, sized by the
// page to its chart's width, extremes kept); a training run's points so far likewise, then its curve points arrive once each as Server-Sent
// Events (GET /runs/{id}/events; a reconnect sends the last event's id as Last-Event-ID, so the
// stream resumes right after it: nothing lost or repeated, however unevenly the trials progress)
// and everything else (status, current weights) by the same
// curve-free read, long-polled with ETag/If-None-Match (&wait=…): a whole run is never fetched
// in a loop.
//
// Messages posted:
//   {type: 'run', run, complete}   the run with each trial's `curve` ({iterations, errors}: the
//                                  points not sent before) and matrices as {rows, columns, values}
//   {type: 'points', points}        [{trial, iterations, errors}] from the event stream
//   {type: 'message', text}         a transient problem ('' when it is over)
//   {type: 'failed', status, text}  the run could not be read at all
//   {type: 'deleted'}
//   {type: 'complete'}             the run has finished and every point is in
// Each carries the run's `id`.

import { api, Problem, serverSentEvents, isFinished } from './api.js';

const RUN_POLL_GAP_MS = 1500;
const RUN_WAIT_SECONDS = 20;
const RETRY_MS = 3000;
const POINT_BATCH_MS = 40;
// `?since=` beyond every iteration: the run with no curve points.
export const AFTER_EVERYTHING = Number.MAX_SAFE_INTEGER;

const sleep = (ms, signal) => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
});

// [[…], …] of numbers or nulls → {rows, columns, values: Float64Array} (null → NaN).
function packMatrix(matrix, transfers) {
  if (!Array.isArray(matrix)) return null;
  const rows = matrix.length;
  const columns = rows ? matrix[0].length : 0;
  const values = new Float64Array(rows * columns);
  for (let row = 0; row < rows; row++) {
    const source = matrix[row];
    for (let column = 0; column < columns; column++) {
      const value = source[column];
      values[row * columns + column] = value === null || value === undefined ? NaN : value;
    }
  }
  transfers.push(values.buffer);
  return { rows, columns, values };
}

// The points of a curve after iteration `after`, as typed arrays.
function packCurve(points, after, transfers) {
  const kept = (points ?? []).filter((point) => point.iteration > after);
  const iterations = new Float64Array(kept.length);
  const errors = new Float64Array(kept.length);
  kept.forEach((point, index) => {
    iterations[index] = point.iteration;
    errors[index] = point.error === null ? NaN : point.error;
  });
  transfers.push(iterations.buffer, errors.buffer);
  return { iterations, errors };
}

// The run as the page uses it; `last[i]` is the last iteration trial i already has.
export function packRun(run, last, transfers) {
  const trials = (run.trials ?? []).map((trial, index) => {
    const { error_curve: curve, synapses, direction_changes: changes, outputs, ...rest } = trial;
    return {
      ...rest,
      curve: packCurve(curve, last[index] ?? -1, transfers),
      synapses: (synapses ?? []).map((matrix) => packMatrix(matrix, transfers)),
      direction_changes: changes ? changes.map((matrix) => packMatrix(matrix, transfers)) : null,
      outputs: outputs ? packMatrix(outputs, transfers) : null,
    };
  });
  return { ...run, trials };
}

export class RunFollower {
  constructor(emit) {
    this.emit = emit;
    this.abort = null;
  }

  // Every message names its run, so the page drops what comes late from a run it left.
  post(message, transfers = []) {
    this.emit({ ...message, id: this.id }, transfers);
  }

  close() {
    this.abort?.abort();
    this.abort = null;
  }

  async open(id, { points } = {}) {
    this.close();
    this.id = id;
    this.points = Number.isInteger(points) && points >= 4 ? points : null;
    this.abort = new AbortController();
    const { signal } = this.abort;
    this.last = [];
    this.status = null;
    this.eventId = null;
    try {
      const summary = await api.request('GET', this.curveFreePath(), { signal });
      if (!summary.ok) throw await Problem.from(summary);
      const etag = summary.headers.get('ETag');
      let run = await summary.json();
      if (isFinished(run.status)) {
        // The one full read: a finished run never changes.
        const full = await api.request('GET', this.curvesPath(), { signal });
        if (!full.ok) throw await Problem.from(full);
        run = await full.json();
      } else if (this.points && run.progress?.iterations_done > 0) {
        // The points so far, sized to the chart; the stream goes on after each trial's last.
        const sofar = await api.request('GET', this.curvesPath(), { signal });
        if (sofar.ok) run = await sofar.json();
      }
      if (signal.aborted) return;
      this.sendRun(run, isFinished(run.status));
      if (!isFinished(run.status)) await this.followLive(signal, etag);
    } catch (error) {
      if (signal.aborted) return;
      this.post({ type: 'failed', status: error.status ?? 0, text: error.message });
    }
  }

  sendRun(run, complete) {
    this.status = run.status;
    const transfers = [];
    const packed = packRun(run, this.last, transfers);
    packed.trials.forEach((trial, index) => {
      const { iterations } = trial.curve;
      if (iterations.length) this.last[index] = iterations[iterations.length - 1];
      else this.last[index] ??= -1;
    });
    this.post({ type: 'run', run: packed, complete }, transfers);
  }

  // While the run trains: new points by SSE, everything else by a curve-free ETag long-poll.
  // When both have seen the end, any trial whose curve stops short of its last iteration (the
  // stream was cut, say) gets its missing points with one `?since=` read.
  async followLive(signal, etag) {
    this.run = null;
    await Promise.all([this.streamPoints(signal), this.pollRun(signal, etag)]);
    if (signal.aborted || !this.run) return;
    const run = this.run;
    const short = run.trials.some((trial, index) => trial.status !== 'cancelled' && (this.last[index] ?? -1) < trial.iterations_done);
    try {
      if (short) {
        const response = await api.request('GET', `/runs/${this.id}?since=${Math.min(...this.last)}`, { signal });
        if (!response.ok) throw await Problem.from(response);
        this.sendRun(await response.json(), true);
        return;
      }
    } catch (error) {
      if (signal.aborted) return;
      this.post({ type: 'message', text: `Could not read the last curve points (${error.message}); reload to retry.` });
    }
    this.post({ type: 'complete' });
  }

  async streamPoints(signal) {
    while (!signal.aborted && !isFinished(this.status)) {
      // A reconnect resumes right after the last event received (its id as Last-Event-ID). The
      // first connection starts after the point every trial already has (-1 while a trial has
      // none: the replay repeats the other trials' points once; the page drops them).
      const headers = { Accept: 'text/event-stream' };
      let path = `/runs/${this.id}/events`;
      if (this.eventId) headers['Last-Event-ID'] = this.eventId;
      else path += `?since=${Math.min(...this.last)}`;
      try {
        const response = await api.request('GET', path, { signal, headers });
        if (response.status === 404) { this.deleted(); return; }
        // A cursor this server does not know (not expected): start over from the points held.
        if (response.status === 422) this.eventId = null;
        if (!response.ok) throw await Problem.from(response);
        const batch = new Map();
        let flushed = performance.now();
        const flush = () => {
          const transfers = [];
          const points = [...batch].map(([trial, { iterations, errors }]) => {
            const packed = { trial, iterations: Float64Array.from(iterations), errors: Float64Array.from(errors) };
            transfers.push(packed.iterations.buffer, packed.errors.buffer);
            return packed;
          });
          batch.clear();
          flushed = performance.now();
          if (points.length) this.post({ type: 'points', points }, transfers);
        };
        for await (const { event, id, data } of serverSentEvents(response, signal)) {
          if (id) this.eventId = id;
          const message = JSON.parse(data);
          if (event === 'point') {
            if (message.iteration <= (this.last[message.trial] ?? -1)) continue;
            this.last[message.trial] = message.iteration;
            let entry = batch.get(message.trial);
            if (!entry) batch.set(message.trial, entry = { iterations: [], errors: [] });
            entry.iterations.push(message.iteration);
            entry.errors.push(message.error === null ? NaN : message.error);
            if (performance.now() - flushed > POINT_BATCH_MS) flush();
          } else {
            flush();
            if (event === 'deleted') { this.deleted(); return; }
            if (event === 'end') return;
          }
        }
        flush();
      } catch (error) {
        if (signal.aborted) return;
        this.post({ type: 'message', text: `Live updates interrupted (${error.message}); retrying…` });
      }
      await sleep(RETRY_MS, signal);
    }
  }

  curvesPath() {
    return this.points ? `/runs/${this.id}?points=${this.points}` : `/runs/${this.id}`;
  }

  curveFreePath() {
    return `/runs/${this.id}?since=${AFTER_EVERYTHING}`;
  }

  // Status, progress and current weights: the curve-free read, long-polled against the ETag of
  // the last answer. (Without an ETag a wait would end only at a point after `since`, never.)
  async pollRun(signal, firstETag) {
    let etag = firstETag;
    while (!signal.aborted) {
      await sleep(RUN_POLL_GAP_MS, signal);
      if (signal.aborted) return;
      try {
        const wait = etag && !isFinished(this.status) ? RUN_WAIT_SECONDS : 0;
        const headers = etag ? { 'If-None-Match': etag } : {};
        const response = await api.request('GET', `${this.curveFreePath()}&wait=${wait}`, { signal, headers });
        if (response.status === 404) { this.deleted(); return; }
        if (response.status === 200) {
          etag = response.headers.get('ETag');
          const run = await response.json();
          if (signal.aborted) return;
          this.post({ type: 'message', text: '' });
          this.run = run;
          this.sendRun(run, false);
          if (isFinished(run.status)) return;
        } else if (response.status !== 304) {
          throw await Problem.from(response);
        }
      } catch (error) {
        if (signal.aborted) return;
        this.post({ type: 'message', text: `Could not refresh the run (${error.message}); retrying…` });
        await sleep(RETRY_MS, signal);
      }
    }
  }

  deleted() {
    this.abort?.abort();
    this.post({ type: 'deleted' });
  }
}

// The page's side: a worker running a RunFollower, or (where workers are unavailable) the same
// follower on the page's thread.
export class RunFeed {
  constructor(onMessage) {
    this.onMessage = onMessage;
    this.opened = null;
    try {
      this.worker = new Worker('/dashboard/run-feed-worker.js', { type: 'module' });
      this.worker.addEventListener('message', (event) => this.onMessage(event.data));
      // A worker that cannot start (its script failed to load, say) leaves the page to follow runs itself.
      this.worker.addEventListener('error', () => this.onPage());
    } catch {
      this.onPage();
    }
  }

  onPage() {
    this.worker?.terminate();
    this.worker = null;
    this.follower = new RunFollower((message) => queueMicrotask(() => this.onMessage(message)));
    if (this.opened) this.open(this.opened.id, this.opened.token, this.opened.points);
  }

  open(id, token, points) {
    this.opened = { id, token, points };
    if (this.worker) this.worker.postMessage({ type: 'open', id, token, points });
    else { api.token = token; this.follower.open(id, { points }); }
  }

  close() {
    this.opened = null;
    if (this.worker) this.worker.postMessage({ type: 'close' });
    else this.follower.close();
  }

  terminate() {
    this.worker?.terminate();
    this.follower?.close();
  }
}
