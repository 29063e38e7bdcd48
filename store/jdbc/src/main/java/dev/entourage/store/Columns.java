package dev.entourage.store;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Reading nullable columns of a result row. */
final class Columns {
    private Columns() {
    }

    static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
