/** REST resources of governance: /api/v1/changes, /api/v1/approval-policies, /api/v1/webhooks. */
package io.gatehouse.governance.internal.web;
