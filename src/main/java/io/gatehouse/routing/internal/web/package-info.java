/** The gateway's HTTP face: the OpenAI-compatible {@code /v1} API and the usage reports. */
package io.gatehouse.routing.internal.web;
