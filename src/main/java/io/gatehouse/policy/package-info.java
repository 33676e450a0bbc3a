/**
 * Policy as code: detectors (PII, secrets, prompt injection), CEL rules and their decisions (allow,
 * deny, redact, restrict providers, flag), plugged into the gateway's request path as stages.
 */
package io.gatehouse.policy;
