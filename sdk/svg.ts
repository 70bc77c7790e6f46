/**
 * A small SVG writer for the risk report's pictures (no dependencies): a histogram and a line chart with axes,
 * ticks, a title and a legend. Output is plain SVG 1.1 text any browser opens.
 *
 * Nothing is drawn over the data: a line chart's legend sits under the plot (`<g class="legend">`, the picture grows
 * to make room), a histogram's note between the title and the plot. A series breaks where it has no value (NaN): the
 * line is not carried across a gap, and a lone value is drawn as a dot.
 */
import { formatCompact } from "./format.js";

const W = 760;
const H = 420;
const M = { left: 70, right: 20, top: 40, bottom: 50 };
const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function frame(title: string, xLabel: string, yLabel: string, x: [number, number], y: [number, number]): string[] {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const sx = (v: number): number => M.left + ((v - x[0]) / (x[1] - x[0] || 1)) * pw;
  const sy = (v: number): number => M.top + ph - ((v - y[0]) / (y[1] - y[0] || 1)) * ph;
  const out = [
    `<rect x="0" y="0" width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<line x1="${M.left}" y1="${M.top + ph}" x2="${M.left + pw}" y2="${M.top + ph}" stroke="black"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + ph}" stroke="black"/>`,
    `<text x="${M.left + pw / 2}" y="${H - 10}" text-anchor="middle" font-size="12">${esc(xLabel)}</text>`,
    `<text x="16" y="${M.top + ph / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 16 ${M.top + ph / 2})">${esc(yLabel)}</text>`,
  ];
  for (const t of ticks(x[0], x[1])) {
    out.push(
      `<line x1="${sx(t).toFixed(1)}" y1="${M.top + ph}" x2="${sx(t).toFixed(1)}" y2="${M.top + ph + 5}" stroke="black"/>`,
    );
    out.push(
      `<text x="${sx(t).toFixed(1)}" y="${M.top + ph + 18}" text-anchor="middle" font-size="11">${formatCompact(t)}</text>`,
    );
  }
  for (const t of ticks(y[0], y[1])) {
    out.push(
      `<line x1="${M.left - 5}" y1="${sy(t).toFixed(1)}" x2="${M.left + pw}" y2="${sy(t).toFixed(1)}" stroke="#ddd"/>`,
    );
    out.push(
      `<text x="${M.left - 8}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end" font-size="11">${formatCompact(t)}</text>`,
    );
  }
  return out;
}

const wrap = (body: string[], height = H): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" ` +
  `viewBox="0 0 ${W} ${height}" font-family="sans-serif">\n${body.join("\n")}\n</svg>\n`;

/** The plot area of every chart, in SVG units: data is drawn only inside it. */
export const PLOT = { x: M.left, y: M.top, width: W - M.left - M.right, height: H - M.top - M.bottom };

/** Histogram of `values` in `bins` equal bins; `note` is printed in the top right corner. */
export function histogram(
  values: number[],
  opts: { title: string; xLabel: string; bins?: number; note?: string },
): string {
  const bins = opts.bins ?? 30;
  const lo = Math.min(0, ...values);
  const hi = Math.max(lo + 1, ...values);
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]! += 1;
  const top = Math.max(1, ...counts) * 1.05;
  const body = frame(opts.title, opts.xLabel, "paths", [lo, hi], [0, top]);
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  counts.forEach((c, i) => {
    const x = M.left + (i / bins) * pw;
    const h = (c / top) * ph;
    body.push(
      `<rect x="${x.toFixed(1)}" y="${(M.top + ph - h).toFixed(1)}" width="${(pw / bins - 1).toFixed(1)}" ` +
        `height="${h.toFixed(1)}" fill="${PALETTE[0]}"><title>${formatCompact(lo + i * width)}–${formatCompact(lo + (i + 1) * width)}: ${c}</title></rect>`,
    );
  });
  if (opts.note !== undefined) {
    // between the title and the plot: never over a bar
    body.push(`<text x="${W - M.right}" y="${M.top - 6}" text-anchor="end" font-size="12">${esc(opts.note)}</text>`);
  }
  return wrap(body);
}

/** One line of a line chart. */
export interface Series {
  name?: string;
  ys: ArrayLike<number>;
  color?: string;
  dashed?: boolean;
  opacity?: number;
}

/** Line chart of `series` over x = 0, 1, 2, … (hours). */
export function lineChart(
  series: Series[],
  opts: { title: string; xLabel: string; yLabel: string; yMin?: number },
): string {
  let yLo = Infinity;
  let yHi = -Infinity;
  let xHi = 1;
  for (const s of series) {
    xHi = Math.max(xHi, s.ys.length - 1);
    for (let i = 0; i < s.ys.length; i++) {
      const v = s.ys[i] ?? 0;
      if (Number.isFinite(v)) {
        yLo = Math.min(yLo, v);
        yHi = Math.max(yHi, v);
      }
    }
  }
  if (!Number.isFinite(yLo)) [yLo, yHi] = [0, 1];
  if (opts.yMin !== undefined) yLo = Math.min(yLo, opts.yMin);
  if (yHi - yLo < 1e-9) yHi = yLo + 1;
  const pad = (yHi - yLo) * 0.05;
  const y: [number, number] = [yLo - pad, yHi + pad];
  const body = frame(opts.title, opts.xLabel, opts.yLabel, [0, xHi], y);
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const named = series.filter((s) => s.name !== undefined);
  // the legend: two columns under the x-axis label, outside the plot
  const columns = 2;
  const rows = Math.ceil(named.length / columns);
  const legendTop = H + 2;
  const height = named.length === 0 ? H : legendTop + rows * 16 + 8;
  const legend: string[] = [];
  const sx = (i: number): number => M.left + (i / xHi) * pw;
  const sy = (v: number): number => M.top + ph - ((v - y[0]) / (y[1] - y[0])) * ph;
  let entry = 0;
  series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length] ?? "black";
    const dash = s.dashed === true ? ' stroke-dasharray="6 4"' : "";
    // one polyline per run of finite values; a run of one value is a dot
    let run: string[] = [];
    const flush = (): void => {
      if (run.length === 1) {
        const [cx, cy] = (run[0] ?? "0,0").split(",");
        body.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="${color}" fill-opacity="${s.opacity ?? 1}"/>`);
      } else if (run.length > 1) {
        body.push(
          `<polyline fill="none" stroke="${color}" stroke-width="1.5" stroke-opacity="${s.opacity ?? 1}"${dash} ` +
            `points="${run.join(" ")}"/>`,
        );
      }
      run = [];
    };
    for (let i = 0; i < s.ys.length; i++) {
      const v = s.ys[i] ?? NaN;
      if (!Number.isFinite(v)) {
        flush();
        continue;
      }
      run.push(`${sx(i).toFixed(1)},${sy(v).toFixed(1)}`);
    }
    flush();
    if (s.name !== undefined) {
      const col = entry % columns;
      const row = Math.floor(entry / columns);
      const lx = M.left + col * (pw / columns);
      const ly = legendTop + 12 + row * 16;
      legend.push(
        `<line x1="${lx}" y1="${ly - 4}" x2="${lx + 22}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${dash}/>`,
      );
      legend.push(`<text x="${lx + 28}" y="${ly}" font-size="11">${esc(s.name)}</text>`);
      entry++;
    }
  });
  if (legend.length > 0) body.push(`<g class="legend">`, ...legend, `</g>`);
  return wrap(body, height);
}
