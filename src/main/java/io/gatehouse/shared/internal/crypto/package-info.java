/** Sealing of secrets at rest with AES-256-GCM under the master key. */
package io.gatehouse.shared.internal.crypto;
