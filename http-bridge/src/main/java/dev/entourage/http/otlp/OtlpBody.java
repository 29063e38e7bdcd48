package dev.entourage.http.otlp;

import dev.entourage.http.HttpBridge;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * One OTLP request body, read whole and bounded: at most {@link HttpBridge#MAX_BODY_BYTES} bytes on the wire, at
 * most {@link #MAX_DECODED_BYTES} once gunzipped (a gzip bomb stops there: 413).
 *
 * @param encoding how {@code bytes} are encoded
 * @param bytes    the decoded (gunzipped) body
 */
record OtlpBody(OtlpEncoding encoding, byte[] bytes) {
    /** The most a body may hold once gunzipped. */
    static final int MAX_DECODED_BYTES = 4 << 20;

    /**
     * The encoding the request declares, checked before its body is read.
     *
     * @throws OtlpFailure 415 for another {@code Content-Type} or {@code Content-Encoding}
     */
    static OtlpEncoding encodingOf(HttpServletRequest request) {
        OtlpEncoding encoding = OtlpEncoding.of(request.getContentType());
        if (encoding == null) {
            throw OtlpFailure.beforeBody(415, "Content-Type must be application/x-protobuf or application/json"
                    + " (OTLP/HTTP)");
        }
        String coding = contentCoding(request);
        if (!coding.equals("identity") && !coding.equals("gzip")) {
            throw OtlpFailure.beforeBody(415, "Content-Encoding must be gzip or identity");
        }
        return encoding;
    }

    /**
     * Reads the body.
     *
     * @throws OtlpFailure 413 past either bound, 400 for a broken gzip stream or a body that does not arrive whole
     */
    static OtlpBody read(HttpServletRequest request) {
        OtlpEncoding encoding = encodingOf(request);
        if (request.getContentLengthLong() > HttpBridge.MAX_BODY_BYTES) {
            throw tooLarge(true);
        }
        byte[] wire;
        try {
            wire = readAtMost(request.getInputStream(), HttpBridge.MAX_BODY_BYTES, true);
        } catch (HttpBridge.BodyTooLarge e) {
            throw tooLarge(true);
        } catch (HttpBridge.BodyTimedOut e) {
            throw OtlpFailure.beforeBody(408, "the request body did not arrive in time");
        } catch (IOException e) {
            throw OtlpFailure.beforeBody(400, "the request body could not be read to its end");
        }
        if (!contentCoding(request).equals("gzip")) {
            return new OtlpBody(encoding, wire);
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(wire), 8192)) {
            return new OtlpBody(encoding, readAtMost(in, MAX_DECODED_BYTES, false));
        } catch (IOException e) {
            throw OtlpFailure.badRequest("the body is not valid gzip");
        }
    }

    private static String contentCoding(HttpServletRequest request) {
        String coding = request.getHeader("Content-Encoding");
        return coding == null || coding.isBlank() ? "identity" : coding.strip().toLowerCase(Locale.ROOT);
    }

    private static byte[] readAtMost(InputStream in, int max, boolean wire) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        byte[] buffer = new byte[8192];
        int total = 0;
        for (int n; (n = in.read(buffer)) != -1; ) {
            total += n;
            if (total > max) {
                throw tooLarge(wire);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static OtlpFailure tooLarge(boolean wire) {
        return wire
                ? OtlpFailure.beforeBody(413, "the body must be at most " + HttpBridge.MAX_BODY_BYTES + " bytes")
                : OtlpFailure.of(413, "the body must be at most " + MAX_DECODED_BYTES + " bytes once gunzipped");
    }
}
