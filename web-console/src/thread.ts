// The comment thread of a change: comments in the order the server gives them (oldest first), each
// reply under the comment it answers (its parentId). A reply whose parent is not in the list (it
// cannot happen on one change, but the console never drops a comment) is shown at the top level.
import type { ChangeComment } from "./types.js";

export interface ThreadNode {
  comment: ChangeComment;
  replies: ThreadNode[];
}

/** The comments as a forest: top-level comments in order, each with its replies in order. */
export function commentThread(comments: readonly ChangeComment[] | null | undefined): ThreadNode[] {
  const list = comments ?? [];
  const nodes = new Map<string, ThreadNode>();
  const all: ThreadNode[] = list.map((comment) => ({ comment, replies: [] }));
  for (const n of all) if (n.comment.id) nodes.set(n.comment.id, n);
  const roots: ThreadNode[] = [];
  for (const n of all) {
    const parent = n.comment.parentId ? nodes.get(n.comment.parentId) : undefined;
    // a parent must come first (the server orders by time): anything else would make a cycle
    if (parent && parent !== n && all.indexOf(parent) < all.indexOf(n)) parent.replies.push(n);
    else roots.push(n);
  }
  return roots;
}

/** How many comments a thread holds, replies included. */
export function threadSize(nodes: readonly ThreadNode[]): number {
  return nodes.reduce((n, x) => n + 1 + threadSize(x.replies), 0);
}
