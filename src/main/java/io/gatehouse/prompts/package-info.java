/**
 * The prompt registry: versions of chat templates with their variable schema, labels per
 * environment (with canary splits), and server-side rendering for the gateway's request path.
 */
package io.gatehouse.prompts;
