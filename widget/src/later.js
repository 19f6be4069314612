// The parts of the widget loaded after the thread is shown, in one bundle
// of their own (widget.go): the Report dialog, the form's defences and its
// Preview tab, and the question before a deletion. embed.js adds the bundle
// as a <script> the first time a reader needs one of them (env.js later);
// it registers them on window.__parleyLater. It shares no state with
// embed.js; its English strings come with it (locales/en.js later).
import { confirmDelete } from './confirm.js';
import { flagMenu } from './flag.js';
import { guard, nudge } from './guard.js';
import { preview } from './preview.js';

self.__parleyLater = { flag: flagMenu, guard, nudge, preview, confirmDelete };
