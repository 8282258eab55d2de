-- 31 values
WITH live AS (
  SELECT id FROM sessions
  WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL AND expires_at > $1
  FOR UPDATE
),
totp_used AS (
  UPDATE totp_credentials SET last_used_step = $4
  WHERE user_id = $5 AND last_used_step < $4 AND EXISTS (SELECT 1 FROM live)
  RETURNING 1
),
revoked AS (
  UPDATE sessions SET revoked_at = $1 WHERE id = (SELECT id FROM live) AND EXISTS (SELECT 1 FROM totp_used) RETURNING id
),
issued AS (
  INSERT INTO sessions (id, user_id, token_hash, level, second_factor_failures, created_at, last_seen_at, expires_at, revoked_at, ip_address, user_agent, passkey_verified)
  SELECT $7::uuid, $8::uuid, $9::bytea, $10::varchar, 0,
  $6::timestamptz, $6::timestamptz, $11::timestamptz, NULL,
  $12::varchar, $13::varchar, $14::boolean
  WHERE EXISTS (SELECT 1 FROM revoked)
  RETURNING id
),
device AS (
  INSERT INTO trusted_devices (user_id, token_hash, name, created_at, last_used_at, expires_at, revoked_at)
  SELECT $15::uuid, $16::bytea, $17::varchar,
  $18::timestamptz, NULL, $19::timestamptz, NULL
  WHERE EXISTS (SELECT 1 FROM revoked)
  RETURNING id
),
known_history AS (
  SELECT EXISTS (SELECT 1 FROM sign_in_devices WHERE user_id = $20::uuid) AS had
),
known_device AS (
  INSERT INTO sign_in_devices (user_id, device, location, first_seen_at, last_seen_at, previous_seen_at)
  SELECT $20::uuid, $22::varchar, $23::varchar, $21::timestamptz, $21::timestamptz, NULL
  WHERE EXISTS (SELECT 1 FROM issued)
  ON CONFLICT (user_id, device, location) DO UPDATE SET previous_seen_at = sign_in_devices.last_seen_at, last_seen_at = EXCLUDED.last_seen_at
  RETURNING previous_seen_at
),
recorded_events AS (
  INSERT INTO security_events (type, user_id, actor_user_id, organization_id, ip_address, user_agent, occurred_at)
  SELECT e.type, $24::uuid, $25::uuid, $26::uuid,
  $27, $28, $29
  FROM unnest($30::varchar[]) WITH ORDINALITY AS e(type, n)
  WHERE EXISTS (SELECT 1 FROM revoked) ORDER BY e.n
  RETURNING id, type, user_id, organization_id, occurred_at
),
cleared_limits AS (
  DELETE FROM rate_limits WHERE key = ANY ($31::varchar[]) AND EXISTS (SELECT 1 FROM revoked) RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM live) AS live, EXISTS (SELECT 1 FROM issued) AS issued, (SELECT had FROM known_history) AS had_sign_in_history, (SELECT previous_seen_at FROM known_device) AS previous_seen_at;
