-- Issue 22, second review: an export ticket is revoked with the token that minted it.
--
-- A ticket now records the issued-at (to the millisecond, as the token's gh_iat_ms) and the jti of
-- the access token it was issued with. At redemption the edge refuses it (401 invalid_ticket) when
-- that token was issued before the user's tokens_valid_after (password reset, role change,
-- disablement) or its jti was logged out (edge_revoked_tokens), as it refuses the token itself.
-- Tickets issued before this migration have neither and are refused: they live 60 seconds.
ALTER TABLE audit_export_tickets
    ADD COLUMN token_issued_at timestamptz,
    ADD COLUMN token_jti       text CHECK (length(token_jti) <= 200);
