/** REST resources of the policy module: listing policies and the test bench. */
package io.gatehouse.policy.internal.web;
