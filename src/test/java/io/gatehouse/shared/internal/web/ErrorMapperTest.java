package io.gatehouse.shared.internal.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.shared.error.ErrorBodies;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class ErrorMapperTest {
    @Test
    void lostDatabaseConnectionsAreRecognisedThroughWrappers() {
        assertThat(
                        ErrorMapper.databaseUnavailable(
                                new IllegalStateException(
                                        "x", new SQLException("Connection refused", "08001"))))
                .isTrue();
        assertThat(
                        ErrorMapper.databaseUnavailable(
                                new RuntimeException(
                                        new SQLTransientConnectionException("pool timeout"))))
                .isTrue();
        assertThat(
                        ErrorMapper.databaseUnavailable(
                                new RuntimeException(new java.net.ConnectException("refused"))))
                .isTrue();
    }

    @Test
    void otherSqlErrorsAreNot() {
        assertThat(ErrorMapper.databaseUnavailable(new SQLException("duplicate key", "23505")))
                .isFalse();
        assertThat(ErrorMapper.databaseUnavailable(new IllegalArgumentException())).isFalse();
    }

    @Test
    void pathsChooseTheErrorShape() {
        assertThat(ErrorBodies.isOpenAiPath("v1/chat/completions")).isTrue();
        assertThat(ErrorBodies.isOpenAiPath("/v1")).isTrue();
        assertThat(ErrorBodies.isOpenAiPath("api/v1/keys")).isFalse();
        assertThat(ErrorBodies.isOpenAiPath("v10/x")).isFalse();
    }
}
