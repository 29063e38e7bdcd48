package dev.entourage.http;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The dashboard's static files, served without credentials (they hold no data: the page reads everything from
 * the authenticated API with the credential the user types in): {@code GET /} is the page, {@code /assets/*} its
 * script and style sheet and uPlot's (from the webjar). Only the fixed set of files below is served, so no path
 * can reach anything else on the class path; every other path is the JSON 404 of the API.
 */
final class DashboardServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** No inline script or style, nothing from elsewhere, no framing. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
            + "style-src 'self'; script-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static final String OWN = "dev/entourage/http/dashboard/";
    /** uPlot's files in its webjar; its version is also in the parent pom ({@code uplot.version}) and index.html. */
    private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
    private static final String HTML = "text/html";
    private static final String JS = "text/javascript";
    private static final String CSS = "text/css";

    private final transient Errors errors;
    private final transient SimpleServlets.NotFound notFound;
    private final transient Map<String, Asset> assets;

    /** One file: its bytes, type, validator and how long it may be cached. */
    private record Asset(byte[] body, String contentType, String etag, String cacheControl) {
    }

    DashboardServlet(Errors errors) {
        this.errors = errors;
        this.notFound = new SimpleServlets.NotFound(errors);
        // The page and its own files change with each version of the program: revalidate (cheap, ETag).
        // uPlot's files are versioned by their path, so they may be kept.
        String revalidate = "no-cache";
        String keep = "public, max-age=604800, immutable";
        this.assets = Map.of(
                "/", load(OWN + "index.html", HTML, revalidate),
                "/assets/app.js", load(OWN + "app.js", JS, revalidate),
                "/assets/views.js", load(OWN + "views.js", JS, revalidate),
                "/assets/app.css", load(OWN + "app.css", CSS, revalidate),
                "/assets/uplot-1.6.30/uPlot.iife.min.js", load(UPLOT + "uPlot.iife.min.js", JS, keep),
                "/assets/uplot-1.6.30/uPlot.min.css", load(UPLOT + "uPlot.min.css", CSS, keep));
    }

    private static Asset load(String resource, String contentType, String cacheControl) {
        try (InputStream in = DashboardServlet.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard file " + resource + " is missing from the class path");
            }
            byte[] body = in.readAllBytes();
            String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 16)
                    + "\"";
            return new Asset(body, contentType, etag, cacheControl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        Asset asset = assets.get(path.equals("/index.html") ? "/" : path);
        if (asset == null) {
            notFound.service(request, response);
            return;
        }
        Responses.closeIfBodyUnread(request, response);
        String method = request.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            Responses.error(response, errors, HttpFailure.methodNotAllowed(method, path, "GET, HEAD"));
            return;
        }
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Cache-Control", asset.cacheControl());
        response.setHeader("ETag", asset.etag());
        String ifNoneMatch = request.getHeader("If-None-Match");
        if (ifNoneMatch != null && (ifNoneMatch.contains(asset.etag()) || ifNoneMatch.trim().equals("*"))) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(asset.contentType());
        response.setCharacterEncoding("utf-8");
        response.setContentLength(asset.body().length);
        if (method.equals("GET")) {
            response.getOutputStream().write(asset.body());
        }
    }
}
