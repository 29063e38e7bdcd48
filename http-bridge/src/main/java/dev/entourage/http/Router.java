package dev.entourage.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Routes by method and path template ({@code /sessions/{session_id}/usage}); segments match whole. */
final class Router {
    @FunctionalInterface
    interface Handler {
        Reply handle(Call call);
    }

    /** A route as declared: method, path template and who may call it. */
    record Declared(String method, String template, Access access) {
    }

    private record Route(Declared declared, String[] segments, Handler handler) {
    }

    /** A matched route: its template (for messages), who may call it, its handler and the path's parameters. */
    record Match(String template, Access access, Handler handler, Map<String, String> parameters) {
        /** Checks the caller against {@link #access()} once, then runs the handler. */
        Reply handle(Call call) {
            access.check(call.principal());
            return handler.handle(call);
        }
    }

    private final List<Route> routes = new ArrayList<>();

    Router add(String method, String template, Access access, Handler handler) {
        routes.add(new Route(new Declared(method, template, access), split(template), handler));
        return this;
    }

    /** Every route as declared, in the order added. */
    List<Declared> routes() {
        return routes.stream().map(Route::declared).toList();
    }

    /**
     * The route for {@code method} and {@code path}; empty when no template matches the path.
     *
     * @throws HttpFailure 405 with {@code Allow} when templates match the path but not the method
     */
    Optional<Match> match(String method, String path) {
        String[] segments = split(path);
        Set<String> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            Map<String, String> parameters = bind(route.segments(), segments);
            if (parameters == null) {
                continue;
            }
            Declared declared = route.declared();
            if (declared.method().equals(method)) {
                return Optional.of(new Match(declared.template(), declared.access(), route.handler(), parameters));
            }
            allowed.add(declared.method());
        }
        if (!allowed.isEmpty()) {
            throw HttpFailure.methodNotAllowed(method, path, String.join(", ", allowed));
        }
        return Optional.empty();
    }

    private static Map<String, String> bind(String[] template, String[] path) {
        if (template.length != path.length) {
            return null;
        }
        Map<String, String> parameters = new HashMap<>();
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.startsWith("{") && t.endsWith("}")) {
                if (path[i].isEmpty()) {
                    return null;
                }
                parameters.put(t.substring(1, t.length() - 1), path[i]);
            } else if (!t.equals(path[i])) {
                return null;
            }
        }
        return parameters;
    }

    private static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        return trimmed.split("/", -1);
    }
}
