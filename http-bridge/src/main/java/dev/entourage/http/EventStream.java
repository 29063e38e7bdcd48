package dev.entourage.http;

import dev.entourage.http.json.ReportJson;
import dev.entourage.ledger.access.Principal;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /api/v1/events}: the dashboard's server-sent events, the caller's team only, for people. Opens one
 * {@link StreamConnection} per request: it answers {@code text/event-stream}, asks the client to reconnect after
 * a second ({@code retry}), sends a {@code hello} frame and registers the stream with {@link OpenStreams}, which keeps
 * it alive; the {@link EventFeed} writes the ledger's events to it.
 */
final class EventStream extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String CONTENT_TYPE = "text/event-stream";

    private final transient OpenStreams streams;
    private final transient EventFeed feed;
    private final transient ReportJson json;
    private final transient Errors errors;

    EventStream(OpenStreams streams, EventFeed feed, ReportJson json, Errors errors) {
        this.streams = streams;
        this.feed = feed;
        this.json = json;
        this.errors = errors;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = Gate.path(request);
        Principal principal;
        try {
            if (!request.getMethod().equals("GET")) {
                throw HttpFailure.methodNotAllowed(request.getMethod(), path, "GET");
            }
            principal = Gate.principal(request).orElse(null);
            Access.PEOPLE.check(principal);
            Query.parse(request.getQueryString());
            streams.admit(principal.subject());
        } catch (RuntimeException e) {
            Responses.closeIfBodyUnread(request, response);
            Responses.error(response, errors, Errors.forClient(e, request.getMethod(), path));
            return;
        }
        Responses.closeIfBodyUnread(request, response);
        response.setStatus(200);
        response.setContentType(CONTENT_TYPE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Accel-Buffering", "no");
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        StreamConnection stream = new StreamConnection(principal.teamId(), principal.subject(), async,
                response.getOutputStream(), request.getHeader(Authenticator.API_KEY_HEADER),
                request.getHeader("Authorization"), streams);
        async.addListener(stream);
        stream.offer("retry: 1000\n\n" + feed.frame("hello", json.hello(principal.teamId())));
        streams.add(stream);
    }
}
