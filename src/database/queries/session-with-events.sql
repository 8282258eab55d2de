-- 17 values
WITH issued AS (
  INSERT INTO sessions (id, user_id, token_hash, level, second_factor_failures, created_at, last_seen_at, expires_at, revoked_at, ip_address, user_agent, passkey_verified)
  SELECT $2::uuid, $3::uuid, $4::bytea, $5::varchar, 0,
  $1::timestamptz, $1::timestamptz, $6::timestamptz, NULL,
  $7::varchar, $8::varchar, $9::boolean
  WHERE TRUE
  RETURNING id
),
recorded_events AS (
  INSERT INTO security_events (type, user_id, actor_user_id, organization_id, ip_address, user_agent, occurred_at)
  SELECT e.type, $10::uuid, $11::uuid, $12::uuid,
  $13, $14, $15
  FROM unnest($16::varchar[]) WITH ORDINALITY AS e(type, n)
  WHERE EXISTS (SELECT 1 FROM issued) ORDER BY e.n
  RETURNING id, type, user_id, organization_id, occurred_at
),
cleared_limits AS (
  DELETE FROM rate_limits WHERE key = ANY ($17::varchar[]) AND EXISTS (SELECT 1 FROM issued) RETURNING 1
)
SELECT 1;
