/**
 * Policy as a gateway stage: the live compiled policies per tenant, the input and output stages and
 * the stream filter, the policy change kind for governance, the test bench, and demo seeding.
 */
package io.gatehouse.policy.internal;
