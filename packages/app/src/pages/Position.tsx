import { useState } from "react";
import type { Address } from "viem";
import { decimalsOf, readPosition, symbolOf } from "../data/chain";
import { close, deposit, explain, mint, repay, withdraw } from "../data/actions";
import { NO_INDEXER, indexer, useIndexed, type HistoryEntry } from "../data/indexer";
import { useApp, useAtBlock } from "../state";
import { WAD, formatHealth, formatTime, formatUnits, formatUsd, formatWad, parseUnits, short } from "../format";

export function PositionPage({ id }: { id: bigint }) {
  const { ch } = useApp();
  const s = useAtBlock((b) => readPosition(ch, id, b), `position-${id}`);
  if (s.data === undefined) return <p>{s.error ?? "Loading…"}</p>;
  if (s.data === null)
    return <p data-testid="position-missing">Position #{id.toString()} does not exist (or was closed).</p>;
  const p = s.data;
  const h = p.health;
  const sym = ch.synths.get(p.synthId)?.symbol ?? String(p.synthId);
  return (
    <section data-testid="page-position" data-block={s.at?.toString()} data-position={id.toString()}>
      <h1>Position #{id.toString()}</h1>
      {s.error !== undefined && <p className="error">{s.error}</p>}
      <p className="muted">
        owner {p.owner} · synthetic {sym}
      </p>
      <div className="cards">
        <div className="card">
          <div className="label">Health</div>
          <div
            className={`value ${h.health < WAD ? "bad" : h.health < (11n * WAD) / 10n ? "warn" : "ok"}`}
            data-testid="position-health"
            data-wad={h.health.toString()}
          >
            {formatHealth(h.health)}
          </div>
        </div>
        <div className="card">
          <div className="label">Collateral value</div>
          <div className="value" data-testid="position-collateral" data-wad={h.collateralValue.toString()}>
            {formatUsd(h.collateralValue)}
          </div>
        </div>
        <div className="card">
          <div className="label">Debt</div>
          <div className="value" data-testid="position-debt" data-wad={h.debt.toString()}>
            {formatWad(h.debt, 4)} {sym}
          </div>
        </div>
        <div className="card">
          <div className="label">Debt value</div>
          <div className="value">{formatUsd(h.debtValue)}</div>
        </div>
        <div className="card">
          <div className="label">Mint limit</div>
          <div className="value">{formatUsd(h.mintLimit)}</div>
        </div>
        <div className="card">
          <div className="label">Liquidation limit</div>
          <div className="value">{formatUsd(h.liquidationLimit)}</div>
        </div>
      </div>
      <h2>Basket</h2>
      <table data-testid="basket">
        <thead>
          <tr>
            <th>asset</th>
            <th>amount</th>
            <th>oracle price</th>
            <th>value</th>
            <th>liquidation threshold</th>
            <th>liquidation price</th>
          </tr>
        </thead>
        <tbody>
          {p.basket.map((b) => (
            <tr key={b.asset} data-testid={`basket-${b.symbol}`}>
              <td>{b.symbol}</td>
              <td data-testid={`basket-${b.symbol}-amount`} data-raw={b.amount.toString()}>
                {formatUnits(b.amount, b.decimals, 4)}
              </td>
              <td>{formatUsd(b.price)}</td>
              <td>{formatUsd((b.amount * b.price) / 10n ** BigInt(b.decimals))}</td>
              <td>{formatUnits(b.threshold, 2, 2)}%</td>
              <td data-testid={`basket-${b.symbol}-liqprice`} data-wad={b.liquidationPrice?.toString() ?? ""}>
                {b.liquidationPrice === null ? "none (the rest covers the debt)" : formatUsd(b.liquidationPrice)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        Liquidation price: the asset&apos;s price at which the health reaches 1, the other prices and the debt&apos;s
        value unchanged.
      </p>
      <Actions id={id} synth={sym} basket={p.basket.map((b) => b.symbol)} />
      <History id={id} synth={sym} />
    </section>
  );
}

type Kind = "deposit" | "withdraw" | "mint" | "repay" | "close";

function Actions({ id, synth, basket }: { id: bigint; synth: string; basket: string[] }) {
  const { ch, signer, refresh } = useApp();
  const assets = Object.keys(ch.config.assets);
  const [kind, setKind] = useState<Kind>("deposit");
  const [asset, setAsset] = useState(basket[0] ?? assets[0] ?? "");
  const [amount, setAmount] = useState("");
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);
  if (signer === null)
    return <p className="muted">Choose an account (top right) to deposit, withdraw, mint, repay or close.</p>;
  const go = async (): Promise<void> => {
    setBusy(true);
    setStatus("sending…");
    try {
      const a = ch.config.assets[asset];
      const token = (a?.token ?? "") as Address;
      const dec = a?.decimals ?? 18;
      if (kind === "deposit") await deposit(ch, signer, id, token, parseUnits(amount, dec));
      if (kind === "withdraw") await withdraw(ch, signer, id, token, parseUnits(amount, dec));
      if (kind === "mint") await mint(ch, signer, id, parseUnits(amount, 18));
      if (kind === "repay") await repay(ch, signer, id, parseUnits(amount, 18));
      if (kind === "close") await close(ch, signer, id);
      setStatus(`${kind}: done`);
      refresh();
    } catch (e) {
      setStatus(`${kind} failed: ${explain(e)}`);
    } finally {
      setBusy(false);
    }
  };
  const needsAsset = kind === "deposit" || kind === "withdraw";
  return (
    <fieldset className="form" data-testid="position-actions">
      <legend>Actions ({signer.label})</legend>
      <select data-testid="action-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
        {(["deposit", "withdraw", "mint", "repay", "close"] as const).map((k) => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </select>
      {needsAsset && (
        <select data-testid="action-asset" value={asset} onChange={(e) => setAsset(e.target.value)}>
          {assets.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      )}
      {kind !== "close" && (
        <input
          data-testid="action-amount"
          placeholder={needsAsset ? `amount of ${asset}` : `amount of ${synth}`}
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
        />
      )}
      <button data-testid="action-submit" disabled={busy} onClick={() => void go()}>
        {kind}
      </button>
      <span data-testid="action-status">{status}</span>
    </fieldset>
  );
}

/** A history amount in human units: collateral in its token's decimals, synthetic amounts in 18 (wad). */
function historyAmount(
  ch: ReturnType<typeof useApp>["ch"],
  r: HistoryEntry,
  synth: string,
): { text: string; unit: string } | null {
  if (r.amount === null) return null;
  if (r.asset !== null) {
    const sym = symbolOf(ch, r.asset);
    return { text: formatUnits(r.amount, decimalsOf(ch, r.asset), 4), unit: sym };
  }
  return { text: formatWad(r.amount, 4), unit: synth };
}

/** The collateral a seizure, redemption or release took (the basket before it less the basket after it), by symbol. */
function collateralOut(
  ch: ReturnType<typeof useApp>["ch"],
  before: Map<string, bigint> | undefined,
  after: Map<string, bigint>,
): [string, bigint][] {
  if (before === undefined) return [];
  const out: [string, bigint][] = [];
  for (const [asset, was] of before) {
    const now = after.get(asset) ?? 0n;
    if (now < was) out.push([asset, was - now]);
  }
  return out.sort((a, b) => symbolOf(ch, a[0]).localeCompare(symbolOf(ch, b[0])));
}

/** The position's events from the indexer, oldest first: block and time, kind, amounts in human units. */
function History({ id, synth }: { id: bigint; synth: string }) {
  const { ch } = useApp();
  const ix = indexer(ch.config);
  const h = useIndexed(ch.config, (api) => api.positionHistory(id), `history-${id}`);
  if (ix === null) {
    return (
      <>
        <h2>History</h2>
        <p className="muted" data-testid="history-unavailable">
          {NO_INDEXER}
        </p>
      </>
    );
  }
  const rows = h.data;
  return (
    <div data-testid="position-history" data-block={h.block?.toString()}>
      <h2>History (indexer)</h2>
      {h.error !== undefined && <p className="error">{h.error}</p>}
      {rows === undefined ? (
        <p>Loading from the indexer…</p>
      ) : (
        <>
          <p className="muted">
            {rows.length} event{rows.length === 1 ? "" : "s"}, indexed to block {h.block?.toString()} ({ix.url})
          </p>
          <table data-testid="history">
            <thead>
              <tr>
                <th>block</th>
                <th>time (UTC)</th>
                <th>event</th>
                <th>amount</th>
                <th>collateral out</th>
                <th>account</th>
                <th>tx</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => {
                const amount = historyAmount(ch, r, synth);
                // a collateral move names its asset and amount; a seizure, redemption or release only the debt
                const out = r.asset === null ? collateralOut(ch, rows[i - 1]?.collateral, r.collateral) : [];
                const key = `${r.block}-${r.logIndex}`;
                return (
                  <tr
                    key={key}
                    data-testid={`history-${key}`}
                    data-kind={r.kind}
                    data-block={r.block.toString()}
                    data-tx={r.tx}
                    data-asset={r.asset ?? ""}
                  >
                    <td>{r.block.toString()}</td>
                    <td>{formatTime(r.timestamp)}</td>
                    <td data-testid={`history-${key}-kind`}>{r.kind}</td>
                    <td data-testid={`history-${key}-amount`} data-raw={r.amount?.toString() ?? ""}>
                      {amount === null ? "" : `${amount.text} ${amount.unit}`}
                    </td>
                    <td data-testid={`history-${key}-out`}>
                      {out.map(([a, v]) => `${formatUnits(v, decimalsOf(ch, a), 4)} ${symbolOf(ch, a)}`).join(", ")}
                    </td>
                    <td>{r.account === null ? "" : short(r.account)}</td>
                    <td>{short(r.tx)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
