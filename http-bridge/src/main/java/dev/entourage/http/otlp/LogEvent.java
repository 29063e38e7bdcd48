package dev.entourage.http.otlp;

import dev.entourage.ledger.Ref;
import dev.entourage.ledger.capture.CaptureOrigin;
import dev.entourage.ledger.capture.CaptureSource;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;

/**
 * One log record as the per-agent mappers read it: its full event name, its own attributes over its resource's,
 * and the request's {@link ExportContext}.
 */
final class LogEvent {
    static final String AGENT_ATTRIBUTE = "entourage.agent";
    static final String TASK_ATTRIBUTE = "entourage.task";

    private final LogRecord record;
    private final Attributes own;
    private final Attributes resource;
    private final ExportContext context;
    private final String name;

    LogEvent(LogRecord record, Attributes resource, ExportContext context) {
        this.record = record;
        this.own = Attributes.of(record.getAttributesList());
        this.resource = resource;
        this.context = context;
        this.name = eventName(record, own, resource.text("service.name"));
    }

    /**
     * The event's full name ({@code claude_code.api_request}): the record's {@code event_name}, else its
     * {@code event.name} attribute (Claude Code's bare {@code api_request} completed from the body or the service),
     * else its body.
     */
    static String eventName(LogRecord record, Attributes own, String serviceName) {
        if (!record.getEventName().isBlank()) {
            return record.getEventName().strip();
        }
        String body = record.getBody().hasStringValue() ? record.getBody().getStringValue().strip() : "";
        String attribute = own.text("event.name");
        if (attribute == null) {
            return body;
        }
        if (attribute.contains(".")) {
            return attribute;
        }
        if (body.endsWith("." + attribute)) {
            return body;
        }
        if (serviceName != null && serviceName.startsWith("claude-code")) {
            return "claude_code." + attribute;
        }
        return attribute;
    }

    String name() {
        return name;
    }

    /** The record's own attributes. */
    Attributes attributes() {
        return own;
    }

    /** The attribute from the record, else from its resource, as text. */
    String text(String key) {
        String text = own.text(key);
        return text != null ? text : resource.text(key);
    }

    /**
     * Where the record's work belongs: the session named by {@code sessionKey}, the agent named by
     * {@code entourage.agent} (resource, then record, then {@code X-Entourage-Agent}; null = the key's agent), the
     * task likewise.
     */
    CaptureOrigin origin(CaptureSource source, String sessionKey) {
        String session = text(sessionKey);
        if (session == null) {
            throw new Rejected(sessionKey + ": is required");
        }
        String agent = first(resource.text(AGENT_ATTRIBUTE), own.text(AGENT_ATTRIBUTE), context.agentHeader());
        String task = first(resource.text(TASK_ATTRIBUTE), own.text(TASK_ATTRIBUTE), context.taskHeader());
        return new CaptureOrigin(source, session, agent == null ? null : Ref.parse(agent), task);
    }

    /** {@code event.timestamp}, else the record's time, else its observed time, else when the request arrived. */
    Instant occurredAt() {
        String stamp = own.text("event.timestamp");
        if (stamp != null) {
            try {
                return Instant.parse(stamp);
            } catch (DateTimeParseException e) {
                // fall back on the record's own times
            }
        }
        long nanos = record.getTimeUnixNano() != 0 ? record.getTimeUnixNano() : record.getObservedTimeUnixNano();
        return nanos != 0 ? Instant.ofEpochSecond(0, nanos) : context.receivedAt();
    }

    /**
     * A stable event id for a record that carries none, from the record's bytes (its session, sequence, time and
     * counts among them): the same record re-sent gets the same id, two calls never share one.
     */
    String derivedId(CaptureSource source) {
        return source.wireName() + ":" + sha256(record.toByteArray()).substring(0, 40);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String first(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate.strip();
            }
        }
        return null;
    }
}
