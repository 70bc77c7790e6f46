/** The app's shared state: the chain, the latest block (polled), the signing account; and a read hook per block. */
import { createContext, useContext, useEffect, useState } from "react";
import type { Chainish, Signer } from "./data/chain";

export interface AppState {
  ch: Chainish;
  block: bigint | null;
  signer: Signer | null;
  setSigner: (s: Signer | null) => void;
  /** Asks for a re-read now (after a transaction). */
  refresh: () => void;
}

export const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const s = useContext(AppContext);
  if (s === null) throw new Error("useApp outside the app");
  return s;
}

/** Polls the block number every `pollMs`. */
export function useBlockNumber(ch: Chainish, tick: number): bigint | null {
  const [block, setBlock] = useState<bigint | null>(null);
  useEffect(() => {
    let live = true;
    const poll = async (): Promise<void> => {
      try {
        const n = await ch.client.getBlockNumber({ cacheTime: 0 });
        if (live) setBlock((b) => (b === n ? b : n));
      } catch {
        // the node is away: keep the last block
      }
    };
    void poll();
    const t = setInterval(() => void poll(), ch.config.pollMs);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [ch, tick]);
  return block;
}

export interface Loaded<T> {
  data: T | undefined;
  /** The block `data` was read at. */
  at: bigint | undefined;
  error: string | undefined;
}

/** `read(block)` at each new block (and when `key` changes); keeps the last data while the next read runs. */
export function useAtBlock<T>(read: (block: bigint) => Promise<T>, key: string): Loaded<T> {
  const { block } = useApp();
  const [state, setState] = useState<Loaded<T>>({ data: undefined, at: undefined, error: undefined });
  useEffect(() => {
    if (block === null) return;
    let live = true;
    read(block).then(
      (data) => live && setState({ data, at: block, error: undefined }),
      (e: unknown) => live && setState((s) => ({ ...s, error: e instanceof Error ? e.message : String(e) })),
    );
    return () => {
      live = false;
    };
  }, [block, key]);
  return state;
}
