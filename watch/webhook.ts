/**
 * Delivers an alert to a webhook: POST of the JSON payload (sdk/alerts.ts `AlertJson`), retried with exponential
 * backoff on a network error, a timeout or a non-2xx answer, a bounded number of times, each attempt logged. It never
 * blocks the watch for long: at most `attempts` tries of at most `timeoutMs` each, with waits of `baseDelayMs`,
 * 2 × `baseDelayMs`, … between them (5 tries of 5 s with 0.5 s doubling: under 33 s), and an abort signal (Ctrl-C)
 * stops it at once.
 *
 * Units: milliseconds.
 */
import { abortableSleep } from "../keeper/service.js";

/** How a webhook is called. */
export interface WebhookOptions {
  url: string;
  /** Tries in all (the first and the retries). Default 5. */
  attempts?: number;
  /** [ms] Wait before the first retry; each later wait doubles. Default 500. */
  baseDelayMs?: number;
  /** [ms] One attempt's time limit. Default 5,000. */
  timeoutMs?: number;
  /** Stops retrying (and aborts the attempt in flight) when it fires. */
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/** What a delivery did. */
export interface Delivery {
  delivered: boolean;
  attempts: number;
  /** The HTTP status of the last answer, when there was one. */
  status?: number;
  /** Why the last attempt failed. */
  error?: string;
}

/** POSTs `body` as JSON to `opts.url`, retrying as the file comment says. Never throws. */
export async function postWebhook(body: unknown, opts: WebhookOptions): Promise<Delivery> {
  const attempts = opts.attempts ?? 5;
  const base = opts.baseDelayMs ?? 500;
  const timeout = opts.timeoutMs ?? 5_000;
  const log = opts.log ?? (() => {});
  const payload = JSON.stringify(body);
  let last: Delivery = { delivered: false, attempts: 0 };
  for (let i = 1; i <= attempts; i++) {
    if (opts.signal?.aborted === true) {
      log(`webhook stopped before attempt ${i}/${attempts}: the watch is stopping`);
      return last;
    }
    const signals = [AbortSignal.timeout(timeout), ...(opts.signal === undefined ? [] : [opts.signal])];
    try {
      const res = await fetch(opts.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: payload,
        signal: AbortSignal.any(signals),
      });
      await res.arrayBuffer().catch(() => undefined); // drain the answer so the connection is freed
      if (res.ok) {
        log(`webhook delivered attempt=${i}/${attempts} status=${res.status}`);
        return { delivered: true, attempts: i, status: res.status };
      }
      last = { delivered: false, attempts: i, status: res.status, error: `HTTP ${res.status} ${res.statusText}` };
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      const why =
        err.name === "TimeoutError"
          ? `no answer within ${timeout} ms`
          : (err.cause?.code ?? err.cause?.message ?? err.message);
      last = { delivered: false, attempts: i, error: why };
    }
    if (i < attempts) {
      const wait = base * 2 ** (i - 1);
      log(`webhook attempt=${i}/${attempts} failed: ${last.error}; retrying in ${wait} ms`);
      await abortableSleep(wait, opts.signal ?? new AbortController().signal);
    } else {
      log(`webhook attempt=${i}/${attempts} failed: ${last.error}; giving up on this alert`);
    }
  }
  return last;
}
