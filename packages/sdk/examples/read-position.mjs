// Reads a position with viem and previews it with the SDK's math: no Hardhat, a plain Node script.
//
//   BALLAST_RPC_URL=http://127.0.0.1:8545 BALLAST_MANIFEST=deployments/localhost-31337-….json \
//     node packages/sdk/examples/read-position.mjs <position id>
//
// Prints one JSON object (bigints as decimal strings): the chain's figures, the SDK's preview of the same position
// (equal to the wei), the most it can mint and withdraw, its liquidation prices, and a mint of half the room previewed.
import { createPublicClient, http } from "viem";
import { createBallast, formatHealth, fromViem, maxMint, maxWithdraw, previewActions } from "@ballast/sdk";
import { addressBookFromFile } from "@ballast/sdk/node";

const url = process.env.BALLAST_RPC_URL ?? "http://127.0.0.1:8545";
const manifest = process.env.BALLAST_MANIFEST;
if (manifest === undefined) throw new Error("set BALLAST_MANIFEST to the deployment's manifest file");
const id = BigInt(process.argv[2] ?? "1");

const addresses = addressBookFromFile(manifest);
const client = createPublicClient({ transport: http(url) });
const ballast = createBallast({ reader: fromViem(client), addresses });

const state = await ballast.positionState(id); // at the latest block's timestamp
const chain = await ballast.health(id); // PositionLens.healthOf, computed by the contracts
const now = previewActions(state, []).figures; // the same figures, computed by the SDK
const room = maxMint(state);
const half = previewActions(state, [{ op: "mint", amount: room / 2n }]);
const symbols = Object.fromEntries(Object.entries(addresses.assets).map(([s, a]) => [a.token.toLowerCase(), s]));

const out = {
  id,
  owner: state.owner,
  chain,
  preview: now,
  health: formatHealth(now.health),
  maxMint: room,
  maxWithdraw: Object.fromEntries(
    state.basket.map((a) => [symbols[a.asset.toLowerCase()] ?? a.asset, maxWithdraw(state, a.asset)]),
  ),
  liquidationPrices: Object.fromEntries(
    (await ballast.liquidationPrices(id)).map((l) => [
      symbols[l.asset.toLowerCase()] ?? l.asset,
      l.liquidationPrice?.price ?? null,
    ]),
  ),
  mintHalf: { ok: half.ok, amount: room / 2n, health: half.figures.health, debt: half.figures.debt },
};
console.log(JSON.stringify(out, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
