package io.gatehouse.edge;

/**
 * A tenant's cost budgets in micro-units of the catalog currency; null means no budget.
 *
 * @param dailyMicros budget per UTC day
 * @param monthlyMicros budget per UTC calendar month
 */
public record Budgets(Long dailyMicros, Long monthlyMicros) {}
