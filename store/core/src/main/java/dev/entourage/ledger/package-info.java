/**
 * The ledger: Entourage's domain as plain Java. Teams, agents, tasks, sessions and usage events; the budget
 * scopes as rules ({@link dev.entourage.ledger.Scope} with its {@link dev.entourage.ledger.BudgetRule}: agent and
 * team daily, weekly and monthly, task, session; plus the stops of a person or a guard), evaluated by
 * {@code BudgetRules}; and the use-case services ({@link dev.entourage.ledger.LedgerServices}: sessions, usage,
 * budgets, settings, reports, alerts) over one shared context, each checking the
 * {@link dev.entourage.ledger.Actor} it is given inside its transaction. Persistence sits behind the
 * {@link dev.entourage.ledger.LedgerStore} port, whose Javadoc states what a store must guarantee.
 *
 * <p>Money is a {@code long} of micro-dollars everywhere in here; conversion to dollars happens only at the
 * edges ({@link dev.entourage.ledger.Money}). Nothing here reads the wall clock, environment or statics:
 * time comes from the {@link java.time.Clock} handed to the services. This package must not import Jdbi,
 * Jackson, Jetty, MCP or picocli.
 */
package dev.entourage.ledger;
