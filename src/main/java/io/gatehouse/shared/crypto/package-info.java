/** Sealing of stored secrets under the master key. */
package io.gatehouse.shared.crypto;
