package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/app"
	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/approval"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/auth/oidctest"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/callgate"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/notify"
	"github.com/roomdesk/roomdesk/internal/resilience"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/schedule"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// anyone marks a route without a role check; the others are the least
// role a route admits.
const anyone auth.Role = ""

// authorization is THE expected access table: every route Echo has
// registered must be here, so a new route is added to it, and a route
// moved to the wrong group fails TestEveryRouteAgainstEveryRole.
var authorization = map[string]auth.Role{
	"GET /healthz":     anyone,
	"GET /readyz":      anyone,
	"GET /static*":     anyone,
	"GET /favicon.ico": anyone,
	"GET /login":       anyone,
	"POST /login":      anyone,
	"POST /logout":     anyone,
	"GET /login/mfa":   anyone,
	"POST /login/mfa":  anyone,
	// The language switch (internal/i18n): a cookie before sign-in, the
	// user's preference after.
	"POST /language": anyone,
	// Sign-in with the OpenID Connect provider (issue 17): before sign-in
	// by nature; the callback refuses anything but its own flow's state.
	"POST /login/sso":         anyone,
	"GET /login/sso/callback": anyone,

	"GET /account":           auth.RoleViewer,
	"POST /account/mfa":      auth.RoleViewer,
	"POST /account/password": auth.RoleViewer,
	"POST /account/timezone": auth.RoleViewer,

	"GET /rooms":              auth.RoleViewer,
	"GET /rooms/:id":          auth.RoleViewer,
	"GET /audit":              auth.RoleViewer,
	"GET /audit/export.csv":   auth.RoleViewer,
	"GET /audit/export.jsonl": auth.RoleViewer,
	"GET /audit/:id":          auth.RoleViewer,
	"GET /apps.css":           auth.RoleViewer,
	// An app's routes: the least role in that app (here the global one;
	// per-app roles are TestRolesPerApp's).
	"GET /apps/:app/rooms":     auth.RoleViewer,
	"GET /apps/:app/rooms/:id": auth.RoleViewer,

	"POST /rooms/:id":                     auth.RoleOperator,
	"GET /bulk":                           auth.RoleOperator,
	"POST /bulk/preview":                  auth.RoleOperator,
	"POST /bulk":                          auth.RoleOperator,
	"GET /bulk/:id":                       auth.RoleOperator,
	"GET /bulk/:id/progress":              auth.RoleOperator,
	"POST /bulk/:id/cancel":               auth.RoleOperator,
	"POST /bulk/:id/retry":                auth.RoleOperator,
	"GET /bulk/:id/results.csv":           auth.RoleOperator,
	"POST /apps/:app/rooms/:id":           auth.RoleOperator,
	"GET /apps/:app/bulk":                 auth.RoleOperator,
	"POST /apps/:app/bulk/preview":        auth.RoleOperator,
	"POST /apps/:app/bulk":                auth.RoleOperator,
	"GET /apps/:app/bulk/:id":             auth.RoleOperator,
	"GET /apps/:app/bulk/:id/progress":    auth.RoleOperator,
	"POST /apps/:app/bulk/:id/cancel":     auth.RoleOperator,
	"POST /apps/:app/bulk/:id/retry":      auth.RoleOperator,
	"GET /apps/:app/bulk/:id/results.csv": auth.RoleOperator,
	// Bulk templates (issue 13): operators save, apply and remove their own.
	"POST /bulk/templates":                       auth.RoleOperator,
	"POST /bulk/templates/apply":                 auth.RoleOperator,
	"POST /bulk/templates/:tid/delete":           auth.RoleOperator,
	"POST /apps/:app/bulk/templates":             auth.RoleOperator,
	"POST /apps/:app/bulk/templates/apply":       auth.RoleOperator,
	"POST /apps/:app/bulk/templates/:tid/delete": auth.RoleOperator,
	"POST /admin/users/:id/app-role":             auth.RoleAdmin,
	"GET /admin/users":                           auth.RoleAdmin,
	"POST /admin/users":                          auth.RoleAdmin,
	"POST /admin/users/:id/disable":              auth.RoleAdmin,
	"POST /admin/users/:id/enable":               auth.RoleAdmin,
	"POST /admin/users/:id/password":             auth.RoleAdmin,
	"POST /admin/users/:id/sessions/end":         auth.RoleAdmin,
	"POST /admin/users/:id/mfa/reset":            auth.RoleAdmin,

	// Change requests and the approval policy (issue 15).
	"GET /requests":                         auth.RoleViewer,
	"GET /requests/:rid":                    auth.RoleViewer,
	"GET /apps/:app/requests":               auth.RoleViewer,
	"GET /apps/:app/requests/:rid":          auth.RoleViewer,
	"POST /requests/:rid/approve":           auth.RoleOperator,
	"POST /requests/:rid/reject":            auth.RoleOperator,
	"POST /requests/:rid/cancel":            auth.RoleOperator,
	"POST /apps/:app/requests/:rid/approve": auth.RoleOperator,
	"POST /apps/:app/requests/:rid/reject":  auth.RoleOperator,
	"POST /apps/:app/requests/:rid/cancel":  auth.RoleOperator,
	"GET /admin/policy":                     auth.RoleAdmin,
	"POST /admin/policy":                    auth.RoleAdmin,
	// A room's history and reverts (issue 14).
	"GET /rooms/:id/history":           auth.RoleViewer,
	"GET /apps/:app/rooms/:id/history": auth.RoleViewer,
	"GET /audit/:id/revert":            auth.RoleOperator,
	"POST /audit/:id/revert":           auth.RoleOperator,
	"GET /apps/:app/audit/:id/revert":  auth.RoleOperator,
	"POST /apps/:app/audit/:id/revert": auth.RoleOperator,
	"POST /bulk/:id/revert":            auth.RoleOperator,
	"POST /apps/:app/bulk/:id/revert":  auth.RoleOperator,
	// Daily use (issue 13).
	"GET /":                      auth.RoleViewer,
	"GET /admin/labels":          auth.RoleAdmin,
	"POST /admin/labels":         auth.RoleAdmin,
	"POST /admin/users/:id/role": auth.RoleAdmin,
	// Scheduled changes (issue 14).
	"GET /schedule":                        auth.RoleViewer,
	"GET /apps/:app/schedule":              auth.RoleViewer,
	"POST /schedule/:sid/cancel":           auth.RoleOperator,
	"POST /apps/:app/schedule/:sid/cancel": auth.RoleOperator,
	// Notifications (issue 15): webhooks, API tokens, the audit stream.
	"GET /audit/stream":               auth.RoleViewer,
	"GET /account/tokens":             auth.RoleViewer,
	"POST /account/tokens":            auth.RoleViewer,
	"POST /account/tokens/:id/revoke": auth.RoleViewer,
	"GET /admin/webhooks":             auth.RoleAdmin,
	"POST /admin/webhooks":            auth.RoleAdmin,
	"GET /admin/webhooks/:id":         auth.RoleAdmin,
	"POST /admin/webhooks/:id":        auth.RoleAdmin,
	"POST /admin/webhooks/:id/delete": auth.RoleAdmin,
	"POST /admin/webhooks/:id/test":   auth.RoleAdmin,
	"GET /admin/tokens":               auth.RoleAdmin,
	"POST /admin/tokens":              auth.RoleAdmin,
	"POST /admin/tokens/:id/revoke":   auth.RoleAdmin,
}

// backToSignIn are routes whose own answer, without a password step
// pending, is the sign-in page: for them a redirect there is not a refusal.
var backToSignIn = map[string]bool{"GET /login/mfa": true, "POST /login/mfa": true}

// walk is a running console with something behind every :id, and a bulk
// job held mid-flight at Tencent's door so its state would show any change.
type walk struct {
	env    *apptest.Env
	room   tencent.RoomInfo
	job    int64
	req    int64     // a pending change request, by someone not walking
	sched  int64     // an upcoming scheduled change, by someone not walking
	victim auth.User // the user the /admin/users/:id routes act on
	users  map[auth.Role]string
	hook   int64 // a webhook (paused: the walk sends nothing anywhere)
	tpl    int64 // a bulk template of the operator's
	token  int64 // the victim's API token
}

func newWalk(t *testing.T) *walk {
	t.Helper()
	var emu atomic.Pointer[emulator.Emulator]
	gate := callgate.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { emu.Load().ServeHTTP(w, r) }))
	door := httptest.NewServer(gate)
	t.Cleanup(door.Close)
	now := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	op := oidctest.Start(t) // the sign-in routes walk a configured provider
	env := apptest.New(t, apptest.Options{
		Environ: op.Environ(t, t.TempDir(), apptest.URLPlaceholder),
		Now:     func() time.Time { return now }, // no session's last_seen moves under a snapshot
		Tencent: func(c *tencent.Config) {
			if c.SDKAppID == app.DemoSDKAppID { // the default app's emulator; the second app keeps its own
				c.Endpoint = door.URL
				// The held bulk call must outlast the walk: with the default
				// 5 s per attempt, its re-read gives up after about 15 s and
				// that refusal is itself an audit row, landing in the middle
				// of some other route's before/after snapshot.
				c.AttemptTimeout = time.Hour
			}
		},
	})
	op.Register(env.URL)
	emu.Store(env.Emulator)
	t.Cleanup(gate.Close) // first: the bulk runner waits on held calls
	w := &walk{env: env, users: map[auth.Role]string{}}
	for role, name := range map[auth.Role]string{auth.RoleViewer: "vic", auth.RoleOperator: "otto", auth.RoleAdmin: "ada"} {
		env.CreateUser(t, name, role)
		w.users[role] = name
	}
	w.victim = env.CreateUser(t, "vince", auth.RoleViewer)
	var err error
	if w.room, err = resilience.RoomInfo(env.Emulator, seedRoom); err != nil {
		t.Fatal(err)
	}
	// A bulk job whose re-reads Tencent never answers: it stays running,
	// so a cancel or a retry would show in its row.
	env.Emulator.PutRoom(resilience.LoadRoom("walk_bulk"))
	gate.Hold(func(c callgate.Call) bool { return c.RoomID == "walk_bulk" })
	job, err := env.Bulk.Create(context.Background(), audit.Actor{Name: "otto", Role: string(auth.RoleOperator)},
		bulk.Plan{Source: "walk", Common: rooms.Form{rooms.FieldNotice: {"n"}},
			Rows: []bulk.Row{{Line: 1, RoomID: "walk_bulk", Fields: rooms.Form{rooms.FieldNotice: {"n"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	w.job = job.ID
	req, err := env.Approvals.CreateRoom(context.Background(), audit.Actor{Name: "rita", Role: string(auth.RoleOperator)},
		approval.RoomChange{App: env.Apps.Default().ID, RoomID: seedRoom, Reason: "walk",
			Submitted: rooms.Form{rooms.FieldNotice: {"walk"}}, Original: rooms.Form{rooms.FieldNotice: {"before the walk"}}})
	if err != nil {
		t.Fatal(err)
	}
	w.req = req.ID
	sc, err := env.Apps.Default().Schedule.Create(context.Background(), audit.Actor{Name: "rita", Role: string(auth.RoleOperator)},
		schedule.Request{Rooms: []string{seedRoom}, Submitted: rooms.Form{rooms.FieldNotice: {"later"}},
			Original: rooms.Form{rooms.FieldNotice: {"before the walk"}}, ApplyAt: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	w.sched = sc.ID
	hook, _, err := env.Notify.Create(context.Background(), audit.Actor{Name: "ada", Role: "admin"}, notify.Input{Name: "walk",
		URL: "https://hooks.example/walk", Format: notify.FormatSlack, Events: []notify.Event{notify.EventChangedOutside}})
	if err != nil {
		t.Fatal(err)
	}
	w.hook = hook.ID
	tpl, err := env.Templates.Save(context.Background(), audit.Actor{Name: "otto", Role: string(auth.RoleOperator)}, env.Apps.Default().ID,
		"walk", rooms.Form{rooms.FieldNotice: {"walk"}})
	if err != nil {
		t.Fatal(err)
	}
	w.tpl = tpl.ID
	_, tok, err := env.Tokens.Create(context.Background(), audit.Actor{Name: "ada", Role: "admin"}, w.victim, "walk")
	if err != nil {
		t.Fatal(err)
	}
	w.token = tok.ID
	select {
	case <-gate.Held():
	case <-time.After(time.Minute): // a hang guard, not a measurement
		t.Fatal("the bulk job never reached Tencent")
	}
	return w
}

// routes are Echo's registered routes as "METHOD /path", Echo's own
// not-found catch-alls left out.
func (w *walk) routes(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, r := range w.env.Handler.(*echo.Echo).Routes() {
		if r.Method == echo.RouteNotFound {
			continue
		}
		out = append(out, r.Method+" "+r.Path)
	}
	sort.Strings(out)
	return out
}

// target is a route's path with its parameters filled in, and a form that
// would change something if the request were let through.
func (w *walk) target(t *testing.T, route string) (method, path string, form url.Values) {
	t.Helper()
	method, path, _ = strings.Cut(route, " ")
	// An app's routes walk the default app, where the room and job are.
	path = strings.Replace(path, "/apps/:app", "/apps/"+w.env.Apps.Default().ID, 1)
	rest := strings.TrimPrefix(path, "/apps/"+w.env.Apps.Default().ID)
	route = strings.Replace(route, "/apps/:app", "", 1)
	id := ""
	switch {
	case strings.HasPrefix(rest, "/rooms/:id"):
		id = seedRoom
	case strings.HasPrefix(rest, "/audit/:id"):
		id = "1"
	case strings.HasPrefix(rest, "/bulk/:id"):
		id = strconv.FormatInt(w.job, 10)
	case strings.HasPrefix(path, "/admin/users/:id"):
		id = strconv.FormatInt(w.victim.ID, 10)
	case strings.HasPrefix(rest, "/bulk/templates/:tid"):
		path = strings.Replace(path, ":tid", strconv.FormatInt(w.tpl, 10), 1)
	case strings.HasPrefix(rest, "/requests/:rid"):
		path = strings.Replace(path, ":rid", strconv.FormatInt(w.req, 10), 1)
	case strings.HasPrefix(rest, "/schedule/:sid"):
		path = strings.Replace(path, ":sid", strconv.FormatInt(w.sched, 10), 1)
	case strings.HasPrefix(path, "/admin/webhooks/:id"):
		id = strconv.FormatInt(w.hook, 10)
	case strings.HasPrefix(path, "/admin/tokens/:id"), strings.HasPrefix(path, "/account/tokens/:id"):
		id = strconv.FormatInt(w.token, 10)
	case strings.Contains(path, ":"):
		t.Fatalf("no value for the parameter of %s: add one to target", route)
	}
	path = strings.Replace(path, ":id", id, 1)
	if path == "/static*" {
		path = "/static/css/app.css"
	}
	switch route {
	case "POST /login":
		form = url.Values{"username": {"ada"}, "password": {apptest.Password}}
	case "POST /rooms/:id":
		form = resilience.EditForm(w.room, map[string]string{rooms.FieldRoomName: "hijacked"})
	case "POST /bulk/templates":
		form = url.Values{"template_name": {"hijacked"}, "change": {rooms.FieldRoomName}, rooms.FieldRoomName: {"hijacked"}}
	case "POST /bulk/templates/apply":
		form = url.Values{"template": {strconv.FormatInt(w.tpl, 10)}}
	case "POST /bulk/preview", "POST /bulk":
		form = url.Values{"rooms": {seedRoom}, "change": {rooms.FieldRoomName}, rooms.FieldRoomName: {"hijacked"}}
	case "POST /admin/users":
		form = url.Values{"username": {"mallory"}, "role": {"admin"}, "password": {apptest.Password}, "confirm": {apptest.Password}}
	case "POST /admin/users/:id/password":
		form = url.Values{"password": {"hijacked password"}, "confirm": {"hijacked password"}}
	case "POST /language":
		form = url.Values{"lang": {"ja"}, "next": {"/rooms"}}
	case "POST /account/timezone":
		form = url.Values{"timezone": {"Asia/Tokyo"}}
	case "POST /admin/policy":
		form = url.Values{"field": {rooms.FieldIsPublicVisible}, "bulk_above": {"1"}, "expiry_hours": {"1"}}
	case "POST /admin/users/:id/app-role":
		form = url.Values{"app": {w.env.Apps.Default().ID}, "role": {"operator"}}
	case "POST /admin/users/:id/role":
		form = url.Values{"role": {"admin"}}
	case "POST /admin/labels":
		form = url.Values{"app": {w.env.Apps.Default().ID}, "kind": {"category"}, "code": {"7"}, "name": {"Hijacked"}}
	case "POST /admin/webhooks", "POST /admin/webhooks/:id":
		form = url.Values{"name": {"hijacked"}, "url": {"https://evil.example/x"}, "format": {"generic"}, "events": {"bulk.finished"}}
	case "POST /admin/tokens", "POST /account/tokens":
		form = url.Values{"name": {"hijacked"}, "user": {strconv.FormatInt(w.victim.ID, 10)}}
	default:
		form = url.Values{}
	}
	return method, path, form
}

// state is everything a refused request must leave alone: every row of
// every table (the audit log apart, which is counted), and what Tencent
// was sent.
type state struct {
	tables   map[string]string
	audit    int    // audit_log rows
	auditAux string // the audit log's other tables (its hash tree...)
	updates  int
}

func (w *walk) state(t *testing.T) state {
	t.Helper()
	ctx := context.Background()
	s := state{tables: map[string]string{}, updates: w.env.Emulator.Calls(tencent.CmdUpdateRoomInfo)}
	names, err := w.env.DB.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for names.Next() {
		var n string
		names.Scan(&n)
		tables = append(tables, n)
	}
	names.Close()
	for _, table := range tables {
		rows, err := w.env.DB.QueryContext(ctx, `SELECT * FROM `+table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var b strings.Builder
		n := 0
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			fmt.Fprintf(&b, "%v\n", vals)
			n++
		}
		rows.Close()
		if table == "audit_log" {
			s.audit = n
			continue
		}
		if strings.HasPrefix(table, "audit_") {
			s.auditAux += table + "\n" + b.String()
			continue
		}
		s.tables[table] = b.String()
	}
	return s
}

// changed names what differs between two states, apart from the audit
// log's row count.
func (a state) changed(b state) []string {
	var out []string
	for table := range a.tables {
		if a.tables[table] != b.tables[table] {
			out = append(out, "table "+table)
		}
	}
	if a.updates != b.updates {
		out = append(out, fmt.Sprintf("%d update_room_info calls", b.updates-a.updates))
	}
	return out
}

// TestRouteTableIsComplete: the table and Echo's routes are the same set,
// so a new route cannot be added without saying who may use it.
func TestRouteTableIsComplete(t *testing.T) {
	w := newWalk(t)
	registered := map[string]bool{}
	for _, r := range w.routes(t) {
		registered[r] = true
		if _, ok := authorization[r]; !ok {
			t.Errorf("route %s is not in the authorization table: add it with the least role it admits", r)
		}
	}
	for r := range authorization {
		if !registered[r] {
			t.Errorf("the authorization table lists %s, which is not registered", r)
		}
	}
}

// TestEveryUnsafeRouteNeedsCSRF: every registered route with an unsafe
// method, as an admin (whom no role check stops), is refused without a
// token, with another session's token, cross-site with the right token,
// and same-site without one; and the refusal changes nothing.
func TestEveryUnsafeRouteNeedsCSRF(t *testing.T) {
	w := newWalk(t)
	admin, other := w.env.Login(t, "ada"), w.env.Login(t, "otto")
	const ct = "application/x-www-form-urlencoded"
	for _, route := range w.routes(t) {
		method, path, form := w.target(t, route)
		if method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions {
			continue
		}
		variants := []struct {
			name   string
			header []string
		}{
			{"no token", nil},
			{"another session's token", []string{"X-CSRF-Token", other.CSRFToken()}},
			{"cross-site with the token", []string{"X-CSRF-Token", admin.CSRFToken(), "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}},
			{"same-site without a token", []string{"Sec-Fetch-Site", "same-site", "Origin", "https://evil.roomdesk.example"}},
		}
		for _, v := range variants {
			t.Run(route+"/"+v.name, func(t *testing.T) {
				before := w.state(t)
				r := admin.Do(method, path, strings.NewReader(form.Encode()), append([]string{"Content-Type", ct}, v.header...)...)
				if r.StatusCode != http.StatusForbidden {
					t.Fatalf("%s %s: %v", method, path, r)
				}
				after := w.state(t)
				if diff := before.changed(after); len(diff) > 0 || after.audit != before.audit || after.auditAux != before.auditAux {
					t.Errorf("the refused request changed %v, audit rows %d → %d", diff, before.audit, after.audit)
				}
			})
		}
	}
	// The admin's session survived every refused POST /logout.
	if r := admin.Get("/admin/users"); r.StatusCode != http.StatusOK {
		t.Errorf("admin after the walk: %v", r)
	}
}

// TestEveryRouteAgainstEveryRole walks every registered route as
// anonymous, viewer, operator and admin, against the one authorization
// table. A refusal changes nothing (a signed-in user's refusal adds exactly
// its access.denied row); an admitted request is not refused.
func TestEveryRouteAgainstEveryRole(t *testing.T) {
	w := newWalk(t)
	roles := []auth.Role{anyone, auth.RoleViewer, auth.RoleOperator, auth.RoleAdmin}
	who := func(r auth.Role) string {
		if r == anyone {
			return "anonymous"
		}
		return string(r)
	}
	// Refusals first, while the state is still what the setup made it.
	type admitted struct {
		route, method, path string
		form                url.Values
		role                auth.Role
	}
	var later []admitted
	for _, route := range w.routes(t) {
		need, ok := authorization[route]
		if !ok {
			t.Errorf("route %s is not in the authorization table", route)
			continue
		}
		method, path, form := w.target(t, route)
		for _, role := range roles {
			if need == anyone || role != anyone && role.Allows(need) {
				later = append(later, admitted{route, method, path, form, role})
				continue
			}
			t.Run(route+"/"+who(role), func(t *testing.T) {
				c := w.env.Client(t)
				if role != anyone {
					c = w.env.Login(t, w.users[role])
				}
				before := w.state(t)
				r := w.request(c, method, path, form)
				after := w.state(t)
				if role == anyone && !sentToSignIn(r) || role != anyone && r.StatusCode != http.StatusForbidden {
					t.Fatalf("%s %s %s: %v (Location %q), want %s", who(role), method, path, r, r.Header.Get("Location"),
						map[bool]string{true: "a redirect to sign in", false: "403"}[role == anyone])
				}
				if diff := before.changed(after); len(diff) > 0 {
					t.Errorf("the refused request changed %v", diff)
				}
				wantAudit := before.audit
				if role != anyone {
					wantAudit++ // its access.denied row
					detail := fmt.Sprintf("%s %s needs role %s; %s has %s", method, path, need, w.users[role], role)
					if !deniedLogged(t, w.env, detail) {
						t.Errorf("no access.denied row %q", detail)
					}
				}
				if after.audit != wantAudit {
					t.Errorf("audit rows %d → %d, want %d", before.audit, after.audit, wantAudit)
				}
				if wantAudit == before.audit && after.auditAux != before.auditAux {
					t.Error("the refused request changed the audit log's tables")
				}
			})
		}
	}
	for _, a := range later {
		t.Run(a.route+"/"+who(a.role)+" admitted", func(t *testing.T) {
			c := w.env.Client(t)
			if a.role != anyone {
				c = w.env.Login(t, w.users[a.role])
			}
			r := w.request(c, a.method, a.path, a.form)
			if r.StatusCode == http.StatusUnauthorized && a.route != "POST /login" || r.StatusCode == http.StatusForbidden ||
				sentToSignIn(r) && !backToSignIn[a.route] {
				t.Errorf("%s %s %s refused: %v", who(a.role), a.method, a.path, r)
			}
		})
	}
	// Nothing any refusal sent reached Tencent, and the audit chain holds.
	if rep, err := w.env.Audit.Verify(context.Background()); err != nil || !rep.OK() {
		t.Errorf("audit verify: %+v %v", rep, err)
	}
}

// sentToSignIn reports the anonymous refusal: a redirect to the sign-in
// page (GET keeps where it was going in next=; other methods do not).
func sentToSignIn(r *apptest.Response) bool {
	loc := r.Header.Get("Location")
	return r.StatusCode == http.StatusSeeOther && (loc == "/login" || strings.HasPrefix(loc, "/login?next="))
}

// request sends a route's request with the client's own CSRF token, so
// only the role decides.
func (w *walk) request(c *apptest.Client, method, path string, form url.Values) *apptest.Response {
	if method == http.MethodGet {
		return c.Get(path)
	}
	return c.Do(method, path, strings.NewReader(form.Encode()),
		"Content-Type", "application/x-www-form-urlencoded", "X-CSRF-Token", c.CSRFToken())
}
