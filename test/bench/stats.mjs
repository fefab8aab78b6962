// Small helpers shared by the benchmark parts: median/min/max, formatting, sleeping.

/** { n, median, min, max } of the numbers (undefined when there are none). */
export function stats(xs) {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return {
    n: s.length,
    median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2,
    min: s[0],
    max: s[s.length - 1],
  };
}

/** "median (min–max, n=N)" with `d` decimals and a unit. */
export function fmt(s, unit = '', d = 0) {
  if (!s) return '—';
  const f = (x) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  return s.n > 1 ? `${f(s.median)}${unit} (${f(s.min)}–${f(s.max)}, n=${s.n})` : `${f(s.median)}${unit} (n=1)`;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
