/**
 * REST resources of the prompt registry: /api/v1/prompts (read-only; changes go through
 * governance).
 */
package io.gatehouse.prompts.internal.web;
