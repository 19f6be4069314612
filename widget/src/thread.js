// The thread: the API sends a flat list in display order with parent ids;
// here it becomes a tree, and the tree becomes nested lists.
import { h } from './dom.js';
import { commentView } from './comment.js';

// buildTree links the flat list into a forest in O(n): one Map from id to
// node, then one pass that hangs every comment under its parent. A comment
// whose parent is not in the list is shown as a thread of its own.
export function buildTree(list) {
  const nodes = new Map(list.map(c => [c.id, { c, kids: [] }]));
  const roots = [];
  for (const node of nodes.values()) {
    const parent = node.c.parent && nodes.get(node.c.parent);
    (parent ? parent.kids : roots).push(node);
  }
  return roots;
}

// placeTree renders nodes (at depth; 0 is top level) into list, before the
// element `before` or at the end. Replies nest in their parent's own list
// while the parent's depth is below the site's max_depth; deeper replies
// continue in the list at the cap, right after their parent's subtree, and
// are labelled "in reply to NAME" (comment.js).
export function placeTree(w, nodes, list, depth, before) {
  for (const node of nodes) {
    const item = commentView(w, node.c, depth);
    list.insertBefore(item.li, before);
    if (!node.kids.length) continue;
    if (depth < w.maxDepth) placeTree(w, node.kids, replies(item), depth + 1, null);
    else placeTree(w, node.kids, list, depth + 1, before);
  }
}

// placeComment renders a comment that just arrived (the reader's own): as
// the last reply of its parent, or as a new thread, first when the newest
// threads come first. It returns the comment's item.
export function placeComment(w, c) {
  const parent = c.parent && w.items.get(c.parent);
  const node = { c, kids: [] };
  if (parent) placeUnder(w, parent, node);
  else placeTree(w, [node], w.list, 0, w.sort === 'newest' ? w.list.firstChild : null);
  return w.items.get(c.id);
}

// placeUnder renders node (with its replies) as the last reply of the item
// parent, which is on screen: in its own list while it is above the cap,
// else after the parent's subtree, the run of following items deeper than
// the parent.
export function placeUnder(w, parent, node) {
  if (parent.depth < w.maxDepth) return placeTree(w, [node], replies(parent), parent.depth + 1, null);
  let last = parent.li;
  while (last.nextSibling && +last.nextSibling.dataset.depth > parent.depth) last = last.nextSibling;
  placeTree(w, [node], parent.li.parentNode, parent.depth + 1, last.nextSibling);
}

// replies returns the nested list of an item's replies, made on first use.
function replies(item) {
  if (!item.replies) item.replies = item.li.appendChild(h('ol', { class: 'parley-replies' }));
  return item.replies;
}
