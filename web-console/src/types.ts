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
}

export interface ChangeDetail extends ChangeSummary {
  liveVersion?: string | null;
  rebaseRequired?: boolean;
  content?: unknown;
  diff?: DiffEntry[];
  revisions?: Revision[];
  reviews?: Review[];
  comments?: ChangeComment[];
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
}
