// The shapes the management API answers with (see /openapi and docs/governance.md, docs/audit.md).

export interface Me {
  userId: string;
  username: string;
  tenant: string;
  tenantId?: string;
  roles: string[];
  kind?: string;
}

export interface Person {
  id: string;
  name: string;
}

export interface Revision {
  revision: number;
  author: Person;
  /** create, revise, rebase or rollback */
  action: string;
  at: string | null;
}

export interface Review {
  reviewer: Person;
  decision: string;
  revision: number;
  comment: string | null;
  at: string | null;
}

export interface ChangeComment {
  /** Absent only from servers older than issue 21's replies. */
  id?: string;
  /** The comment this one answers; null for a comment of its own. */
  parentId?: string | null;
  author: Person;
  action: string;
  body: string;
  at: string | null;
}

export interface DiffEntry {
  path: string;
  op: "added" | "removed" | "changed";
  from?: unknown;
  to?: unknown;
  secret?: boolean;
}

export type ChangeState =
  | "draft"
  | "in_review"
  | "approved"
  | "rejected"
  | "changes_requested"
  | "published"
  | "superseded"
  | "withdrawn";

export interface ChangeSummary {
  id: string;
  kind: string;
  target: string;
  state: ChangeState | string;
  revision: number;
  risk: string;
  requiredApprovals: number;
  approvals: number;
  approvedBy: string[];
  author: Person;
  /** Everyone who authored a revision (the creator first); none of them may review the change. */
  authors?: Person[];
  baseVersion?: string | null;
  createdAt?: string | null;
  updatedAt?: string | null;
  submittedAt?: string | null;
  publishedAt?: string | null;
  publishedBy?: string | null;
  publishedVersion?: string | null;
  rollbackOf?: string | null;
  postHocReview?: string | null;
  /** In the list: the current revision's evaluation runs in one word (none, running, passed, failed, error). */
  evidenceStatus?: string;
}

export interface ChangeDetail extends ChangeSummary {
  liveVersion?: string | null;
  rebaseRequired?: boolean;
  content?: unknown;
  diff?: DiffEntry[];
  revisions?: Revision[];
  reviews?: Review[];
  comments?: ChangeComment[];
  /** For a break-glass rollback: who authored the change whose content it re-applied. */
  rollbackOfAuthors?: Person[];
  /** Evaluation runs of the golden sets binding it, and other evidence (issue 23; see evidence.ts). */
  evidence?: unknown[];
  /** Whether an approval rule makes publishing it need a passed run of every bound golden set (issue 23). */
  evidenceRequired?: boolean;
  /** A failed run's evidence overridden at publish by an extra reviewer (issue 23). */
  evidenceOverride?: EvidenceOverride | null;
}

/** The override of a failed evaluation a publication used (GovernanceDtos.EvidenceOverrideView). */
export interface EvidenceOverride {
  reason: string;
  /** The publisher's user id, and name. */
  by?: string | null;
  byName?: string | null;
  at?: string | null;
  /** The revision it was given for. */
  revision?: number;
  /** The failed runs it overrode. */
  runIds?: string[];
  /** Distinct approvals of that revision, and what the rule needs (an override needs one more). */
  approvals?: number;
  requiredApprovals?: number;
}

export interface AuditEventView {
  seq: number;
  id: string;
  time: string;
  actorKind?: string | null;
  actor?: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  outcome?: string | null;
  requestId?: string | null;
  details?: unknown;
  hash?: string;
}

export interface AuditPage {
  events: AuditEventView[];
  nextCursor: string | null;
}

export interface Verification {
  chain?: string;
  valid: boolean;
  eventsChecked: number;
  checkpointsChecked?: number;
  firstBroken?: { seq: number; eventId: string | null; reason: string; detail?: string } | null;
  truncation?: { detected: boolean; lastSeq: number; checkpointSeq: number | null; checkpointTime: string | null };
  checkpointKeys?: CheckpointKeyRun[];
}

// ---- Issue 22: statistics, audit details, retention, lineage ----

export interface GatewayPoint {
  time: string;
  requests: number;
  errors: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
}

export interface GatewayStats {
  tenant: string;
  from: string;
  to: string;
  step: string;
  groupBy: string;
  series: { group: string; points: GatewayPoint[] }[];
}

export interface SlaStats {
  from: string;
  to: string;
  step: string;
  objectiveMs: number;
  routes: {
    route: string;
    requests: number;
    withinObjective: number;
    adherence: number | null;
    points: { time: string; requests: number; withinObjective: number; adherence: number | null }[];
  }[];
}

export interface BudgetPeriod {
  spentMicros: number;
  limitMicros: number | null;
  remainingMicros: number | null;
}

export interface BudgetStats {
  daily: BudgetPeriod;
  monthly: BudgetPeriod;
}

export interface BreakerStats {
  asOf: string;
  breakers: { instance: string; provider: string; state: string; changedAt: string }[];
}

export interface PolicyStats {
  from: string;
  to: string;
  step: string;
  totals: Record<string, number>;
  rules: { rule: string; effect: string; total: number; points: { time: string; count: number }[] }[];
}

export interface ReviewQueue {
  asOf: string;
  waiting: number;
  oldestAgeSeconds: number | null;
  byKind: { kind: string; waiting: number; oldestAgeSeconds: number | null }[];
  changes: { id: string; kind: string; target: string; risk: string; author: string; submittedAt: string | null; ageSeconds: number | null }[];
}

export interface TimeToPublish {
  from: string;
  to: string;
  step: string;
  kinds: {
    kind: string;
    published: number;
    points: { time: string; published: number; p50Seconds: number | null; p95Seconds: number | null; maxSeconds: number | null }[];
  }[];
}

/** An event as search and export give it, with the display data recorded beside the hashed form. */
export interface AuditEventFull extends AuditEventView {
  display?: Record<string, unknown> | null;
  usage?: Record<string, unknown> | null;
  contentHash?: string | null;
}

export interface AuditEventDetail {
  event: AuditEventFull;
  actor: { kind: string | null; id: string | null; name: string | null; roles: string[] };
  usage: Record<string, unknown> | null;
  policy: unknown;
  contentHash: string | null;
  content: { retained: boolean; form: string | null; storedAt: string | null; body?: unknown } | null;
}

export interface ExportTicket {
  ticket: string;
  expiresAt: string;
  url: string;
  format: string;
  from: string | null;
  to: string | null;
}

export interface AuditKey {
  keyId: string;
  algorithm: string;
  publicKey: string;
  fingerprint: string | null;
  introducedBy: string | null;
  introduction: string | null;
  createdAt: string;
  retiredAt: string | null;
}

export interface CheckpointKeyRun {
  keyId: string;
  pinned: boolean;
  pinnedBy: string | null;
  fromSeq: number;
  toSeq: number;
  checkpoints: number;
}

export interface Checkpoint {
  chain: string;
  headSeq: number;
  headHash: string;
  count: number;
  time: string;
  keyId: string;
  algorithm: string;
  signature: string;
}

export interface RetentionSetting {
  mode: string;
  retentionDays: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface LegalHold {
  id: string;
  reason: string;
  createdAt: string;
  createdBy: string;
  releasedAt: string | null;
  releasedBy: string | null;
  active: boolean;
}

export interface ChangeLineage {
  changeId: string;
  author: string | null;
  approvers: string[];
  events: AuditEventFull[];
}

export interface VersionLineage {
  version: string;
  changes: ChangeLineage[];
}

export interface RequestLineage {
  requestId: string;
  events: AuditEventFull[];
  servedBy: { provider: string | null; model: string | null; route: string | null; region?: string | null; keyId?: string | null; statusCode?: number | null }[];
  promptVersions: VersionLineage[];
  policyVersions: VersionLineage[];
}

export interface ReviewerChanges {
  reviewer: string;
  changes: { seq: number; approvedAt: string; changeId: string; target: string; change: ChangeLineage | null }[];
  nextCursor: string | null;
}

/** What a test call through a draft ended with (POST /api/v1/changes/{id}/test-call). */
export interface TestCallAnswer {
  changeId: string;
  /** The HTTP status a gateway client would have seen. */
  status: number;
  outcome: "answered" | "denied" | "failed" | string;
  text?: string | null;
  route?: string | null;
  provider?: string | null;
  model?: string | null;
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
  requestId: string;
  error?: { code: string; message: string } | null;
}
