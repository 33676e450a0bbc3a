/** The prompt registry's tables (prompts, immutable versions, labels, cache generation) via JPA. */
package io.gatehouse.prompts.internal.persistence;
