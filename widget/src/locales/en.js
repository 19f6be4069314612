// English: the built-in strings, and the list of keys every other locale
// translates. Plural entries are picked with Intl.PluralRules, after an
// exact number key if there is one (day: { 1: 'yesterday', ... }); "{n}"
// and "{name}" are filled in by i18n.js. One key per line: locales_test.go
// reads the keys of every locale from this layout.
//
// API errors: other locales translate them by code as e_<code> or
// e_<code>_<field> (see i18n.js errorText); in English the server's own
// message is shown, which keeps these strings out of the main bundle. Only
// the errors the widget finds itself, and a last resort, are here.

// comments is exported on its own for count.js, which needs nothing else.
export const comments = { one: '{n} comment', other: '{n} comments' };

// later holds the strings of the later bundle (later.js: the Report
// dialog, the form's defences and Preview tab, the question before a
// deletion, live updates, the feed link, "Your data" and the reader's
// identity), exported on their own for
// that bundle, which embed.js loads after the thread is shown; other
// locales keep them in their one table.
export const later = {
  e_required: 'Please fill in this field.',
  nothing: 'Nothing to preview.',
  confirmDel: 'Delete this comment?',
  removed: 'Your comment was deleted.',
  heldLinks: 'Comments with many links wait for a moderator before they appear.',
  heldWords: 'Comments with words that often mean spam wait for a moderator before they appear.',
  heldBoth: 'Comments with many links, or with words that often mean spam, wait for a moderator before they appear.',
  heldChoice: 'You can edit it, or send it as it is.',
  sendAnyway: 'Send anyway',
  sending: 'Sending…',
  reportTitle: 'Why report this comment?',
  spam: 'Spam',
  abuse: 'Abuse',
  offTopic: 'Off-topic',
  other: 'Other',
  reportNote: 'Note',
  reported: 'Thanks, a moderator will take a look.',
  alreadyReported: 'You already reported this comment.',
  newComment: 'New comment by {name}',
  newComments: { one: '{n} new comment', other: '{n} new comments' },
  notify: 'E-mail me when someone replies',
  feed: 'Feed',
  feedTitle: 'Atom feed of this discussion',
  yourData: 'Your data',
  dataAbout: 'The comments you wrote and the votes you cast on this site from this browser.',
  download: 'Download my comments',
  downloaded: 'Saved as {name}.',
  delMine: 'Delete my comments',
  confirmDelMine: 'Delete every comment you wrote here and withdraw your votes? Replies from others stay. This cannot be undone.',
  delAll: 'Delete all',
  close: 'Close',
  deletedMine: { one: '{n} comment was deleted.', other: '{n} comments were deleted.' },
  verifyLink: 'Verify your e-mail',
  verifyAbout: 'Get a link by e-mail. Opening it makes you a verified reader of this site on that device: your comments show a check mark, and your name is kept for you.',
  sendLink: 'Send link',
  linkSent: 'We sent a link to {name}. Open it on any device to confirm.',
  confirmAsk: 'Confirm your e-mail address to be known as a verified reader on this site, on this device.',
  confirm: 'Confirm',
  confirmed: 'Your e-mail address {name} is confirmed: you are a verified reader on this site, on this device.',
  linkInvalid: 'This link was used already or is not valid. You can ask for a new one.',
  linkExpired: 'This link has expired: links work for one hour. You can ask for a new one.',
  askAgain: 'Ask for a new link',
  verified: 'verified',
  verifiedTitle: 'Verified reader',
  asVerified: '(verified)',
  signedInAs: 'Signed in as {name}',
  ssoFailed: 'Signing you in with your account on this site did not work, so you comment as a guest.',
};

export default {
  comments,
  heading: 'Comments',
  empty: 'No comments yet. Start the discussion.',
  loading: 'Loading comments…',
  loadFailed: 'The comments could not be loaded.',
  retry: 'Try again',
  more: 'Show more comments',
  sort: 'Sort by',
  oldest: 'Oldest',
  newest: 'Newest',
  top: 'Best',
  anon: 'Anonymous',
  owner: 'Owner',
  moderator: 'Moderator',
  edited: 'edited',
  pending: 'Awaiting moderation',
  deleted: 'This comment was deleted.',
  replyTo: 'in reply to {name}',
  reply: 'Reply',
  edit: 'Edit',
  del: 'Delete',
  cancel: 'Cancel',
  save: 'Save',
  votes: 'Votes',
  up: 'Vote up',
  down: 'Vote down',
  editFor: { one: 'You can edit for {n} more minute', other: 'You can edit for {n} more minutes' },
  formTitle: 'Leave a comment',
  replyTitle: 'Reply to {name}',
  name: 'Name',
  email: 'E-mail',
  website: 'Website',
  affiliation: 'Affiliation',
  optional: '(optional)',
  required: '(required)',
  emailHint: 'Never shown to anyone.',
  body: 'Comment',
  write: 'Write',
  preview: 'Preview',
  markdown: 'Markdown is supported.',
  moderated: 'Comments are reviewed before they appear.',
  post: 'Post',
  postingAs: 'Posting as {name}',
  change: 'change',
  posted: 'Your comment was posted.',
  held: 'Your comment is awaiting moderation.',
  saved: 'Your changes were saved.',
  locked: 'Comments are closed.',
  pinned: 'Pinned',
  report: 'Report',
  // Relative times (time.js), worded as Intl.RelativeTimeFormat words them
  // with numeric: 'auto' (TestRelativeTimes compares).
  now: 'now',
  minute: { one: '{n} minute ago', other: '{n} minutes ago' },
  hour: { one: '{n} hour ago', other: '{n} hours ago' },
  day: { 1: 'yesterday', other: '{n} days ago' },
  week: { 1: 'last week', other: '{n} weeks ago' },
  month: { 1: 'last month', other: '{n} months ago' },
  year: { 1: 'last year', other: '{n} years ago' },
  e_network: 'The comment server could not be reached. Your text is kept; please try again.',
  e_internal: 'Something went wrong. Please try again.',
};
