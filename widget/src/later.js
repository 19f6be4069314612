// The parts of the widget loaded after the thread is shown, in one bundle
// of their own (widget.go): live updates, the feed link and the reader's
// "Your data" dialog, the Report dialog, the form's defences and its
// Preview tab, and the question before a deletion. embed.js adds the bundle as a <script> once a thread is
// rendered (env.js later); it registers them on window.__parleyLater. It
// shares no state with embed.js but what the widget instance w carries;
// its English strings and styles come with it (locales/en.js later,
// later.css).
import { confirmDelete } from './confirm.js';
import { flagMenu } from './flag.js';
import { guard, nudge } from './guard.js';
import { live } from './live.js';
import { preview } from './preview.js';

self.__parleyLater = { flag: flagMenu, guard, nudge, preview, confirmDelete, live };
