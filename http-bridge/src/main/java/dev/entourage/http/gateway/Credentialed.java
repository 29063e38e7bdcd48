package dev.entourage.http.gateway;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A request whose provider credentials ({@code x-api-key}, {@code Authorization}) are replaced by the team's key
 * (sent as Anthropic's {@code x-api-key}, or as OpenAI's {@code Authorization: Bearer}): the caller's own credential
 * never reaches the upstream, and the agent never needs the team's key.
 */
final class Credentialed extends HttpServletRequestWrapper {
    static final String API_KEY = "x-api-key";
    private static final Set<String> REPLACED = Set.of(API_KEY, "authorization");
    private final String name;
    private final String key;

    private Credentialed(HttpServletRequest request, String name, String key) {
        super(request);
        this.name = name;
        this.key = key;
    }

    /** {@code request} with the team's key as {@code x-api-key} when there is one, else as it is. */
    static HttpServletRequest of(HttpServletRequest request, java.util.Optional<String> key) {
        return key.isPresent() ? new Credentialed(request, API_KEY, key.get()) : request;
    }

    /** {@code request} with the team's key as {@code Authorization: Bearer} when there is one, else as it is. */
    static HttpServletRequest bearer(HttpServletRequest request, java.util.Optional<String> key) {
        return key.isPresent() ? new Credentialed(request, "authorization", "Bearer " + key.get()) : request;
    }

    @Override
    public String getHeader(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals(this.name)) {
            return key;
        }
        return REPLACED.contains(lower) ? null : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals(this.name)) {
            return Collections.enumeration(List.of(key));
        }
        return REPLACED.contains(lower) ? Collections.emptyEnumeration() : super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        List<String> names = new ArrayList<>();
        for (String name : Collections.list(super.getHeaderNames())) {
            if (!REPLACED.contains(name.toLowerCase(Locale.ROOT))) {
                names.add(name);
            }
        }
        names.add(this.name);
        return Collections.enumeration(names);
    }

    /** The credential and version headers of {@code request} as the upstream gets them, by lower-case name. */
    static Map<String, String> credentials(HttpServletRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : List.of(API_KEY, "authorization", "anthropic-version", "anthropic-beta")) {
            String value = request.getHeader(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        return headers;
    }
}
