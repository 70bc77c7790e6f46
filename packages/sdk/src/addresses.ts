/**
 * The address book of a deployment, from its manifest (`deployments/<network>-<chain id>-<genesis>.json`, written by
 * `npm run deploy`): the manifest's format (`Manifest`) and `addressBook`, which turns it into typed addresses. No file
 * access here (the browser bundles this entry): read the file with `@ballast/sdk/node` (`readManifestFile`) or fetch
 * it, then call `addressBook(json)`.
 */

/** A `0x`-prefixed hex string (an address, calldata, a hash). */
export type Hex = `0x${string}`;

/** A 20-byte address, `0x`-prefixed (checksummed or not). */
export type Address = Hex;

/** One deployed contract, as the manifest records it. */
export interface DeployedContract {
  address: string;
  /** Fully qualified artifact name, e.g. `contracts/Vault.sol:Vault` (what explorer verification needs). */
  contract: string;
  /** Constructor arguments, bigints as decimal strings. */
  args: Array<string | number | boolean>;
  /** Block of the deployment transaction. */
  block: number;
  tx: string;
}

/** The deployment manifest of one chain (the JSON file `npm run deploy` writes). */
export interface Manifest {
  network: string;
  chainId: number;
  /** Hash of the chain's block 0: tells two chains with the same id apart (absent in manifests before it). */
  genesisHash?: string;
  /** The account that deployed (and, until the admin handoff, administered) the system. */
  deployer: string;
  /** `git rev-parse HEAD` of the code that last changed this manifest. */
  commit: string;
  /** Block of the first deployment: where event scans (keepers) start. */
  startBlock: number;
  /** Contracts by deploy name: `AccessManager`, `OracleAdapter`, `Vault`, `Treasury`, `LiquidationEngine`,
   *  `ReserveLens`, `PositionLens`, `Settlement`, `InstrumentVault` (options and binaries, where configured),
   *  `rateModel:<key>`, `synthetic:<symbol>`, and on mock networks `token:<symbol>`, `feed:<symbol>`. */
  contracts: Record<string, DeployedContract>;
  /**
   * Collateral assets by symbol. `feed` is the feed the asset's price starts from (the base leg of a rate-adjusted
   * source, the NAV feed of an attested one); `source` the price source, when the asset has one.
   */
  assets: Record<
    string,
    { token: string; decimals: number; feed: string; mock: boolean; source?: string; sourceKind?: string }
  >;
  /** Synthetics by symbol, with the Vault's synthetic id and the symbol of the asset it tracks (`USD`: none). */
  synthetics: Record<string, { token: string; synthId: number; priceAsset: string }>;
  /** Role holders; `steward` and `publisher` only where the risk automation is deployed. */
  roles: {
    admin: string;
    critical: string;
    governor: string;
    guardian: string;
    settlement: string;
    steward?: string;
    publisher?: string;
  };
}

/** The typed addresses of a deployment: what the SDK's client and calldata builders need. */
export interface AddressBook {
  chainId: number;
  network: string;
  /** Block of the first deployment: where event scans start. */
  startBlock: bigint;
  vault: Address;
  oracleAdapter: Address;
  positionLens: Address;
  liquidationEngine: Address;
  treasury: Address;
  accessManager?: Address;
  reserveLens?: Address;
  riskLens?: Address;
  settlement?: Address;
  redemptions?: Address;
  router?: Address;
  preLiquidation?: Address;
  instrumentVault?: Address;
  /** Stability modules by pair name (`bUSD/USDC`). */
  stabilityModules: Record<string, Address>;
  /** Savings tokens by symbol (`sbUSD`). */
  savings: Record<string, Address>;
  /** Collateral assets by symbol: token address and decimals. */
  assets: Record<string, { token: Address; decimals: number }>;
  /** Synthetics by symbol: token address, the Vault's synthetic id, the asset it tracks (its address, zero for USD,
   *  and its symbol). */
  synthetics: Record<string, { token: Address; synthId: bigint; priceAsset: Address; priceSymbol: string }>;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const ZERO: Address = "0x0000000000000000000000000000000000000000";

function address(value: unknown, what: string): Address {
  if (typeof value !== "string" || !ADDRESS.test(value)) throw new Error(`addressBook: ${what} is not an address`);
  return value as Address;
}

/**
 * The address book of a deployment manifest (`Manifest`, or its JSON text). Throws with the missing field's name
 * when the manifest lacks a core contract (Vault, OracleAdapter, PositionLens, LiquidationEngine, Treasury).
 */
export function addressBook(manifest: Manifest | string): AddressBook {
  const m = (typeof manifest === "string" ? JSON.parse(manifest) : manifest) as Manifest;
  if (m === null || typeof m !== "object" || typeof m.contracts !== "object") {
    throw new Error("addressBook: not a Ballast deployment manifest (no `contracts`)");
  }
  const required = (name: string): Address => address(m.contracts[name]?.address, `contracts.${name}`);
  const optional = (name: string): Address | undefined =>
    m.contracts[name] === undefined ? undefined : address(m.contracts[name]?.address, `contracts.${name}`);
  const prefixed = (prefix: string): Record<string, Address> => {
    const out: Record<string, Address> = {};
    for (const [name, c] of Object.entries(m.contracts)) {
      if (name.startsWith(prefix)) out[name.slice(prefix.length)] = address(c.address, `contracts.${name}`);
    }
    return out;
  };
  const assets: AddressBook["assets"] = {};
  for (const [symbol, a] of Object.entries(m.assets ?? {})) {
    assets[symbol] = { token: address(a.token, `assets.${symbol}.token`), decimals: a.decimals };
  }
  const synthetics: AddressBook["synthetics"] = {};
  for (const [symbol, s] of Object.entries(m.synthetics ?? {})) {
    synthetics[symbol] = {
      token: address(s.token, `synthetics.${symbol}.token`),
      synthId: BigInt(s.synthId),
      priceAsset:
        s.priceAsset === "USD"
          ? ZERO
          : ADDRESS.test(s.priceAsset)
            ? (s.priceAsset as Address)
            : address(assets[s.priceAsset]?.token, `assets.${s.priceAsset}.token (synthetics.${symbol}.priceAsset)`),
      priceSymbol: s.priceAsset,
    };
  }
  return {
    chainId: m.chainId,
    network: m.network,
    startBlock: BigInt(m.startBlock ?? 0),
    vault: required("Vault"),
    oracleAdapter: required("OracleAdapter"),
    positionLens: required("PositionLens"),
    liquidationEngine: required("LiquidationEngine"),
    treasury: required("Treasury"),
    accessManager: optional("AccessManager"),
    reserveLens: optional("ReserveLens"),
    riskLens: optional("RiskLens"),
    settlement: optional("Settlement"),
    redemptions: optional("Redemptions"),
    router: optional("Router"),
    preLiquidation: optional("PreLiquidation"),
    instrumentVault: optional("InstrumentVault"),
    stabilityModules: prefixed("StabilityModule:"),
    savings: prefixed("SavingsToken:"),
    assets,
    synthetics,
  };
}
