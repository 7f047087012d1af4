// Package i18ntest finds English UI text in a page rendered in another
// language: the check behind "no untranslated string slips in", used by the
// handler tests (every page of the route walk) and the browser suite.
package i18ntest

import (
	"regexp"
	"sort"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"github.com/roomdesk/roomdesk/internal/i18n"
)

// Allowed are the words that are data or names, not English UI text: the
// product and Tencent's names, the API's own terms (field names as the API
// spells them), and abbreviations every language writes the same way.
var Allowed = []string{
	"roomdesk", "Tencent", "Cloud", "TUILiveKit", "LiveKit", "RoomId", "SDKAppID", "SDKAppId", "RequestId", "ErrorCode",
	"ActionStatus", "UserSig", "SecretKey", "update_room_info", "get_room_info", "get_room_list",
	"RoomName", "MaxMemberCount", "IsMessageDisabled", "CoverURL", "Category", "ActivityStatus",
	"IsPublicVisible", "TakeSeatMode", "Notice", "FreeToTake", "ApplyToTake",
	"English", "HTTP", "HTTPS", "URL", "URLs", "API", "CSV", "JSON", "JSONL", "UTF", "ID", "IDs", "IP", "UTC",
	"QR", "TOTP", "MFA", "OK", "DEMO", "PostgreSQL", "SQLite", "SHA", "Ed25519", "Merkle",
	"Google", "Authenticator", "1Password", "Authy", "FreeOTP", "htmx", "PEM",
	"Slack", "Incoming", "Webhook", "WeCom", "Authorization", "Bearer",
}

// Finding is one piece of English text in a page.
type Finding struct {
	Where string // "text" or the attribute's name
	Text  string
	Why   string
}

func (f Finding) String() string { return f.Where + ": " + f.Why + ": " + f.Text }

// Checker holds what English UI text looks like: every English message of
// the catalogue whose translation into lang differs.
type Checker struct {
	whole     map[string]bool // messages to match a whole text node (short ones)
	fragments []string        // multi-word pieces of messages, matched anywhere
	allowed   map[string]bool
	data      []string
}

// IgnoreData makes the checker skip these strings wherever they appear:
// data the page shows that is not marked translate="no" (a room's name in
// the page title, say).
func (ch *Checker) IgnoreData(s ...string) {
	for _, d := range s {
		if d != "" {
			ch.data = append(ch.data, d)
		}
	}
}

// New builds a checker for pages in lang from the embedded catalogue.
func New(lang string) *Checker {
	c := i18n.Default()
	ch := &Checker{whole: map[string]bool{}, allowed: map[string]bool{}}
	for _, w := range Allowed {
		ch.allowed[w] = true
	}
	seen := map[string]bool{}
	for _, id := range c.IDs(i18n.English) {
		en, _ := c.Message(i18n.English, id)
		tr, _ := c.Message(lang, id)
		forms := []string{en.Other, en.One}
		for _, s := range forms {
			if s == "" || tr != nil && s == tr.Other {
				continue
			}
			parts := placeholder.Split(s, -1)
			for _, part := range parts {
				part = norm(part)
				if !hasLetters(part) || seen[part] {
					continue
				}
				seen[part] = true
				if len(parts) > 1 && !(strings.Count(part, " ") >= 1 && len(part) >= 10) {
					continue // a short piece between placeholders: the word check covers it
				}
				if strings.Count(part, " ") >= 1 && len(part) >= 10 {
					ch.fragments = append(ch.fragments, part)
				} else {
					ch.whole[strings.Trim(part, " .:;,!?…·")] = true
				}
			}
		}
	}
	// Longest first, so a report names the most specific message.
	sort.Slice(ch.fragments, func(i, j int) bool { return len(ch.fragments[i]) > len(ch.fragments[j]) })
	return ch
}

var (
	placeholder = regexp.MustCompile(`\{\{[^}]*\}\}`)
	space       = regexp.MustCompile(`\s+`)
	// data-like tokens: URLs, things with digits, underscores, slashes,
	// @, #, = or dots inside (ids, hosts, versions, file names), U+XXXX.
	urlLike  = regexp.MustCompile(`[a-z][a-z0-9+.-]*://\S+`)
	dataLike = regexp.MustCompile(`\S*[0-9_/@#=\\]\S*|\S+\.\S+|U\+[0-9A-F]{4,6}`)
	word     = regexp.MustCompile(`[A-Za-z][A-Za-z'’]*[A-Za-z]|[A-Za-z]`)
)

func norm(s string) string { return strings.TrimSpace(space.ReplaceAllString(s, " ")) }

func hasLetters(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' })
}

// Text checks one piece of visible text.
func (ch *Checker) Text(s string) (string, bool) {
	for _, d := range ch.data {
		s = strings.ReplaceAll(s, d, " ")
	}
	s = norm(s)
	if !hasLetters(s) {
		return "", true
	}
	if ch.whole[strings.Trim(s, " .:;,!?…·")] {
		return "is an English message", false
	}
	for _, f := range ch.fragments {
		if strings.Contains(s, f) {
			return "contains the English message " + `"` + f + `"`, false
		}
	}
	rest := urlLike.ReplaceAllString(s, " ")
	rest = dataLike.ReplaceAllString(rest, " ")
	// Runs of two or more English words, not counting allowed ones, with
	// nothing but spaces and light punctuation between them.
	run, longest := 0, 0
	var runText, worst []string
	for _, tok := range strings.FieldsFunc(rest, func(r rune) bool { return r == ' ' || r == '\u00a0' }) {
		w := strings.Trim(tok, ".,:;!?()[]\"'“”‘’«»…·-–—")
		if word.FindString(w) == w && w != "" && !ch.allowed[w] {
			run++
			runText = append(runText, w)
			if run > longest {
				longest, worst = run, append([]string(nil), runText...)
			}
			continue
		}
		run, runText = 0, nil
	}
	if longest >= 2 {
		return "has English words " + `"` + strings.Join(worst, " ") + `"`, false
	}
	return "", true
}

// skip are elements whose content is data or code, never UI text.
var skip = map[string]bool{"script": true, "style": true, "code": true, "pre": true, "kbd": true, "samp": true, "textarea": true, "time": true}

// checkedAttrs are the attributes a person reads or hears.
var checkedAttrs = []string{"title", "placeholder", "aria-label", "alt", "aria-description", "hx-confirm"}

// Page returns the English UI text in an HTML page or fragment. Elements
// marked translate="no" (data: room names, notices, usernames, audit
// details) are skipped with everything inside them, as are code, pre,
// script and style.
func (ch *Checker) Page(doc *goquery.Document) []Finding {
	var out []Finding
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if skip[n.Data] || attr(n, "translate") == "no" || attr(n, "type") == "hidden" {
				return
			}
			for _, a := range checkedAttrs {
				if v := attr(n, a); v != "" {
					if why, ok := ch.Text(v); !ok {
						out = append(out, Finding{Where: n.Data + "@" + a, Text: v, Why: why})
					}
				}
			}
			if n.Data == "input" && (attr(n, "type") == "submit" || attr(n, "type") == "button") {
				if why, ok := ch.Text(attr(n, "value")); !ok {
					out = append(out, Finding{Where: "input@value", Text: attr(n, "value"), Why: why})
				}
			}
		}
		if n.Type == html.TextNode {
			if why, ok := ch.Text(n.Data); !ok {
				out = append(out, Finding{Where: "text in <" + parentName(n) + ">", Text: norm(n.Data), Why: why})
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range doc.Nodes {
		walk(n)
	}
	return out
}

func parentName(n *html.Node) string {
	if n.Parent != nil {
		return n.Parent.Data
	}
	return ""
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}
