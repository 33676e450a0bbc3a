package io.gatehouse.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.platform.ManifestValidator.Doc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every manifest under deploy/kubernetes is valid (core kinds strictly through fabric8, custom
 * resources against their CRDs) and keeps the deployment rules of docs/operations.md. The tests at
 * the end feed broken manifests to the same checks, so a check that cannot fail would show.
 */
class KubernetesManifestsTest {
    private static final Path ROOT = Path.of("deploy/kubernetes");
    private static final ManifestValidator VALIDATOR = new ManifestValidator(ROOT.resolve("crds"));

    static List<Doc> manifests() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(
                            p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(p -> !p.startsWith(ROOT.resolve("crds")))
                    .sorted()
                    .flatMap(p -> ManifestValidator.parse(p).stream())
                    .toList();
        }
    }

    private static List<Doc> ofKind(String kind) throws IOException {
        return manifests().stream().filter(d -> d.kind().equals(kind)).toList();
    }

    /** The pod-level parts of a workload: pod spec (or the operator's spec) and its containers. */
    private record Workload(Doc doc, JsonNode pod, List<JsonNode> containers) {
        String env(String name) {
            for (JsonNode c : containers) {
                for (JsonNode e : c.path("env")) {
                    if (e.path("name").asString("").equals(name)) {
                        return e.has("value") ? e.path("value").asString("") : "<from " + e + ">";
                    }
                }
            }
            return null;
        }

        String mode() {
            return env("GATEHOUSE_MODE");
        }
    }

    static List<Workload> workloads(List<Doc> docs) {
        List<Workload> out = new ArrayList<>();
        for (Doc d : docs) {
            JsonNode spec = d.node().path("spec");
            switch (d.kind()) {
                case "Deployment", "Job" -> {
                    JsonNode pod = spec.path("template").path("spec");
                    List<JsonNode> cs = new ArrayList<>();
                    pod.path("containers").forEach(cs::add);
                    out.add(new Workload(d, pod, cs));
                }
                // The operator's spec is pod and container at once.
                case "OpenLibertyApplication" -> out.add(new Workload(d, spec, List.of(spec)));
                default -> {}
            }
        }
        return out;
    }

    @Test
    void everyManifestIsValidAgainstItsSchema() throws IOException {
        List<Doc> docs = manifests();
        assertThat(docs)
                .extracting(Doc::kind)
                .contains(
                        "Deployment",
                        "Service",
                        "HorizontalPodAutoscaler",
                        "PodDisruptionBudget",
                        "NetworkPolicy",
                        "ConfigMap",
                        "Job",
                        "OpenLibertyApplication",
                        "Cluster",
                        "ScheduledBackup");
        List<String> problems = new ArrayList<>();
        docs.forEach(d -> problems.addAll(VALIDATOR.problems(d)));
        assertThat(problems).isEmpty();
    }

    @Test
    void applicationPodsHaveStartupReadinessAndLivenessProbes() throws IOException {
        List<Workload> apps =
                workloads(manifests()).stream().filter(w -> "serve".equals(w.mode())).toList();
        assertThat(apps).hasSize(2); // plain Deployment and OpenLibertyApplication
        for (Workload w : apps) {
            assertThat(probeProblems(w)).as(w.doc().toString()).isEmpty();
        }
    }

    static List<String> probeProblems(Workload w) {
        List<String> problems = new ArrayList<>();
        boolean operator = w.doc().kind().equals("OpenLibertyApplication");
        for (JsonNode c : w.containers()) {
            JsonNode probes = operator ? c.path("probes") : c;
            for (String[] p :
                    new String[][] {
                        {"startup", "startupProbe", "/health/started"},
                        {"readiness", "readinessProbe", "/health/ready"},
                        {"liveness", "livenessProbe", "/health/live"}
                    }) {
                JsonNode probe = probes.path(operator ? p[0] : p[1]);
                if (!probe.path("httpGet").path("path").asString("").equals(p[2])) {
                    problems.add(p[1] + " must GET " + p[2]);
                }
            }
            // Cold start is ~25 s: the startup probe must allow well over that.
            JsonNode startup = probes.path(operator ? "startup" : "startupProbe");
            int budget =
                    startup.path("periodSeconds").asInt(10)
                            * startup.path("failureThreshold").asInt(3);
            if (budget < 90) {
                problems.add("startup probe allows only " + budget + " s");
            }
        }
        return problems;
    }

    @Test
    void onlyTheMigrationJobHoldsTheOwnerRole() throws IOException {
        List<Workload> all = workloads(manifests());
        List<Workload> jobs = all.stream().filter(w -> w.doc().kind().equals("Job")).toList();
        assertThat(jobs).hasSize(1);
        Workload job = jobs.get(0);
        assertThat(job.mode()).isEqualTo("migrate");
        assertThat(job.env("GATEHOUSE_DB_OWNER_PASSWORD")).contains("gatehouse-db-owner");
        assertThat(job.env("GATEHOUSE_DB_OWNER_USER")).contains("gatehouse-db-owner");
        // the Job needs neither the runtime role's password nor the master key
        assertThat(job.env("GATEHOUSE_DB_PASSWORD")).isNull();
        assertThat(job.env("GATEHOUSE_MASTER_KEY")).isNull();
        // and runs the production profile as the pods do, which checks the owner password
        assertThat(job.env("GATEHOUSE_PROFILE")).contains("gatehouse-config");
        for (Workload w : all) {
            if (w != job) {
                assertThat(ownerRoleProblems(w)).as(w.doc().toString()).isEmpty();
            }
        }
        // the ConfigMap every pod reads carries no credentials at all
        for (Doc cm : ofKind("ConfigMap")) {
            assertThat(cm.node().path("data").propertyNames())
                    .noneMatch(
                            k ->
                                    k.contains("PASSWORD")
                                            || k.contains("OWNER")
                                            || k.contains("KEY"));
        }
    }

    /**
     * The ConfigMap's database URL verifies the server against {@code sslrootcert}: every workload
     * that connects (operator, plain Deployment, migration Job) must have the CA exactly there.
     */
    @Test
    void everyWorkloadMountsTheDatabaseCaWhereTheUrlNamesIt() throws IOException {
        String url =
                ofKind("ConfigMap").stream()
                        .map(cm -> cm.node().path("data").path("GATEHOUSE_DB_URL").asString(""))
                        .filter(u -> !u.isEmpty())
                        .findFirst()
                        .orElseThrow();
        Matcher m = Pattern.compile("[?&]sslrootcert=([^&]+)").matcher(url);
        assertThat(url).contains("sslmode=verify-full");
        assertThat(m.find()).as(url).isTrue();
        List<Workload> all = workloads(manifests());
        assertThat(all).hasSize(3);
        for (Workload w : all) {
            assertThat(caFiles(w)).as(w.doc().toString()).contains(m.group(1));
        }
    }

    /** Where the workload's containers see the files of its {@code db-ca} volume. */
    static List<String> caFiles(Workload w) {
        List<String> files = new ArrayList<>();
        for (JsonNode volume : w.pod().path("volumes")) {
            if (!volume.path("name").asString("").equals("db-ca")) {
                continue;
            }
            for (JsonNode c : w.containers()) {
                for (JsonNode mount : c.path("volumeMounts")) {
                    if (mount.path("name").asString("").equals("db-ca")) {
                        for (JsonNode item : volume.path("secret").path("items")) {
                            files.add(
                                    mount.path("mountPath").asString("")
                                            + "/"
                                            + item.path("path").asString(""));
                        }
                    }
                }
            }
        }
        return files;
    }

    static List<String> ownerRoleProblems(Workload w) {
        List<String> problems = new ArrayList<>();
        if (!"serve".equals(w.mode())) {
            problems.add("application pods must run GATEHOUSE_MODE=serve, not " + w.mode());
        }
        String text = w.doc().node().toString();
        if (text.contains("GATEHOUSE_DB_OWNER") || text.contains("gatehouse-db-owner")) {
            problems.add("application pods must not reference the owner role's credentials");
        }
        return problems;
    }

    @Test
    void heapIsAShareOfTheMemoryLimitAndIpv6StaysOn() throws IOException {
        for (Workload w : workloads(manifests())) {
            assertThat(w.env("JAVA_TOOL_OPTIONS"))
                    .as(w.doc().toString())
                    .contains("-XX:MaxRAMPercentage=");
            for (JsonNode c : w.containers()) {
                assertThat(c.path("resources").path("limits").path("memory").asString(""))
                        .as(w.doc() + " memory limit")
                        .isNotEmpty();
                assertThat(c.path("resources").path("requests").path("cpu").asString(""))
                        .as(w.doc() + " cpu request")
                        .isNotEmpty();
            }
            assertThat(w.doc().node().toString())
                    .doesNotContain("-Xmx")
                    .doesNotContain("preferIPv4Stack");
        }
        String imageJvmOptions = Files.readString(Path.of("deploy/container/jvm.options"));
        assertThat(imageJvmOptions.lines().filter(l -> !l.startsWith("#")))
                .noneMatch(l -> l.startsWith("-Xmx") || l.startsWith("-Xms"))
                .noneMatch(l -> l.contains("preferIPv4Stack"));
    }

    @Test
    void everyContainerRunsNonRootOnAReadOnlyRootFileSystem() throws IOException {
        for (Workload w : workloads(manifests())) {
            assertThat(securityProblems(w)).as(w.doc().toString()).isEmpty();
        }
    }

    static List<String> securityProblems(Workload w) {
        List<String> problems = new ArrayList<>();
        for (JsonNode c : w.containers()) {
            JsonNode sc = c.path("securityContext");
            if (!sc.path("runAsNonRoot").asBoolean(false)) {
                problems.add("runAsNonRoot must be true");
            }
            if (!sc.path("readOnlyRootFilesystem").asBoolean(false)) {
                problems.add("readOnlyRootFilesystem must be true");
            }
            if (sc.path("allowPrivilegeEscalation").asBoolean(true)) {
                problems.add("allowPrivilegeEscalation must be false");
            }
            if (!sc.path("capabilities").path("drop").toString().contains("\"ALL\"")) {
                problems.add("capabilities must drop ALL");
            }
            // Liberty writes logs, workarea and its keystore under its output directory.
            String mounts = c.path("volumeMounts").toString();
            if (!mounts.contains("/opt/ol/wlp/output") || !mounts.contains("\"/tmp\"")) {
                problems.add("writable volumes for /opt/ol/wlp/output and /tmp are needed");
            }
        }
        return problems;
    }

    @Test
    void postgresqlWaitsForAQuorumOfOneStandbyOnThreeInstances() throws IOException {
        List<Doc> clusters = ofKind("Cluster");
        assertThat(clusters).hasSize(1);
        JsonNode spec = clusters.get(0).node().path("spec");
        assertThat(spec.path("instances").asInt()).isEqualTo(3);
        JsonNode sync = spec.path("postgresql").path("synchronous");
        assertThat(sync.path("method").asString("")).isEqualTo("any");
        assertThat(sync.path("number").asInt()).isEqualTo(1);
        assertThat(sync.path("dataDurability").asString("")).isEqualTo("required");
        // point-in-time recovery needs continuous WAL archiving
        assertThat(
                        spec.path("backup")
                                .path("barmanObjectStore")
                                .path("destinationPath")
                                .asString(""))
                .isNotEmpty();
        // the application connects with TLS and verifies the server
        String url =
                ofKind("ConfigMap")
                        .get(0)
                        .node()
                        .path("data")
                        .path("GATEHOUSE_DB_URL")
                        .asString("");
        assertThat(url).contains("sslmode=verify-full").contains("sslrootcert=");
    }

    @Test
    void containerfileBuildsANonRootImageFromThePackagedServer() throws IOException {
        String cf = Files.readString(Path.of("Containerfile"));
        assertThat(cf)
                .contains("FROM icr.io/appcafe/open-liberty:kernel-slim-java17-openj9-ubi-minimal")
                .contains("COPY --chown=1001:0 target/gatehouse-server/ /config/")
                .contains("RUN features.sh")
                .contains("RUN configure.sh")
                .contains("USER 1001")
                .doesNotContainIgnoringCase("password")
                .doesNotContain("GATEHOUSE_MASTER_KEY");
    }

    // --- the checks above fail on broken manifests --------------------------------------------

    private static final String DEPLOYMENT =
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: broken
            spec:
              selector:
                matchLabels: {app: x}
              template:
                metadata:
                  labels: {app: x}
                spec:
                  containers:
                    - name: x
                      image: x
                      %s
            """;

    @Test
    void anUnknownFieldInACoreKindIsRefused() {
        Doc ok =
                ManifestValidator.parse("ok", DEPLOYMENT.formatted("imagePullPolicy: Always"))
                        .get(0);
        assertThat(VALIDATOR.problems(ok)).isEmpty();
        Doc typo =
                ManifestValidator.parse("typo", DEPLOYMENT.formatted("startupProbes: {}")).get(0);
        assertThat(VALIDATOR.problems(typo)).singleElement().asString().contains("startupProbes");
        Doc wrongType =
                ManifestValidator.parse("type", DEPLOYMENT.formatted("ports: {containerPort: 1}"))
                        .get(0);
        assertThat(VALIDATOR.problems(wrongType)).isNotEmpty();
        assertThatThrownBy(() -> ManifestValidator.parse("dup", "kind: Service\nkind: Service\n"))
                .as("duplicate keys")
                .hasMessageContaining("Duplicate");
    }

    @Test
    void anUnknownFieldOrBadValueInACustomResourceIsRefused() throws IOException {
        Doc ola = ofKind("OpenLibertyApplication").get(0);
        String text =
                ManifestValidator.parse(
                                Path.of("deploy/kubernetes/operator/openlibertyapplication.yaml"))
                        .get(0)
                        .node()
                        .toString();
        assertThat(VALIDATOR.problems(ola)).isEmpty();
        Doc typo =
                ManifestValidator.parse("typo", text.replace("\"startup\":", "\"startupp\":"))
                        .get(0);
        assertThat(VALIDATOR.problems(typo)).isNotEmpty().anyMatch(p -> p.contains("startupp"));

        String cluster = ofKind("Cluster").get(0).node().toString();
        Doc badMethod =
                ManifestValidator.parse(
                                "method",
                                cluster.replace("\"method\":\"any\"", "\"method\":\"all\""))
                        .get(0);
        assertThat(VALIDATOR.problems(badMethod)).isNotEmpty();
        Doc unknownKind =
                ManifestValidator.parse(
                                "kind",
                                "apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: t}\n")
                        .get(0);
        assertThat(VALIDATOR.problems(unknownKind))
                .singleElement()
                .asString()
                .contains("no validator");
    }

    /** Kubernetes' default when a pod spec does not set terminationGracePeriodSeconds. */
    static final int DEFAULT_GRACE_SECONDS = 30;

    /**
     * Liberty's own stop once the drain is over: its quiesce (nothing in flight any more), the
     * application's stop, the pools: 4.3 s and 5.0 s from the audit flush to "server stopped" in
     * two runs of ShutdownDrainIT on a 2-core machine under test load, counted as 6.
     */
    static final int LIBERTY_STOP_SECONDS = 6;

    /** Left over in the worst case, so that a slow node is not killed in the middle of the stop. */
    static final int MARGIN_SECONDS = 3;

    @Test
    void shutdownWorstCaseFitsEachVariantsGracePeriod() throws IOException {
        List<Workload> apps =
                workloads(manifests()).stream().filter(w -> "serve".equals(w.mode())).toList();
        assertThat(apps).hasSize(2); // plain Deployment and OpenLibertyApplication
        for (Workload w : apps) {
            assertThat(shutdownProblems(w)).as(w.doc().toString()).isEmpty();
        }
    }

    /**
     * preStop sleep + shutdown delay + request drain + audit flush + Liberty's stop + margin must
     * fit the grace period (docs/operations.md "Graceful shutdown" writes the same sum per
     * variant).
     */
    static List<String> shutdownProblems(Workload w) {
        List<String> problems = new ArrayList<>();
        JsonNode grace = w.pod().path("terminationGracePeriodSeconds");
        int graceSeconds = grace.isMissingNode() ? DEFAULT_GRACE_SECONDS : grace.asInt();
        int preStop = 0;
        for (JsonNode c : w.containers()) {
            JsonNode hook = c.path("lifecycle").path("preStop");
            if (hook.isMissingNode()) {
                continue;
            }
            if (!hook.path("sleep").has("seconds")) {
                problems.add("a preStop hook other than sleep cannot be counted: " + hook);
            }
            preStop += hook.path("sleep").path("seconds").asInt();
        }
        int sum = preStop + LIBERTY_STOP_SECONDS + MARGIN_SECONDS;
        for (String setting :
                List.of(
                        "GATEHOUSE_SHUTDOWN_DELAY_SECONDS",
                        "GATEHOUSE_SHUTDOWN_DRAIN_SECONDS",
                        "GATEHOUSE_AUDIT_FLUSH_SECONDS")) {
            String value = w.env(setting);
            if (value == null || !value.matches("[0-9]+")) {
                problems.add(setting + " must be a literal number of seconds, is " + value);
            } else {
                sum += Integer.parseInt(value);
            }
        }
        if (sum > graceSeconds) {
            problems.add(
                    "worst-case shutdown "
                            + sum
                            + " s (with "
                            + MARGIN_SECONDS
                            + " s margin) exceeds the grace period of "
                            + graceSeconds
                            + " s");
        }
        return problems;
    }

    @Test
    void aShutdownLongerThanTheGracePeriodFailsTheRule() throws IOException {
        Workload operator = workloads(ofKind("OpenLibertyApplication")).get(0);
        // the operator's pods get the default 30 s: one second more of drain no longer fits
        String longDrain =
                operator.doc()
                        .node()
                        .toString()
                        .replace(
                                "\"name\":\"GATEHOUSE_SHUTDOWN_DRAIN_SECONDS\",\"value\":\"11\"",
                                "\"name\":\"GATEHOUSE_SHUTDOWN_DRAIN_SECONDS\",\"value\":\"12\"");
        assertThat(longDrain).isNotEqualTo(operator.doc().node().toString());
        assertThat(shutdownProblems(workloads(ManifestValidator.parse("drain", longDrain)).get(0)))
                .anyMatch(p -> p.contains("exceeds the grace period of 30 s"));

        // the plain Deployment's 60 s grace with a preStop sleep added on top of its budget
        Workload deployment = workloads(ofKind("Deployment")).get(0);
        String withPreStop =
                deployment
                        .doc()
                        .node()
                        .toString()
                        .replace(
                                "\"name\":\"gatehouse\",\"image\"",
                                "\"name\":\"gatehouse\",\"lifecycle\":{\"preStop\":{\"sleep\":"
                                        + "{\"seconds\":10}}},\"image\"");
        assertThat(withPreStop).isNotEqualTo(deployment.doc().node().toString());
        assertThat(
                        shutdownProblems(
                                workloads(ManifestValidator.parse("prestop", withPreStop)).get(0)))
                .anyMatch(p -> p.contains("exceeds the grace period of 60 s"));

        String unset =
                deployment
                        .doc()
                        .node()
                        .toString()
                        .replace("GATEHOUSE_AUDIT_FLUSH_SECONDS", "GATEHOUSE_UNRELATED");
        assertThat(shutdownProblems(workloads(ManifestValidator.parse("unset", unset)).get(0)))
                .anyMatch(p -> p.contains("GATEHOUSE_AUDIT_FLUSH_SECONDS"));
    }

    @Test
    void aWorkloadWithoutStartupProbeOrWithTheOwnerRoleFailsTheRules() throws IOException {
        Workload deployment = workloads(ofKind("Deployment")).get(0);
        String withoutStartup =
                deployment.doc().node().toString().replace("\"startupProbe\":", "\"unusedProbe\":");
        Workload broken = workloads(ManifestValidator.parse("no-startup", withoutStartup)).get(0);
        assertThat(probeProblems(broken)).anyMatch(p -> p.contains("startupProbe"));

        String withOwner =
                deployment
                        .doc()
                        .node()
                        .toString()
                        .replace("\"gatehouse-db-app\"", "\"gatehouse-db-owner\"");
        assertThat(ownerRoleProblems(workloads(ManifestValidator.parse("owner", withOwner)).get(0)))
                .isNotEmpty();

        String writable =
                deployment
                        .doc()
                        .node()
                        .toString()
                        .replace(
                                "\"readOnlyRootFilesystem\":true",
                                "\"readOnlyRootFilesystem\":false");
        assertThat(securityProblems(workloads(ManifestValidator.parse("rw", writable)).get(0)))
                .anyMatch(p -> p.contains("readOnlyRootFilesystem"));
    }
}
