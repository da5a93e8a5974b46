/// JavaScript the dashboard tests evaluate in the page: measurements written independently of the
/// page's own code (its colour and contrast functions are not used), so a bug there shows.
enum DashboardProbes {
    /// How far the page scrolls sideways (0 when nothing sticks out) and the widest element that
    /// sticks out of the window, if any.
    static let overflow = """
        (() => {
          const width = document.documentElement.clientWidth;
          const culprits = [...document.querySelectorAll('body *')].filter((node) => {
            const rect = node.getBoundingClientRect();
            if (!rect.width || rect.right <= width + 0.5) return false;
            for (let up = node.parentElement; up; up = up.parentElement) {
              if (/(auto|scroll|hidden)/.test(getComputedStyle(up).overflowX) && up.getBoundingClientRect().right <= width + 0.5) return false;
            }
            return true;
          }).slice(0, 3).map((node) => `${node.tagName.toLowerCase()}.${node.className?.baseVal ?? node.className} right ${Math.round(node.getBoundingClientRect().right)}`);
          return { scroll: document.documentElement.scrollWidth - width, culprits, height: document.documentElement.scrollHeight };
        })()
        """

    /// WCAG 2 contrast of every piece of text on screen (HTML text, SVG text, form controls and
    /// their placeholders) against the colours behind it, composited from the page down.
    /// Returns how many were measured, the lowest ratio, the failures below 4.5:1, and any text
    /// made translucent by `opacity` (which this measurement would not see).
    static let contrast = """
        (() => {
          const parse = (text) => {
            const match = /rgba?\\(([^)]+)\\)/.exec(text ?? '');
            if (!match) return null;
            const parts = match[1].split(/[\\s,/]+/).filter(Boolean).map(Number);
            return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
          };
          const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat(1);
          const channel = (c) => { const x = c / 255; return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
          const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
          const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
          const backdrop = (node) => {
            const chain = [];
            for (let up = node instanceof SVGElement ? node.closest('svg') : node; up; up = up.parentElement) chain.push(up);
            let colour = [255, 255, 255, 1];
            for (const up of chain.reverse()) {
              const fill = parse(getComputedStyle(up).backgroundColor);
              if (fill && fill[3] > 0) colour = over(fill, colour);
            }
            return colour;
          };
          const visible = (node) => {
            const rect = node.getBoundingClientRect();
            if (rect.width <= 1 || rect.height <= 1) return false;
            const style = getComputedStyle(node);
            return style.visibility !== 'hidden' && style.display !== 'none' && node.getClientRects().length > 0;
          };
          const translucent = (node) => { for (let up = node; up; up = up.parentElement) if (Number(getComputedStyle(up).opacity) < 1) return true; return false; };
          const ownText = (node) => [...node.childNodes].some((child) => child.nodeType === 3 && child.textContent.trim() !== '');
          const failures = [];
          const faded = [];
          let measured = 0;
          let lowest = Infinity;
          const check = (node, colourText, label) => {
            const colour = parse(colourText);
            if (!colour) return;
            const behind = backdrop(node);
            const value = ratio(over(colour, behind), behind);
            measured += 1;
            lowest = Math.min(lowest, value);
            if (value < 4.5) failures.push({ text: label.slice(0, 40), ratio: Math.round(value * 100) / 100, colour: colourText, background: `rgb(${behind.slice(0, 3).map(Math.round).join(', ')})` });
            if (translucent(node)) faded.push(label.slice(0, 40));
          };
          for (const node of document.querySelectorAll('body *')) {
            if (node.closest('[hidden], noscript')) continue;
            if (node.matches('input, select, textarea')) {
              if (!visible(node) || node.type === 'radio' || node.type === 'checkbox') continue;
              const text = node.matches('select') ? node.selectedOptions[0]?.textContent ?? '' : node.value;
              if (text.trim()) check(node, getComputedStyle(node).color, text);
              else if (node.placeholder) check(node, getComputedStyle(node, '::placeholder').color, `placeholder ${node.placeholder}`);
              continue;
            }
            if (!ownText(node) || !visible(node)) continue;
            const colour = node instanceof SVGElement ? getComputedStyle(node).fill : getComputedStyle(node).color;
            check(node, colour, node.textContent.trim());
          }
          return { measured, lowest: Math.round(lowest * 100) / 100, failures: failures.slice(0, 12), faded: faded.slice(0, 12) };
        })()
        """

    /// The error chart's curves with their stroke colours in OKLab (Björn Ottosson's matrices),
    /// in trial order.
    static let curveColours = """
        (() => {
          const channel = (c) => { const x = c / 255; return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
          const oklab = (hex) => {
            const [r, g, b] = [1, 3, 5].map((i) => channel(parseInt(hex.slice(i, i + 2), 16)));
            const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
            const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
            const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
            return [0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s, 1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s,
                    0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s];
          };
          return [...document.querySelectorAll('svg.chart path.curve')]
            .sort((a, b) => Number(a.dataset.trial) - Number(b.dataset.trial))
            .map((path) => ({ trial: Number(path.dataset.trial), stroke: path.getAttribute('stroke'), lab: oklab(path.getAttribute('stroke')) }));
        })()
        """

    /// The sweep summary as shown: plot marks, table rows (in display order) and the story.
    static let summary = """
        (() => {
          const all = (selector, root = document) => [...root.querySelectorAll(selector)];
          const marks = (id) => all(`#${id} .marks .mark`).map((mark) => ({ trial: Number(mark.dataset.trial), state: mark.getAttribute('class').split(' ')[1] }));
          return {
            story: document.querySelector('#summary-story').textContent,
            errorMarks: marks('summary-error-plot'),
            changeMarks: marks('summary-changes-plot'),
            bestRings: all('.alpha-plot .best-ring').length,
            headers: all('#sweep-table thead th').map((th) => ({ key: th.dataset.key, sort: th.getAttribute('aria-sort') })),
            rows: all('#sweep-table tbody tr').map((row) => ({
              trial: Number(row.dataset.trial), best: row.classList.contains('best'),
              cells: all('th, td', row).map((cell) => cell.innerText.trim()),
            })),
          };
        })()
        """
}
