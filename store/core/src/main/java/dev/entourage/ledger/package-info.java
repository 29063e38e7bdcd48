/**
 * The ledger: Entourage's domain as plain Java. Teams, agents, tasks, sessions and usage events; budget
 * rules (agent daily, task, team daily, paused, killed); and {@link dev.entourage.ledger.LedgerService},
 * which holds every use case. Persistence sits behind the {@link dev.entourage.ledger.LedgerStore} port.
 *
 * <p>Money is a {@code long} of micro-dollars everywhere in here; conversion to dollars happens only at the
 * edges ({@link dev.entourage.ledger.Money}). Nothing here reads the wall clock, environment or statics:
 * time comes from the {@link java.time.Clock} handed to the service. This package must not import Jdbi,
 * Jackson, Jetty, MCP or picocli.
 */
package dev.entourage.ledger;
