// Voting, in the later bundle: comment.js passes on a click on a vote
// button once the bundle is here (it loads right after the thread shows).
import { more } from './api.js';
import { note } from './comment.js';

// cast votes up or down (b is the button) on an item; pressing the pressed
// button again takes the vote back. aria-pressed shows the reader's vote.
export async function cast(w, item, b) {
  const c = item.c;
  const votes = item.foot.firstChild;
  const value = b === votes.firstChild ? 1 : -1;
  try {
    const r = await more(w.api).vote(c.id, c.vote === value ? 0 : value);
    c.score = r.score;
    c.vote = r.vote;
    votes.children[1].textContent = r.score;
    votes.firstChild.setAttribute('aria-pressed', c.vote === 1);
    votes.lastChild.setAttribute('aria-pressed', c.vote === -1);
    note(w, item);
  } catch (err) {
    note(w, item, err);
  }
}
