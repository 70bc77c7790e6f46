import {
  Area,
  AreaChart,
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
import {
  NO_INDEXER_SYSTEM,
  type Indexer,
  type LiquidationDay,
  type SynthPoint,
  type TreasuryMovement,
  indexer,
  useIndexed,
} from "../data/indexer";
import { decimalsOf, symbolOf } from "../data/chain";
import { useApp } from "../state";
import { formatTime, formatUnits, formatWad, toChartNumber } from "../format";

const COLORS = ["#2563eb", "#f59e0b", "#10b981", "#dc2626", "#7c3aed", "#0891b2"];

/** The running totals the Treasury table and chart show, in this order. */
const TOTALS = [
  ["surplus", "surplus", "#10b981"],
  ["deficit", "deficit", "#dc2626"],
  ["penalties", "penalties in", "#2563eb"],
  ["keeperPay", "keeper pay out", "#f59e0b"],
  ["badDebt", "bad debt", "#7c3aed"],
  ["absorbed", "absorbed", "#0891b2"],
] as const;

/** The debt series' components: positions (total normalized debt × index), auctions, modules, bad debt. */
const SERIES = [
  ["totalDebt", "positions"],
  ["auctionDebt", "auctions"],
  ["moduleDebt", "modules"],
  ["badDebt", "bad debt"],
] as const;

/**
 * A step chart's points (x: block, with the block's time for the tooltip), the last one repeated at the last indexed
 * block: the totals after the last event hold until now.
 */
function untilIndexed<T extends { block: bigint; timestamp: bigint }>(
  points: T[],
  indexed: bigint | undefined,
): { point: T; block: number; time: string }[] {
  const out = points.map((point) => ({ point, block: Number(point.block), time: formatTime(point.timestamp) }));
  const last = points.at(-1);
  if (last !== undefined && indexed !== undefined && indexed > last.block) {
    out.push({ point: last, block: Number(indexed), time: "the last indexed block" });
  }
  return out;
}

interface SynthHistory {
  synthId: number;
  symbol: string;
  movements: TreasuryMovement[];
  series: SynthPoint[];
}

interface History {
  daily: LiquidationDay[];
  synths: SynthHistory[];
}

/** A chart's tooltip title: the block and its time (UTC), from the point's payload. */
const blockLabel = (block: unknown, payload: readonly { payload?: { time?: string } }[]): string =>
  `block ${String(block)} · ${payload[0]?.payload?.time ?? ""}`;

/**
 * The System page's figures over time that only the indexer keeps: liquidations per asset per day
 * (`/liquidations/daily`), the Treasury's running totals over time (`/treasury/history`) and the debt per synthetic
 * over time (`/synthetics/:id/series`). Re-read whenever the indexer's last block moves.
 */
export function IndexerHistory() {
  const { ch } = useApp();
  const ix = indexer(ch.config);
  const synths = [...ch.synths.entries()].sort((a, b) => a[0] - b[0]);
  const read = async (api: Indexer): Promise<History> => {
    const [daily, per] = await Promise.all([
      api.liquidationsDaily(),
      Promise.all(
        synths.map(async ([synthId, s]): Promise<SynthHistory> => ({
          synthId,
          symbol: s.symbol,
          movements: await api.treasuryHistory(synthId),
          series: await api.synthSeries(synthId),
        })),
      ),
    ]);
    return { daily, synths: per };
  };
  const h = useIndexed(ch.config, read, "system-history");
  if (ix === null) {
    return (
      <>
        <h2>Liquidations per day, Treasury totals and debt over time</h2>
        <p className="muted" data-testid="indexer-unavailable">
          {NO_INDEXER_SYSTEM}
        </p>
      </>
    );
  }
  if (h.data === undefined) {
    return (
      <div data-testid="indexer-history">
        {h.error !== undefined ? <p className="error">indexer: {h.error}</p> : <p>Loading from the indexer…</p>}
      </div>
    );
  }
  const { daily, synths: perSynth } = h.data;
  return (
    <div data-testid="indexer-history" data-block={h.block?.toString()}>
      <p className="muted">
        From the indexer at {ix.url}, indexed to block {h.block?.toString()}.
      </p>
      {h.error !== undefined && <p className="error">indexer: {h.error}</p>}
      <Daily daily={daily} />
      <TreasuryHistory synths={perSynth} indexed={h.block} />
      <DebtSeries synths={perSynth} indexed={h.block} />
    </div>
  );
}

function Daily({ daily }: { daily: LiquidationDay[] }) {
  const { ch } = useApp();
  const assets = [...new Set(daily.map((d) => d.asset))];
  const byDay = [...new Set(daily.map((d) => d.day))].sort().map((day) => {
    const row: Record<string, string | number> = { day };
    for (const d of daily.filter((x) => x.day === day)) row[symbolOf(ch, d.asset)] = d.liquidations;
    return row;
  });
  return (
    <>
      <h2>Liquidations per asset per day</h2>
      {daily.length === 0 ? (
        <p className="muted" data-testid="liquidations-daily-none">
          No liquidation yet.
        </p>
      ) : (
        <div className="split">
          <table data-testid="liquidations-daily">
            <thead>
              <tr>
                <th>day (UTC)</th>
                <th>asset</th>
                <th>liquidations</th>
                <th>auctions</th>
                <th>lot</th>
                <th>debt into auction</th>
              </tr>
            </thead>
            <tbody>
              {daily.map((d) => {
                const sym = symbolOf(ch, d.asset);
                const id = `liq-${d.day}-${sym}`;
                return (
                  <tr key={`${d.day}-${d.asset}`} data-testid={id} data-day={d.day} data-asset={d.asset}>
                    <td>{d.day}</td>
                    <td>{sym}</td>
                    <td data-testid={`${id}-liquidations`} data-raw={d.liquidations}>
                      {d.liquidations}
                    </td>
                    <td data-testid={`${id}-auctions`} data-raw={d.auctions}>
                      {d.auctions}
                    </td>
                    <td data-testid={`${id}-lot`} data-raw={d.lot.toString()}>
                      {formatUnits(d.lot, decimalsOf(ch, d.asset), 4)} {sym}
                    </td>
                    <td data-testid={`${id}-debt`} data-wad={d.debt.toString()}>
                      {formatWad(d.debt, 4)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div data-testid="liquidations-daily-chart">
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={byDay}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="day" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Legend />
                {assets.map((a, i) => (
                  <Bar
                    key={a}
                    dataKey={symbolOf(ch, a)}
                    name={`${symbolOf(ch, a)} liquidations`}
                    stackId="l"
                    fill={COLORS[i % COLORS.length]}
                    isAnimationActive={false}
                  />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </div>
        </div>
      )}
    </>
  );
}

function TreasuryHistory({ synths, indexed }: { synths: SynthHistory[]; indexed: bigint | undefined }) {
  const withMoves = synths.filter((s) => s.movements.length > 0);
  return (
    <>
      <h2>Treasury running totals over time</h2>
      <table data-testid="indexer-treasury">
        <thead>
          <tr>
            <th>synthetic</th>
            <th>after</th>
            {TOTALS.map(([k, label]) => (
              <th key={k}>{label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {synths.map((s) => {
            const last = s.movements.at(-1);
            return (
              <tr
                key={s.synthId}
                data-testid={`indexer-treasury-${s.symbol}`}
                data-block={last?.block.toString() ?? ""}
                data-movements={s.movements.length}
              >
                <td>{s.symbol}</td>
                <td>
                  {last === undefined
                    ? "no movement"
                    : `${last.kind} · block ${last.block.toString()} · ${formatTime(last.timestamp)}`}
                </td>
                {TOTALS.map(([k]) => (
                  <td
                    key={k}
                    data-testid={`indexer-treasury-${s.symbol}-${k}`}
                    data-wad={last === undefined ? "0" : last[k].toString()}
                  >
                    {formatWad(last === undefined ? 0n : last[k], 4)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      {withMoves.map((s) => (
        <div key={s.synthId} data-testid={`indexer-treasury-chart-${s.symbol}`} data-points={s.movements.length}>
          <h3>{s.symbol}</h3>
          <ResponsiveContainer width="100%" height={200}>
            <LineChart
              data={untilIndexed(s.movements, indexed).map(({ point: m, block, time }) => ({
                block,
                time,
                ...Object.fromEntries(TOTALS.map(([k]) => [k, toChartNumber(m[k], 18)])),
              }))}
            >
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="block" type="number" domain={["dataMin", "dataMax"]} />
              <YAxis />
              <Tooltip labelFormatter={blockLabel} />
              <Legend />
              {TOTALS.map(([k, label, color]) => (
                <Line
                  key={k}
                  type="stepAfter"
                  dataKey={k}
                  name={label}
                  stroke={color}
                  dot={false}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      ))}
    </>
  );
}

function DebtSeries({ synths, indexed }: { synths: SynthHistory[]; indexed: bigint | undefined }) {
  return (
    <>
      <h2>Debt per synthetic over time</h2>
      {synths.map((s) => {
        const last = s.series.at(-1);
        return (
          <div
            key={s.synthId}
            data-testid={`debt-series-${s.symbol}`}
            data-points={s.series.length}
            data-block={last?.block.toString() ?? ""}
          >
            <h3>
              {s.symbol}
              {last !== undefined && (
                <span className="muted">
                  {" "}
                  after block {last.block.toString()} ({last.cause}):
                  {SERIES.map(([k, label]) => (
                    <span key={k} data-testid={`debt-series-${s.symbol}-${k}`} data-wad={last[k].toString()}>
                      {" "}
                      {label} {formatWad(last[k], 2)}
                    </span>
                  ))}
                </span>
              )}
            </h3>
            {s.series.length === 0 ? (
              <p className="muted">No debt yet.</p>
            ) : (
              <ResponsiveContainer width="100%" height={200}>
                <AreaChart
                  data={untilIndexed(s.series, indexed).map(({ point: p, block, time }) => ({
                    block,
                    time,
                    positions: toChartNumber(p.totalDebt, 18),
                    auctions: toChartNumber(p.auctionDebt, 18),
                    modules: toChartNumber(p.moduleDebt, 18),
                    bad: toChartNumber(p.badDebt, 18),
                  }))}
                >
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="block" type="number" domain={["dataMin", "dataMax"]} />
                  <YAxis />
                  <Tooltip labelFormatter={blockLabel} />
                  <Legend />
                  <Area
                    type="stepAfter"
                    dataKey="positions"
                    stackId="d"
                    stroke="#2563eb"
                    fill="#2563eb"
                    isAnimationActive={false}
                  />
                  <Area
                    type="stepAfter"
                    dataKey="auctions"
                    stackId="d"
                    stroke="#f59e0b"
                    fill="#f59e0b"
                    isAnimationActive={false}
                  />
                  <Area
                    type="stepAfter"
                    dataKey="modules"
                    stackId="d"
                    stroke="#10b981"
                    fill="#10b981"
                    isAnimationActive={false}
                  />
                  <Area
                    type="stepAfter"
                    dataKey="bad"
                    stackId="d"
                    stroke="#dc2626"
                    fill="#dc2626"
                    isAnimationActive={false}
                  />
                </AreaChart>
              </ResponsiveContainer>
            )}
          </div>
        );
      })}
    </>
  );
}
