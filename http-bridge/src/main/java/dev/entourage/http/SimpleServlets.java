package dev.entourage.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/** The two servlets outside the REST routes: {@code /healthz} and the JSON 404 for every unmatched path. */
final class SimpleServlets {
    private SimpleServlets() {
    }

    /** {@code GET /healthz} → {@code {"status": "ok"}}, without credentials or rate limit. */
    static final class Health extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient Errors errors;

        Health(Errors errors) {
            this.errors = errors;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            Responses.closeIfBodyUnread(request, response);
            if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
                Responses.error(response, errors, HttpFailure.methodNotAllowed(request.getMethod(), "/healthz",
                        "GET, HEAD"));
                return;
            }
            Responses.json(response, 200, JsonNodeFactory.instance.objectNode().put("status", "ok"));
        }
    }

    /** Every path nothing else serves: 404 in the error shape. */
    static final class NotFound extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient Errors errors;

        NotFound(Errors errors) {
            this.errors = errors;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            Responses.closeIfBodyUnread(request, response);
            Responses.error(response, errors, new LedgerException(ErrorCode.NOT_FOUND, "nothing at "
                    + HttpFailure.printable(request.getRequestURI()) + "; the API is under /api/v1", Map.of(), null));
        }
    }
}
