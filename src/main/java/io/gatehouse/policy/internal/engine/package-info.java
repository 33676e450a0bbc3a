/**
 * Policy documents and their evaluation: parsing and validation of the JSON content, CEL
 * compilation (once per policy version), the evaluation context, and the decision with its
 * explanation.
 */
package io.gatehouse.policy.internal.engine;
