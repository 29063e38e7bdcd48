package dev.entourage.http.otlp;

import com.google.protobuf.Message;
import dev.entourage.http.HttpBridge;
import dev.entourage.ledger.Actor;
import dev.entourage.ledger.CaptureService;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.access.Principal;
import dev.entourage.ledger.capture.CaptureReceipt;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One OTLP/HTTP export route: {@code POST} only, behind the bridge's gate (the principal is in
 * {@link HttpBridge#PRINCIPAL_ATTRIBUTE}; viewers are refused), body read and decoded whole before anything is
 * written, answered in the request's encoding.
 */
abstract class OtlpServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(OtlpServlet.class);
    /** How many rejection reasons the partial success's {@code error_message} quotes. */
    static final int QUOTED_REJECTIONS = 5;

    private final transient CaptureService capture;
    private final transient Clock clock;

    OtlpServlet(CaptureService capture, Clock clock) {
        this.capture = capture;
        this.clock = clock;
    }

    CaptureService capture() {
        return capture;
    }

    /** What the route made of one export: how many records it rejected and why, in the route's signal. */
    record Outcome(int rejected, List<String> rejections) {
    }

    /** Decodes, maps and records the body; throws {@link OtlpFailure} for a request refused whole. */
    abstract Outcome export(Actor actor, OtlpBody body, ExportContext context);

    /**
     * The route's export response: empty when nothing was rejected and nothing is to be said, else a partial success
     * (with a rejected count of 0 for warnings only, as OTLP allows).
     */
    abstract Message response(Outcome outcome, String errorMessage);

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        OtlpEncoding encoding = OtlpEncoding.of(request.getContentType());
        try {
            if (!request.getMethod().equals("POST")) {
                response.setHeader("Allow", "POST");
                throw OtlpFailure.beforeBody(405, "only POST is allowed here (OTLP/HTTP export)");
            }
            Actor actor = actor(request);
            OtlpBody body = OtlpBody.read(request);
            ExportContext context = new ExportContext(request.getHeader(ExportContext.AGENT_HEADER),
                    request.getHeader(ExportContext.TASK_HEADER), clock.instant());
            Outcome outcome = export(actor, body, context);
            String message = outcome.rejections().isEmpty() ? "" : errorMessage(outcome);
            send(response, 200, body.encoding().mediaType(), OtlpCodec.encode(response(outcome, message),
                    body.encoding()));
        } catch (OtlpFailure e) {
            if (e.bodyUnread() && !drained(request)) {
                response.setHeader("Connection", "close");
            }
            fail(response, e.status(), e.getMessage(), encoding);
        } catch (LedgerException e) {
            if (e.code() == ErrorCode.STORAGE_UNAVAILABLE || e.code() == ErrorCode.INTERNAL) {
                LOG.warn("{} failed: {}", request.getRequestURI(), e.code().wireName(), e);
            }
            fail(response, status(e.code()), e.code() == ErrorCode.INTERNAL ? internal() : e.getMessage(), encoding);
        } catch (RuntimeException e) {
            LOG.error("{} failed unexpectedly", request.getRequestURI(), e);
            fail(response, 500, internal(), encoding);
        }
    }

    /**
     * Reads and drops the unread body of a refused export when it is no bigger than an export may be, so the
     * connection closes cleanly or stays open (closing on unread bytes can reset it before the client has read the
     * answer); false when the body is too big or does not arrive, and the connection must close.
     */
    private static boolean drained(HttpServletRequest request) {
        long length = request.getContentLengthLong();
        if (length <= 0 && request.getHeader("Transfer-Encoding") == null) {
            return true;
        }
        if (length > HttpBridge.MAX_BODY_BYTES) {
            return false;
        }
        try (InputStream in = request.getInputStream()) {
            byte[] buffer = new byte[16 * 1024];
            long total = 0;
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                total += n;
                if (total > HttpBridge.MAX_BODY_BYTES) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Actor actor(HttpServletRequest request) {
        if (!(request.getAttribute(HttpBridge.PRINCIPAL_ATTRIBUTE) instanceof Principal principal)) {
            throw OtlpFailure.beforeBody(401, "credentials are missing: send X-API-Key or Authorization: Bearer");
        }
        Actor actor = principal.actor();
        try {
            actor.mayWrite();
        } catch (LedgerException e) {
            throw OtlpFailure.beforeBody(403, e.getMessage());
        }
        return actor;
    }

    /** Adds the service's rejections to the mappers'. */
    static Outcome outcome(List<String> mapped, CaptureReceipt... receipts) {
        List<String> reasons = new ArrayList<>(mapped);
        int rejected = mapped.size();
        for (CaptureReceipt receipt : receipts) {
            rejected += receipt.rejected();
            reasons.addAll(receipt.rejections());
        }
        return new Outcome(rejected, reasons);
    }

    private static String errorMessage(Outcome outcome) {
        List<String> reasons = outcome.rejections();
        StringBuilder out = new StringBuilder(outcome.rejected() == 0 ? "Entourage took every record, with warnings"
                : "Entourage rejected " + outcome.rejected() + " record" + (outcome.rejected() == 1 ? "" : "s"));
        for (int i = 0; i < Math.min(QUOTED_REJECTIONS, reasons.size()); i++) {
            out.append(i == 0 ? ": " : "; ").append(reasons.get(i));
        }
        if (reasons.size() > QUOTED_REJECTIONS) {
            out.append("; and ").append(reasons.size() - QUOTED_REJECTIONS).append(" more");
        }
        return out.toString();
    }

    private static String internal() {
        return "an internal error occurred; retry, or tell the operator";
    }

    static int status(ErrorCode code) {
        return switch (code) {
            case INVALID_REQUEST, IDEMPOTENCY_MISMATCH, CONFLICT, BUDGET_EXCEEDED -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case PAYLOAD_TOO_LARGE -> 413;
            case RATE_LIMITED -> 429;
            case STORAGE_UNAVAILABLE -> 503;
            case INTERNAL -> 500;
        };
    }

    private static void fail(HttpServletResponse response, int status, String message, OtlpEncoding encoding)
            throws IOException {
        OtlpEncoding answer = encoding == null ? OtlpEncoding.JSON : encoding;
        send(response, status, answer.mediaType(), OtlpCodec.status(OtlpCodec.grpcCode(status), message, answer));
    }

    private static void send(HttpServletResponse response, int status, String contentType, byte[] body)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(status);
        response.setContentType(contentType);
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
