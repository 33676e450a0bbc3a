/** The catalog and usage queries: the only routing code that talks to the database (JDBC). */
package io.gatehouse.routing.internal.persistence;
