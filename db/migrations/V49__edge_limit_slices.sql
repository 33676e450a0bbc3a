-- Exact limits across instances (issue 25 item 4). A lease is now a slice its instance settles on
-- request: an instance that finds the window spent while others still hold slices asks for them
-- back (drain_requested_at); every instance looks for such requests every 50 ms and gives back what
-- it did not use, so no instance refuses while quota sits unused on another. Far from the limit
-- nothing changes on the request path: slices are spent locally without a database round trip.
-- granted: units used or held; it never exceeds the limit except through charges of real usage
-- beyond a reservation (the provider did the work). held: units in unsettled slices.
ALTER TABLE edge_limit_windows
    ADD COLUMN held               bigint      NOT NULL DEFAULT 0,
    ADD COLUMN drain_requested_at timestamptz;

-- Only windows at their limit are in it: the 50 ms look-up reads a handful of rows.
CREATE INDEX edge_limit_windows_drain ON edge_limit_windows (drain_requested_at)
    WHERE drain_requested_at IS NOT NULL;

-- Settles the caller's previous slice (returns p_unused units, releases p_release held units), then
-- takes p_take units for the request at hand plus up to p_want - p_take more as a new slice (none
-- while a drain is requested). All or nothing for p_take. Refused while other instances hold enough
-- to fit it, it requests a drain. Returns what was leased (0: refused), the window's granted total,
-- what other instances still hold, and for how many milliseconds a drain has been requested.
CREATE FUNCTION edge_limit_lease(p_subject text, p_window timestamptz, p_limit bigint,
        p_take bigint, p_want bigint, p_unused bigint, p_release bigint,
        OUT leased bigint, OUT total bigint, OUT held_elsewhere bigint, OUT drain_ms bigint)
    LANGUAGE plpgsql AS
$$
DECLARE
    w_granted bigint;
    w_held    bigint;
    w_drain   timestamptz;
    kept      bigint := 0;
BEGIN
    INSERT INTO edge_limit_windows (subject, window_start, granted, last_grant)
        VALUES (p_subject, p_window, 0, 0)
        ON CONFLICT (subject, window_start) DO NOTHING;
    SELECT w.granted, w.held, w.drain_requested_at INTO w_granted, w_held, w_drain
        FROM edge_limit_windows w
        WHERE w.subject = p_subject AND w.window_start = p_window
        FOR UPDATE;
    w_granted := GREATEST(0, w_granted - GREATEST(0, p_unused));
    w_held := GREATEST(0, w_held - GREATEST(0, p_release));
    IF w_held = 0 THEN
        w_drain := NULL;
    END IF;
    leased := 0;
    IF p_take > 0 AND p_limit - w_granted >= p_take THEN
        leased := CASE WHEN w_drain IS NULL
            THEN LEAST(GREATEST(p_want, p_take), p_limit - w_granted)
            ELSE p_take END;
        kept := leased - p_take;
    END IF;
    w_granted := w_granted + leased;
    w_held := w_held + kept;
    IF leased = 0 AND p_take > 0 AND w_held > 0 AND p_limit - w_granted + w_held >= p_take
            AND w_drain IS NULL THEN
        w_drain := now();
    END IF;
    UPDATE edge_limit_windows w
        SET granted = w_granted, held = w_held, drain_requested_at = w_drain, last_grant = leased
        WHERE w.subject = p_subject AND w.window_start = p_window;
    total := w_granted;
    held_elsewhere := w_held - kept;
    drain_ms := CASE WHEN w_drain IS NULL THEN 0
        ELSE GREATEST(0, FLOOR(EXTRACT(EPOCH FROM (now() - w_drain)) * 1000))::bigint END;
END
$$;

GRANT EXECUTE ON FUNCTION edge_limit_lease(text, timestamptz, bigint, bigint, bigint, bigint, bigint)
    TO ${app_role};
