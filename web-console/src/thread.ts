// The comment thread of a change: comments in the order the server gives them (oldest first), each
// reply under the comment it answers (its parentId), nested up to MAX_NESTING levels; a reply deeper
// than that stands flat beside its parent, saying whom it answers ("in reply to <name>"), so that a
// long chain neither recurses nor indents the page off the screen (the server caps replies at 8
// levels and a change at 1,000 comments; the console holds up without relying on it). Built in one
// pass with an index map. A reply whose parent is not in the list (it cannot happen on one change,
// but the console never drops a comment), or comes after it, is shown at the top level.
import type { ChangeComment } from "./types.js";

/** Levels of nesting shown: a comment of its own is level 0, its replies level 1, and so on. */
export const MAX_NESTING = 4;

/** The deepest reply the server takes (ChangeComments.MAX_DEPTH: 400 reply_too_deep beyond it). */
export const MAX_REPLY_DEPTH = 8;

export interface ThreadNode {
  comment: ChangeComment;
  replies: ThreadNode[];
  /** The nesting level it is shown at (0: top level; never above MAX_NESTING). */
  level: number;
  /** Set when the reply is shown flat beside its parent rather than under it: whom it answers. */
  inReplyTo: string | null;
  /** How deep it really is (0: a comment of its own); at MAX_REPLY_DEPTH it takes no reply. */
  depth: number;
}

/** The comments as a forest: top-level comments in order, each with its replies in order. */
export function commentThread(comments: readonly ChangeComment[] | null | undefined): ThreadNode[] {
  const list = comments ?? [];
  // id -> position and node, for parents that come earlier (a later one would make a cycle)
  const index = new Map<string, number>();
  const all: ThreadNode[] = [];
  // the list a node is shown in (its host's replies, or the roots)
  const shownIn: ThreadNode[][] = [];
  const roots: ThreadNode[] = [];
  list.forEach((comment, i) => {
    const n: ThreadNode = { comment, replies: [], level: 0, inReplyTo: null, depth: 0 };
    all.push(n);
    const at = comment.parentId ? index.get(comment.parentId) : undefined;
    if (at === undefined) {
      roots.push(n);
      shownIn.push(roots);
    } else {
      const parent = all[at]!;
      n.depth = parent.depth + 1;
      if (parent.level < MAX_NESTING) {
        n.level = parent.level + 1;
        parent.replies.push(n);
        shownIn.push(parent.replies);
      } else {
        n.level = parent.level;
        n.inReplyTo = parent.comment.author.name;
        const beside = shownIn[at]!;
        beside.push(n);
        shownIn.push(beside);
      }
    }
    if (comment.id && !index.has(comment.id)) index.set(comment.id, i);
  });
  return roots;
}

/** How many comments a thread holds, replies included (without recursion). */
export function threadSize(nodes: readonly ThreadNode[]): number {
  let n = 0;
  const stack: (readonly ThreadNode[])[] = [nodes];
  while (stack.length > 0) {
    const level = stack.pop()!;
    n += level.length;
    for (const x of level) if (x.replies.length > 0) stack.push(x.replies);
  }
  return n;
}
