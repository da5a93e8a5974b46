// Colour scales and contrast. Colours are mixed in OKLab (perceptually even steps); every scale
// is a lookup table of 256 sRGB colours, so colouring thousands of cells is a table read.

// sRGB component 0…255 ⇄ linear 0…1.
const toLinear = (c) => { const x = c / 255; return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
const fromLinear = (x) => 255 * (x <= 0.0031308 ? 12.92 * x : 1.055 * x ** (1 / 2.4) - 0.055);

export function rgbToOklab([r, g, b]) {
  const [lr, lg, lb] = [toLinear(r), toLinear(g), toLinear(b)];
  const l = Math.cbrt(0.4122214708 * lr + 0.5363325363 * lg + 0.0514459929 * lb);
  const m = Math.cbrt(0.2119034982 * lr + 0.6806995451 * lg + 0.1073969566 * lb);
  const s = Math.cbrt(0.0883024619 * lr + 0.2817188376 * lg + 0.6299787005 * lb);
  return [
    0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s,
  ];
}

// OKLab → linear sRGB, possibly out of gamut.
function oklabToLinear([L, a, b]) {
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.2914855480 * b) ** 3;
  return [
    4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
    -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
    -0.0041960863 * l - 0.7034186147 * m + 1.7076147010 * s,
  ];
}

export function oklabToRgb(lab) {
  return oklabToLinear(lab).map((x) => Math.round(fromLinear(Math.max(0, Math.min(1, x)))));
}

// OKLCH → sRGB; a colour outside sRGB keeps its lightness and hue and loses chroma until it fits.
export function oklchToRgb(L, C, hue) {
  const lab = (chroma) => [L, chroma * Math.cos(hue * Math.PI / 180), chroma * Math.sin(hue * Math.PI / 180)];
  const inGamut = (chroma) => oklabToLinear(lab(chroma)).every((x) => x >= -1e-4 && x <= 1 + 1e-4);
  let chroma = C;
  if (!inGamut(chroma)) {
    let low = 0;
    let high = C;
    for (let i = 0; i < 20; i++) { const middle = (low + high) / 2; if (inGamut(middle)) low = middle; else high = middle; }
    chroma = low;
  }
  return oklabToRgb(lab(chroma));
}

export const hex = ([r, g, b]) => `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
export const css = ([r, g, b]) => `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`;

// WCAG 2 relative luminance and contrast ratio.
export function luminance([r, g, b]) {
  return 0.2126 * toLinear(r) + 0.7152 * toLinear(g) + 0.0722 * toLinear(b);
}

export function contrast(first, second) {
  const [a, b] = [luminance(first), luminance(second)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}

const BLACK = [0, 0, 0];
const WHITE = [255, 255, 255];

// Black or white text, whichever reads better on `background` (never below 4.58:1).
export function inkOn(background) {
  return contrast(background, BLACK) >= contrast(background, WHITE) ? '#000' : '#fff';
}

// The alpha scale: dark violet (smallest alpha) through blue, teal and green to ochre (largest),
// lightness rising evenly from 0.30 to 0.64 and hue turning evenly, at one chroma: equal steps of
// log alpha are equal steps of colour. The lightest colour keeps 3.4:1 against white.
export function alphaColour(t) {
  const s = Math.max(0, Math.min(1, t));
  return hex(oklchToRgb(0.30 + 0.34 * s, 0.10, 300 - 240 * s));
}

// Colours for a run's alphas by their place on a log scale between the smallest and largest.
export function alphaColours(alphas) {
  const logs = alphas.map((alpha) => Math.log10(alpha));
  const low = Math.min(...logs);
  const high = Math.max(...logs);
  return (alpha) => alphaColour(high > low ? (Math.log10(alpha) - low) / (high - low) : 0.5);
}

// A 256-entry table of colours mixed in OKLab through `stops` (sRGB triples, evenly spaced).
function table(stops) {
  const labs = stops.map(rgbToOklab);
  return Array.from({ length: 256 }, (_, index) => {
    const position = (index / 255) * (labs.length - 1);
    const at = Math.min(labs.length - 2, Math.floor(position));
    const t = position - at;
    return oklabToRgb(labs[at].map((value, k) => value + (labs[at + 1][k] - value) * t));
  });
}

const WEIGHTS = table([[33, 102, 172], [146, 197, 222], [247, 247, 247], [244, 165, 130], [178, 24, 43]]);
const COUNTS = table([[255, 255, 255], [188, 189, 220], [117, 107, 177], [63, 0, 125]]);

// Weights: -1…1 → blue, near-white, red.
export function weightRGB(t) {
  const s = Number.isFinite(t) ? Math.max(-1, Math.min(1, t)) : 0;
  return WEIGHTS[Math.round((s + 1) * 127.5)];
}

// Direction changes: 0…1 → white to dark purple.
export function countRGB(t) {
  const s = Number.isFinite(t) ? Math.max(0, Math.min(1, t)) : 0;
  return COUNTS[Math.round(s * 255)];
}

export const MISSING_RGB = [153, 153, 153];
