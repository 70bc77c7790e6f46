/** The runtime configuration the launcher serves at /config.json (tools/app/stack.ts `appConfig`). */
export interface AppConfig {
  network: string;
  chainId: number;
  rpcUrl: string;
  /** The indexer's base URL; null when none is configured. */
  indexerUrl: string | null;
  pollMs: number;
  /** Contracts by deploy name (`Vault`, `LiquidationEngine`, `PositionLens`, `synthetic:bUSD`, `feed:WETH`, ...). */
  contracts: Record<string, string>;
  assets: Record<string, { token: string; decimals: number; feed: string; mock: boolean }>;
  synthetics: Record<string, { token: string; synthId: number; priceAsset: string }>;
  startBlock: number;
  testAccounts: { label: string; address: string; privateKey: string }[];
}

export async function loadConfig(): Promise<AppConfig> {
  const res = await fetch("./config.json", { cache: "no-store" });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  const c = (await res.json()) as AppConfig;
  for (const name of ["Vault", "LiquidationEngine", "PositionLens", "ReserveLens", "Treasury", "OracleAdapter"]) {
    if (c.contracts[name] === undefined) throw new Error(`config.json: the address book has no ${name}`);
  }
  return c;
}
