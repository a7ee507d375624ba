/**
 * 001: the whole first schema. Plain PostgreSQL 15 SQL that PGlite runs unchanged: no extensions,
 * no server-only features. Identifiers are unqualified; the connection's search_path picks the schema.
 */
export const M001_CORE = `
CREATE TABLE users (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 128),
  role          text NOT NULL CHECK (role IN ('viewer', 'triager', 'admin')),
  password_hash text,
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- Only the SHA-256 of a token is kept; the token itself is shown once, when it is created.
CREATE TABLE api_tokens (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
  token_hash   text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  prefix       text NOT NULL,
  role         text NOT NULL CHECK (role IN ('ingest', 'viewer', 'triager', 'admin')),
  user_id      bigint REFERENCES users(id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  revoked_at   timestamptz,
  last_used_at timestamptz
);

CREATE TABLE models (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  description text,
  owner       text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE model_versions (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model_id   bigint NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  version    text NOT NULL,
  digest     text,
  format     text,
  source     text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (model_id, version)
);

CREATE TABLE model_signatures (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model_version_id bigint NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,
  kind             text NOT NULL,
  identity         text,
  verified         boolean NOT NULL,
  verified_at      timestamptz NOT NULL DEFAULT now(),
  detail           jsonb
);

CREATE TABLE model_boms (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model_version_id bigint NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,
  format           text NOT NULL,
  serial           text,
  uri              text,
  document         jsonb,
  created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE runs (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind             text NOT NULL CHECK (kind IN ('scan', 'audit')),
  model_version_id bigint REFERENCES model_versions(id) ON DELETE SET NULL,
  target           text NOT NULL,
  tool_version     text,
  started_at       timestamptz NOT NULL,
  finished_at      timestamptz,
  status           text NOT NULL DEFAULT 'ok',
  summary          jsonb
);

CREATE TABLE findings (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id            bigint NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  fingerprint       text NOT NULL,
  rule_id           text NOT NULL,
  severity          text NOT NULL,
  message           text NOT NULL,
  path              text NOT NULL,
  member            text,
  evidence          text,
  detail            jsonb,
  triage_state      text NOT NULL DEFAULT 'open'
                    CHECK (triage_state IN ('open', 'accepted', 'fixed', 'false_positive')),
  triage_reason     text,
  triage_expires_at timestamptz,
  assignee          text,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (run_id, fingerprint),
  -- An accepted risk always says why and until when.
  CHECK (triage_state <> 'accepted' OR (triage_reason IS NOT NULL AND triage_expires_at IS NOT NULL))
);
CREATE INDEX findings_state ON findings (triage_state, severity);

CREATE TABLE finding_history (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  finding_id  bigint NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
  actor       text NOT NULL,
  changed_at  timestamptz NOT NULL DEFAULT now(),
  from_state  text,
  to_state    text NOT NULL,
  reason      text,
  expires_at  timestamptz,
  assignee    text
);
CREATE INDEX finding_history_finding ON finding_history (finding_id, id);

-- Every triage change is written here by the database itself, so no code path can skip the record.
-- The actor comes from the transaction-local setting warden.actor; a change without one is refused.
CREATE FUNCTION record_finding_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE who text := current_setting('warden.actor', true);
BEGIN
  IF who IS NULL OR who = '' THEN
    RAISE EXCEPTION 'triage change without an actor (set warden.actor)';
  END IF;
  IF NEW.triage_state IS DISTINCT FROM OLD.triage_state
     OR NEW.triage_reason IS DISTINCT FROM OLD.triage_reason
     OR NEW.triage_expires_at IS DISTINCT FROM OLD.triage_expires_at
     OR NEW.assignee IS DISTINCT FROM OLD.assignee THEN
    INSERT INTO finding_history (finding_id, actor, from_state, to_state, reason, expires_at, assignee)
    VALUES (NEW.id, who, OLD.triage_state, NEW.triage_state, NEW.triage_reason, NEW.triage_expires_at, NEW.assignee);
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER findings_history BEFORE UPDATE ON findings
  FOR EACH ROW EXECUTE FUNCTION record_finding_change();

CREATE TABLE guard_events (
  id          text PRIMARY KEY,
  ts          timestamptz NOT NULL,
  kind        text NOT NULL,
  source      text,
  model       text,
  client      text,
  route       text,
  action      text,
  status      integer,
  latency_ms  double precision,
  flagged     boolean,
  score       real,
  categories  text[],
  error       text,
  refusal     boolean,
  data        jsonb,
  received_at timestamptz NOT NULL DEFAULT now()
);
-- BRIN, not B-tree: events arrive roughly in time order, and a BRIN index costs almost nothing per
-- insert (ingestion must sustain tens of thousands of rows a second) while still pruning time windows.
CREATE INDEX guard_events_ts ON guard_events USING brin (ts);

CREATE TABLE inference_events (
  id            text PRIMARY KEY,
  ts            timestamptz NOT NULL,
  model         text NOT NULL,
  model_version text,
  client        text,
  latency_ms    double precision,
  error         text,
  features      jsonb,
  text_stats    jsonb,
  output        jsonb,
  data          jsonb,
  received_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inference_events_ts ON inference_events USING brin (ts);

CREATE TABLE drift_results (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model          text NOT NULL,
  feature        text NOT NULL,
  method         text NOT NULL,
  statistic      double precision,
  p_value        double precision,
  threshold      double precision NOT NULL,
  drifted        boolean NOT NULL,
  window_start   timestamptz NOT NULL,
  window_end     timestamptz NOT NULL,
  reference_start timestamptz,
  reference_end  timestamptz,
  n_reference    integer NOT NULL,
  n_current      integer NOT NULL,
  detail         jsonb,
  computed_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (model, feature, method, window_start, window_end)
);
CREATE INDEX drift_results_model ON drift_results (model, feature, window_end);

-- Rate anomalies and extraction suspects, each with the evidence that flagged it.
CREATE TABLE detections (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind         text NOT NULL,
  subject      text NOT NULL,
  window_start timestamptz NOT NULL,
  window_end   timestamptz NOT NULL,
  score        double precision,
  flagged      boolean NOT NULL,
  evidence     jsonb,
  computed_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kind, subject, window_start, window_end)
);

CREATE TABLE alerts (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule_id     text NOT NULL,
  dedup_key   text NOT NULL,
  state       text NOT NULL CHECK (state IN ('firing', 'resolved')),
  severity    text NOT NULL,
  route       text,
  message     text NOT NULL,
  value       double precision,
  threshold   double precision,
  evidence    jsonb,
  started_at  timestamptz NOT NULL DEFAULT now(),
  last_seen   timestamptz NOT NULL DEFAULT now(),
  notified_at timestamptz,
  resolved_at timestamptz
);
-- At most one open alert per rule and key: the database enforces the de-duplication.
CREATE UNIQUE INDEX alerts_one_firing ON alerts (dedup_key) WHERE state = 'firing';

CREATE TABLE alert_deliveries (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alert_id   bigint NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
  route      text NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('firing', 'resolved')),
  ok         boolean NOT NULL,
  status     integer,
  error      text,
  sent_at    timestamptz NOT NULL DEFAULT now()
);

-- Where the JSONL tailer stopped in each file, written in the same transaction as the events it read.
CREATE TABLE ingest_offsets (
  source     text PRIMARY KEY,
  file_id    text NOT NULL,
  head_hash  text NOT NULL,
  "offset"   bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
`;
