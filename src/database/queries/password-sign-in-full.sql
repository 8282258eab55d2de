-- 21 values
WITH issued AS (
  INSERT INTO sessions (id, user_id, token_hash, level, second_factor_failures, created_at, last_seen_at, expires_at, revoked_at, ip_address, user_agent, passkey_verified)
  SELECT $2::uuid, $3::uuid, $4::bytea, $5::varchar, 0,
  $1::timestamptz, $1::timestamptz, $6::timestamptz, NULL,
  $7::varchar, $8::varchar, $9::boolean
  WHERE TRUE
  RETURNING id
),
known_history AS (
  SELECT EXISTS (SELECT 1 FROM sign_in_devices WHERE user_id = $10::uuid) AS had
),
known_device AS (
  INSERT INTO sign_in_devices (user_id, device, location, first_seen_at, last_seen_at, previous_seen_at)
  SELECT $10::uuid, $12::varchar, $13::varchar, $11::timestamptz, $11::timestamptz, NULL
  WHERE EXISTS (SELECT 1 FROM issued)
  ON CONFLICT (user_id, device, location) DO UPDATE SET previous_seen_at = sign_in_devices.last_seen_at, last_seen_at = EXCLUDED.last_seen_at
  RETURNING previous_seen_at
),
recorded_events AS (
  INSERT INTO security_events (type, user_id, actor_user_id, organization_id, ip_address, user_agent, occurred_at)
  SELECT e.type, $14::uuid, $15::uuid, $16::uuid,
  $17, $18, $19
  FROM unnest($20::varchar[]) WITH ORDINALITY AS e(type, n)
  WHERE EXISTS (SELECT 1 FROM issued) ORDER BY e.n
  RETURNING id, type, user_id, organization_id, occurred_at
),
cleared_limits AS (
  DELETE FROM rate_limits WHERE key = ANY ($21::varchar[]) AND EXISTS (SELECT 1 FROM issued) RETURNING 1
)
SELECT (SELECT had FROM known_history) AS had_sign_in_history, (SELECT previous_seen_at FROM known_device) AS previous_seen_at;
