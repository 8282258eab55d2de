-- 24 values
WITH live AS (
  SELECT id FROM sessions
  WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL AND expires_at > $1
  FOR UPDATE
),
no_factor AS (
  SELECT 1 WHERE false
),
revoked AS (
  UPDATE sessions SET revoked_at = $1 WHERE id = (SELECT id FROM live) AND EXISTS (SELECT 1 FROM no_factor) RETURNING id
),
issued AS (
  INSERT INTO sessions (id, user_id, token_hash, level, second_factor_failures, created_at, last_seen_at, expires_at, revoked_at, ip_address, user_agent, passkey_verified)
  SELECT $5::uuid, $6::uuid, $7::bytea, $8::varchar, 0,
  $4::timestamptz, $4::timestamptz, $9::timestamptz, NULL,
  $10::varchar, $11::varchar, $12::boolean
  WHERE EXISTS (SELECT 1 FROM revoked)
  RETURNING id
),
known_history AS (
  SELECT EXISTS (SELECT 1 FROM sign_in_devices WHERE user_id = $13::uuid) AS had
),
known_device AS (
  INSERT INTO sign_in_devices (user_id, device, location, first_seen_at, last_seen_at, previous_seen_at)
  SELECT $13::uuid, $15::varchar, $16::varchar, $14::timestamptz, $14::timestamptz, NULL
  WHERE EXISTS (SELECT 1 FROM issued)
  ON CONFLICT (user_id, device, location) DO UPDATE SET previous_seen_at = sign_in_devices.last_seen_at, last_seen_at = EXCLUDED.last_seen_at
  RETURNING previous_seen_at
),
recorded_events AS (
  INSERT INTO security_events (type, user_id, actor_user_id, organization_id, ip_address, user_agent, occurred_at)
  SELECT e.type, $17::uuid, $18::uuid, $19::uuid,
  $20, $21, $22
  FROM unnest($23::varchar[]) WITH ORDINALITY AS e(type, n)
  WHERE EXISTS (SELECT 1 FROM revoked) ORDER BY e.n
  RETURNING id, type, user_id, organization_id, occurred_at
),
cleared_limits AS (
  DELETE FROM rate_limits WHERE key = ANY ($24::varchar[]) AND EXISTS (SELECT 1 FROM revoked) RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM live) AS live, EXISTS (SELECT 1 FROM issued) AS issued, (SELECT had FROM known_history) AS had_sign_in_history, (SELECT previous_seen_at FROM known_device) AS previous_seen_at;
