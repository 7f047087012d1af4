package handlers_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
)

// streamLine is one line of /audit/stream: the export's line shape.
type streamLine struct {
	Seq     int64           `json:"seq"`
	Outcome string          `json:"outcome"`
	Entry   map[string]any  `json:"entry"`
	Result  json.RawMessage `json:"result"`
}

func bearerGet(t *testing.T, env *apptest.Env, token, path string, header ...string) (*http.Response, []streamLine) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, env.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var lines []streamLine
	if res.StatusCode != http.StatusOK {
		return res, nil
	}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l streamLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	return res, lines
}

// newToken creates a token from the account page, as a user would, and
// reads it off the page (shown once).
func newToken(t *testing.T, c *apptest.Client) string {
	t.Helper()
	r := c.PostForm("/account/tokens", url.Values{"name": {"shipper"}})
	tok := testidText(t, r, "token-value")
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(tok, "rdk_") {
		t.Fatalf("token: %v", r)
	}
	if again := c.Get("/account/tokens"); strings.Contains(again.Body, tok) {
		t.Fatal("the token is shown again")
	}
	return tok
}

// TestAuditStream: a viewer's token reads the log as JSON Lines, the
// export's format, one line per row in seq order; resumes after a seq
// (?after= and Last-Event-ID); a long poll returns when a row is
// appended; server-sent events carry the seq as id; a revoked or bad
// token is refused.
func TestAuditStream(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "vera", auth.RoleViewer)
	vera := env.Login(t, "vera")
	tok := newToken(t, vera)
	ctx := context.Background()

	res, all := bearerGet(t, env, tok, "/audit/stream?wait=0")
	if res.StatusCode != http.StatusOK || len(all) < 3 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/x-ndjson") {
		t.Fatalf("stream: %d %q %d lines", res.StatusCode, res.Header.Get("Content-Type"), len(all))
	}
	for i, l := range all {
		if l.Seq != int64(i+1) || l.Entry["seq"] != float64(l.Seq) || l.Entry["hash"] == "" || string(l.Result) != "null" {
			t.Fatalf("line %d: %+v", i, l)
		}
	}
	if all[len(all)-1].Entry["action"] != audit.ActionTokenCreate {
		t.Errorf("last row %v, want the token's creation", all[len(all)-1].Entry["action"])
	}
	head := all[len(all)-1].Seq
	if got := res.Header.Get("X-Roomdesk-Last-Seq"); got != strconv.FormatInt(head, 10) {
		t.Errorf("X-Roomdesk-Last-Seq %q", got)
	}
	// The same line as the JSONL export writes for an event (the export
	// is itself audited: one more row).
	export := vera.Get("/audit/export.jsonl?action=" + audit.ActionTokenCreate)
	if line := strings.TrimSpace(export.Body); !strings.HasPrefix(line, fmt.Sprintf(`{"seq":%d,"outcome":"ok","entry":{"seq":%d,`, head, head)) {
		t.Errorf("export does not share the format: %s", export.Body)
	}
	raw := vera.Get(fmt.Sprintf("/audit/stream?wait=0&after=%d", head-1)) // a session works too
	if first, _, _ := strings.Cut(raw.Body, "\n"); first != strings.TrimSpace(export.Body) {
		t.Errorf("stream and export differ:\n%s\n%s", export.Body, first)
	}
	head++ // the export's row
	// Resume.
	if _, rest := bearerGet(t, env, tok, fmt.Sprintf("/audit/stream?wait=0&after=%d", head-2)); len(rest) != 2 || rest[0].Seq != head-1 || rest[1].Seq != head {
		t.Errorf("after %d: %+v", head-2, rest)
	}
	if _, rest := bearerGet(t, env, tok, "/audit/stream?wait=0", "Last-Event-ID", strconv.FormatInt(head-1, 10)); len(rest) != 1 || rest[0].Seq != head {
		t.Errorf("Last-Event-ID: %+v", rest)
	}
	// A long poll waits for the next row, and returns with it.
	done := make(chan []streamLine, 1)
	go func() {
		_, ls := bearerGet(t, env, tok, fmt.Sprintf("/audit/stream?wait=60&after=%d", head))
		done <- ls
	}()
	e := audit.Entry{Kind: audit.KindEvent, Action: audit.ActionLogin, Actor: "someone", Outcome: audit.OutcomeOK}
	if err := env.Audit.Append(ctx, &e); err != nil {
		t.Fatal(err)
	}
	select {
	case ls := <-done:
		if len(ls) != 1 || ls[0].Seq != e.Seq {
			t.Errorf("long poll got %+v, want seq %d", ls, e.Seq)
		}
	case <-time.After(hang):
		t.Fatal("the long poll did not return after an append")
	}
	// Server-sent events: ids are seqs; read the first two and hang up.
	sse, _ := http.NewRequestWithContext(ctx, http.MethodGet, env.URL+fmt.Sprintf("/audit/stream?after=%d", head-1), nil)
	sse.Header.Set("Authorization", "Bearer "+tok)
	sse.Header.Set("Accept", "text/event-stream")
	sres, err := http.DefaultClient.Do(sse)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(sres.Body)
	var ids []string
	for len(ids) < 2 && sc.Scan() {
		if id, ok := strings.CutPrefix(sc.Text(), "id: "); ok {
			ids = append(ids, id)
		}
	}
	sres.Body.Close()
	if fmt.Sprint(ids) != fmt.Sprintf("[%d %d]", head, e.Seq) {
		t.Errorf("SSE ids %v", ids)
	}
	// The parameters: without ?wait= rows there now come at once; 0 and 60
	// are the ends of the wait, after=0 the start of the log; anything
	// else is a 400.
	for _, tc := range []struct {
		path, lastID string
		want         int
	}{
		{"/audit/stream", "", http.StatusOK}, {"/audit/stream?after=0&wait=0", "", http.StatusOK},
		{"/audit/stream?wait=60", "", http.StatusOK}, {"/audit/stream?wait=0", "0", http.StatusOK},
		{"/audit/stream?wait=61", "", http.StatusBadRequest}, {"/audit/stream?wait=-1", "", http.StatusBadRequest},
		{"/audit/stream?wait=soon", "", http.StatusBadRequest}, {"/audit/stream?wait=0&after=-1", "", http.StatusBadRequest},
		{"/audit/stream?wait=0&after=x", "", http.StatusBadRequest}, {"/audit/stream?wait=0", "-1", http.StatusBadRequest},
	} {
		var r *apptest.Response
		if tc.lastID != "" {
			r = vera.Get(tc.path, "Last-Event-ID", tc.lastID)
		} else {
			r = vera.Get(tc.path)
		}
		if r.StatusCode != tc.want || (tc.want == http.StatusOK && !strings.HasPrefix(r.Body, `{"seq":1,`)) {
			t.Errorf("%s (Last-Event-ID %q): %d %.80q, want %d from seq 1", tc.path, tc.lastID, r.StatusCode, r.Body, tc.want)
		}
	}
	// Caught up: an empty answer, and the next poll resumes where this one did.
	ahead := strconv.FormatInt(e.Seq+1000, 10)
	if r := vera.Get("/audit/stream?wait=0&after=" + ahead); r.StatusCode != http.StatusOK || r.Body != "" || r.Header.Get("X-Roomdesk-Last-Seq") != ahead {
		t.Errorf("caught up: %d %q, X-Roomdesk-Last-Seq %q, want 200, empty, %s", r.StatusCode, r.Body, r.Header.Get("X-Roomdesk-Last-Seq"), ahead)
	}
	// Refusals: no token → sign in; a bad or revoked token → 401.
	if res, _ := bearerGet(t, env, "rdk_nonsense", "/audit/stream"); res.StatusCode != http.StatusUnauthorized ||
		!strings.Contains(res.Header.Get("WWW-Authenticate"), "invalid_token") {
		t.Errorf("bad token: %d", res.StatusCode)
	}
	toks, _ := env.Tokens.List(ctx, 0)
	if r := vera.PostForm(fmt.Sprintf("/account/tokens/%d/revoke", toks[0].ID), nil); r.StatusCode != http.StatusOK {
		t.Fatalf("revoke: %v", r)
	}
	if res, _ := bearerGet(t, env, tok, "/audit/stream"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("revoked token: %d", res.StatusCode)
	}
}

// TestTokensAreOwnedAndAudited: a user cannot revoke another's token; an
// admin creates one for a user and revokes it; both are audited, the
// token is never stored or audited in clear; a disabled user's token stops.
func TestTokensAreOwnedAndAudited(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "ada", auth.RoleAdmin)
	vic := env.CreateUser(t, "vic", auth.RoleViewer)
	env.CreateUser(t, "val", auth.RoleViewer)
	admin, val := env.Login(t, "ada"), env.Login(t, "val")
	r := admin.PostForm("/admin/tokens", url.Values{"name": {"siem"}, "user": {strconv.FormatInt(vic.ID, 10)}})
	tok := testidText(t, r, "token-value")
	if r.StatusCode != http.StatusOK || tok == "" {
		t.Fatalf("admin create: %v", r)
	}
	toks, _ := env.Tokens.List(context.Background(), vic.ID)
	if len(toks) != 1 {
		t.Fatalf("tokens %+v", toks)
	}
	if r := val.PostForm(fmt.Sprintf("/account/tokens/%d/revoke", toks[0].ID), nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("another's revoke: %v", r)
	}
	if res, _ := bearerGet(t, env, tok, "/audit/stream?wait=0"); res.StatusCode != http.StatusOK {
		t.Errorf("token after a refused revoke: %d", res.StatusCode)
	}
	if err := env.Auth.SetDisabled(context.Background(), audit.Actor{Name: "ada", Role: "admin"}, vic.ID, true); err != nil {
		t.Fatal(err)
	}
	if res, _ := bearerGet(t, env, tok, "/audit/stream?wait=0"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("disabled user's token: %d", res.StatusCode)
	}
	if r := admin.PostForm(fmt.Sprintf("/admin/tokens/%d/revoke", toks[0].ID), nil); r.StatusCode != http.StatusOK {
		t.Errorf("admin revoke: %v", r)
	}
	var n int
	env.DB.QueryRow(`SELECT COUNT(*) FROM api_tokens WHERE hash = $1 OR hint = $1`, tok).Scan(&n)
	page, _ := env.Audit.List(context.Background(), audit.Filter{}, 0, 50)
	var actions []string
	for _, rec := range page.Records {
		if strings.Contains(rec.Entry.Detail, tok) {
			t.Errorf("audit row %d holds the token", rec.Entry.Seq)
		}
		if strings.HasPrefix(rec.Entry.Action, "token.") {
			actions = append(actions, rec.Entry.Action)
		}
	}
	if n != 0 || strings.Join(actions, " ") != "token.revoke token.create" {
		t.Errorf("stored in clear: %d; audited %v", n, actions)
	}
}
