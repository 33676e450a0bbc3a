/** The configured egress policy: platform allow/deny settings and the optional forward proxy. */
package io.gatehouse.shared.internal.net;
