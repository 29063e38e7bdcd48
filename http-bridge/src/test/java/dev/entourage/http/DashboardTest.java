package dev.entourage.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's static files: served without credentials, with a strict policy, and nothing else. */
class DashboardTest {
    @TempDir
    Path dir;
    Harness h;

    @BeforeEach
    void start() {
        h = Harness.start(dir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void servesThePageWithoutCredentialsUnderAStrictPolicy() {
        for (String path : new String[] {"/", "/index.html"}) {
            Harness.Answer page = h.call("GET", path, null);
            assertThat(page.status()).as(path).isEqualTo(200);
            assertThat(page.header("Content-Type").replace(" ", "")).isEqualToIgnoringCase("text/html;charset=utf-8");
            assertThat(page.body()).contains("id=\"signin\"", "id=\"api-key\"", "id=\"sessions\"",
                    "id=\"confirm-dialog\"", "id=\"session-view\"", "/assets/views.js", "/assets/app.js",
                    "/assets/uplot-1.6.30/uPlot.iife.min.js");
            String csp = page.header("Content-Security-Policy");
            assertThat(csp).contains("default-src 'self'", "connect-src 'self'", "img-src 'self' data:",
                    "style-src 'self'", "script-src 'self'", "frame-ancestors 'none'");
            assertThat(csp).doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:");
            assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(page.header("Cache-Control")).isEqualTo("no-cache");
            assertThat(page.header("ETag")).isNotBlank();
            // No inline script or style in the page (the policy would block them anyway).
            assertThat(page.body()).doesNotContain("<script>", "style=", "<style", "onclick", "http://", "https://");
        }
    }

    @Test
    void servesTheAssetsWithTheirTypes() {
        assertAsset("/assets/app.js", "text/javascript;charset=utf-8", "no-cache", "/api/v1/events");
        assertAsset("/assets/views.js", "text/javascript;charset=utf-8", "no-cache", "format=csv");
        assertAsset("/assets/app.css", "text/css;charset=utf-8", "no-cache", ":focus-visible");
        assertAsset("/assets/uplot-1.6.30/uPlot.iife.min.js", "text/javascript;charset=utf-8", "immutable", "uPlot");
        assertAsset("/assets/uplot-1.6.30/uPlot.min.css", "text/css;charset=utf-8", "immutable", ".uplot");
        Harness.Answer head = h.call("HEAD", "/assets/app.js", null);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void answersNotModifiedToItsOwnEtag() {
        String etag = h.call("GET", "/assets/app.css", null).header("ETag");
        Harness.Answer again = h.call("GET", "/assets/app.css", null, "If-None-Match", etag);
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(h.call("GET", "/assets/app.css", null, "If-None-Match", "\"other\"").status()).isEqualTo(200);
    }

    @Test
    void refusesUnknownAssetsAndOtherMethodsInTheErrorShape() {
        for (String path : new String[] {"/assets/nothing.js", "/assets/", "/assets", "/assets/APP.JS",
                "/assets/uplot-1.6.30/uPlot.d.ts", "/assets/uplot-1.6.30/", "/webjars/uplot/1.6.30/dist/uPlot.min.css",
                "/META-INF/resources/webjars/uplot/1.6.30/LICENSE", "/dev/entourage/http/dashboard/app.js",
                "/favicon.ico", "/index.htm"}) {
            Harness.Answer answer = h.call("GET", path, null);
            assertThat(answer.status()).as(path).isEqualTo(404);
            assertThat(answer.errorCode()).as(path).isEqualTo("not_found");
            assertThat(answer.header("Content-Type")).as(path).startsWith("application/json");
        }
        Harness.Answer post = h.call("POST", "/", "{}", "Content-Type", "application/json");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.header("Allow")).isEqualTo("GET, HEAD");
        assertThat(post.errorCode()).isEqualTo("invalid_request");
    }

    @Test
    void refusesDirectoryTraversal() throws IOException {
        // Sent raw, so no client normalizes the path first.
        for (String target : new String[] {"/assets/../pom.xml", "/assets/%2e%2e/%2e%2e/pom.xml",
                "/assets/..%2fapp.js", "/assets/%2e%2e%2fHttpBridge.class", "/assets/..\\app.js",
                "/assets/app.js/../../dev/entourage/http/HttpBridge.class", "/assets//app.js/..",
                "/assets/%00app.js", "/..%2f..%2fetc/passwd", "/assets/uplot-1.6.30/../uplot-1.6.30/uPlot.d.ts"}) {
            String answer = raw("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            String status = answer.substring(0, answer.indexOf("\r\n"));
            assertThat(status).as(target).matches("HTTP/1\\.1 (400|404) .*");
            assertThat(answer).as(target).doesNotContain("<project", "root:", "\u00ca\u00fe\u00ba\u00be", "declare ",
                    "export ");
        }
    }

    @Test
    void theApiStillNeedsCredentials() {
        assertThat(h.call("GET", "/api/v1/dashboard", null).status()).isEqualTo(401);
        assertThat(h.call("GET", "/api/v1/teams/default/tasks", null).errorCode()).isEqualTo("unauthenticated");
        assertThat(h.call("GET", "/api/v1/events", null).status()).isEqualTo(401);
        assertThat(h.call("GET", "/api/v1/teams/default/tasks", null, "X-API-Key", h.adminKey).status())
                .isEqualTo(200);
    }

    private void assertAsset(String path, String type, String cache, String content) {
        Harness.Answer answer = h.call("GET", path, null);
        assertThat(answer.status()).as(path).isEqualTo(200);
        assertThat(answer.header("Content-Type").replace(" ", "")).as(path).isEqualToIgnoringCase(type);
        assertThat(answer.header("Cache-Control")).as(path).contains(cache);
        assertThat(answer.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
        assertThat(answer.header("Content-Security-Policy")).as(path).isEqualTo(DashboardServlet.CONTENT_SECURITY_POLICY);
        assertThat(answer.body()).as(path).contains(content);
    }

    private String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", h.bridge.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
