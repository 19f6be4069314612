// The parts of the widget loaded after the thread is shown, in one bundle
// of their own (widget.go): live updates, the feed link and the reader's
// "Your data" dialog, the avatars, voting, the Report dialog, the form's
// defences, its sending, "Posting as" and its Preview tab, the question before a deletion,
// and the reader's identity (identity.js: magic links, the blog's sign-in).
// embed.js adds the bundle as a <script> once a thread is rendered (env.js later); it registers them on window.__parleyLater. It
// shares no state with embed.js but what the widget instance w carries;
// its English strings and styles come with it (locales/en.js later,
// later.css).
import { more } from './api.js';
import { decorate } from './avatar.js';
import { confirmDelete } from './confirm.js';
import { flagMenu } from './flag.js';
import { guard } from './guard.js';
import { identity, sign } from './identity.js';
import { live } from './live.js';
import { preview } from './preview.js';
import { known, send } from './submit.js';
import { look } from './theme.js';
import { cast } from './vote.js';

// live comes once the thread is shown (widget.js), and with it the avatars.
self.__parleyLater = {
  flag: flagMenu, guard, preview, send, known, cast, confirmDelete, sign,
  live(w, d) {
    // The page's style sheets may have come after the first render.
    const view = w.host.shadowRoot.firstElementChild;
    if (view) view.className = look(w.o.theme, w.host);
    more(w.api); // before live.js and mydata.js wrap its calls
    decorate(w);
    live(w, d);
    identity(w);
  },
};
