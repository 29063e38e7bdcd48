package dev.entourage.http.otlp;

import java.time.Instant;

/**
 * What an export request says about all of its records besides their attributes.
 *
 * @param agentHeader {@code X-Entourage-Agent}, or null: the agent when no {@code entourage.agent} attribute names it
 * @param taskHeader  {@code X-Entourage-Task}, or null: the task when no {@code entourage.task} attribute names it
 * @param receivedAt  when the request arrived: the time of a record that carries none
 */
record ExportContext(String agentHeader, String taskHeader, Instant receivedAt) {
    static final String AGENT_HEADER = "X-Entourage-Agent";
    static final String TASK_HEADER = "X-Entourage-Task";
}
