/**
 * Startup checks of the server's own configuration: the production profile's refusals (demo mode,
 * development passwords, the published master keys, a local public URL) and the shutdown drain.
 */
package io.gatehouse.shared.internal.config;
