package render

import (
	"net/url"
	"regexp"

	"github.com/microcosm-cc/bluemonday"
)

// relValue is put on every link. nofollow and ugc tell search engines the
// link is user-generated and not endorsed by the site; noopener and
// noreferrer keep the target from scripting the host page and from learning
// which page linked to it.
const relValue = "nofollow ugc noopener noreferrer"

var (
	// imageSrc limits image sources to http(s) before the URL policies
	// below run: mailto is fine for a link but meaningless for an image.
	imageSrc = regexp.MustCompile(`(?i)^https?://`)
	// listStart accepts the ordinal goldmark writes for "3. item"; CommonMark
	// caps it at nine digits.
	listStart = regexp.MustCompile(`^[0-9]{1,9}$`)
)

// newPolicy builds the sanitizer policy for one combination of Options. It
// starts from an empty policy, not bluemonday.UGCPolicy, so that nothing is
// allowed unless it is listed here.
func newPolicy(opts Options) *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements(
		"p", "br", "strong", "em", "del", "code", "pre", "blockquote",
		"ul", "ol", "li", "h4", "h5", "h6", "hr",
	)
	p.AllowAttrs("start").Matching(listStart).OnElements("ol")

	// Only absolute URLs with a host. A host-less "https:/admin" is relative
	// to a page on the same scheme in browsers, so it is as dangerous as
	// "/admin" and is refused the same way.
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.AllowURLSchemeWithCustomPolicy("http", hasHost)
	p.AllowURLSchemeWithCustomPolicy("https", hasHost)

	if opts.AllowLinks {
		p.AllowURLSchemeWithCustomPolicy("mailto", hasAddress)
		p.AllowAttrs("href").OnElements("a")
		// The serializer replaces rel with the full relValue; asking
		// bluemonday for nofollow and noreferrer too means the policy is
		// safe on its own should the serializer ever change.
		p.RequireNoFollowOnLinks(true)
		p.RequireNoReferrerOnLinks(true)
	}
	// alt is kept even when images are off, so the serializer can put the
	// text in the image's place.
	p.AllowAttrs("alt").OnElements("img")
	if opts.AllowImages {
		p.AllowAttrs("src").Matching(imageSrc).OnElements("img")
		p.AllowAttrs("title").OnElements("img")
	}
	return p
}

// hasHost accepts an http(s) URL only when it names a host.
func hasHost(u *url.URL) bool {
	return u.Host != "" && u.Opaque == ""
}

// hasAddress accepts mailto:someone@example.com but not a bare "mailto:".
func hasAddress(u *url.URL) bool {
	return u.Opaque != ""
}
