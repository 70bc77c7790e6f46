/**
 * `@ballast/sdk/node`: the Node-only part of the SDK (file access). Reads a deployment manifest from disk; the main
 * entry (`@ballast/sdk`) has no `fs` so a browser can bundle it.
 */
import { readFileSync } from "node:fs";
import { type AddressBook, type Manifest, addressBook } from "./addresses.js";

/** The manifest at `path` (JSON written by `npm run deploy`); throws with the path when it is missing or malformed. */
export function readManifestFile(path: string): Manifest {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`readManifestFile: cannot read ${path} (${(e as Error).message})`);
  }
  try {
    return JSON.parse(text) as Manifest;
  } catch (e) {
    throw new Error(`readManifestFile: ${path} is not valid JSON (${(e as Error).message})`);
  }
}

/** The address book of the manifest at `path`: `addressBook(readManifestFile(path))`. */
export function addressBookFromFile(path: string): AddressBook {
  return addressBook(readManifestFile(path));
}
