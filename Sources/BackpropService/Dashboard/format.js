// One way to write numbers and times everywhere on the page (tables, legend, run list, messages):
// measured values with 3 significant digits, engineering style (exponent a multiple of 3) below
// 0.001 and from 10,000 on; counts exactly, with thousands separators; times in UTC, marked so.

// 3 significant digits: 0.5, 0.0123, 1230, 35.4e6, 123e-6, -1.5. Trailing zeros are dropped.
export function formatNumber(value) {
  if (value === null || value === undefined) return '—';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (value === 0) return '0';
  const [digits, exponentText] = Math.abs(value).toExponential(2).split('e');
  const exponent = Number(exponentText);
  const sign = value < 0 ? '-' : '';
  if (exponent >= -3 && exponent <= 3) {
    const rounded = Number(`${digits}e${exponent}`);
    return sign + trimZeros(rounded.toFixed(Math.max(0, 2 - exponent)));
  }
  const engineering = Math.floor(exponent / 3) * 3;
  const mantissa = Number(digits) * 10 ** (exponent - engineering);
  return `${sign}${trimZeros(mantissa.toFixed(Math.max(0, 2 - (exponent - engineering))))}e${engineering}`;
}

function trimZeros(text) {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

// Counts (iterations, direction changes): exact, with thousands separators. (Not Intl: its first
// use loads locale data, some 20 ms on the page's first frame.)
export function formatCount(value) {
  if (value === null || value === undefined) return '—';
  if (!Number.isFinite(value)) return formatNumber(value);
  const sign = value < 0 ? '-' : '';
  return sign + String(Math.round(Math.abs(value))).replace(/\B(?=(\d{3})+$)/g, ',');
}

export const formatAlpha = formatNumber;

export function formatPercent(fraction) {
  return `${Math.floor(Math.max(0, Math.min(1, fraction)) * 100)}%`;
}

export function formatDuration(ms) {
  if (ms === null || ms === undefined) return '—';
  return ms < 1000 ? `${formatCount(Math.round(ms))} ms` : `${formatNumber(ms / 1000)} s`;
}

// RFC 3339 → "2026-12-07 14:03:09 UTC".
export function formatTime(rfc3339) {
  if (!rfc3339) return '—';
  const date = new Date(rfc3339);
  if (Number.isNaN(date.getTime())) return rfc3339;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

// Linear ticks at 1-2-2.5-5 steps from 0 to `maximum`, about `count` of them.
export function niceTicks(maximum, count) {
  if (maximum <= 0) return [0];
  const rough = maximum / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough) ?? 10 * power;
  const ticks = [];
  for (let value = 0; value <= maximum + step * 1e-9; value += step) ticks.push(Number(value.toPrecision(12)));
  return ticks;
}

// Ticks of a log axis over [10^low, 10^high]: every 1…9 × 10^k as a grid line, labels on whole
// decades (thinned to at most `most`) and, until there are at least three labels, on 2× and 5×,
// then on every multiple.
export function logTicks(low, high, most = 8) {
  const lowValue = 10 ** low * (1 - 1e-9);
  const highValue = 10 ** high * (1 + 1e-9);
  const all = [];
  for (let decade = Math.floor(low); decade <= Math.ceil(high); decade++) {
    for (let multiple = 1; multiple <= 9; multiple++) {
      const value = multiple * 10 ** decade;
      if (value >= lowValue && value <= highValue) all.push({ value, decade, multiple, label: false });
    }
  }
  const decades = all.filter((tick) => tick.multiple === 1);
  const step = Math.max(1, Math.ceil(decades.length / most));
  decades.forEach((tick, index) => { tick.label = (tick.decade % step + step) % step === 0 || index === 0 && decades.length < 3; });
  for (const multiples of [[1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    if (all.filter((tick) => tick.label).length >= 3) break;
    for (const tick of all) if (multiples.includes(tick.multiple)) tick.label = true;
  }
  return all;
}
