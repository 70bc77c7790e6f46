import { useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { type AuctionRow, readAuctions } from "../data/chain";
import { explain, take } from "../data/actions";
import { useApp, useAtBlock } from "../state";
import { WAD, formatUnits, formatWad, parseUnits, toChartNumber } from "../format";

export function AuctionsPage() {
  const { ch } = useApp();
  const s = useAtBlock((b) => readAuctions(ch, b), "auctions");
  const rows = s.data ?? [];
  return (
    <section data-testid="page-auctions" data-block={s.at?.toString()}>
      <h1>Live auctions</h1>
      {s.error !== undefined && <p className="error">{s.error}</p>}
      {s.data === undefined ? (
        <p>Loading…</p>
      ) : rows.length === 0 ? (
        <p data-testid="no-auctions">No live auction.</p>
      ) : (
        <>
          <table data-testid="auctions">
            <thead>
              <tr>
                <th>auction</th>
                <th>position</th>
                <th>lot</th>
                <th>tab</th>
                <th>price</th>
                <th>oracle</th>
                <th>of oracle</th>
                <th>floor</th>
                <th>state</th>
                <th>take</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => {
                const sym = ch.synths.get(a.synthId)?.symbol ?? "";
                return (
                  <tr key={a.id.toString()} data-testid={`auction-${a.id}`}>
                    <td>#{a.id.toString()}</td>
                    <td>
                      <a href={`#/position/${a.positionId}`}>#{a.positionId.toString()}</a>
                    </td>
                    <td data-testid={`auction-${a.id}-lot`} data-raw={a.lot.toString()}>
                      {formatUnits(a.lot, a.decimals, 4)} {a.symbol}
                    </td>
                    <td data-testid={`auction-${a.id}-tab`} data-wad={a.tab.toString()}>
                      {formatWad(a.tab, 4)} {sym}
                    </td>
                    <td data-testid={`auction-${a.id}-price`} data-wad={a.price.toString()}>
                      {formatWad(a.price, 4)} {sym}
                    </td>
                    <td data-testid={`auction-${a.id}-oracle`} data-wad={a.oracle.toString()}>
                      {formatWad(a.oracle, 4)} {sym}
                    </td>
                    <td data-testid={`auction-${a.id}-ratio`}>
                      {a.oracle === 0n ? "-" : `${formatWad((a.price * 100n * WAD) / a.oracle, 2)}%`}
                    </td>
                    <td>{formatWad(a.floor, 4)}</td>
                    <td>{a.needsReset ? "needs reset" : "live"}</td>
                    <td>
                      <Take a={a} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <h2>Price against the oracle</h2>
          <ResponsiveContainer width="100%" height={240}>
            <BarChart
              data={rows.map((a) => ({
                name: `#${a.id} ${a.symbol}`,
                "auction price %": a.oracle === 0n ? 0 : toChartNumber((a.price * 10_000n) / a.oracle, 2),
                "oracle %": 100,
              }))}
            >
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="name" />
              <YAxis unit="%" />
              <Tooltip />
              <Legend />
              <Bar dataKey="auction price %" fill="#f59e0b" isAnimationActive={false} />
              <Bar dataKey="oracle %" fill="#94a3b8" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </>
      )}
    </section>
  );
}

/** Buys collateral from one auction at no more than 1% over the price shown, paying in its synthetic. */
function Take({ a }: { a: AuctionRow }) {
  const { ch, signer, refresh } = useApp();
  const [amount, setAmount] = useState("");
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);
  if (signer === null) return <span className="muted">choose an account</span>;
  const synth = ch.synths.get(a.synthId);
  const go = async (): Promise<void> => {
    if (synth === undefined) return;
    setBusy(true);
    setStatus("sending…");
    try {
      const collateral = parseUnits(amount, a.decimals);
      const maxPrice = (a.price * 101n) / 100n;
      const budget = (collateral * maxPrice) / 10n ** BigInt(a.decimals) + 1n;
      await take(ch, signer, a.id, synth.token, collateral, maxPrice, budget);
      setStatus("taken");
      refresh();
    } catch (e) {
      setStatus(`failed: ${explain(e)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span>
      <input
        data-testid={`take-${a.id}-amount`}
        size={8}
        placeholder={a.symbol}
        value={amount}
        onChange={(e) => setAmount(e.target.value)}
      />
      <button data-testid={`take-${a.id}-submit`} disabled={busy} onClick={() => void go()}>
        take
      </button>
      <span data-testid={`take-${a.id}-status`}>{status}</span>
    </span>
  );
}
