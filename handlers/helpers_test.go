package handlers_test

// Helpers shared by the router-level tests (package handlers_test).

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
)

// doc parses a response body as HTML.
func doc(t *testing.T, r *apptest.Response) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// testid selects the elements with that data-testid.
func testid(d *goquery.Document, id string) *goquery.Selection {
	return d.Find(`[data-testid="` + id + `"]`)
}

// testidText is the trimmed text of the element with that data-testid;
// the test fails if there is none.
func testidText(t *testing.T, r *apptest.Response, id string) string {
	t.Helper()
	sel := doc(t, r).Find(`[data-testid="` + id + `"]`)
	if sel.Length() == 0 {
		t.Fatalf("no data-testid=%q in:\n%v", id, r)
	}
	return strings.TrimSpace(sel.First().Text())
}

func findCookie(cs []*http.Cookie, name string) *http.Cookie {
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
