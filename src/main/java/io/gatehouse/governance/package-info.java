/**
 * Change requests and their four-eyes review: draft, review, approve, publish, roll back, for every
 * kind of change (prompts, providers, routes, policies). It defines the extension point a kind of
 * change implements (validate, diff, apply) and never imports the modules that implement it.
 */
package io.gatehouse.governance;
