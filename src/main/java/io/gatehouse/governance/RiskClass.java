package io.gatehouse.governance;

/** LOW needs one approval, HIGH two from distinct reviewers (configurable per kind and tenant). */
public enum RiskClass {
    LOW,
    HIGH
}
