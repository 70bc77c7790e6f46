import { useEffect, useState } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { NO_INDEXER_SYSTEM, type LiquidationDay, type TreasuryTotal, indexer } from "../data/indexer";
import { useApp } from "../state";
import { toChartNumber } from "../format";

/** The System page's figures over time that only the indexer keeps: liquidations per asset per day, Treasury totals. */
export function IndexerHistory() {
  const { ch, block } = useApp();
  const ix = indexer(ch.config);
  const [days, setDays] = useState<LiquidationDay[] | undefined>();
  const [totals, setTotals] = useState<TreasuryTotal[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const url = ix?.url;
  useEffect(() => {
    if (url === undefined) return;
    const api = indexer(ch.config);
    if (api === null) return;
    Promise.all([api.liquidationsPerDay(), api.treasuryTotals()]).then(
      ([d, t]) => {
        setDays(d);
        setTotals(t);
        setError(undefined);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [ch, url, block]);
  if (ix === null) {
    return (
      <>
        <h2>Liquidations per day and Treasury totals</h2>
        <p className="muted" data-testid="indexer-unavailable">
          {NO_INDEXER_SYSTEM}
        </p>
      </>
    );
  }
  if (error !== undefined) return <p className="error">indexer: {error}</p>;
  if (days === undefined || totals === undefined) return <p>Loading from the indexer…</p>;
  const assets = [...new Set(days.map((d) => d.asset))];
  const byDay = [...new Set(days.map((d) => d.day))].sort().map((day) => {
    const row: Record<string, string | number> = { day };
    for (const d of days.filter((x) => x.day === day)) row[d.asset] = d.count;
    return row;
  });
  const colors = ["#2563eb", "#f59e0b", "#10b981", "#dc2626", "#7c3aed", "#0891b2"];
  return (
    <>
      <h2>Liquidations per asset per day (indexer)</h2>
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={byDay}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="day" />
          <YAxis allowDecimals={false} />
          <Tooltip />
          <Legend />
          {assets.map((a, i) => (
            <Bar key={a} dataKey={a} stackId="l" fill={colors[i % colors.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
      <h2>Treasury running totals (indexer)</h2>
      {[...new Set(totals.map((t) => t.synthId))].map((synthId) => (
        <div key={synthId}>
          <h3>{ch.synths.get(synthId)?.symbol ?? synthId}</h3>
          <ResponsiveContainer width="100%" height={200}>
            <LineChart
              data={totals
                .filter((t) => t.synthId === synthId)
                .map((t) => ({
                  block: t.block,
                  surplus: toChartNumber(BigInt(t.surplus), 18),
                  deficit: toChartNumber(BigInt(t.deficit), 18),
                  penalties: toChartNumber(BigInt(t.penalties), 18),
                  badDebt: toChartNumber(BigInt(t.badDebt), 18),
                }))}
            >
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="block" type="number" domain={["dataMin", "dataMax"]} />
              <YAxis />
              <Tooltip />
              <Legend />
              <Line dataKey="surplus" stroke="#10b981" dot={false} isAnimationActive={false} />
              <Line dataKey="deficit" stroke="#dc2626" dot={false} isAnimationActive={false} />
              <Line dataKey="penalties" stroke="#2563eb" dot={false} isAnimationActive={false} />
              <Line dataKey="badDebt" stroke="#7c3aed" dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </div>
      ))}
    </>
  );
}
