package io.gatehouse.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.governance.RiskClass;
import org.junit.jupiter.api.Test;

class ApprovalRuleTest {
    record Case(RiskClass risk, Integer forKind, Integer forAny, int expected) {}

    @Test
    void kindSettingBeatsAnyKindSettingBeatsDefault() {
        for (Case c :
                new Case[] {
                    new Case(RiskClass.LOW, null, null, 1),
                    new Case(RiskClass.HIGH, null, null, 2),
                    new Case(RiskClass.LOW, 2, null, 2),
                    new Case(RiskClass.LOW, null, 3, 3),
                    new Case(RiskClass.LOW, 1, 3, 1),
                    new Case(RiskClass.HIGH, 3, 2, 3),
                    new Case(RiskClass.HIGH, null, 4, 4),
                    // a HIGH change always needs two distinct reviewers
                    new Case(RiskClass.HIGH, 1, null, 2),
                    new Case(RiskClass.LOW, 0, null, 1),
                }) {
            assertThat(ApprovalRule.required(c.risk(), c.forKind(), c.forAny()))
                    .as(c.toString())
                    .isEqualTo(c.expected());
        }
    }
}
