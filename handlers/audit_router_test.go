package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
)

// TestAuditAsViewer drives the audit pages through the real router,
// sessions and role checks, as an auditor with the viewer role.
func TestAuditAsViewer(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "vera", auth.RoleViewer)
	ctx := context.Background()
	add := func(e audit.Entry) audit.Entry {
		t.Helper()
		if err := env.Audit.Append(ctx, &e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	in := add(audit.Entry{Kind: audit.KindIntent, Actor: "olga", ActorRole: "operator",
		Action: audit.ActionRoomUpdate, RoomID: "=cmd", RequestBody: `{"RoomId":"=cmd","Notice":"hi"}`,
		Changes: []audit.Change{{Field: "Notice", Before: `""`, After: `"hi"`}}})
	add(audit.Entry{Kind: audit.KindResult, IntentSeq: in.Seq, Actor: "olga", Action: audit.ActionRoomUpdate,
		RoomID: "=cmd", ActionStatus: "OK", RequestID: "Id-router-1", Outcome: audit.OutcomeOK, Attempts: 1})

	anon := env.Client(t)
	if r := anon.Get("/audit"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Errorf("anonymous /audit: %s", r)
	}
	if r := anon.Get("/audit/export.csv"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous export: %s", r)
	}

	c := env.Login(t, "vera")
	r := c.Get("/audit?room=%3Dcmd")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("/audit: %s", r)
	}
	d, _ := goquery.NewDocumentFromReader(strings.NewReader(r.Body))
	if n := d.Find(`[data-testid="audit-row"]`).Length(); n != 1 {
		t.Errorf("%d rows for room =cmd, want 1", n)
	}
	if got := d.Find(`[data-testid="request-id"]`).Text(); got != "Id-router-1" {
		t.Errorf("request id %q", got)
	}

	r = c.Get("/audit?outcome=ok&room=", apptest.HTMX...)
	if r.StatusCode != http.StatusOK || strings.Contains(r.Body, "<html") || r.Header.Get("HX-Push-Url") != "/audit?outcome=ok" {
		t.Errorf("htmx filter: push %q, %s", r.Header.Get("HX-Push-Url"), r)
	}

	r = c.Get("/audit/" + strconv.FormatInt(in.Seq, 10))
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `data-testid="entry-detail"`) {
		t.Errorf("detail: %s", r)
	}
	if r := c.Get("/audit/999999"); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown seq: %s", r)
	}

	r = c.Get("/audit/export.csv?room=%3Dcmd")
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(r.Header.Get("Content-Disposition"), `attachment; filename="roomdesk-audit-`) {
		t.Fatalf("export: %s", r)
	}
	if !strings.Contains(r.Body, "Id-router-1") || !strings.Contains(r.Body, "'=cmd") || strings.Contains(r.Body, ",=cmd") {
		t.Errorf("export body:\n%s", r.Body)
	}
	if r := c.Get("/audit/export.jsonl"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `"request_id":"Id-router-1"`) {
		t.Errorf("jsonl export: %s", r)
	}

	// Each export is itself on record: who, which format, which filter.
	exports, err := env.Audit.List(ctx, audit.Filter{Action: audit.ActionAuditExport}, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(exports.Records) != 2 {
		t.Fatalf("%d export events, want 2", len(exports.Records))
	}
	csvExport := exports.Records[1].Entry // newest first: the JSONL one is [0]
	if csvExport.Actor != "vera" || !strings.Contains(csvExport.Detail, "csv export; filter: room=%3Dcmd") {
		t.Errorf("csv export event: actor %q, detail %q", csvExport.Actor, csvExport.Detail)
	}

	// Nothing edits or deletes the log through the app.
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		r := c.Do(m, "/audit/"+strconv.FormatInt(in.Seq, 10), nil, "X-CSRF-Token", c.CSRFToken())
		if r.StatusCode < 400 {
			t.Errorf("%s /audit/%d answered %d", m, in.Seq, r.StatusCode)
		}
	}
	if rep, err := env.Audit.Verify(ctx); err != nil || !rep.OK() {
		t.Errorf("chain after the tests: %+v, %v", rep, err)
	}
}
