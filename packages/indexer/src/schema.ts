/**
 * The indexer's schema: one migration set, plain PostgreSQL that runs unchanged on PGlite (PostgreSQL compiled to
 * WebAssembly) and on a PostgreSQL server.
 *
 * **Everything hangs off `blocks`.** Every row of every other table carries the `block_number` of the event it came
 * from, with a foreign key to `blocks(number)` `ON DELETE CASCADE`. Derived tables are append-only: each row is one
 * event's effect, and where a running state is kept (a position's debt and collateral, a synthetic's totals, the
 * Treasury's totals) the row holds the state *after* that event, so the current state is the latest row per key
 * (the `*_now` views). A rewind to a fork point is therefore one statement, `DELETE FROM blocks WHERE number > $1`:
 * the cascade takes the blocks' raw events and every effect they had, in the same transaction, and what remains is
 * exactly the state at the fork point.
 *
 * On-chain numbers are `NUMERIC(78,0)` (any uint256; signed deltas fit too); addresses and hashes are lower-case
 * hex text; block numbers, log indexes and timestamps are `BIGINT`.
 */

/** One migration: an id and the SQL it runs (several statements). */
export interface Migration {
  id: number;
  name: string;
  sql: string;
}

/** The migrations, in order. A database records the ids it ran in `schema_migrations`. */
export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: "blocks, raw events and derived tables",
    sql: `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE blocks (
  number      BIGINT PRIMARY KEY,
  hash        TEXT NOT NULL UNIQUE,
  parent_hash TEXT NOT NULL,
  timestamp   BIGINT NOT NULL
);

CREATE TABLE events (
  block_number BIGINT NOT NULL REFERENCES blocks(number) ON DELETE CASCADE,
  block_hash   TEXT NOT NULL,
  log_index    INTEGER NOT NULL,
  tx_hash      TEXT NOT NULL,
  contract     TEXT NOT NULL,
  address      TEXT NOT NULL,
  name         TEXT NOT NULL,
  args         JSONB NOT NULL,
  PRIMARY KEY (block_hash, log_index)
);
CREATE INDEX events_block ON events (block_number, log_index);
CREATE INDEX events_name ON events (name);

-- every position event, in order, with the position's state after it
CREATE TABLE operations (
  block_number BIGINT NOT NULL REFERENCES blocks(number) ON DELETE CASCADE,
  log_index    INTEGER NOT NULL,
  tx_hash      TEXT NOT NULL,
  timestamp    BIGINT NOT NULL,
  position_id  NUMERIC(78,0) NOT NULL,
  kind         TEXT NOT NULL,
  account      TEXT,
  asset        TEXT,
  amount       NUMERIC(78,0),
  debt         NUMERIC(78,0),
  norm_delta   NUMERIC(78,0) NOT NULL,
  owner        TEXT NOT NULL,
  synth_id     INTEGER NOT NULL,
  norm_debt    NUMERIC(78,0) NOT NULL,
  collateral   JSONB NOT NULL,
  released     BOOLEAN NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX operations_position ON operations (position_id, block_number, log_index);

-- a synthetic's totals after every event that moves one of them
CREATE TABLE synth_states (
  block_number     BIGINT NOT NULL REFERENCES blocks(number) ON DELETE CASCADE,
  log_index        INTEGER NOT NULL,
  timestamp        BIGINT NOT NULL,
  synth_id         INTEGER NOT NULL,
  cause            TEXT NOT NULL,
  rate_index       NUMERIC(78,0) NOT NULL,
  rate_per_second  NUMERIC(78,0) NOT NULL,
  total_norm_debt  NUMERIC(78,0) NOT NULL,
  auction_debt     NUMERIC(78,0) NOT NULL,
  bad_debt         NUMERIC(78,0) NOT NULL,
  module_debt      NUMERIC(78,0) NOT NULL,
  fees_accrued     NUMERIC(78,0) NOT NULL,
  fees_minted      NUMERIC(78,0) NOT NULL,
  PRIMARY KEY (synth_id, block_number, log_index)
);

CREATE TABLE liquidations (
  block_number     BIGINT NOT NULL REFERENCES blocks(number) ON DELETE CASCADE,
  log_index        INTEGER NOT NULL,
  tx_hash          TEXT NOT NULL,
  timestamp        BIGINT NOT NULL,
  position_id      NUMERIC(78,0) NOT NULL,
  synth_id         INTEGER NOT NULL,
  keeper           TEXT NOT NULL,
  debt             NUMERIC(78,0) NOT NULL,
  penalty          NUMERIC(78,0) NOT NULL,
  debt_value       NUMERIC(78,0) NOT NULL,
  full_liquidation BOOLEAN NOT NULL,
  keeper_pay       NUMERIC(78,0) NOT NULL,
  first_auction_id NUMERIC(78,0) NOT NULL,
  PRIMARY KEY (block_number, log_index)
);

-- an auction's state after every event of it: started, take, reset, ended, released
CREATE TABLE auction_states (
  block_number BIGINT NOT NULL REFERENCES blocks(number) ON DELETE CASCADE,
  log_index    INTEGER NOT NULL,
  tx_hash      TEXT NOT NULL,
  timestamp    BIGINT NOT NULL,
  auction_id   NUMERIC(78,0) NOT NULL,
  cause        TEXT NOT NULL,
  position_id  NUMERIC(78,0) NOT NULL,
  synth_id     INTEGER NOT NULL,
  asset        TEXT NOT NULL,
  initial_lot  NUMERIC(78,0) NOT NULL,
  initial_tab  NUMERIC(78,0) NOT NULL,
  initial_debt NUMERIC(78,0) NOT NULL,
  lot          NUMERIC(78,0) NOT NULL,
  tab          NUMERIC(78,0) NOT NULL,
  debt         NUMERIC(78,0) NOT NULL,
  top          NUMERIC(78,0) NOT NULL,
  floor        NUMERIC(78,0) NOT NULL,
  start_time   BIGINT NOT NULL,
  started_at   BIGINT NOT NULL,
  status       TEXT NOT NULL,
  ended_at     BIGINT,
  leftover     NUMERIC(78,0),
  bad_debt     NUMERIC(78,0),
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX auction_states_auction ON auction_states (auction_id, block_number, log_index);

CREATE TABLE takes (
  block_number BIGINT NOT NULL REFERENCES blocks(number) ON DELETE CASCADE,
  log_index    INTEGER NOT NULL,
  tx_hash      TEXT NOT NULL,
  timestamp    BIGINT NOT NULL,
  auction_id   NUMERIC(78,0) NOT NULL,
  taker        TEXT NOT NULL,
  receiver     TEXT NOT NULL,
  collateral   NUMERIC(78,0) NOT NULL,
  owe          NUMERIC(78,0) NOT NULL,
  price        NUMERIC(78,0) NOT NULL,
  burned       NUMERIC(78,0) NOT NULL,
  penalty      NUMERIC(78,0) NOT NULL,
  tab_left     NUMERIC(78,0) NOT NULL,
  lot_left     NUMERIC(78,0) NOT NULL,
  PRIMARY KEY (block_number, log_index)
);
CREATE INDEX takes_auction ON takes (auction_id);

-- every movement of the Treasury, per synthetic, with the running totals after it
CREATE TABLE treasury_movements (
  block_number         BIGINT NOT NULL REFERENCES blocks(number) ON DELETE CASCADE,
  log_index            INTEGER NOT NULL,
  tx_hash              TEXT NOT NULL,
  timestamp            BIGINT NOT NULL,
  synth_id             INTEGER NOT NULL,
  kind                 TEXT NOT NULL,
  counterparty         TEXT,
  amount               NUMERIC(78,0) NOT NULL,
  surplus              NUMERIC(78,0) NOT NULL,
  deficit              NUMERIC(78,0) NOT NULL,
  penalties            NUMERIC(78,0) NOT NULL,
  keeper_pay           NUMERIC(78,0) NOT NULL,
  keeper_pay_unbacked  NUMERIC(78,0) NOT NULL,
  bad_debt             NUMERIC(78,0) NOT NULL,
  absorbed             NUMERIC(78,0) NOT NULL,
  distributed_savings  NUMERIC(78,0) NOT NULL,
  distributed_buyback  NUMERIC(78,0) NOT NULL,
  PRIMARY KEY (synth_id, block_number, log_index)
);

CREATE TABLE settlement_events (
  block_number BIGINT NOT NULL REFERENCES blocks(number) ON DELETE CASCADE,
  log_index    INTEGER NOT NULL,
  tx_hash      TEXT NOT NULL,
  timestamp    BIGINT NOT NULL,
  contract     TEXT NOT NULL,
  name         TEXT NOT NULL,
  args         JSONB NOT NULL,
  PRIMARY KEY (block_number, log_index)
);

-- the current state: the latest row per key
CREATE VIEW positions AS
  SELECT DISTINCT ON (position_id)
    position_id, owner, synth_id, norm_debt, collateral, released,
    CASE WHEN released THEN 'released'
         WHEN norm_debt <> 0 OR collateral <> '{}'::jsonb THEN 'open'
         ELSE 'closed' END AS status,
    block_number AS updated_block, timestamp AS updated_at
  FROM operations
  ORDER BY position_id, block_number DESC, log_index DESC;

CREATE VIEW position_collateral AS
  SELECT p.position_id, c.key AS asset, (c.value #>> '{}')::NUMERIC(78,0) AS amount
  FROM positions p, jsonb_each(p.collateral) c;

CREATE VIEW synthetics AS
  SELECT DISTINCT ON (synth_id) *
  FROM synth_states
  ORDER BY synth_id, block_number DESC, log_index DESC;

CREATE VIEW auctions AS
  SELECT DISTINCT ON (auction_id) *
  FROM auction_states
  ORDER BY auction_id, block_number DESC, log_index DESC;

CREATE VIEW treasury_totals AS
  SELECT DISTINCT ON (synth_id) *
  FROM treasury_movements
  ORDER BY synth_id, block_number DESC, log_index DESC;
`,
  },
];

/** The tables whose rows cascade from `blocks` (all but `meta` and `schema_migrations`). */
export const DATA_TABLES = [
  "events",
  "operations",
  "synth_states",
  "liquidations",
  "auction_states",
  "takes",
  "treasury_movements",
  "settlement_events",
] as const;
