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
import { type Chainish, readBacking, readSystem, symbolOf, decimalsOf } from "../data/chain";
import { useApp, useAtBlock } from "../state";
import { IndexerHistory } from "./IndexerHistory";
import { formatBps, formatUnits, formatUsd, formatWad, toChartNumber } from "../format";

const MAX_BPS = 2n ** 255n;

/** Backing ratio samples: up to 24 blocks from the deployment to now (historical reads), then every new block. */
function useBackingSeries(ch: Chainish, block: bigint | null): { block: number; backing: number }[] {
  const [series, setSeries] = useState<Map<bigint, bigint>>(new Map());
  const [seeded, setSeeded] = useState(false);
  useEffect(() => {
    if (block === null || seeded) return;
    setSeeded(true);
    const from = BigInt(ch.config.startBlock);
    const span = block - from;
    const step = span > 24n ? span / 24n : 1n;
    const blocks: bigint[] = [];
    for (let b = from; b <= block; b += step) blocks.push(b);
    void Promise.all(blocks.map(async (b) => [b, await readBacking(ch, b)] as const)).then((got) =>
      setSeries((m) => {
        const next = new Map(m);
        for (const [b, v] of got) if (v !== null && v < MAX_BPS) next.set(b, v);
        return next;
      }),
    );
  }, [ch, block, seeded]);
  useEffect(() => {
    if (block === null) return;
    void readBacking(ch, block).then((v) => {
      if (v !== null && v < MAX_BPS) setSeries((m) => new Map(m).set(block, v));
    });
  }, [ch, block]);
  return [...series.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([b, v]) => ({ block: Number(b), backing: toChartNumber(v, 2) }));
}

export function SystemPage() {
  const { ch, block } = useApp();
  const s = useAtBlock((b) => readSystem(ch, b), "system");
  const backing = useBackingSeries(ch, block);
  if (s.data === undefined) return <p>{s.error ?? "Loading…"}</p>;
  const d = s.data;
  return (
    <section data-testid="page-system" data-block={s.at?.toString()}>
      <h1>System</h1>
      {s.error !== undefined && <p className="error">{s.error}</p>}
      <div className="cards">
        <Card
          label="Backing ratio"
          testid="backing"
          value={d.system.backingBps >= MAX_BPS ? "∞" : formatBps(d.system.backingBps)}
          raw={d.system.backingBps}
        />
        <Card
          label="Collateral value"
          testid="collateral-value"
          value={formatUsd(d.system.collateralValue)}
          raw={d.system.collateralValue}
        />
        <Card
          label="Liabilities"
          testid="liability-value"
          value={formatUsd(d.system.liabilityValue)}
          raw={d.system.liabilityValue}
        />
        <Card label="Complete" testid="complete" value={d.system.complete ? "yes" : "no (a price is missing)"} />
      </div>

      <h2>Backing ratio over time</h2>
      {backing.length < 2 ? (
        <p className="muted">Collecting samples (the node must serve historical state for the past).</p>
      ) : (
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={backing} margin={{ left: 10, right: 20 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="block" type="number" domain={["dataMin", "dataMax"]} />
            <YAxis unit="%" domain={["auto", "auto"]} />
            <Tooltip />
            <Line
              type="stepAfter"
              dataKey="backing"
              name="backing %"
              stroke="#2563eb"
              dot={false}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      )}

      <h2>Treasury</h2>
      <table data-testid="treasury">
        <thead>
          <tr>
            <th>synthetic</th>
            <th>surplus</th>
            <th>deficit</th>
            <th>penalties in</th>
            <th>keeper pay out</th>
            <th>bad debt</th>
            <th>absorbed</th>
          </tr>
        </thead>
        <tbody>
          {d.treasury.map((t) => (
            <tr key={t.synthId} data-testid={`treasury-${t.symbol}`}>
              <td>{t.symbol}</td>
              <td data-testid={`treasury-${t.symbol}-surplus`} data-wad={t.surplus.toString()}>
                {formatWad(t.surplus, 4)}
              </td>
              <td data-testid={`treasury-${t.symbol}-deficit`} data-wad={t.deficit.toString()}>
                {formatWad(t.deficit, 4)}
              </td>
              <td data-testid={`treasury-${t.symbol}-penalties`} data-wad={t.penalties.toString()}>
                {formatWad(t.penalties, 4)}
              </td>
              <td data-testid={`treasury-${t.symbol}-keeperPay`} data-wad={t.keeperPay.toString()}>
                {formatWad(t.keeperPay, 4)}
              </td>
              <td data-testid={`treasury-${t.symbol}-badDebt`} data-wad={t.badDebt.toString()}>
                {formatWad(t.badDebt, 4)}
              </td>
              <td>{formatWad(t.absorbed, 4)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Reserves per asset (proof of reserves)</h2>
      <table data-testid="reserves">
        <thead>
          <tr>
            <th>asset</th>
            <th>held</th>
            <th>credited</th>
            <th>in auctions</th>
            <th>in modules</th>
            <th>exposure</th>
            <th>price</th>
            <th>value</th>
            <th>proof of reserve</th>
            <th>token supply</th>
          </tr>
        </thead>
        <tbody>
          {d.assets.map((a) => {
            const dec = decimalsOf(ch, a.asset);
            const sym = symbolOf(ch, a.asset);
            return (
              <tr key={a.asset} data-testid={`reserve-${sym}`}>
                <td>{sym}</td>
                <td>{formatUnits(a.held, dec, 4)}</td>
                <td>{formatUnits(a.credited, dec, 4)}</td>
                <td>{formatUnits(a.inAuctions, dec, 4)}</td>
                <td>{formatUnits(a.inModules, dec, 4)}</td>
                <td>{formatUnits(a.exposure, dec, 4)}</td>
                <td>{a.priced ? formatUsd(a.price) : "unavailable"}</td>
                <td>{formatUsd(a.value)}</td>
                <td>
                  {a.hasProof
                    ? `${formatUnits(a.proven, dec, 4)} ${a.proven >= a.tokenSupply ? "≥ supply ✓" : "< supply ✗"}`
                    : "no feed"}
                </td>
                <td>{formatUnits(a.tokenSupply, dec, 4)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <h2>Debt per synthetic</h2>
      <div className="split">
        <table data-testid="synthetics">
          <thead>
            <tr>
              <th>synthetic</th>
              <th>supply</th>
              <th>position debt</th>
              <th>in auction</th>
              <th>bad debt</th>
              <th>module debt</th>
              <th>price</th>
              <th>liabilities</th>
            </tr>
          </thead>
          <tbody>
            {d.synthetics.map((x) => {
              const sym = symbolOf(ch, x.token);
              return (
                <tr key={x.synthId.toString()} data-testid={`synthetic-${sym}`}>
                  <td>{sym}</td>
                  <td>{formatWad(x.supply, 4)}</td>
                  <td data-testid={`synthetic-${sym}-positionDebt`} data-wad={x.positionDebt.toString()}>
                    {formatWad(x.positionDebt, 4)}
                  </td>
                  <td data-testid={`synthetic-${sym}-auctionDebt`} data-wad={x.auctionDebt.toString()}>
                    {formatWad(x.auctionDebt, 4)}
                  </td>
                  <td>{formatWad(x.badDebt, 4)}</td>
                  <td>{formatWad(x.moduleDebt, 4)}</td>
                  <td>{formatUsd(x.price)}</td>
                  <td>{formatUsd(x.liabilityValue)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <ResponsiveContainer width="100%" height={220}>
          <BarChart
            data={d.synthetics.map((x) => ({
              name: symbolOf(ch, x.token),
              positions: toChartNumber(x.positionDebt, 18),
              auctions: toChartNumber(x.auctionDebt, 18),
              modules: toChartNumber(x.moduleDebt, 18),
              bad: toChartNumber(x.badDebt, 18),
            }))}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="name" />
            <YAxis scale="log" domain={[1, "auto"]} allowDataOverflow />
            <Tooltip />
            <Legend />
            <Bar dataKey="positions" stackId="d" fill="#2563eb" isAnimationActive={false} />
            <Bar dataKey="auctions" stackId="d" fill="#f59e0b" isAnimationActive={false} />
            <Bar dataKey="modules" stackId="d" fill="#10b981" isAnimationActive={false} />
            <Bar dataKey="bad" stackId="d" fill="#dc2626" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>

      <h2>Auction caps in use</h2>
      <div className="split">
        <table data-testid="caps">
          <thead>
            <tr>
              <th>cap</th>
              <th>in use (USD)</th>
              <th>cap (USD)</th>
              <th>share</th>
            </tr>
          </thead>
          <tbody>
            {d.caps.map((c) => (
              <tr key={c.label} data-testid={`cap-${c.label}`}>
                <td>{c.label}</td>
                <td data-wad={c.inUse.toString()}>{formatUsd(c.inUse)}</td>
                <td>{formatUsd(c.cap, 0)}</td>
                <td>{c.cap === 0n ? "-" : formatBps((c.inUse * 10_000n) / c.cap)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <ResponsiveContainer width="100%" height={220}>
          <BarChart
            data={d.caps
              .filter((c) => c.cap > 0n)
              .map((c) => ({ name: c.label, used: toChartNumber((c.inUse * 10_000n) / c.cap, 2) }))}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="name" />
            <YAxis unit="%" domain={[0, 100]} />
            <Tooltip />
            <Bar dataKey="used" name="cap in use %" fill="#f59e0b" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <IndexerHistory />
    </section>
  );
}

export function Card({ label, value, testid, raw }: { label: string; value: string; testid: string; raw?: bigint }) {
  return (
    <div className="card">
      <div className="label">{label}</div>
      <div className="value" data-testid={testid} data-wad={raw?.toString()}>
        {value}
      </div>
    </div>
  );
}
