package io.gatehouse.policy.internal.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Credentials in known formats. A finding's kind names the format; its type is {@code secret}. */
public final class SecretDetectors {
    private SecretDetectors() {}

    /**
     * A credential format. {@code hints}: literals of which every match contains one
     * (case-insensitive when {@code ignoreCase}, as the {@code (?i)} pattern is); a text without
     * any skips the regex.
     */
    private record Format(
            String kind,
            Pattern pattern,
            int group,
            double score,
            boolean ignoreCase,
            String... hints) {}

    private static final List<Format> FORMATS =
            List.of(
                    new Format(
                            "private_key",
                            Pattern.compile(
                                    "-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----"
                                            + "(?:[\\s\\S]{0,8192}?-----END (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----)?"),
                            0,
                            0.99,
                            false,
                            "-----BEGIN "),
                    new Format(
                            "aws_access_key_id",
                            Pattern.compile(
                                    "(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA)[A-Z2-7]{16}(?![A-Z0-9])"),
                            0,
                            0.95,
                            false,
                            "AKIA",
                            "ASIA",
                            "ABIA",
                            "ACCA",
                            "AGPA",
                            "AIDA",
                            "AROA"),
                    new Format(
                            "aws_secret_access_key",
                            Pattern.compile(
                                    "(?i)aws.{0,24}?(?:secret|private)?.{0,8}?(?:access)?.{0,4}?key.{0,6}?[=:\"'\\s]\\s*[\"']?"
                                            + "((?-i)[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"),
                            1,
                            0.9,
                            true,
                            "aws"),
                    new Format(
                            "github_token",
                            Pattern.compile(
                                    "(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{60,255})(?![A-Za-z0-9_])"),
                            0,
                            0.97,
                            false,
                            "ghp_",
                            "gho_",
                            "ghu_",
                            "ghs_",
                            "ghr_",
                            "github_pat_"),
                    new Format(
                            "gitlab_token",
                            Pattern.compile(
                                    "(?<![A-Za-z0-9_\\-])glpat-[A-Za-z0-9_\\-]{20,}(?![A-Za-z0-9_\\-])"),
                            0,
                            0.95,
                            false,
                            "glpat-"),
                    new Format(
                            "slack_token",
                            Pattern.compile(
                                    "(?<![A-Za-z0-9\\-])xox[abposr]-(?:[0-9]{6,}-){1,3}[A-Za-z0-9\\-]{8,}"),
                            0,
                            0.95,
                            false,
                            "xox"),
                    new Format(
                            "slack_webhook",
                            Pattern.compile(
                                    "https://hooks\\.slack\\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{16,}"),
                            0,
                            0.95,
                            false,
                            "https://hooks.slack.com/services/T"),
                    new Format(
                            "stripe_key",
                            Pattern.compile(
                                    "(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,}(?![A-Za-z0-9_])"),
                            0,
                            0.95,
                            false,
                            "_live_",
                            "_test_"),
                    new Format(
                            "openai_key",
                            Pattern.compile(
                                    "(?<![A-Za-z0-9_\\-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\\-]{20,}(?![A-Za-z0-9_\\-])"),
                            0,
                            0.9,
                            false,
                            "sk-"),
                    new Format(
                            "anthropic_key",
                            Pattern.compile("(?<![A-Za-z0-9_\\-])sk-ant-[A-Za-z0-9_\\-]{20,}"),
                            0,
                            0.95,
                            false,
                            "sk-ant-"),
                    new Format(
                            "gatehouse_key",
                            Pattern.compile(
                                    "(?<![A-Za-z0-9_])gh_(?:live|demo|test)_[A-Za-z0-9]{16,}(?![A-Za-z0-9_])"),
                            0,
                            0.95,
                            false,
                            "gh_live_",
                            "gh_demo_",
                            "gh_test_"),
                    new Format(
                            "google_api_key",
                            Pattern.compile(
                                    "(?<![A-Za-z0-9_\\-])AIza[0-9A-Za-z_\\-]{35}(?![A-Za-z0-9_\\-])"),
                            0,
                            0.9,
                            false,
                            "AIza"),
                    new Format(
                            "jwt",
                            Pattern.compile(
                                    "(?<![A-Za-z0-9_\\-])eyJ[A-Za-z0-9_\\-]{8,}\\.eyJ[A-Za-z0-9_\\-]{8,}\\.[A-Za-z0-9_\\-]{8,}(?![A-Za-z0-9_\\-])"),
                            0,
                            0.9,
                            false,
                            "eyJ"),
                    // password=..., "api_key": "...", token: ... (the value is the secret; the name
                    // stays)
                    new Format(
                            "password_assignment",
                            Pattern.compile(
                                    "(?i)(?<![A-Za-z0-9])(?:password|passwd|pwd|passphrase|secret|client_secret|api[_\\-]?key|access[_\\-]?token|auth[_\\-]?token)"
                                            + "[\"']?\\s{0,3}(?:=|:|=>)\\s{0,3}[\"']?((?!\\[)[^\\s\"',;&]{6,128})"),
                            1,
                            0.8,
                            true,
                            "pass",
                            "pwd",
                            "secret",
                            "api",
                            "token"),
                    new Format(
                            "url_credentials",
                            Pattern.compile(
                                    "(?i)\\b[a-z][a-z0-9+.\\-]{1,15}://[^\\s:/@]{1,64}:([^\\s:/@]{4,128})@[\\w.\\-]+"),
                            1,
                            0.85,
                            false,
                            "://"));

    private static final Keywords HINTS =
            new Keywords(
                    FORMATS.stream().map(Format::hints).toList(),
                    FORMATS.stream().map(Format::ignoreCase).toList());

    public static List<Detection> secrets(String text) {
        return secrets(text, true);
    }

    /**
     * {@code prefilter} false tries every format (the reference the keyword pass is tested
     * against).
     */
    static List<Detection> secrets(String text, boolean prefilter) {
        List<Detection> out = new ArrayList<>();
        long possible = prefilter ? HINTS.find(text) : -1L;
        for (int i = 0; i < FORMATS.size(); i++) {
            if ((possible & 1L << i) == 0) {
                continue; // no match is possible without one of the format's literals
            }
            Format f = FORMATS.get(i);
            Matcher m = f.pattern().matcher(text);
            while (m.find()) {
                int s = m.start(f.group());
                int e = m.end(f.group());
                if (f.kind().equals("password_assignment") && weakValue(m.group(1))) {
                    continue;
                }
                out.add(new Detection("secret", f.kind(), s, e, f.score()));
            }
        }
        return out;
    }

    // Values that are plainly not secrets: placeholders and variable references.
    private static boolean weakValue(String v) {
        String l = v.toLowerCase(java.util.Locale.ROOT);
        return l.startsWith("$")
                || l.startsWith("{")
                || l.startsWith("<")
                || l.startsWith("%")
                || l.startsWith("***")
                || l.equals("********")
                || l.contains("xxxx")
                || l.equals("required")
                || l.equals("optional")
                || l.equals("string")
                || l.equals("none")
                || l.equals("null")
                || l.equals("changeme")
                || l.equals("redacted")
                || l.equals("example")
                || l.startsWith("process.env")
                || l.startsWith("os.environ")
                || l.startsWith("env(")
                || l.startsWith("getenv");
    }
}
