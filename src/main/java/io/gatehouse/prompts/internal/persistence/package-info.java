/** The prompt registry's tables (prompts, immutable versions, labels) via JPA. */
package io.gatehouse.prompts.internal.persistence;
