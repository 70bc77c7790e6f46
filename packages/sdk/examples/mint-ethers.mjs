// Previews and sends a mint with ethers v6: the SDK reads through the provider, builds the calldata, decodes the
// receipt's events (or the revert). No Hardhat, a plain Node script.
//
//   BALLAST_RPC_URL=http://127.0.0.1:8545 BALLAST_MANIFEST=deployments/localhost-31337-….json \
//   BALLAST_PRIVATE_KEY=0x… node packages/sdk/examples/mint-ethers.mjs <position id> [share of the room, bps]
//
// Without BALLAST_PRIVATE_KEY it only prints the preview and the transaction request.
import { JsonRpcProvider, Wallet } from "ethers";
import { createBallast, decodeError, decodeLogs, fromEthers, maxMint, previewActions, vaultCalls } from "@ballast/sdk";
import { addressBookFromFile } from "@ballast/sdk/node";

const provider = new JsonRpcProvider(process.env.BALLAST_RPC_URL ?? "http://127.0.0.1:8545");
const manifest = process.env.BALLAST_MANIFEST;
if (manifest === undefined) throw new Error("set BALLAST_MANIFEST to the deployment's manifest file");
const id = BigInt(process.argv[2] ?? "1");
const shareBps = BigInt(process.argv[3] ?? "5000");

const addresses = addressBookFromFile(manifest);
const ballast = createBallast({ reader: fromEthers(provider), addresses });
const state = await ballast.positionState(id);
const amount = (maxMint(state) * shareBps) / 10_000n; // [wad]
const preview = previewActions(state, [{ op: "mint", amount }]);
const tx = vaultCalls(addresses.vault).mint(id, amount, state.owner);
const out = { id, amount, ok: preview.ok, failure: preview.failure?.error ?? null, after: preview.figures, tx };

const key = process.env.BALLAST_PRIVATE_KEY;
if (key !== undefined) {
  const signer = new Wallet(key, provider);
  try {
    const receipt = await (await signer.sendTransaction(tx)).wait();
    out.status = receipt?.status;
    out.events = decodeLogs(receipt?.logs ?? []).map((e) => ({ event: e.eventName, args: e.args }));
  } catch (e) {
    const d = await decodeError(e);
    out.status = 0;
    out.error = d === undefined ? String(e) : { name: d.name, sentence: d.sentence };
  }
}
console.log(JSON.stringify(out, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
