import { useEffect, useMemo, useState } from "react";
import type { AppConfig } from "./config";
import { connect, testSigner, walletSigner, type Signer } from "./data/chain";
import { explain } from "./data/actions";
import { AppContext, useApp, useBlockNumber } from "./state";
import { short } from "./format";
import { SystemPage } from "./pages/System";
import { PositionsPage } from "./pages/Positions";
import { PositionPage } from "./pages/Position";
import { AuctionsPage } from "./pages/Auctions";
import { RiskPage } from "./pages/Risk";

/** The route from the URL's hash: #/system, #/positions, #/position/7, #/auctions, #/risk. */
function useRoute(): string[] {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const on = (): void => setHash(window.location.hash);
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  const parts = hash
    .replace(/^#\/?/, "")
    .split("/")
    .filter((p) => p !== "");
  return parts.length === 0 ? ["system"] : parts;
}

const PAGES = [
  ["system", "System"],
  ["positions", "Positions"],
  ["auctions", "Auctions"],
  ["risk", "Risk"],
] as const;

export function App({ config }: { config: AppConfig }) {
  const ch = useMemo(() => connect(config), [config]);
  const [tick, setTick] = useState(0);
  const block = useBlockNumber(ch, tick);
  const [signer, setSigner] = useState<Signer | null>(null);
  const route = useRoute();
  const state = useMemo(
    () => ({ ch, block, signer, setSigner, refresh: () => setTick((t) => t + 1) }),
    [ch, block, signer],
  );
  const [page, arg] = route;
  return (
    <AppContext.Provider value={state}>
      <header>
        <strong>Ballast</strong>
        <nav>
          {PAGES.map(([id, label]) => (
            <a key={id} href={`#/${id}`} className={page === id ? "active" : ""} data-testid={`nav-${id}`}>
              {label}
            </a>
          ))}
        </nav>
        <span className="meta" data-testid="block">
          {config.network} · chain {config.chainId} · block {block?.toString() ?? "…"}
        </span>
        <AccountPicker />
      </header>
      <main>
        {page === "system" && <SystemPage />}
        {page === "positions" && <PositionsPage />}
        {page === "position" && arg !== undefined && /^\d+$/.test(arg) && <PositionPage id={BigInt(arg)} />}
        {page === "auctions" && <AuctionsPage />}
        {page === "risk" && <RiskPage />}
        {!["system", "positions", "position", "auctions", "risk"].includes(page ?? "") && <p>No such page.</p>}
      </main>
    </AppContext.Provider>
  );
}

function AccountPicker() {
  const { ch, signer, setSigner } = useApp();
  const [error, setError] = useState<string | undefined>();
  const choose = async (value: string): Promise<void> => {
    setError(undefined);
    try {
      if (value === "") setSigner(null);
      else if (value === "wallet") setSigner(await walletSigner(ch));
      else {
        const key = ch.config.testAccounts.find((a) => a.address === value);
        if (key !== undefined) setSigner(testSigner(ch, key));
      }
    } catch (e) {
      setError(explain(e));
    }
  };
  return (
    <span className="account">
      <select
        data-testid="account-select"
        value={signer === null ? "" : signer.label === "wallet" ? "wallet" : signer.address}
        onChange={(e) => void choose(e.target.value)}
      >
        <option value="">read only</option>
        <option value="wallet">browser wallet</option>
        {ch.config.testAccounts.map((a) => (
          <option key={a.address} value={a.address}>
            {a.label} (test account)
          </option>
        ))}
      </select>
      {signer !== null && <span data-testid="account-address">{short(signer.address)}</span>}
      {error !== undefined && <span className="error">{error}</span>}
    </span>
  );
}
