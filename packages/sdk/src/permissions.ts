/**
 * The rights an owner grants a position's manager (`Vault.setManager`, `Vault.setManagerWithPermit`), mirroring
 * `contracts/libraries/Permissions.sol` (test/permissions.test.ts checks the bits against the library's through the
 * Vault's behaviour), and the EIP-712 grant an owner signs instead of sending a transaction.
 */

/** An EIP-712 domain (structurally ethers' `TypedDataDomain` and viem's `TypedDataDomain`). */
export interface GrantDomain {
  name: string;
  version: string;
  /** The chain id. */
  chainId: bigint;
  /** The Vault's address. */
  verifyingContract: string;
}

/** One field of an EIP-712 struct (ethers' `TypedDataField`). */
export interface TypedField {
  name: string;
  type: string;
}

/** One bit per right. Repaying needs none: anyone may repay any position. */
export const PERMISSIONS = {
  deposit: 1n,
  withdraw: 2n,
  mint: 4n,
  close: 8n,
  /** The narrow right protection contracts and one-transaction flows use: `Vault.repayAndWithdraw`. */
  repayWithCollateral: 16n,
} as const;

/** The name of one right. */
export type PermissionName = keyof typeof PERMISSIONS;
/** Every right at once. */
export const ALL_PERMISSIONS: bigint = Object.values(PERMISSIONS).reduce((a, b) => a | b, 0n);

/** The bits of a comma-separated list of names ("deposit,withdraw", or "all"); throws on an unknown name. */
export function parsePermissions(text: string): bigint {
  let bits = 0n;
  for (const raw of text.split(",")) {
    const name = raw.trim();
    if (name === "") continue;
    if (name === "all") {
      bits |= ALL_PERMISSIONS;
      continue;
    }
    const key = (Object.keys(PERMISSIONS) as PermissionName[]).find(
      (k) => k.toLowerCase() === name.toLowerCase().replace(/[-_]/g, ""),
    );
    if (key === undefined) {
      throw new Error(
        `"${name}" is not a permission: use any of ${Object.keys(PERMISSIONS).join(", ")} (comma-separated), or all`,
      );
    }
    bits |= PERMISSIONS[key];
  }
  return bits;
}

/** The names of the bits in `bits`, in bit order ("none" for 0, "all" when every right is held). */
export function describePermissions(bits: bigint): string {
  if (bits === 0n) return "none";
  if (bits === ALL_PERMISSIONS) return "all";
  return (Object.keys(PERMISSIONS) as PermissionName[]).filter((k) => (bits & PERMISSIONS[k]) !== 0n).join(", ");
}

/** `IVault.Grant`: what the owner signs. `deadline` [s]. */
export interface Grant {
  owner: string;
  id: bigint;
  manager: string;
  permissions: bigint;
  nonce: bigint;
  deadline: bigint;
}

/** The EIP-712 domain of a Vault (name "Ballast Vault", version "1"). */
export function grantDomain(chainId: bigint, vault: string): GrantDomain {
  return { name: "Ballast Vault", version: "1", chainId, verifyingContract: vault };
}

/** The EIP-712 types of `IVault.Grant`, for `signTypedData` (ethers) or `signTypedData({ types })` (viem). */
export const GRANT_TYPES: Record<string, TypedField[]> = {
  Grant: [
    { name: "owner", type: "address" },
    { name: "id", type: "uint256" },
    { name: "manager", type: "address" },
    { name: "permissions", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};
