/**
 * Scoped managers and opt-in protection as tasks over a loaded `System`: grant or revoke a manager's rights on a
 * position, by a transaction or by an EIP-712 signature anyone may submit later, and opt a position in or out of
 * pre-liquidation, each previewed before anything is sent. Units: `[wad]` 1e18, `[bps]` 1e4, `[s]` seconds.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { formatBps, formatHealth, formatWad } from "../sdk/format.js";
import {
  GRANT_TYPES,
  type Grant,
  PERMISSIONS,
  describePermissions,
  grantDomain,
  parsePermissions,
} from "../sdk/permissions.js";
import { mulDivDown, WAD } from "../sdk/math.js";
import { readPolicy } from "../sdk/protect.js";
import { type System, type TxReport, TaskError, cmd, positionOf, transact } from "../sdk/system.js";

/** A signed grant as `manager grant --sign` writes it and `manager submit` reads it. */
export interface SignedGrantFile {
  chainId: string;
  vault: string;
  grant: { owner: string; id: string; manager: string; permissions: string; nonce: string; deadline: string };
  signature: string;
}

/** The manager's address: an address, or "router" / "pre-liquidation" for the deployment's own. */
function managerAddress(sys: System, text: string): string {
  const named: Record<string, string | undefined> = {
    router: sys.manifest.contracts.Router?.address,
    "pre-liquidation": sys.manifest.contracts.PreLiquidation?.address,
    preliquidation: sys.manifest.contracts.PreLiquidation?.address,
  };
  const byName = named[text.toLowerCase()];
  if (byName !== undefined) return sys.ethers.getAddress(byName);
  if (!sys.ethers.isAddress(text)) {
    throw new TaskError(
      `"${text}" is not an address: give the manager's address, or router or pre-liquidation for this deployment's`,
    );
  }
  return sys.ethers.getAddress(text);
}

/** Refuses unless the acting account owns position `id`. */
async function requireOwner(sys: System, id: bigint, what: string): Promise<string> {
  const { owner } = await positionOf(sys, id);
  if (owner.toLowerCase() !== sys.signer.address.toLowerCase()) {
    throw new TaskError(
      `${sys.signer.address} may not ${what} position #${id}: only its owner ${owner} may; act as the owner ` +
        `(--from <owner's index or address>)`,
    );
  }
  return owner;
}

export interface GrantResult {
  id: bigint;
  manager: string;
  permissions: bigint;
  /** The transaction, when sent (not with `sign`). */
  tx?: TxReport;
  /** The signed grant's file, with `sign`. */
  file?: string;
  signed?: SignedGrantFile;
}

/**
 * Gives `manager` exactly the rights `permissions` ("deposit,withdraw", "all"; "" or "none" with `revoke`) on
 * position `id`. With `sign` nothing is sent: the owner signs the grant (valid `deadlineMinutes`, default 60) and it
 * is written to `out` for anyone to submit (`submitGrant`).
 */
export async function grantManager(
  sys: System,
  args: { id: bigint; manager: string; permissions: string; sign?: boolean; deadlineMinutes?: number; out?: string },
): Promise<GrantResult> {
  const manager = managerAddress(sys, args.manager);
  const text = args.permissions.trim();
  if (text === "") {
    throw new TaskError(
      `say which rights to grant: --permissions with any of ${Object.keys(PERMISSIONS).join(", ")} (comma-separated), ` +
        `or all; to take them away use ${cmd(sys, `manager revoke ${args.id} ${args.manager}`)}`,
    );
  }
  let permissions: bigint;
  try {
    permissions = text === "none" ? 0n : parsePermissions(text);
  } catch (e) {
    throw new TaskError((e as Error).message);
  }
  const owner = await requireOwner(sys, args.id, "appoint managers of");
  const held = await sys.lens.permissionsOf(args.id, manager);
  sys.log(
    `#${args.id}: ${manager} holds ${describePermissions(held)}; it will hold ${describePermissions(permissions)}` +
      ` (repaying needs no right; every right lapses if the position changes owner)`,
  );
  if (args.sign !== true) {
    const tx = await transact(sys, `${permissions === 0n ? "revoke" : "grant"} ${manager} on #${args.id}`, () =>
      sys.vault.setManager.populateTransaction(args.id, manager, permissions),
    );
    return { id: args.id, manager, permissions, tx };
  }
  const chainId = (await sys.ethers.provider.getNetwork()).chainId;
  const vault = await sys.vault.getAddress();
  const now = BigInt((await sys.ethers.provider.getBlock("latest"))?.timestamp ?? Math.floor(Date.now() / 1000));
  const minutes = args.deadlineMinutes ?? 60;
  if (!Number.isInteger(minutes) || minutes <= 0) {
    throw new TaskError(`--deadline ${minutes} is not a whole number of minutes above 0`);
  }
  const grant: Grant = {
    owner,
    id: args.id,
    manager,
    permissions,
    nonce: await sys.lens.grantNonce(owner),
    deadline: now + BigInt(minutes * 60),
  };
  const signature = await sys.signer.signTypedData(grantDomain(chainId, vault), GRANT_TYPES, grant);
  const signed: SignedGrantFile = {
    chainId: chainId.toString(),
    vault,
    grant: {
      owner,
      id: grant.id.toString(),
      manager,
      permissions: permissions.toString(),
      nonce: grant.nonce.toString(),
      deadline: grant.deadline.toString(),
    },
    signature,
  };
  const file = args.out !== undefined && args.out !== "" ? args.out : `grant-${args.id}-${manager.slice(2, 10)}.json`;
  writeFileSync(file, JSON.stringify(signed, null, 2) + "\n");
  sys.log(
    `signed (nothing sent): grant nonce ${grant.nonce}, valid until ${new Date(Number(grant.deadline) * 1000).toISOString()}` +
      `; written to ${file}. Anyone submits it with ${cmd(sys, `manager submit ${file}`)}; the owner voids it ` +
      `before then with Vault.revokeSignedGrants`,
  );
  return { id: args.id, manager, permissions, file, signed };
}

/** Submits a signed grant written by `grantManager` with `sign` (any account may). */
export async function submitGrant(sys: System, args: { file: string }): Promise<GrantResult> {
  let signed: SignedGrantFile;
  try {
    signed = JSON.parse(readFileSync(args.file, "utf8")) as SignedGrantFile;
  } catch (e) {
    throw new TaskError(`cannot read the signed grant ${args.file}: ${(e as Error).message}`);
  }
  const chainId = (await sys.ethers.provider.getNetwork()).chainId;
  const vault = await sys.vault.getAddress();
  if (BigInt(signed.chainId) !== chainId || signed.vault.toLowerCase() !== vault.toLowerCase()) {
    throw new TaskError(
      `${args.file} was signed for the Vault ${signed.vault} on chain ${signed.chainId}, not this network's ` +
        `(${vault} on chain ${chainId}): submit it on the network it was signed for`,
    );
  }
  const g = signed.grant;
  const grant = {
    owner: g.owner,
    id: BigInt(g.id),
    manager: g.manager,
    permissions: BigInt(g.permissions),
    nonce: BigInt(g.nonce),
    deadline: BigInt(g.deadline),
  };
  const tx = await transact(sys, `submit ${g.owner}'s signed grant for #${g.id}`, () =>
    sys.vault.setManagerWithPermit.populateTransaction(grant, signed.signature),
  );
  sys.log(`#${g.id}: ${g.manager} now holds ${describePermissions(grant.permissions)}`);
  return { id: grant.id, manager: g.manager, permissions: grant.permissions, tx };
}

export interface ProtectResult {
  id: bigint;
  on: boolean;
  tx: TxReport;
  /** [wad] The band's top, and the position's health when it was sent. */
  preHealth: bigint;
  health: bigint;
}

/**
 * Opts position `id` in to pre-liquidation (grants the deployment's PreLiquidation the repay-with-collateral right)
 * or out, after saying what it means for this position: the band, the close factor and incentive at its top and at
 * health 1, and what could be repaid now.
 */
export async function protect(sys: System, args: { id: bigint; on: boolean }): Promise<ProtectResult> {
  const pre = sys.preLiquidation;
  if (pre === undefined) {
    throw new TaskError(`this deployment has no PreLiquidation contract (${sys.manifestPath} lists none)`);
  }
  await requireOwner(sys, args.id, args.on ? "opt in" : "opt out");
  const { synth } = await positionOf(sys, args.id);
  const policy = await readPolicy(pre);
  const h = await sys.lens.healthOf(args.id);
  sys.log(
    `#${args.id}: health ${formatHealth(h.health)}, debt ${formatWad(h.debt)} ${synth.symbol}. Pre-liquidation ` +
      `applies from health ${formatHealth(policy.preHealth)} down to ${formatHealth(WAD)}: anyone may repay ` +
      `${formatBps(policy.closeFactorTop)} (at the top) to ${formatBps(policy.closeFactorBottom)} (at ${formatHealth(WAD)}) of the ` +
      `debt per block for collateral worth it plus ${formatBps(policy.incentiveTop)} to ` +
      `${formatBps(policy.incentiveBottom)}; no liquidation penalty, no auction; it never lowers health`,
  );
  if (args.on && h.health < policy.preHealth && h.health >= WAD) {
    const cf = policy.closeFactorTop;
    sys.log(
      `  the position is inside the band now: a pre-liquidation could repay at least ` +
        `${formatWad(mulDivDown(h.debt, cf, 10_000n))} ${synth.symbol} as soon as this lands`,
    );
  }
  const address = await pre.getAddress();
  const tx = await transact(sys, `protect ${args.on ? "on" : "off"} #${args.id}`, () =>
    sys.vault.setManager.populateTransaction(args.id, address, args.on ? PERMISSIONS.repayWithCollateral : 0n),
  );
  return { id: args.id, on: args.on, tx, preHealth: policy.preHealth, health: h.health };
}
