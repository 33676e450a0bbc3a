/**
 * Built-in detectors: pure Java, no I/O. PII (e-mail, phone, payment card, IBAN, national ids, IP
 * addresses), secrets in known formats, and prompt-injection heuristics over normalized text; plus
 * redaction with typed placeholders.
 */
package io.gatehouse.policy.internal.detect;
