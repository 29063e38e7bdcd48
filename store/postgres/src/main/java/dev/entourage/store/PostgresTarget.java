package dev.entourage.store;

import dev.entourage.ledger.LedgerException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

/**
 * Where a PostgreSQL ledger lives, from a {@code --db} value: {@code postgresql://user[:password]@host[:port]/db},
 * {@code postgres://…}, or {@code jdbc:postgresql://host[:port]/db?user=…}. The password comes from the URL, else
 * {@code PGPASSWORD}, else the driver's own {@code ~/.pgpass} ({@code PGPASSFILE}) lookup. {@link #toString()} and
 * {@link #location()} never show the password.
 *
 * @param jdbcUrl  the driver's URL, without user or password
 * @param user     null to let the driver choose (the URL's {@code user} parameter, else the OS user)
 * @param password null to let the driver look in {@code .pgpass}
 */
record PostgresTarget(String jdbcUrl, String user, String password) {
    /** Whether {@code db} names a PostgreSQL database. */
    static boolean names(String db) {
        return db.startsWith("jdbc:postgresql:") || db.startsWith("postgresql://") || db.startsWith("postgres://");
    }

    /**
     * Parses {@code db}; {@code env} supplies {@code PGPASSWORD}.
     *
     * @throws LedgerException {@code invalid_request} on {@code db} when it is not a PostgreSQL URL one can open
     */
    static PostgresTarget parse(String db, Map<String, String> env) {
        String envPassword = env.get("PGPASSWORD");
        if (db.startsWith("jdbc:postgresql:")) {
            return new PostgresTarget(db, null, envPassword == null || envPassword.isEmpty() ? null : envPassword);
        }
        URI uri;
        try {
            uri = new URI(db);
        } catch (URISyntaxException e) {
            throw LedgerException.invalid("db", "not a PostgreSQL URL; write postgresql://user@host:5432/database");
        }
        String host = uri.getHost();
        String path = uri.getRawPath();
        if (host == null || path == null || path.length() < 2) {
            throw LedgerException.invalid("db", "a PostgreSQL URL names a host and a database: "
                    + "postgresql://user@host:5432/database");
        }
        String user = null;
        String password = envPassword == null || envPassword.isEmpty() ? null : envPassword;
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            if (colon >= 0) {
                password = decode(info.substring(colon + 1));
            }
        }
        String query = uri.getRawQuery();
        String url = "jdbc:postgresql://" + host + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + path
                + (query == null ? "" : "?" + query);
        return new PostgresTarget(url, user, password);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    /** The driver's login properties: user and password, where given. */
    Properties login() {
        Properties login = new Properties();
        if (user != null) {
            login.setProperty("user", user);
        }
        if (password != null) {
            login.setProperty("password", password);
        }
        return login;
    }

    /** The database for people: the driver's URL without its parameters (which may hold a password). */
    String location() {
        int query = jdbcUrl.indexOf('?');
        return (query < 0 ? jdbcUrl : jdbcUrl.substring(0, query)).substring("jdbc:".length());
    }

    @Override
    public String toString() {
        return location();
    }
}
