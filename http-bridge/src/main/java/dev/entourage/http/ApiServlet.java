package dev.entourage.http;

import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.access.Principal;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/**
 * The REST routes under {@code /api/v1}: routes the request, checks the caller against the route's {@link Access},
 * runs its handler, and writes the reply or the error shape. Every failure goes through {@link Errors} once; nothing
 * of an exception's text reaches the client unless it is a {@link LedgerException}, whose messages are written for
 * callers.
 */
final class ApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient Router router;
    private final transient Errors errors;

    ApiServlet(Router router, Errors errors) {
        this.router = router;
        this.errors = errors;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        Reply reply;
        try {
            Router.Match match = router.match(method, path).orElseThrow(() -> new LedgerException(ErrorCode.NOT_FOUND,
                    "no route " + HttpFailure.printable(method) + " /api/v1" + HttpFailure.printable(path)
                            + "; see the routes in the README", Map.of(), null));
            Principal principal = Gate.principal(request).orElse(null);
            reply = match.handle(new Call(request, principal, match.parameters()));
        } catch (RuntimeException e) {
            Responses.drainBody(request, response);
            Responses.error(response, errors, Errors.forClient(e, method, path));
            return;
        }
        Responses.drainBody(request, response);
        reply.headers().forEach(response::setHeader);
        if (reply.json() != null) {
            Responses.json(response, reply.status(), reply.json());
        } else if (reply.stream() != null) {
            Responses.streamed(response, reply.status(), reply.contentType(), reply.stream());
        } else {
            Responses.text(response, reply.status(), reply.contentType(), reply.text());
        }
    }
}
