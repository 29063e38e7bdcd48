package dev.entourage.http;

import dev.entourage.ledger.LedgerException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers (a malformed request, an exception escaping a mounted servlet, a
 * {@code sendError}) in the error shape of SPEC §5, without Jetty's message or the exception's text.
 */
final class JsonErrorHandlers {
    private JsonErrorHandlers() {
    }

    /** For the servlet context. */
    static final class Context extends org.eclipse.jetty.ee10.servlet.ErrorHandler {
        private final Errors errors;

        Context(Errors errors) {
            this.errors = errors;
            setShowStacks(false);
            setShowCauses(false);
            setShowMessageInTitle(false);
        }

        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                        Callback callback) {
            writeJson(errors, response, code, callback);
        }
    }

    /** For the server, before a request reaches the context. */
    static final class Server extends org.eclipse.jetty.server.handler.ErrorHandler {
        private final Errors errors;

        Server(Errors errors) {
            this.errors = errors;
            setShowStacks(false);
            setShowCauses(false);
            setShowMessageInTitle(false);
        }

        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                        Callback callback) {
            writeJson(errors, response, code, callback);
        }
    }

    private static void writeJson(Errors errors, Response response, int code, Callback callback) {
        LedgerException e = Errors.forStatus(code);
        byte[] body = Responses.bytes(errors.body(e));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Responses.JSON + ";charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
