// The backpropd dashboard: one page, no libraries, nothing but the public API (api.md). This file
// wires the parts together; each part is a module named for what it shows:
//   run-list.js   the runs, newest first        form.js        the submission form
//   run-view.js   one run: header, summary, curves, network, trial cards
//   run-feed.js   follows a run in a worker      summary.js     the sweep at a glance
//   chart.js      the error curves              network.js     the selected trial's network
//   trial-card.js one trial's card              matrix.js      tables and heatmaps
//   boundary.js   forward pass, decision boundary  sweep.js    what the trials mean
//   compare-view.js  runs side by side (their best or chosen trials on one chart, a table)
//   colour.js, format.js, plot.js, dom.js, api.js: shared pieces
// The hash is the route (#/runs/ID shows a run, #/compare/ID,ID,… compares runs).

import { api, downloadable } from './api.js';
import { byId } from './dom.js';
import { RunList } from './run-list.js';
import { RunView } from './run-view.js';
import { SubmissionForm } from './form.js';
import { CompareView, MAX_COMPARED } from './compare-view.js';

const TOKEN_KEY = 'backpropd-token';

function start() {
  api.token = sessionStorage.getItem(TOKEN_KEY) ?? '';
  const runList = new RunList(byId('run-list'), byId('runs-status'), byId('more-runs'), {
    filter: byId('run-filter'), sort: byId('run-sort'), compare: byId('compare-runs'), csv: downloadable(byId('runs-csv')),
  });
  const compareView = new CompareView(byId('compare-view'));
  const placeholder = byId('run-placeholder');
  const form = new SubmissionForm(byId('run-form'), {
    onSubmitted: (run) => { location.hash = `#/runs/${run.id}`; runList.refresh(); },
  });
  const runView = new RunView(byId('run-view'), {
    onChange: (run) => runList.update(run),
    onDeleted: () => { runList.refresh(); if (location.hash !== '#/') location.hash = '#/'; },
    onRunAgain: (run) => form.prefill(run),
    onPatched: (run) => runList.patched(run),
  });

  const tokenPanel = byId('token-panel');
  const tokenInput = byId('token-input');
  tokenInput.value = api.token;
  api.onUnauthorized = () => {
    if (!tokenPanel.open) tokenPanel.open = true;
    byId('token-status').textContent = api.token ? 'The server refused this token.' : 'This server needs a token.';
  };
  byId('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    api.token = tokenInput.value.trim();
    sessionStorage.setItem(TOKEN_KEY, api.token);
    byId('token-status').textContent = api.token ? 'Token set.' : 'Token cleared.';
    runList.refresh();
    const id = runView.id;
    runView.close();
    if (id) runView.open(id);
  });

  const route = () => {
    const match = /^#\/runs\/([0-9a-f]{32})$/.exec(location.hash);
    if (match) {
      placeholder.hidden = true;
      compareView.close();
      runList.select(match[1]);
      runView.open(match[1]);
      return true;
    }
    const compare = /^#\/compare\/([0-9a-f]{32}(?:,[0-9a-f]{32})*)$/.exec(location.hash);
    if (compare) {
      const ids = [...new Set(compare[1].split(','))].slice(0, MAX_COMPARED);
      placeholder.hidden = true;
      runView.close();
      byId('run-view').hidden = true;
      runList.select(null);
      runList.setTicked(ids);
      compareView.open(ids);
      return true;
    }
    compareView.close();
    runView.close();
    runList.select(null);
    byId('run-view').hidden = true;
    placeholder.hidden = false;
    return false;
  };
  window.addEventListener('hashchange', () => { if (route()) byId('main').focus({ preventScroll: false }); });
  // The skip link moves the focus without touching the hash, which is the route.
  document.querySelector('.skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    byId('main').focus();
  });
  route();
  runList.refresh();
}

start();
