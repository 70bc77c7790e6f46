import { useState } from "react";
import type { Address } from "viem";
import { readPositions } from "../data/chain";
import { explain, openAndMint } from "../data/actions";
import { useApp, useAtBlock } from "../state";
import { WAD, formatHealth, formatUsd, formatWad, parseUnits, short } from "../format";

export function PositionsPage() {
  const { ch, signer } = useApp();
  const s = useAtBlock((b) => readPositions(ch, b), "positions");
  const [mine, setMine] = useState(false);
  const rows = (s.data ?? []).filter(
    (p) => !mine || (signer !== null && p.owner.toLowerCase() === signer.address.toLowerCase()),
  );
  return (
    <section data-testid="page-positions" data-block={s.at?.toString()}>
      <h1>Positions</h1>
      <OpenForm />
      <label className="muted">
        <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} /> only the selected
        account&apos;s
      </label>
      {s.error !== undefined && <p className="error">{s.error}</p>}
      {s.data === undefined ? (
        <p>Loading…</p>
      ) : (
        <table data-testid="positions">
          <thead>
            <tr>
              <th>#</th>
              <th>owner</th>
              <th>synthetic</th>
              <th>collateral value</th>
              <th>debt</th>
              <th>debt value</th>
              <th>liquidation limit</th>
              <th>health</th>
              <th>status</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => {
              const sym = ch.synths.get(p.synthId)?.symbol ?? String(p.synthId);
              const h = p.health;
              return (
                <tr key={p.id.toString()} data-testid={`position-row-${p.id}`}>
                  <td>
                    <a href={`#/position/${p.id}`}>#{p.id.toString()}</a>
                  </td>
                  <td title={p.owner}>{short(p.owner)}</td>
                  <td>{sym}</td>
                  <td>{formatUsd(h.collateralValue)}</td>
                  <td>
                    {formatWad(h.debt, 4)} {sym}
                  </td>
                  <td>{formatUsd(h.debtValue)}</td>
                  <td>{formatUsd(h.liquidationLimit)}</td>
                  <td
                    data-testid={`position-row-${p.id}-health`}
                    data-wad={h.health.toString()}
                    className={h.health < WAD ? "bad" : h.health < (11n * WAD) / 10n ? "warn" : "ok"}
                  >
                    {formatHealth(h.health)}
                  </td>
                  <td>
                    {h.health < WAD
                      ? "liquidatable"
                      : h.debtValue > h.mintLimit
                        ? "above mint limit"
                        : h.health < (11n * WAD) / 10n
                          ? "near liquidation"
                          : "healthy"}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Opens a position with one collateral asset and mints against it, from the selected account. */
function OpenForm() {
  const { ch, signer, refresh } = useApp();
  const synths = [...ch.synths.entries()];
  const assets = Object.entries(ch.config.assets);
  const [synthId, setSynthId] = useState(synths[0]?.[0] ?? 0);
  const [asset, setAsset] = useState(assets[0]?.[0] ?? "");
  const [amount, setAmount] = useState("");
  const [debt, setDebt] = useState("");
  const [status, setStatus] = useState<string>("");
  const [busy, setBusy] = useState(false);
  const submit = async (): Promise<void> => {
    if (signer === null) return;
    const a = ch.config.assets[asset];
    if (a === undefined) return;
    setBusy(true);
    setStatus("sending…");
    try {
      const id = await openAndMint(
        ch,
        signer,
        synthId,
        a.token as Address,
        parseUnits(amount, a.decimals),
        parseUnits(debt, 18),
      );
      setStatus(`opened position #${id}`);
      refresh();
      window.location.hash = `#/position/${id}`;
    } catch (e) {
      setStatus(`failed: ${explain(e)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <fieldset className="form" data-testid="open-form">
      <legend>Open a position</legend>
      {signer === null ? (
        <p className="muted">Choose a test account or the browser wallet (top right) to open a position.</p>
      ) : (
        <>
          <select data-testid="open-synth" value={synthId} onChange={(e) => setSynthId(Number(e.target.value))}>
            {synths.map(([id, s]) => (
              <option key={id} value={id}>
                {s.symbol}
              </option>
            ))}
          </select>
          <select data-testid="open-asset" value={asset} onChange={(e) => setAsset(e.target.value)}>
            {assets.map(([sym]) => (
              <option key={sym} value={sym}>
                {sym}
              </option>
            ))}
          </select>
          <input
            data-testid="open-amount"
            placeholder="collateral amount"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
          />
          <input
            data-testid="open-debt"
            placeholder="mint amount"
            value={debt}
            onChange={(e) => setDebt(e.target.value)}
          />
          <button data-testid="open-submit" disabled={busy} onClick={() => void submit()}>
            Deposit and mint
          </button>
          <span data-testid="open-status">{status}</span>
        </>
      )}
    </fieldset>
  );
}
