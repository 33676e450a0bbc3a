package io.gatehouse.governance.internal;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * When an approval rule requires evidence (issue 23): publishing needs, for EVERY live golden set
 * that binds the change's kind and target, a passed run of that set's live version against the
 * change's current revision. Pure logic over what {@link EvidenceGate} read under the publish's
 * locks. Per set the latest such run decides, except that a failed run keeps blocking until a LATER
 * run of the same revision and set version is asked for by someone who authored none of the change
 * (a reviewer or admin re-running a flaky judge): the change's authors cannot re-run until a run
 * passes ({@link #supersededFailures}). A run of an older revision or of an older version of the
 * set is no evidence.
 *
 * <p>{@code evidence_missing} (no run, a run still going, a run that ended in {@code error}) can
 * never be overridden: a run must exist and be finished. {@code evidence_failed} can, with {@link
 * #approvalsForOverride} distinct approvals of the current revision (authors never count) and a
 * recorded reason.
 */
public final class EvidenceRule {
    /** Longest override reason accepted (characters). */
    public static final int MAX_REASON = 2000;

    private EvidenceRule() {}

    /** A live golden set binding the change: its name and live version. */
    public record BoundSet(String name, int version) {}

    /** An evaluation run of the change as stored, in creation order. */
    public record RunState(
            UUID runId,
            String goldenSet,
            int goldenSetVersion,
            int revision,
            String status,
            String requestedBy) {}

    /** What one bound set's evidence is for the current revision. */
    public enum SetStatus {
        PASSED,
        FAILED,
        RUNNING,
        ERROR,
        NO_RUN;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Evidence that is not there (yet): never overridable. */
        boolean missing() {
            return this == RUNNING || this == ERROR || this == NO_RUN;
        }
    }

    /** One bound set's verdict; {@code runId} is null for {@link SetStatus#NO_RUN}. */
    public record SetVerdict(String goldenSet, int version, SetStatus status, UUID runId) {}

    /** The verdicts of every bound set, by name. */
    public record Verdict(int revision, List<SetVerdict> sets) {
        /** Some set has no finished run of the current revision (no run, running, error). */
        public boolean missing() {
            return sets.stream().anyMatch(s -> s.status().missing());
        }

        /** Some set's run failed (and none is missing). */
        public boolean failed() {
            return !missing() && sets.stream().anyMatch(s -> s.status() == SetStatus.FAILED);
        }

        /** Every bound set passed (true when no set binds the change). */
        public boolean passed() {
            return sets.stream().allMatch(s -> s.status() == SetStatus.PASSED);
        }

        /** The failed runs an override covers. */
        public List<UUID> failedRunIds() {
            return sets.stream()
                    .filter(s -> s.status() == SetStatus.FAILED)
                    .map(SetVerdict::runId)
                    .toList();
        }

        /** The sets that stop the publication, for the problem's {@code goldenSets}. */
        public List<SetVerdict> blocking() {
            return sets.stream().filter(s -> s.status() != SetStatus.PASSED).toList();
        }

        /** {@code [{goldenSet, version, status, runId}]} of {@link #blocking}. */
        public JsonArray blockingJson() {
            JsonArrayBuilder a = Json.createArrayBuilder();
            for (SetVerdict s : blocking()) {
                JsonObjectBuilder b =
                        Json.createObjectBuilder()
                                .add("goldenSet", s.goldenSet())
                                .add("version", s.version())
                                .add("status", s.status().wireName());
                if (s.runId() == null) {
                    b.addNull("runId");
                } else {
                    b.add("runId", s.runId().toString());
                }
                a.add(b);
            }
            return a.build();
        }

        /** A sentence naming the blocking sets, e.g. {@code refunds v2 (failed)}. */
        public String describe() {
            return blocking().stream()
                    .map(
                            s ->
                                    s.goldenSet()
                                            + " v"
                                            + s.version()
                                            + " ("
                                            + s.status().wireName().replace('_', ' ')
                                            + ")")
                    .collect(Collectors.joining(", "));
        }
    }

    /**
     * The verdict of each bound set for {@code revision}: the latest run (in {@code runs}' order)
     * of that set's live version against that revision decides, unless it is finished and an
     * earlier failed run of the same revision and version still blocks (no later run asked for by
     * someone outside {@code authors}): then the set is {@link SetStatus#FAILED} with that run.
     */
    public static Verdict judge(
            int revision, List<BoundSet> bound, List<RunState> runs, Set<String> authors) {
        Map<UUID, UUID> superseded = supersededFailures(runs, authors);
        List<SetVerdict> out = new ArrayList<>();
        for (BoundSet set : bound) {
            RunState latest = null;
            RunState blockingFailure = null;
            for (RunState r : runs) {
                if (r.revision() == revision
                        && Objects.equals(r.goldenSet(), set.name())
                        && r.goldenSetVersion() == set.version()) {
                    latest = r;
                    if ("failed".equals(r.status()) && !superseded.containsKey(r.runId())) {
                        blockingFailure = r;
                    }
                }
            }
            SetStatus status = latest == null ? SetStatus.NO_RUN : status(latest.status());
            RunState decides = latest;
            if (latest != null && !status.missing() && blockingFailure != null) {
                status = SetStatus.FAILED;
                decides = blockingFailure;
            }
            out.add(
                    new SetVerdict(
                            set.name(),
                            set.version(),
                            status,
                            decides == null ? null : decides.runId()));
        }
        return new Verdict(revision, List.copyOf(out));
    }

    /**
     * Each failed run that no longer blocks, mapped to the run that superseded it: the first later
     * run (in {@code runs}' order) of the same revision, set and set version that someone outside
     * {@code authors} asked for. A re-run by an author (creator or reviser) supersedes nothing, and
     * neither does an automatic run, which its transition's author asked for.
     */
    public static Map<UUID, UUID> supersededFailures(List<RunState> runs, Set<String> authors) {
        Map<UUID, UUID> out = new LinkedHashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            RunState failed = runs.get(i);
            if (!"failed".equals(failed.status())) {
                continue;
            }
            for (int j = i + 1; j < runs.size(); j++) {
                RunState later = runs.get(j);
                if (later.revision() == failed.revision()
                        && Objects.equals(later.goldenSet(), failed.goldenSet())
                        && later.goldenSetVersion() == failed.goldenSetVersion()
                        && later.requestedBy() != null
                        && !authors.contains(later.requestedBy())) {
                    out.put(failed.runId(), later.runId());
                    break;
                }
            }
        }
        return out;
    }

    static SetStatus status(String stored) {
        return switch (stored) {
            case "passed" -> SetStatus.PASSED;
            case "failed" -> SetStatus.FAILED;
            case "error" -> SetStatus.ERROR;
            // queued, running and anything unknown: not finished, so no evidence
            default -> SetStatus.RUNNING;
        };
    }

    /**
     * Distinct approvals of the current revision an override of a failed run needs: one more than
     * the rule's number, so that a second reviewer looked at the failure too.
     */
    public static int approvalsForOverride(int required) {
        return required + 1;
    }

    /**
     * The override's reason, trimmed; null when it is missing, blank or longer than {@link
     * #MAX_REASON} (the caller answers 400 naming the field).
     */
    public static String validReason(String reason) {
        if (reason == null) {
            return null;
        }
        String r = reason.strip();
        return r.isEmpty() || r.length() > MAX_REASON ? null : r;
    }
}
