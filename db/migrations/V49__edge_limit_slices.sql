-- Exact limits across instances (issue 25 item 4). A lease is now a slice its instance settles: it
-- gives back what it did not use, so another instance can have it. The window row knows how much is
-- held out in unsettled slices and until when, so an instance that finds the window spent while
-- others still hold slices waits for them to settle instead of refusing while quota is left.
-- granted: units used or held; it never exceeds the limit except through charges of real usage
-- beyond a reservation (the provider did the work).
ALTER TABLE edge_limit_windows
    ADD COLUMN held       bigint      NOT NULL DEFAULT 0,
    ADD COLUMN held_until timestamptz;

-- Settles the caller's previous slice (returns p_unused units, releases p_release held units), then
-- takes p_take units for the request at hand plus up to p_want - p_take more as a new slice held for
-- p_ttl_ms. All or nothing for p_take. Returns what was leased (0: refused), the window's granted
-- total, what other instances still hold, and for how many more milliseconds.
CREATE FUNCTION edge_limit_lease(p_subject text, p_window timestamptz, p_limit bigint,
        p_take bigint, p_want bigint, p_unused bigint, p_release bigint, p_ttl_ms bigint,
        OUT leased bigint, OUT total bigint, OUT held_elsewhere bigint, OUT held_ms bigint)
    LANGUAGE plpgsql AS
$$
DECLARE
    w_granted bigint;
    w_held    bigint;
    w_until   timestamptz;
    kept      bigint := 0;
BEGIN
    INSERT INTO edge_limit_windows (subject, window_start, granted, last_grant)
        VALUES (p_subject, p_window, 0, 0)
        ON CONFLICT (subject, window_start) DO NOTHING;
    SELECT w.granted, w.held, w.held_until INTO w_granted, w_held, w_until
        FROM edge_limit_windows w
        WHERE w.subject = p_subject AND w.window_start = p_window
        FOR UPDATE;
    w_granted := GREATEST(0, w_granted - GREATEST(0, p_unused));
    w_held := GREATEST(0, w_held - GREATEST(0, p_release));
    leased := 0;
    IF p_take > 0 AND p_limit - w_granted >= p_take THEN
        leased := LEAST(GREATEST(p_want, p_take), p_limit - w_granted);
        kept := leased - p_take;
    END IF;
    w_granted := w_granted + leased;
    IF kept > 0 THEN
        w_held := w_held + kept;
        w_until := GREATEST(COALESCE(w_until, now()), now() + p_ttl_ms * interval '1 millisecond');
    END IF;
    IF w_held = 0 THEN
        w_until := NULL;
    END IF;
    UPDATE edge_limit_windows w
        SET granted = w_granted, held = w_held, held_until = w_until, last_grant = leased
        WHERE w.subject = p_subject AND w.window_start = p_window;
    total := w_granted;
    held_elsewhere := w_held - kept;
    held_ms := CASE WHEN held_elsewhere > 0 AND w_until IS NOT NULL
        THEN GREATEST(0, CEIL(EXTRACT(EPOCH FROM (w_until - now())) * 1000))::bigint
        ELSE 0 END;
END
$$;

GRANT EXECUTE ON FUNCTION edge_limit_lease(text, timestamptz, bigint, bigint, bigint, bigint, bigint,
    bigint) TO ${app_role};
