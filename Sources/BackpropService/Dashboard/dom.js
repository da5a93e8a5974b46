// DOM helpers shared by every part of the page.

export const SVG_NS = 'http://www.w3.org/2000/svg';

// element('p', { class: 'hint', onclick: f }, 'text', child, [more]): null, undefined and false
// attributes and children are left out.
export const element = (tag, attributes, ...children) => filled(document.createElement(tag), attributes, children);
export const svgElement = (tag, attributes, ...children) => filled(document.createElementNS(SVG_NS, tag), attributes, children);

function filled(node, attributes = {}, children = []) {
  setAttributes(node, attributes);
  node.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

export function setAttributes(node, attributes) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
}

export const byId = (id) => document.getElementById(id);

export const sleep = (ms, signal) => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
});

// Spreads heavy DOM work over animation frames, about 8 ms of it per frame, so scrolling,
// hovering and the live chart stay smooth while many parts of the page change at once.
export const renderQueue = {
  tasks: new Set(),
  frame: 0,
  add(task) {
    this.tasks.add(task);
    if (!this.frame) this.frame = requestAnimationFrame(() => this.run());
  },
  delete(task) {
    this.tasks.delete(task);
  },
  run() {
    this.frame = 0;
    const started = performance.now();
    for (const task of this.tasks) {
      this.tasks.delete(task);
      task();
      if (performance.now() - started > 8) break;
    }
    if (this.tasks.size) this.frame = requestAnimationFrame(() => this.run());
  },
};

// A description list of [term, value] pairs (values may be nodes).
export function factList(facts) {
  return facts.map(([term, value]) => element('div', {}, element('dt', {}, term), element('dd', {}, value)));
}
