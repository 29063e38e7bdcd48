package dev.entourage.http.gateway;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;

/**
 * One request forwarded upstream and its answer copied back as it arrives: every chunk is written and flushed to the
 * client the moment it is read, and shown to a {@link StreamTally} on the way. Headers pass unchanged except the
 * hop-by-hop ones, {@code Accept-Encoding} (so the answer comes uncompressed and its usage can be read) and the
 * gateway's own {@code X-Entourage-*}.
 */
final class Forwarder {
    /** The largest request body forwarded: the providers' own limit. */
    static final int MAX_BODY_BYTES = 32 << 20;
    /** How long the upstream may stay silent (before its headers, or between two chunks). */
    static final long IDLE_TIMEOUT_MILLIS = 10 * 60 * 1000L;
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade", "content-length", "accept-encoding", "expect");

    /** How a forwarded call ended. */
    enum Outcome {
        /** The upstream's answer was copied to its end. */
        COMPLETED,
        /** The upstream answered, then its connection failed before the end. */
        UPSTREAM_FAILED,
        /** The client went away; the upstream request was aborted. */
        CLIENT_GONE,
        /** No answer came from the upstream; nothing was written to the client. */
        UNREACHABLE
    }

    /** @param requestId the upstream's {@code request-id} header, or null */
    record Result(Outcome outcome, int status, String requestId) {
        boolean success() {
            return status >= 200 && status < 300;
        }
    }

    private Forwarder() {
    }

    /**
     * Forwards {@code request} to {@code path} upstream with {@code body} (null for none) and copies the answer.
     *
     * @param tally shown the body of a 2xx answer, or null
     */
    static Result forward(Upstream upstream, HttpServletRequest request, String path, byte[] body,
                          HttpServletResponse response, StreamTally tally) throws IOException {
        Request out = upstream.client().newRequest(upstream.resolve(path, request.getQueryString()))
                .method(request.getMethod()).idleTimeout(IDLE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        out.headers(headers -> {
            for (String name : Collections.list(request.getHeaderNames())) {
                String lower = name.toLowerCase(Locale.ROOT);
                if (!NOT_FORWARDED.contains(lower) && !lower.startsWith("x-entourage-")) {
                    Collections.list(request.getHeaders(name)).forEach(value -> headers.add(name, value));
                }
            }
        });
        if (body != null) {
            out.body(new BytesRequestContent(request.getContentType(), body));
        }
        InputStreamResponseListener listener = new InputStreamResponseListener();
        out.send(listener);
        Response answer;
        try {
            answer = listener.get(IDLE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            out.abort(e);
            return new Result(Outcome.UNREACHABLE, 0, null);
        } catch (InterruptedException e) {
            out.abort(e);
            Thread.currentThread().interrupt();
            return new Result(Outcome.UNREACHABLE, 0, null);
        }
        response.setStatus(answer.getStatus());
        for (HttpField field : answer.getHeaders()) {
            String lower = field.getLowerCaseName();
            if (!NOT_FORWARDED.contains(lower)) {
                response.addHeader(field.getName(), field.getValue());
            }
        }
        String requestId = answer.getHeaders().get("request-id");
        StreamTally counted = answer.getStatus() >= 200 && answer.getStatus() < 300 ? tally : null;
        if (counted != null) {
            counted.expect(answer.getHeaders().get("content-type"));
        }
        return new Result(copy(listener.getInputStream(), answer, response, counted), answer.getStatus(), requestId);
    }

    private static Outcome copy(InputStream in, Response answer, HttpServletResponse response, StreamTally tally) {
        byte[] buffer = new byte[16 * 1024];
        try (in) {
            ServletOutputStream client;
            try {
                client = response.getOutputStream();
                response.flushBuffer();
            } catch (IOException e) {
                answer.abort(e);
                return Outcome.CLIENT_GONE;
            }
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    return Outcome.UPSTREAM_FAILED;
                }
                if (n < 0) {
                    return Outcome.COMPLETED;
                }
                if (tally != null) {
                    tally.feed(buffer, 0, n);
                }
                try {
                    client.write(buffer, 0, n);
                    client.flush();
                } catch (IOException e) {
                    answer.abort(e);
                    return Outcome.CLIENT_GONE;
                }
            }
        } catch (IOException e) {
            return Outcome.COMPLETED;
        } finally {
            if (tally != null) {
                tally.finish();
            }
        }
    }
}
