/**
 * The change workflow's implementation: the state machine, diffs, approval rules, the service that
 * runs transitions in one transaction with their audit events, and webhook delivery.
 */
package io.gatehouse.governance.internal;
