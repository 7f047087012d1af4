package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
)

type usersEnv struct {
	*apptest.Env
	admin *apptest.Client
}

func newUsersEnv(t *testing.T) *usersEnv {
	t.Helper()
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "ada", auth.RoleAdmin)
	return &usersEnv{Env: env, admin: env.Login(t, "ada")}
}

// post is an admin's htmx POST to /admin/users<path>.
func (e *usersEnv) post(t *testing.T, path string, form url.Values) (*apptest.Response, *goquery.Document) {
	t.Helper()
	r := e.admin.PostForm("/admin/users"+path, form, apptest.HTMX...)
	return r, doc(t, r)
}

func (e *usersEnv) id(t *testing.T, name string) string {
	t.Helper()
	u, err := e.Auth.ByUsername(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(u.ID)
}

func userRow(doc *goquery.Document, name string) *goquery.Selection {
	return doc.Find(`[data-testid="users-table"] [data-testid="user-row-` + name + `"]`)
}

func flashText(doc *goquery.Document) string {
	return strings.TrimSpace(doc.Find(`[data-testid="user-flash"]`).Text())
}

// isRegion reports whether an htmx answer is the users region alone.
func isRegion(r *apptest.Response, doc *goquery.Document) bool {
	return !strings.Contains(r.Body, "<html") && doc.Find("#users").Length() == 1 &&
		doc.Find(`[data-testid="users-table"]`).Length() == 1
}

func TestUsersPage(t *testing.T) {
	e := newUsersEnv(t)
	e.CreateUser(t, "vic", auth.RoleViewer)
	r := e.admin.Get("/admin/users")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET /admin/users: %v", r)
	}
	doc := doc(t, r)
	for name, want := range map[string][2]string{"ada": {"admin", "Active"}, "vic": {"viewer", "Active"}} {
		row := userRow(doc, name)
		if row.Length() != 1 {
			t.Fatalf("no row for %s", name)
		}
		role := strings.TrimSpace(row.Find(`[data-testid="user-role"]`).Text())
		status := strings.TrimSpace(row.Find(`[data-testid="user-status"]`).Text())
		if role != want[0] || status != want[1] || row.Find(`[data-testid="user-created"] time`).Length() != 1 {
			t.Errorf("%s: role %q status %q", name, role, status)
		}
	}
	for _, id := range []string{"add-user-form", "disable-vic", "end-sessions-vic", "reset-password-vic", "end-sessions-ada"} {
		if doc.Find(`[data-testid="`+id+`"]`).Length() != 1 {
			t.Errorf("no data-testid=%s", id)
		}
	}
	if _, ok := doc.Find(`[data-testid="disable-ada"]`).Attr("disabled"); !ok {
		t.Error("an admin is offered to disable their own account")
	}
	if confirm, _ := doc.Find(`form[hx-post="/admin/users/` + e.id(t, "vic") + `/disable"]`).Attr("hx-confirm"); confirm == "" {
		t.Error("disabling asks for no confirmation")
	}
	if doc.Find(`nav a[href="/admin/users"][aria-current="page"]`).Length() != 1 {
		t.Error("Users is not the current navigation item")
	}
}

func TestUsersCreate(t *testing.T) {
	e := newUsersEnv(t)
	e.CreateUser(t, "taken", auth.RoleViewer)
	good := func(mod func(url.Values)) url.Values {
		v := url.Values{"username": {"newbie"}, "role": {"operator"}, "password": {"a long password"}, "confirm": {"a long password"}}
		if mod != nil {
			mod(v)
		}
		return v
	}
	bad := []struct {
		name, field, want string
		form              url.Values
	}{
		{"short name", "username", "Username must be 3 to 32 characters.", good(func(v url.Values) { v.Set("username", "ab") })},
		{"bad characters", "username", "Username may contain only letters a-z, digits and . _ -.", good(func(v url.Values) { v.Set("username", "new bie") })},
		{"taken", "username", "Username is already taken.", good(func(v url.Values) { v.Set("username", "Taken") })},
		{"short password", "password", "Password must be at least 12 characters.", good(func(v url.Values) { v.Set("password", "short"); v.Set("confirm", "short") })},
		{"mismatch", "confirm", "The two passwords don't match.", good(func(v url.Values) { v.Set("confirm", "a long passwort") })},
		{"bad role", "role", "Choose viewer, operator or admin.", good(func(v url.Values) { v.Set("role", "root") })},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			r, doc := e.post(t, "", tc.form)
			if r.StatusCode != http.StatusUnprocessableEntity || !isRegion(r, doc) {
				t.Fatalf("got %v", r)
			}
			if got := strings.TrimSpace(doc.Find(`[data-testid="error-` + tc.field + `"]`).Text()); got != tc.want {
				t.Errorf("error next to %s = %q, want %q", tc.field, got, tc.want)
			}
			form := doc.Find(`[data-testid="add-user-form"]`)
			if v, _ := form.Find(`input[name=username]`).Attr("value"); v != tc.form.Get("username") {
				t.Errorf("username not kept: %q", v)
			}
			if strings.Contains(r.Body, tc.form.Get("password")) && tc.form.Get("password") != "" {
				t.Error("the password was echoed back")
			}
			if flashText(doc) == "" {
				t.Error("no message saying the user was not added")
			}
		})
	}
	// Several problems at once are all reported.
	_, d := e.post(t, "", url.Values{"username": {"x"}, "role": {"root"}, "password": {"short"}, "confirm": {"other"}})
	if n := d.Find(".field.invalid").Length(); n != 4 {
		t.Errorf("want 4 fields marked invalid, got %d", n)
	}
	// and only problems: a password of exactly the minimum length (12
	// characters in 15 bytes) is not one.
	_, d = e.post(t, "", url.Values{"username": {"newbie"}, "role": {"root"}, "password": {"zebra-ünd-öl"}, "confirm": {"zebra-ünd-öl"}})
	if n := d.Find(".field.invalid").Length(); n != 1 || d.Find(`[data-testid="error-password"]`).Text() != "" {
		t.Errorf("want only the role marked invalid, got %d fields: %q", n, d.Find(`[data-testid="error-password"]`).Text())
	}

	r, d := e.post(t, "", good(nil))
	if r.StatusCode != http.StatusOK || !isRegion(r, d) {
		t.Fatalf("create: %v", r)
	}
	if msg := flashText(d); !strings.Contains(msg, "Added newbie as operator") {
		t.Errorf("flash = %q", msg)
	}
	if role, _ := d.Find(`[data-testid="user-flash"]`).Attr("role"); role != "status" {
		t.Errorf("success flash role = %q", role)
	}
	if userRow(d, "newbie").Length() != 1 {
		t.Error("the table was not refreshed with the new user")
	}
	if v, _ := d.Find(`[data-testid="add-user-form"] input[name=username]`).Attr("value"); v != "" {
		t.Errorf("form not cleared after success: %q", v)
	}
	nb := e.Client(t)
	if r := nb.PostForm("/login", url.Values{"username": {"newbie"}, "password": {"a long password"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("new user cannot sign in: %v", r)
	}
	if !auditedBy(t, e.Env, audit.ActionUserCreate, "ada", "user=newbie role=operator") {
		t.Error("creation not audited with the admin as actor")
	}

	// Without htmx the same form answers with the whole page. (Its
	// password is exactly the minimum, 12 characters in 15 bytes.)
	r = e.admin.PostForm("/admin/users", good(func(v url.Values) {
		v.Set("username", "plain")
		v.Set("password", "zebra-ünd-öl")
		v.Set("confirm", "zebra-ünd-öl")
	}))
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "<html") || userRow(doc(t, r), "plain").Length() != 1 {
		t.Fatalf("plain form post: %v", r)
	}
}

func TestUsersDisableEnable(t *testing.T) {
	e := newUsersEnv(t)
	e.CreateUser(t, "dana", auth.RoleOperator)
	dana := e.Login(t, "dana")
	id := e.id(t, "dana")

	r, doc := e.post(t, "/"+id+"/disable", nil)
	if r.StatusCode != http.StatusOK || !isRegion(r, doc) {
		t.Fatalf("disable: %v", r)
	}
	if msg := flashText(doc); !strings.HasPrefix(msg, "Disabled dana.") {
		t.Errorf("flash = %q", msg)
	}
	row := userRow(doc, "dana")
	if s := strings.TrimSpace(row.Find(`[data-testid="user-status"]`).Text()); s != "Disabled" || row.Find(`[data-testid="enable-dana"]`).Length() != 1 {
		t.Errorf("row after disabling: status %q, enable button %d", s, row.Find(`[data-testid="enable-dana"]`).Length())
	}
	if r := dana.Get("/audit"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("disabled user's session still works: %v", r)
	}
	if r := e.Client(t).PostForm("/login", url.Values{"username": {"dana"}, "password": {apptest.Password}}); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("disabled user signs in: %v", r)
	}

	r, doc = e.post(t, "/"+id+"/enable", nil)
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(flashText(doc), "Enabled dana.") ||
		userRow(doc, "dana").Find(`[data-testid="disable-dana"]`).Length() != 1 {
		t.Fatalf("enable: %v", r)
	}
	e.Login(t, "dana")
	for _, a := range []string{audit.ActionUserDisable, audit.ActionUserEnable} {
		if !auditedBy(t, e.Env, a, "ada", "user=dana") {
			t.Errorf("%s not audited", a)
		}
	}

	// Refusals: oneself, and an unknown user.
	r, doc = e.post(t, "/"+e.id(t, "ada")+"/disable", nil)
	if r.StatusCode != http.StatusConflict || !strings.Contains(flashText(doc), "can't disable your own account") {
		t.Fatalf("self-disable: %v", r)
	}
	if role, _ := doc.Find(`[data-testid="user-flash"]`).Attr("role"); role != "alert" {
		t.Errorf("error flash role = %q", role)
	}
	if u, _ := e.Auth.ByUsername(context.Background(), "ada"); u.Disabled {
		t.Fatal("the admin disabled themself")
	}
	for _, bad := range []string{"999999", "abc", "-1"} {
		r, doc = e.post(t, "/"+bad+"/disable", nil)
		if r.StatusCode != http.StatusNotFound || !strings.Contains(flashText(doc), "doesn't exist") {
			t.Errorf("disable %s: %v", bad, r)
		}
	}
}

func TestUsersResetPassword(t *testing.T) {
	e := newUsersEnv(t)
	e.CreateUser(t, "pat", auth.RoleViewer)
	pat := e.Login(t, "pat")
	id := e.id(t, "pat")

	r, doc := e.post(t, "/"+id+"/password", url.Values{"password": {"short"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("short password: %v", r)
	}
	details := doc.Find(`[data-testid="reset-password-pat"]`)
	if _, open := details.Attr("open"); !open || !strings.Contains(details.Find(".error").Text(), "at least 12 characters") {
		t.Errorf("reset form not open with its error: %v", r)
	}
	if r := pat.Get("/audit"); r.StatusCode != http.StatusOK {
		t.Fatalf("a refused reset ended the session: %v", r)
	}

	r, doc = e.post(t, "/"+id+"/password", url.Values{"password": {"fresh password 2"}})
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(flashText(doc), "Set a new password for pat.") {
		t.Fatalf("reset: %v", r)
	}
	if _, open := doc.Find(`[data-testid="reset-password-pat"]`).Attr("open"); open {
		t.Error("reset form still open after success")
	}
	if r := pat.Get("/audit"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("session survived the reset: %v", r)
	}
	if r := e.Client(t).PostForm("/login", url.Values{"username": {"pat"}, "password": {"fresh password 2"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("new password refused: %v", r)
	}
	if !auditedBy(t, e.Env, audit.ActionUserPassword, "ada", "user=pat") {
		t.Error("reset not audited")
	}
	if strings.Contains(auditDump(t, e.Env), "fresh password 2") {
		t.Error("the new password is in the audit log")
	}
}

func TestUsersEndSessions(t *testing.T) {
	e := newUsersEnv(t)
	e.CreateUser(t, "sam", auth.RoleOperator)
	a, b := e.Login(t, "sam"), e.Login(t, "sam")
	id := e.id(t, "sam")

	r, doc := e.post(t, "/"+id+"/sessions/end", nil)
	if r.StatusCode != http.StatusOK || flashText(doc) != "Ended 2 sessions of sam." {
		t.Fatalf("end sessions: %v", r)
	}
	for i, c := range []*apptest.Client{a, b} {
		if r := c.Get("/audit"); r.StatusCode != http.StatusSeeOther {
			t.Errorf("session %d survived: %v", i, r)
		}
	}
	if _, doc = e.post(t, "/"+id+"/sessions/end", nil); flashText(doc) != "sam had no open sessions." {
		t.Errorf("second time: %q", flashText(doc))
	}
	if !auditedBy(t, e.Env, audit.ActionUserSessions, "ada", "user=sam sessions_ended=2") {
		t.Error("not audited")
	}

	// Ending one's own sessions signs one out, here too.
	r, _ = e.post(t, "/"+e.id(t, "ada")+"/sessions/end", nil)
	if r.Header.Get("HX-Redirect") != "/login?signed_out=1" {
		t.Fatalf("own sessions: %v %v", r, r.Header)
	}
	if r := e.admin.Get("/admin/users"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("admin still signed in: %v", r)
	}
}

func TestUsersAdminOnly(t *testing.T) {
	e := newUsersEnv(t)
	e.CreateUser(t, "otto", auth.RoleOperator)
	id := e.id(t, "ada")
	otto := e.Login(t, "otto")
	for _, p := range []string{"/admin/users", "/admin/users/" + id + "/disable", "/admin/users/" + id + "/enable",
		"/admin/users/" + id + "/password", "/admin/users/" + id + "/sessions/end"} {
		if r := otto.PostForm(p, url.Values{"password": {"hijacked password"}}, apptest.HTMX...); r.StatusCode != http.StatusForbidden {
			t.Errorf("operator POST %s: %v", p, r)
		}
	}
	if r := e.admin.Get("/admin/users"); r.StatusCode != http.StatusOK {
		t.Fatalf("the admin was affected by refused requests: %v", r)
	}
	if r := e.Client(t).PostForm("/admin/users", url.Values{"username": {"anon"}}, apptest.HTMX...); r.Header.Get("HX-Redirect") != "/login" {
		t.Errorf("signed-out htmx POST: %v", r)
	}
}

func auditedBy(t *testing.T, env *apptest.Env, action, actor, detail string) bool {
	t.Helper()
	page, err := env.Audit.List(context.Background(), audit.Filter{Action: action, Actor: actor}, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range page.Records {
		if strings.HasPrefix(r.Entry.Detail, detail) && r.Entry.ClientIP == "127.0.0.1" {
			return true
		}
	}
	return false
}

func auditDump(t *testing.T, env *apptest.Env) string {
	t.Helper()
	var sb strings.Builder
	err := env.Audit.Export(context.Background(), audit.Filter{}, func(r audit.Record) error {
		fmt.Fprintf(&sb, "%+v\n", r.Entry)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sb.String()
}
