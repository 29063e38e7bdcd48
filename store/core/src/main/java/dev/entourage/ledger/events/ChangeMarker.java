package dev.entourage.ledger.events;

/**
 * What the ledger's tables hold, cheaply counted, to notice writes of other processes sharing the database.
 *
 * @param usageMaxId      the newest usage row id (0 when none)
 * @param newUsage        usage rows with an id above the one asked about
 * @param sessionMaxId    the newest session id (0 when none)
 * @param newSessions     sessions with an id above the one asked about
 * @param closedSessions  sessions from the id asked about on that are ended or killed
 * @param settings        a digest of the agents' and teams' settings (pause state, limits, zone) and the newest
 *                        task id: it differs when any of them changed
 */
public record ChangeMarker(long usageMaxId, long newUsage, long sessionMaxId, long newSessions,
                           long closedSessions, String settings) {
    public ChangeMarker {
        settings = settings == null ? "" : settings;
    }
}
