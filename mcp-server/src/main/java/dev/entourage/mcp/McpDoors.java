package dev.entourage.mcp;

import dev.entourage.http.HttpBridge;
import dev.entourage.ledger.access.Principal;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SDK's MCP servlets behind two rules of the bridge. A session belongs to the credential that opened it: a
 * request naming a session ({@code Mcp-Session-Id} on {@code /mcp}, {@code ?sessionId=} on {@code /message})
 * from any other credential, or a session this bridge did not see opened, is answered 404 "Session not found",
 * as for a session that does not exist. A {@code POST} body is read here, whole, before the SDK sees it: over
 * {@link HttpBridge#MAX_BODY_BYTES} bytes it is answered 413. And a credential has at most {@code maxStreams} MCP streams open
 * ({@code GET /sse}, {@code GET /mcp}); one more is answered 429 with {@code Retry-After}.
 */
final class McpDoors {
    private static final String SESSION_HEADER = "Mcp-Session-Id";
    private static final Pattern SSE_SESSION = Pattern.compile("sessionId=([A-Za-z0-9_-]+)");
    private static final int MAX_SESSIONS = 10_000;

    private final HttpServlet streamable;
    private final HttpServlet sse;
    private final int maxStreams;
    private final Map<String, String> owners = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_SESSIONS;
        }
    });
    private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();

    McpDoors(HttpServlet streamable, HttpServlet sse, int maxStreams) {
        this.maxStreams = maxStreams;
        this.streamable = new Door(streamable, true);
        this.sse = new Door(sse, false);
    }

    /** {@code /mcp}. */
    HttpServlet streamable() {
        return streamable;
    }

    /** {@code /sse} and {@code /message} (one servlet). */
    HttpServlet sse() {
        return sse;
    }

    private final class Door extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient HttpServlet delegate;
        private final boolean streamableHttp;

        Door(HttpServlet delegate, boolean streamableHttp) {
            this.delegate = delegate;
            this.streamableHttp = streamableHttp;
        }

        @Override
        public void init() throws ServletException {
            delegate.init(getServletConfig());
        }

        @Override
        public void destroy() {
            delegate.destroy();
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response)
                throws ServletException, IOException {
            String subject = request.getAttribute(HttpBridge.PRINCIPAL_ATTRIBUTE) instanceof Principal principal
                    ? principal.subject() : "";
            String session = streamableHttp ? request.getHeader(SESSION_HEADER) : request.getParameter("sessionId");
            if (session != null && !subject.equals(owners.get(session))) {
                error(response, 404, -32001, "Session not found", null);
                return;
            }
            if (!request.getMethod().equals("GET")) {
                HttpServletRequest read;
                try {
                    read = request.getMethod().equals("POST") ? ReadBody.of(request) : request;
                } catch (HttpBridge.BodyTimedOut e) {
                    response.setHeader("Connection", "close");
                    error(response, 408, -32600, "The request body did not arrive in time", null);
                    return;
                }
                if (read == null) {
                    response.setHeader("Connection", "close");
                    error(response, 413, -32600, "The request body is larger than " + HttpBridge.MAX_BODY_BYTES
                            + " bytes", null);
                    return;
                }
                delegate.service(read, session == null ? new Recorder(response, subject) : response);
                if (request.getMethod().equals("DELETE") && session != null && response.getStatus() / 100 == 2) {
                    owners.remove(session);
                }
                return;
            }
            AtomicInteger count = open.computeIfAbsent(subject, s -> new AtomicInteger());
            if (count.incrementAndGet() > maxStreams) {
                count.decrementAndGet();
                error(response, 429, -32000, "This credential has " + maxStreams + " MCP streams open already; "
                        + "close one", "5");
                return;
            }
            boolean handedOver = false;
            try {
                delegate.service(request, session == null ? new Recorder(response, subject) : response);
                if (request.isAsyncStarted()) {
                    request.getAsyncContext().addListener(new Release(count));
                    handedOver = true;
                }
            } finally {
                if (!handedOver) {
                    count.decrementAndGet();
                }
            }
        }
    }

    /** Records the owner of a session whose id the SDK hands out in a header or an SSE {@code endpoint} event. */
    private final class Recorder extends HttpServletResponseWrapper {
        private final String subject;
        private PrintWriter writer;

        Recorder(HttpServletResponse response, String subject) {
            super(response);
            this.subject = subject;
        }

        @Override
        public void setHeader(String name, String value) {
            record(name, value);
            super.setHeader(name, value);
        }

        @Override
        public void addHeader(String name, String value) {
            record(name, value);
            super.addHeader(name, value);
        }

        private void record(String name, String value) {
            if (SESSION_HEADER.equalsIgnoreCase(name) && value != null) {
                owners.put(value, subject);
            }
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            if (writer == null) {
                writer = new PrintWriter(super.getWriter()) {
                    @Override
                    public void write(String text, int offset, int length) {
                        Matcher m = SSE_SESSION.matcher(text.substring(offset, offset + length));
                        if (m.find()) {
                            owners.put(m.group(1), subject);
                        }
                        super.write(text, offset, length);
                    }
                };
            }
            return writer;
        }
    }

    private static final class Release implements AsyncListener {
        private final AtomicInteger count;
        private boolean released;

        Release(AtomicInteger count) {
            this.count = count;
        }

        private synchronized void release() {
            if (!released) {
                released = true;
                count.decrementAndGet();
            }
        }

        @Override
        public void onComplete(AsyncEvent event) {
            release();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            release();
        }

        @Override
        public void onError(AsyncEvent event) {
            release();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // still the same stream
        }
    }

    private static void error(HttpServletResponse response, int status, int code, String message, String retryAfter)
            throws IOException {
        byte[] body = ("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":" + code + ",\"message\":\"" + message
                + "\"}}").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        if (retryAfter != null) {
            response.setHeader("Retry-After", retryAfter);
        }
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
