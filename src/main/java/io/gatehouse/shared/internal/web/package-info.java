/**
 * Cross-cutting HTTP plumbing: the JAX-RS application, request ids, the JSON body checks that run
 * before any resource, error mapping to OpenAI-style JSON on /v1 and RFC 9457 problems elsewhere,
 * and the console bundle served from /console/.
 */
package io.gatehouse.shared.internal.web;
