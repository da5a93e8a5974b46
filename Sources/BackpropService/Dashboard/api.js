// The API client, used by the page and by its run-feed worker: the token (if the server wants
// one), JSON bodies, problem+json errors, Server-Sent Events.

export const api = {
  token: '',
  onUnauthorized: () => {},

  async request(method, path, { body, headers = {}, signal } = {}) {
    const allHeaders = { Accept: 'application/json', ...headers };
    if (body !== undefined) allHeaders['Content-Type'] ??= 'application/json';
    if (this.token) allHeaders.Authorization = `Bearer ${this.token}`;
    // no-store: the page sends its own If-None-Match and wants to see the 304 itself.
    const response = await fetch(path, {
      method, headers: allHeaders, signal, cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401) this.onUnauthorized();
    return response;
  },

  async json(method, path, options) {
    const response = await this.request(method, path, options);
    if (!response.ok) throw await Problem.from(response);
    return response.json();
  },
};

// An RFC 9457 problem (or a stand-in for a response that is not one).
export class Problem extends Error {
  constructor(status, title, detail, errors = []) {
    super(detail || title);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = errors;
  }

  static async from(response) {
    let body = null;
    try { body = await response.json(); } catch { /* not JSON */ }
    if (body && typeof body === 'object') {
      return new Problem(response.status, body.title ?? response.statusText, body.detail ?? '', Array.isArray(body.errors) ? body.errors : []);
    }
    return new Problem(response.status, `HTTP ${response.status}`, response.statusText);
  }
}

// Server-Sent Events read from a fetch body (EventSource cannot send an Authorization header).
export async function* serverSentEvents(response, signal) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  signal.addEventListener('abort', () => reader.cancel().catch(() => {}), { once: true });
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    const blocks = buffer.split('\n\n');
    buffer = blocks.pop();
    for (const block of blocks) {
      let event = 'message';
      let id = null;
      const data = [];
      for (const line of block.split('\n')) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let text = colon < 0 ? '' : line.slice(colon + 1);
        if (text.startsWith(' ')) text = text.slice(1);
        if (field === 'event') event = text;
        else if (field === 'data') data.push(text);
        else if (field === 'id') id = text;
      }
      if (data.length > 0) yield { event, id, data: data.join('\n') };
    }
  }
}

// The built-in datasets, read once: outputs are shown against their targets.
let datasetsPromise = null;
export function builtInDatasets() {
  datasetsPromise ??= api.json('GET', '/datasets')
    .then((body) => new Map(body.datasets.map((dataset) => [dataset.name, dataset])))
    .catch(() => { datasetsPromise = null; return new Map(); });
  return datasetsPromise;
}

export async function datasetOf(request) {
  if (request.dataset && typeof request.dataset === 'object') return request.dataset;
  return (await builtInDatasets()).get(request.dataset) ?? null;
}

export function isFinished(status) {
  return status === 'succeeded' || status === 'cancelled';
}

// A download link (CSV) that also works on a server with a token: a plain link cannot send the
// Authorization header, so with a token the file is fetched and handed over as a blob.
export function downloadable(link) {
  link.addEventListener('click', async (event) => {
    if (!api.token) return;
    event.preventDefault();
    try {
      const response = await api.request('GET', link.href, { headers: { Accept: 'text/csv' } });
      if (!response.ok) throw await Problem.from(response);
      const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? 'backpropd.csv';
      const url = URL.createObjectURL(await response.blob());
      const save = Object.assign(document.createElement('a'), { href: url, download: name });
      document.body.append(save);
      save.click();
      save.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (error) {
      link.title = `Download failed: ${error.message}`;
    }
  });
  return link;
}

// How many points a chart `width` pixels wide asks for (`?points=`): a lowest and a highest per
// pixel column, within the API's 4…100,000.
export function pointsForWidth(width) {
  return Math.max(4, Math.min(100000, 2 * Math.round(width || 0)));
}
