package io.gatehouse.policy.internal.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DetectorsTest {

    /** text, expected types found (in order), expected redaction of all types. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(
                        "Mail ann@example.com please", List.of("email"), "Mail [EMAIL] please"),
                Arguments.of("first.last+tag@sub.example.co.uk.", List.of("email"), "[EMAIL]."),
                Arguments.of("not an email: a@b, @handle, user@localhost", List.of(), null),
                Arguments.of(
                        "Card 4111 1111 1111 1111 exp 12/29",
                        List.of("card"),
                        "Card [CARD] exp 12/29"),
                Arguments.of("5500-0000-0000-0004", List.of("card"), "[CARD]"),
                Arguments.of("amex 378282246310005", List.of("card"), "amex [CARD]"),
                Arguments.of("4111 1111 1111 1112 fails Luhn", List.of(), null),
                Arguments.of("order 1234567812345670 shipped", List.of(), null),
                Arguments.of(
                        "IBAN DE89 3704 0044 0532 0130 00 thanks",
                        List.of("iban"),
                        "IBAN [IBAN] thanks"),
                Arguments.of("GB82WEST12345698765432", List.of("iban"), "[IBAN]"),
                Arguments.of("DE89 3704 0044 0532 0130 01 bad check", List.of(), null),
                Arguments.of("SSN 078-05-1120", List.of("ssn"), "SSN [SSN]"),
                Arguments.of("SSN: 219099999", List.of("ssn"), "SSN: [SSN]"),
                Arguments.of("000-12-3456 and 666-12-3456 are invalid", List.of(), null),
                Arguments.of("NI number JG 10 37 21 A", List.of("nino"), "NI number [NATIONAL_ID]"),
                Arguments.of("AB123456C", List.of("nino"), "[NATIONAL_ID]"),
                Arguments.of("server 192.168.1.20 down", List.of("ip"), "server [IP] down"),
                Arguments.of("v6 2001:db8:85a3::8a2e:370:7334 ok", List.of("ip"), "v6 [IP] ok"),
                Arguments.of("version 1.2.3.4.5 and 999.1.1.1 and 12:30:45", List.of(), null),
                Arguments.of("Call +44 20 7946 0958 now", List.of("phone"), "Call [PHONE] now"),
                Arguments.of("Call (415) 555-2671", List.of("phone"), "Call [PHONE]"),
                Arguments.of(
                        "AKIAIOSFODNN7EXAMPLE is the id", List.of("secret"), "[SECRET] is the id"),
                Arguments.of(
                        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                        List.of("secret"),
                        "aws_secret_access_key = [SECRET]"),
                Arguments.of(
                        "token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
                        List.of("secret"),
                        "token [SECRET]"),
                Arguments.of("glpat-abcdefghij0123456789", List.of("secret"), "[SECRET]"),
                Arguments.of(
                        "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp",
                        List.of("secret"),
                        "[SECRET]"),
                Arguments.of("sk_live_4eC39HqLyjWDarjtT1zdp7dc", List.of("secret"), "[SECRET]"),
                Arguments.of(
                        "OPENAI_API_KEY sk-proj-abcdefghijklmnopqrstuvwxyz012345",
                        List.of("secret"),
                        "OPENAI_API_KEY [SECRET]"),
                Arguments.of(
                        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
                        List.of("secret"),
                        "[SECRET]"),
                Arguments.of(
                        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
                        List.of("secret"),
                        "[SECRET]"),
                Arguments.of("password=hunter2secret", List.of("secret"), "password=[SECRET]"),
                Arguments.of(
                        "password: ${DB_PASSWORD} and the password field is required",
                        List.of(),
                        null),
                Arguments.of(
                        "postgres://app:s3cr3tpw@db.internal/app",
                        List.of("secret"),
                        "postgres://app:[SECRET]@db.internal/app"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void detectsAndRedacts(String text, List<String> types, String redacted) {
        List<Detection> found = Detectors.scan(text);
        assertThat(found).extracting(Detection::type).containsExactlyElementsOf(types);
        if (redacted != null) {
            assertThat(Redactor.redact(text, found, Set.copyOf(types))).isEqualTo(redacted);
        }
        for (Detection d : found) {
            assertThat(d.score()).isBetween(0.0, 1.0);
            assertThat(d.start()).isLessThan(d.end());
        }
    }

    @Test
    void redactsOnlyRequestedTypes() {
        String text = "ann@example.com pays with 4111111111111111";
        List<Detection> found = Detectors.scan(text);
        assertThat(Redactor.redact(text, found, Set.of("card")))
                .isEqualTo("ann@example.com pays with [CARD]");
    }

    @Test
    void checksums() {
        assertThat(Checksums.luhn("79927398713")).isTrue();
        assertThat(Checksums.luhn("79927398710")).isFalse();
        assertThat(Checksums.iban("FR14 2004 1010 0505 0001 3M02 606")).isTrue();
        assertThat(Checksums.iban("FR14 2004 1010 0505 0001 3M02 607")).isFalse();
    }
}
