package io.gatehouse.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfflineVerifierTest {
    @TempDir Path dir;

    private record Run(int code, String out) {}

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                OfflineVerifier.run(
                        args,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(
                code, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void exitCodesNameTheFirstBrokenEvent() throws Exception {
        SyntheticExport fx = new SyntheticExport();
        Path keys = Files.writeString(dir.resolve("keys.json"), fx.keysJson());
        List<String> lines = fx.lines(0, 6, 6, List.of(6L));
        Path good = Files.write(dir.resolve("good.jsonl"), lines);
        Run ok = run(good.toString(), "--keys", keys.toString(), "--pin", fx.fingerprint());
        assertThat(ok.code()).as(ok.out()).isZero();
        assertThat(ok.out())
                .contains("VALID: 6 events, 1 signed checkpoints")
                .contains("checkpoints at seq 6 (1): key " + fx.keyId + ", pinned (configuration)")
                .contains("hashed forms: 3 v1, 3 v2");

        List<String> tampered = new ArrayList<>(lines);
        int i = ExportVerifierTest.lineOf(tampered, 3);
        tampered.set(i, ExportVerifierTest.setField(tampered.get(i), "outcome", "failure"));
        Path bad = Files.write(dir.resolve("bad.jsonl"), tampered);
        Run broken = run(bad.toString(), "--keys", keys.toString(), "--pin", fx.fingerprint());
        assertThat(broken.code()).isEqualTo(1);
        assertThat(broken.out())
                .contains("BROKEN at seq 3 (event 00000000-0000-0000-0000-000000000003)");
    }

    @Test
    void aCheckpointKeyThatIsNotPinnedFailsTheExport() throws Exception {
        SyntheticExport fx = new SyntheticExport();
        Path keys = Files.writeString(dir.resolve("keys.json"), fx.keysJson());
        Path export = Files.write(dir.resolve("e.jsonl"), fx.lines(0, 4, 4, List.of(4L)));
        Run unpinned = run(export.toString(), "--keys", keys.toString());
        assertThat(unpinned.code()).as(unpinned.out()).isEqualTo(1);
        assertThat(unpinned.out())
                .contains("checkpoints at seq 4 (1): key " + fx.keyId + ", NOT pinned")
                .contains("BROKEN at seq 4")
                .contains("not pinned");
        Run otherPin = run(export.toString(), "--keys", keys.toString(), "--pin", "ab".repeat(32));
        assertThat(otherPin.code()).isEqualTo(1);
        Run badPin = run(export.toString(), "--keys", keys.toString(), "--pin", "not-hex");
        assertThat(badPin.code()).isEqualTo(2);
        assertThat(badPin.out()).contains("64 hex digits");
    }

    @Test
    void badUsageAndMissingFilesExitWithTwo() {
        assertThat(run().code()).isEqualTo(2);
        assertThat(run("x.jsonl").code()).isEqualTo(2);
        assertThat(
                        run(
                                        dir.resolve("none.jsonl").toString(),
                                        "--keys",
                                        dir.resolve("none.json").toString())
                                .code())
                .isEqualTo(2);
    }
}
