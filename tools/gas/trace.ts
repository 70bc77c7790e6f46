/**
 * Where a transaction's gas goes, from its `debug_traceTransaction` struct logs: the execution gas of every step is
 * attributed to the contract whose code ran it (a DELEGATECALL's code runs as its caller) and to one kind of cost.
 * Used by `npm run gas:trace` (tools/gas/run-trace.ts), which breaks the benchmark's rows down into gas/trace.md.
 */

/** One step of a struct-log trace (the fields used here). */
export interface TraceStep {
  op: string;
  gas: number; // gas left before the step
  gasCost: number; // the step's own cost as the tracer reports it (for a call: with the gas it forwards)
  depth: number; // 1 = the transaction's target
  stack?: string[];
}

/** What a step's gas pays for. "calls" is the cost of reaching other accounts: the call steps' own cost (account
 *  access, value, memory) and the account-access steps before them; "logic" is everything else the code computes. */
export const KINDS = ["cold reads", "warm reads", "writes", "events", "calls", "logic"] as const;
export type Kind = (typeof KINDS)[number];

/** [gas] Per contract (lower-case address), per kind. */
export type Breakdown = Map<string, Record<Kind, number>>;

const CALLS = new Set(["CALL", "STATICCALL", "DELEGATECALL", "CALLCODE"]);
/** Steps that touch another account: a typed call to a function without return values checks the callee's code size
 *  first, and that `EXTCODESIZE` pays the account's cold access (2,600) which the call itself then does not. */
const ACCOUNT_ACCESS = new Set(["EXTCODESIZE", "EXTCODEHASH", "EXTCODECOPY", "BALANCE"]);
const COLD_SLOAD = 2_100;

/** The kind of cost of step `op` that cost `cost` gas. */
function kindOf(op: string, cost: number): Kind {
  if (op === "SLOAD") return cost >= COLD_SLOAD ? "cold reads" : "warm reads";
  if (op === "SSTORE") return "writes";
  if (op.startsWith("LOG")) return "events";
  if (CALLS.has(op) || ACCOUNT_ACCESS.has(op)) return "calls";
  return "logic";
}

/**
 * Attributes every step's exclusive gas: a call step is charged what it cost the caller minus what its callee's steps
 * spent (the call's own cost: account access, value, memory), every other step its `gasCost`.
 * @param to The transaction's target. @returns The breakdown; its grand total is the execution gas before refunds.
 */
export function breakdown(steps: TraceStep[], to: string): Breakdown {
  // inclusive cost of a step = gas left before it - gas left before the next step at its depth
  const inclusive = new Array<number>(steps.length);
  const open: number[] = [];
  const close = (i: number, next: TraceStep | undefined) => {
    const s = steps[i] as TraceStep;
    inclusive[i] = next !== undefined && next.depth === s.depth ? s.gas - next.gas : s.gasCost;
  };
  for (let i = 0; i < steps.length; i++) {
    const depth = (steps[i] as TraceStep).depth;
    while (open.length > 0 && (steps[open[open.length - 1] as number] as TraceStep).depth >= depth) {
      const k = open.pop() as number;
      close(k, steps[i]);
    }
    open.push(i);
  }
  for (const k of open) close(k, undefined);

  const result: Breakdown = new Map();
  const codeAt: string[] = [to.toLowerCase()]; // codeAt[depth - 1]: whose code runs at that depth
  const callers: number[] = []; // open call steps whose callee is running
  const exclusive = steps.map((s, i) => (CALLS.has(s.op) ? (inclusive[i] as number) : s.gasCost));
  const whose = new Array<string>(steps.length); // the code each step runs in
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i] as TraceStep;
    whose[i] = codeAt[s.depth - 1] ?? "unknown";
    while (callers.length > 0 && (steps[callers[callers.length - 1] as number] as TraceStep).depth >= s.depth) {
      callers.pop();
    }
    const parent = callers[callers.length - 1];
    if (parent !== undefined) exclusive[parent] = (exclusive[parent] as number) - (inclusive[i] as number);
    if (CALLS.has(s.op) && steps[i + 1]?.depth === s.depth + 1) {
      const target = s.stack?.[s.stack.length - 2];
      if (target === undefined) throw new Error(`gas trace: step ${i} (${s.op}) has no stack`);
      const callee = "0x" + BigInt(target).toString(16).padStart(40, "0");
      codeAt[s.depth] = s.op === "DELEGATECALL" || s.op === "CALLCODE" ? (codeAt[s.depth - 1] as string) : callee;
      callers.push(i);
    }
  }
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i] as TraceStep;
    const who = whose[i] as string;
    const row = result.get(who) ?? Object.fromEntries(KINDS.map((k) => [k, 0]));
    row[kindOf(s.op, s.gasCost)] += exclusive[i] as number;
    result.set(who, row as Record<Kind, number>);
  }
  return result;
}

/** [gas] Sum of one contract's kinds, or of the whole breakdown. */
export function total(row: Record<Kind, number>): number;
export function total(b: Breakdown): number;
export function total(x: Record<Kind, number> | Breakdown): number {
  if (x instanceof Map) return [...x.values()].reduce((a, r) => a + total(r), 0);
  return KINDS.reduce((a, k) => a + x[k], 0);
}

/** [gas] The intrinsic cost of a cancun transaction without access list: 21,000 + 4 per zero and 16 per other byte. */
export function intrinsicGas(data: string): number {
  let gas = 21_000;
  for (let i = 2; i < data.length; i += 2) gas += data.slice(i, i + 2) === "00" ? 4 : 16;
  return gas;
}
