/**
 * The hash chain's rules, shared by the server and the offline verifier (which runs without a
 * database and without any library but the JDK): RFC 8785-style canonical JSON, the hashed form of
 * an event, and a small JSON reader for export files.
 */
package io.gatehouse.audit.chain;
