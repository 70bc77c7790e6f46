import { useEffect, useState } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** The parts of a risk report (risk/report.ts `buildReport`, written by `npm run risk`) this page shows. */
interface RiskReport {
  network: string;
  block: string;
  timestamp: string;
  config: { paths: number; hours: number; seed: number };
  portfolio: { positions: number; collateralUsd: number; debtUsd: number; collateralization: { ratio: number } };
  badDebt: { meanUsd: number; percentilesUsd: Record<string, number>; probabilityAboveLimit: number };
  treasury: { probabilitySurplusCovers: number; meanPenaltiesUsd: number; meanKeeperPayUsd: number };
  liquidations: { meanPerPath: number; pathsWhereCapsBound: number; peakInAuctionUsd: number; globalCapUsd: number };
  backing: { p1: number[]; p5: number[]; p50: number[] };
  positionsAtRisk: {
    id: string;
    synth: string;
    basket: string;
    debtUsd: number;
    collateralUsd: number;
    /** null when the position has no debt (infinite health). */
    healthRatio: number | null;
    liquidatedShare: number;
  }[];
}

const usd = (x: number): string => `$${x.toLocaleString("en-US", { maximumFractionDigits: 2 })}`;
const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

export function RiskPage() {
  const [state, setState] = useState<{ file?: string; report?: RiskReport; error?: string; none?: boolean }>({});
  useEffect(() => {
    void (async () => {
      try {
        const list = (await (await fetch("./reports/index.json", { cache: "no-store" })).json()) as { file: string }[];
        const latest = list[0];
        if (latest === undefined) return setState({ none: true });
        const report = (await (await fetch(`./reports/${latest.file}`, { cache: "no-store" })).json()) as RiskReport;
        setState({ file: latest.file, report });
      } catch (e) {
        setState({ error: e instanceof Error ? e.message : String(e) });
      }
    })();
  }, []);
  if (state.error !== undefined) return <p className="error">{state.error}</p>;
  if (state.none === true)
    return (
      <section data-testid="page-risk">
        <h1>Risk</h1>
        <p data-testid="risk-none">
          No risk report in reports/ yet: run `npm run risk -- --network &lt;name&gt;` and reload.
        </p>
      </section>
    );
  const r = state.report;
  if (r === undefined) return <p>Loading…</p>;
  const series = r.backing.p50.map((p50, hour) => ({
    hour,
    p50: p50 * 100,
    p5: (r.backing.p5[hour] ?? 0) * 100,
    p1: (r.backing.p1[hour] ?? 0) * 100,
  }));
  return (
    <section data-testid="page-risk">
      <h1>Risk — latest report</h1>
      <p className="muted" data-testid="risk-source">
        {state.file} · {r.network} · block {r.block} · {new Date(Number(r.timestamp) * 1000).toISOString()} ·{" "}
        {r.config.paths} paths × {r.config.hours} h (seed {r.config.seed})
      </p>
      <div className="cards">
        <div className="card">
          <div className="label">Positions</div>
          <div className="value">{r.portfolio.positions}</div>
        </div>
        <div className="card">
          <div className="label">Collateral</div>
          <div className="value">{usd(r.portfolio.collateralUsd)}</div>
        </div>
        <div className="card">
          <div className="label">Debt</div>
          <div className="value">{usd(r.portfolio.debtUsd)}</div>
        </div>
        <div className="card">
          <div className="label">Mean bad debt</div>
          <div className="value" data-testid="risk-mean-bad-debt">
            {usd(r.badDebt.meanUsd)}
          </div>
        </div>
        <div className="card">
          <div className="label">P(bad debt above limit)</div>
          <div className="value">{pct(r.badDebt.probabilityAboveLimit)}</div>
        </div>
        <div className="card">
          <div className="label">P(surplus covers)</div>
          <div className="value">{pct(r.treasury.probabilitySurplusCovers)}</div>
        </div>
      </div>
      <h2>Bad debt percentiles</h2>
      <table>
        <tbody>
          <tr>
            {Object.keys(r.badDebt.percentilesUsd).map((k) => (
              <th key={k}>{k}</th>
            ))}
          </tr>
          <tr>
            {Object.values(r.badDebt.percentilesUsd).map((v, i) => (
              <td key={i}>{usd(v)}</td>
            ))}
          </tr>
        </tbody>
      </table>
      <h2>Backing ratio over the horizon (percentiles across paths)</h2>
      <ResponsiveContainer width="100%" height={240}>
        <LineChart data={series}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="hour" unit="h" />
          <YAxis unit="%" domain={["auto", "auto"]} />
          <Tooltip />
          <Legend />
          <Line dataKey="p50" stroke="#2563eb" dot={false} isAnimationActive={false} />
          <Line dataKey="p5" stroke="#f59e0b" dot={false} isAnimationActive={false} />
          <Line dataKey="p1" stroke="#dc2626" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
      <h2>Liquidations</h2>
      <p>
        {r.liquidations.meanPerPath.toFixed(2)} per path on average; caps bound on{" "}
        {pct(r.liquidations.pathsWhereCapsBound)} of paths; peak in auction {usd(r.liquidations.peakInAuctionUsd)}{" "}
        against a global cap of {usd(r.liquidations.globalCapUsd)}.
      </p>
      <h2>Positions at risk</h2>
      <table data-testid="risk-positions">
        <thead>
          <tr>
            <th>position</th>
            <th>synthetic</th>
            <th>basket</th>
            <th>collateral</th>
            <th>debt</th>
            <th>health</th>
            <th>paths liquidated</th>
          </tr>
        </thead>
        <tbody>
          {r.positionsAtRisk.map((p) => (
            <tr key={p.id}>
              <td>
                <a href={`#/position/${p.id}`}>#{p.id}</a>
              </td>
              <td>{p.synth}</td>
              <td>{p.basket}</td>
              <td>{usd(p.collateralUsd)}</td>
              <td>{usd(p.debtUsd)}</td>
              <td>{p.healthRatio === null ? "∞" : p.healthRatio.toFixed(4)}</td>
              <td>{pct(p.liquidatedShare)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
