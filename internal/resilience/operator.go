// Package resilience holds roomdesk's load and fault suites: many operators
// editing at once against an emulator that misbehaves, a database that stops
// taking writes, and a process killed between an intent and its result. The
// suites run in the normal `go test ./...`; internal/bench runs the same load
// for longer. Everything here is loopback only and bounded in time.
package resilience

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// csrfAttr finds the token a full page embeds in <body hx-headers>.
var csrfAttr = regexp.MustCompile(`X-CSRF-Token&#34;:&#34;([A-Za-z0-9_-]+)&#34;`)

// Operator is one signed-in browser: a cookie jar and the CSRF token the
// pages carry. Unlike apptest.Client it needs no *testing.T, so the bench
// program drives the app with it too.
type Operator struct {
	base string
	HTTP *http.Client
	csrf string
}

// NewTransport is a keep-alive transport sized for many concurrent callers
// on one host, so a load measures roomdesk and not TCP handshakes.
func NewTransport() *http.Transport {
	return &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}
}

// Login signs in username at base (http://host:port) and returns the client.
// tr may be shared by many operators; nil gets a fresh one.
func Login(ctx context.Context, base, username, password string, tr http.RoundTripper) (*Operator, error) {
	if tr == nil {
		tr = NewTransport()
	}
	jar, _ := cookiejar.New(nil)
	o := &Operator{base: base, HTTP: &http.Client{
		Jar: jar, Transport: tr, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	if _, _, err := o.Do(ctx, http.MethodGet, "/login", nil); err != nil {
		return nil, err
	}
	if o.csrf == "" {
		return nil, fmt.Errorf("login %s: no CSRF token on GET /login", username)
	}
	status, body, err := o.Do(ctx, http.MethodPost, "/login", url.Values{"username": {username}, "password": {password}})
	if err != nil {
		return nil, err
	}
	if status != http.StatusSeeOther {
		return nil, fmt.Errorf("login %s: HTTP %d: %.300s", username, status, body)
	}
	// The token is bound to the session, which sign-in replaced.
	if _, _, err := o.Do(ctx, http.MethodGet, "/audit", nil); err != nil {
		return nil, err
	}
	return o, nil
}

// Do sends a request; a non-nil form makes it a form POST with the CSRF
// token and the htmx header, as the edit form sends it.
func (o *Operator) Do(ctx context.Context, method, path string, form url.Values) (int, string, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, o.base+path, body)
	if err != nil {
		return 0, "", err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-CSRF-Token", o.csrf)
		req.Header.Set("HX-Request", "true")
	}
	resp, err := o.HTTP.Do(req)
	if err != nil {
		return 0, "", fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, "", fmt.Errorf("%s %s: read: %w", method, path, err)
	}
	if m := csrfAttr.FindSubmatch(b); m != nil && method == http.MethodGet {
		o.csrf = string(m[1])
	}
	return resp.StatusCode, string(b), nil
}

// RoomInfo reads a room from the emulator as the client would decode it:
// both speak the same wire names, so a JSON round trip converts.
func RoomInfo(e *emulator.Emulator, id string) (tencent.RoomInfo, error) {
	r, ok := e.Room(id)
	if !ok {
		return tencent.RoomInfo{}, fmt.Errorf("emulator has no room %q", id)
	}
	b, err := json.Marshal(r)
	if err != nil {
		return tencent.RoomInfo{}, err
	}
	var ri tencent.RoomInfo
	err = json.Unmarshal(b, &ri)
	return ri, err
}

// EditForm is what the edit form posts for room after the operator changed
// the fields in change: every field plus its orig_* twin.
func EditForm(room tencent.RoomInfo, change map[string]string) url.Values {
	orig := rooms.FormFromRoom(room)
	v := url.Values{}
	for _, f := range rooms.Fields {
		v[rooms.OriginalPrefix+f] = append([]string(nil), orig[f]...)
		v[f] = append([]string(nil), orig[f]...)
		if nv, ok := change[f]; ok {
			v[f] = []string{nv}
		}
	}
	return v
}

// LoadRoom is a valid room for load and fault tests.
func LoadRoom(id string) emulator.Room {
	return emulator.Room{
		RoomID: id, RoomName: "room " + id, OwnerAccount: "owner_" + id, CreateTime: 1767225600,
		IsSeatEnabled: true, TakeSeatMode: "ApplyToTake", MaxSeatCount: 8, MaxMemberCount: 1000,
		CoverURL: "https://example.com/cover.png", Category: []int{1}, ActivityStatus: 1, IsPublicVisible: true, Notice: "hello",
	}
}
