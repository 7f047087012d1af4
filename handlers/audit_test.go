package handlers

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
)

// These tests call the audit handlers directly, as a signed-in viewer,
// on a real SQLite store. Routing, sessions and role checks are covered by
// the router-level tests.

var auditT0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

type auditFixture struct {
	h                      *Handlers
	store                  *sqlstore.Store
	okIntent, unknown, bad audit.Entry
}

func newAuditFixture(t *testing.T) *auditFixture {
	t.Helper()
	s := sqlstore.New(dbtest.Open(t, db.SQLite))
	fx := &auditFixture{store: s, h: New(Deps{Audit: s, Logger: slog.New(slog.DiscardHandler),
		Now: func() time.Time { return auditT0.Add(time.Hour) }})}
	fx.add(t, audit.Entry{Time: auditT0, Kind: audit.KindEvent, Actor: "vera", ActorRole: "viewer",
		ClientIP: "10.0.0.9", Action: audit.ActionLoginFailed, Outcome: audit.OutcomeDenied, Detail: "wrong password"})
	fx.okIntent = fx.add(t, intentEntry(auditT0.Add(time.Minute), "live-1"))
	fx.add(t, resultEntry(fx.okIntent, "OK", 0, "", "Id-ok-1", audit.OutcomeOK))
	fx.unknown = fx.add(t, intentEntry(auditT0.Add(2*time.Minute), "live-2"))
	fx.bad = fx.add(t, intentEntry(auditT0.Add(3*time.Minute), "=cmd"))
	fx.add(t, resultEntry(fx.bad, "FAIL", 100004, "room not exist", "Id-fail-2", audit.OutcomeFailed))
	return fx
}

func (fx *auditFixture) add(t *testing.T, e audit.Entry) audit.Entry {
	t.Helper()
	if err := fx.store.Append(context.Background(), &e); err != nil {
		t.Fatal(err)
	}
	return e
}

func intentEntry(at time.Time, room string) audit.Entry {
	return audit.Entry{Time: at, Kind: audit.KindIntent, Actor: "olga", ActorRole: "operator",
		ClientIP: "192.0.2.7", UserAgent: "Mozilla/5.0 test", Action: audit.ActionRoomUpdate, RoomID: room,
		Changes: []audit.Change{
			{Field: "RoomName", Before: `"Old"`, After: `"New <b>"`},
			{Field: "MaxMemberCount", Before: "300", After: "500"},
		},
		RequestBody: `{"RoomInfo":{"RoomId":"` + room + `","RoomName":"New <b>","MaxMemberCount":500}}`}
}

func resultEntry(in audit.Entry, status string, code int, info, reqID, outcome string) audit.Entry {
	return audit.Entry{Time: in.Time.Add(time.Second), Kind: audit.KindResult, IntentSeq: in.Seq,
		Actor: in.Actor, ActorRole: in.ActorRole, Action: in.Action, RoomID: in.RoomID,
		ActionStatus: status, ErrorCode: code, ErrorInfo: info, RequestID: reqID, Outcome: outcome,
		ResponseBody: `{"ActionStatus":"` + status + `","ErrorInfo":"` + info + `","ErrorCode":0,"RequestId":"` + reqID + `"}`,
		Attempts:     2, LatencyMS: 87}
}

// call runs one handler as a signed-in viewer and returns the response and
// the error the handler returned (which the router would hand to ErrorHandler).
func call(t *testing.T, fn echo.HandlerFunc, target string, htmx bool, params ...string) (*httptest.ResponseRecorder, error) {
	t.Helper()
	e := echo.New()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if htmx {
		req.Header.Set("HX-Request", "true")
	}
	rec := httptest.NewRecorder()
	c := e.NewContext(req, rec)
	if len(params) == 2 {
		c.SetParamNames(params[0])
		c.SetParamValues(params[1])
	}
	c.Set(ctxUser, auth.User{ID: 1, Username: "vera", Role: auth.RoleViewer})
	return rec, fn(c)
}

func doc(t *testing.T, rec *httptest.ResponseRecorder) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func rowSeqs(d *goquery.Document) []string {
	var out []string
	d.Find(`[data-testid="audit-row"]`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("data-seq", ""))
	})
	return out
}

func TestAuditListFilters(t *testing.T) {
	fx := newAuditFixture(t)
	cases := []struct {
		name  string
		query string
		seqs  string // record seqs shown, newest first
	}{
		{"all, newest first", "", "5,4,2,1"},
		{"room", "?room=live-1", "2"},
		{"outcome ok", "?outcome=ok", "2"},
		{"outcome unknown", "?outcome=unknown", "4"},
		{"outcome denied", "?outcome=denied", "1"},
		{"request id", "?request_id=Id-fail-2", "5"},
		{"operator and action", "?actor=olga&action=room.update", "5,4,2"},
		{"time range, to inclusive", "?from=2026-03-01T09:01&to=2026-03-01T09:02", "4,2"},
		{"nothing matches", "?actor=nobody", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := call(t, fx.h.AuditList, "/audit"+tc.query, false)
			if err != nil || rec.Code != http.StatusOK {
				t.Fatalf("status %d, err %v", rec.Code, err)
			}
			d := doc(t, rec)
			if got := strings.Join(rowSeqs(d), ","); got != tc.seqs {
				t.Errorf("rows %q, want %q", got, tc.seqs)
			}
			if d.Find(`[data-testid="audit-filter-form"]`).Length() != 1 {
				t.Error("full page without the filter form")
			}
			if tc.seqs == "" && d.Find(`[data-testid="audit-empty"]`).Length() != 1 {
				t.Error("no empty state")
			}
		})
	}
}

func TestAuditListRows(t *testing.T) {
	fx := newAuditFixture(t)
	// An answer with a code and no ActionStatus (seq 7): its code is shown,
	// so it needs its meaning too.
	noStatus := fx.add(t, intentEntry(auditT0.Add(4*time.Minute), "live-3"))
	fx.add(t, resultEntry(noStatus, "", 100001, "server error", "Id-fail-3", audit.OutcomeFailed))
	rec, _ := call(t, fx.h.AuditList, "/audit", false)
	d := doc(t, rec)
	row := func(seq string) *goquery.Selection {
		return d.Find(`[data-testid="audit-row"][data-seq="` + seq + `"]`)
	}
	if got := row("4").Find(`[data-testid="outcome"]`).Text(); !strings.Contains(got, "Outcome unknown") {
		t.Errorf("unknown outcome shows %q", got)
	}
	if !row("4").Find(`[data-testid="outcome"] .badge-warn`).Is("span") {
		t.Error("unknown outcome is not amber")
	}
	if got := row("5").Find(`[data-testid="request-id"]`).Text(); got != "Id-fail-2" {
		t.Errorf("request id %q", got)
	}
	if got := row("5").Find(".copy-btn").AttrOr("data-copy", ""); got != "Id-fail-2" {
		t.Errorf("copy button copies %q", got)
	}
	if !strings.Contains(row("5").Text(), "100004") || !strings.Contains(row("2").Text(), "RoomName") {
		t.Errorf("row 5: %q; row 2: %q", row("5").Text(), row("2").Text())
	}
	// Every code shown carries its meaning as a tooltip, "0" included.
	for seq, want := range map[string]string{"2": "OK", "5": meaningText(context.Background(), 100004), "7": meaningText(context.Background(), 100001)} {
		if got := row(seq).Find(`td.num span.mono`).AttrOr("title", ""); got != want || want == "" {
			t.Errorf("row %s: code tooltip %q, want %q", seq, got, want)
		}
	}
	if !strings.Contains(row("1").Text(), "Failed sign-in") {
		t.Errorf("action label missing: %q", row("1").Text())
	}
	if href := row("2").Find(`a[href="/rooms/live-1"]`).Length(); href != 1 {
		t.Error("no link to the room")
	}
	if href := row("2").Find(`a[href="/audit/2"]`).Length(); href == 0 {
		t.Error("no link to the entry")
	}
}

func TestAuditListHTMX(t *testing.T) {
	fx := newAuditFixture(t)
	rec, err := call(t, fx.h.AuditList, "/audit?room=live-1&actor=&outcome=", true)
	if err != nil || rec.Code != http.StatusOK {
		t.Fatalf("status %d, err %v", rec.Code, err)
	}
	body := rec.Body.String()
	if strings.Contains(body, "<html") || !strings.Contains(body, `data-testid="audit-results"`) {
		t.Errorf("htmx response is not the results fragment:\n%s", body)
	}
	if got := rec.Header().Get("HX-Push-Url"); got != "/audit?room=live-1" {
		t.Errorf("HX-Push-Url = %q", got)
	}
	d := doc(t, rec)
	if got := d.Find(`a[data-testid="export-csv"]`).AttrOr("href", ""); got != "/audit/export.csv?room=live-1" {
		t.Errorf("export link %q", got)
	}
}

func TestAuditListBadFilter(t *testing.T) {
	fx := newAuditFixture(t)
	for _, htmx := range []bool{false, true} {
		rec, err := call(t, fx.h.AuditList, "/audit?from=yesterday&room=live-1", htmx)
		if err != nil || rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("htmx=%v: status %d, err %v", htmx, rec.Code, err)
		}
		d := doc(t, rec)
		if msg := d.Find("#audit-err-from").Text(); !strings.Contains(msg, `"yesterday" is not a time`) {
			t.Errorf("htmx=%v: message next to From: %q", htmx, msg)
		}
		if htmx && d.Find(`#audit-err-from[hx-swap-oob]`).Length() != 1 {
			t.Error("htmx: error slot is not swapped out of band")
		}
		if n := len(rowSeqs(d)); n != 0 {
			t.Errorf("htmx=%v: %d rows shown under an invalid filter", htmx, n)
		}
	}
	// The value is quoted back whole up to 40 bytes, clipped after.
	for v, want := range map[string]string{strings.Repeat("y", 40): `"` + strings.Repeat("y", 40) + `" is not a time`,
		strings.Repeat("z", 41): `"` + strings.Repeat("z", 40) + `…" is not a time`} {
		rec, err := call(t, fx.h.AuditList, "/audit?from="+v, false)
		if err != nil || rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("from=%s: status %d, err %v", v, rec.Code, err)
		}
		if msg := doc(t, rec).Find("#audit-err-from").Text(); !strings.Contains(msg, want) {
			t.Errorf("from=%s: message %q, want %q", v, msg, want)
		}
	}
	// Cursors are row seqs, which start at 1: 0 is as wrong as a negative one.
	for _, before := range []string{"0", "-3", "x"} {
		if rec, err := call(t, fx.h.AuditList, "/audit?before="+before, false); err != nil || rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("before=%s: status %d, err %v", before, rec.Code, err)
		}
	}
}

func TestAuditListPaging(t *testing.T) {
	s := sqlstore.New(dbtest.Open(t, db.SQLite))
	h := New(Deps{Audit: s, Logger: slog.New(slog.DiscardHandler)})
	for i := range 250 {
		e := audit.Entry{Time: auditT0.Add(time.Duration(i) * time.Second), Kind: audit.KindEvent,
			Actor: "vera", Action: audit.ActionLogin, Outcome: audit.OutcomeOK}
		if err := s.Append(context.Background(), &e); err != nil {
			t.Fatal(err)
		}
	}
	var seen []string
	target := "/audit?action=auth.login"
	for page := 0; target != ""; page++ {
		rec, err := call(t, h.AuditList, target, false)
		if err != nil {
			t.Fatal(err)
		}
		d := doc(t, rec)
		seen = append(seen, rowSeqs(d)...)
		if page > 0 && d.Find(`a[rel="first"][href="/audit?action=auth.login"]`).Length() != 1 {
			t.Errorf("page %d: no Newest link", page)
		}
		target = d.Find(`a[rel="next"]`).AttrOr("href", "")
		if target != "" && !strings.Contains(target, "action=auth.login") {
			t.Fatalf("Older link drops the filter: %s", target)
		}
		if page > 6 {
			t.Fatal("paging does not end")
		}
	}
	if len(seen) != 250 || seen[0] != "250" || seen[49] != "201" || seen[50] != "200" || seen[249] != "1" {
		t.Errorf("paged through %d rows: first %v", len(seen), seen[:min(3, len(seen))])
	}
	// More rows than one flush interval: the export streams and flushes.
	rec, err := call(t, h.AuditExportCSV, "/audit/export.csv?action=auth.login", false)
	if err != nil || !rec.Flushed {
		t.Fatalf("export: err %v, flushed %v", err, rec.Flushed)
	}
	if n := strings.Count(rec.Body.String(), "\n"); n != 251 {
		t.Errorf("%d CSV lines, want header + 250: %.300q", n, rec.Body.String())
	}
}

func TestAuditShow(t *testing.T) {
	fx := newAuditFixture(t)
	rec, err := call(t, fx.h.AuditShow, "/audit/5", false, "id", "5")
	if err != nil || rec.Code != http.StatusOK {
		t.Fatalf("status %d, err %v", rec.Code, err)
	}
	d := doc(t, rec)
	detail := d.Find(`[data-testid="entry-detail"]`).Text()
	for _, want := range []string{"olga", "operator", "192.0.2.7", "Mozilla/5.0 test", "=cmd", "2026-03-01 09:03:00.000000 UTC"} {
		if !strings.Contains(detail, want) {
			t.Errorf("entry detail lacks %q:\n%s", want, detail)
		}
	}
	if n := d.Find(`[data-testid="change-row"]`).Length(); n != 2 {
		t.Errorf("%d change rows", n)
	}
	room := d.Find(`[data-testid="change-row"][data-field="RoomName"]`)
	if room.Find(".before").Text() != `"Old"` || room.Find(".after").Text() != `"New <b>"` {
		t.Errorf("RoomName change: %q → %q", room.Find(".before").Text(), room.Find(".after").Text())
	}
	if got := d.Find(`[data-testid="exact-body"]`).Text(); got != fx.bad.RequestBody {
		t.Errorf("exact body %q, want %q", got, fx.bad.RequestBody)
	}
	if got := d.Find(`[data-testid="request-id"]`).Text(); got != "Id-fail-2" {
		t.Errorf("request id %q", got)
	}
	if got := d.Find(`[data-testid="error-code"]`).Text(); !strings.Contains(got, "100004") || len(strings.TrimSpace(got)) < 10 {
		t.Errorf("error code without its meaning: %q", got)
	}
	if n := d.Find(`[data-testid="chain-row"] code.hash`).Length(); n != 4 {
		t.Errorf("%d hashes shown, want prev_hash and hash of both rows", n)
	}
	if strings.Contains(d.Text(), "Outcome unknown") {
		t.Error("answered entry says outcome unknown")
	}
	// A result row's seq (6) opens the same record.
	rec, _ = call(t, fx.h.AuditShow, "/audit/6", false, "id", "6")
	if got := doc(t, rec).Find(`[data-testid="exact-body"]`).Text(); got != fx.bad.RequestBody {
		t.Errorf("result seq: exact body %q", got)
	}
	// Tencent's success, ErrorCode 0 with ActionStatus OK, has its meaning
	// too; so has a code answered without an ActionStatus.
	rec, _ = call(t, fx.h.AuditShow, "/audit/2", false, "id", "2")
	if got := doc(t, rec).Find(`[data-testid="error-meaning"]`).Text(); got != "OK" {
		t.Errorf("meaning of ErrorCode 0: %q", got)
	}
	bare := fx.add(t, intentEntry(auditT0.Add(4*time.Minute), "live-3"))
	fx.add(t, resultEntry(bare, "", 70001, "", "Id-bare-3", audit.OutcomeFailed))
	rec, _ = call(t, fx.h.AuditShow, "/audit/"+strconv.FormatInt(bare.Seq, 10), false, "id", strconv.FormatInt(bare.Seq, 10))
	if got := doc(t, rec).Find(`[data-testid="error-meaning"]`).Text(); got != meaningText(context.Background(), 70001) {
		t.Errorf("meaning of ErrorCode 70001 without an ActionStatus: %q", got)
	}
}

func TestAuditShowUnknown(t *testing.T) {
	fx := newAuditFixture(t)
	rec, _ := call(t, fx.h.AuditShow, "/audit/4", false, "id", "4")
	d := doc(t, rec)
	alert := d.Find(`[data-testid="outcome-unknown"]`)
	if !strings.Contains(alert.Text(), "Outcome unknown: Tencent's answer was never recorded; check the room's current state") {
		t.Errorf("unknown alert: %q", alert.Text())
	}
	if alert.Find(`a[href="/rooms/live-2"]`).Length() != 1 {
		t.Error("unknown alert does not link to the room")
	}
}

func TestAuditShowNotFound(t *testing.T) {
	fx := newAuditFixture(t)
	for _, id := range []string{"999", "0", "abc", "-1"} {
		_, err := call(t, fx.h.AuditShow, "/audit/"+id, false, "id", id)
		var he *echo.HTTPError
		if !errors.As(err, &he) || he.Code != http.StatusNotFound {
			t.Errorf("/audit/%s: err %v, want 404", id, err)
		}
	}
}

func TestAuditExport(t *testing.T) {
	fx := newAuditFixture(t)
	t.Run("csv", func(t *testing.T) {
		rec, err := call(t, fx.h.AuditExportCSV, "/audit/export.csv?action=room.update", false)
		if err != nil || rec.Code != http.StatusOK {
			t.Fatalf("status %d, err %v", rec.Code, err)
		}
		if got := rec.Header().Get("Content-Type"); got != "text/csv; charset=utf-8" {
			t.Errorf("Content-Type %q", got)
		}
		if got := rec.Header().Get("Content-Disposition"); got != `attachment; filename="roomdesk-audit-20260301T100000Z.csv"` {
			t.Errorf("Content-Disposition %q", got)
		}
		body, _ := io.ReadAll(rec.Body)
		rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
		if err != nil {
			t.Fatalf("not CSV: %v", err)
		}
		if len(rows) != 4 || rows[0][0] != "seq" {
			t.Fatalf("%d rows:\n%s", len(rows), body)
		}
		if !strings.Contains(string(body), "Id-fail-2") || !strings.Contains(string(body), "'=cmd") {
			t.Errorf("RequestId or neutralised cell missing:\n%s", body)
		}
		for _, r := range rows {
			for _, cell := range r {
				if strings.HasPrefix(cell, "=") {
					t.Errorf("formula cell %q", cell)
				}
			}
		}
	})
	t.Run("jsonl", func(t *testing.T) {
		rec, err := call(t, fx.h.AuditExportJSONL, "/audit/export.jsonl?outcome=unknown", false)
		if err != nil || rec.Code != http.StatusOK {
			t.Fatalf("status %d, err %v", rec.Code, err)
		}
		if lines := strings.Count(rec.Body.String(), "\n"); lines != 1 || !strings.Contains(rec.Body.String(), `"room_id":"live-2"`) {
			t.Errorf("jsonl:\n%s", rec.Body.String())
		}
	})
	t.Run("bad filter downloads nothing", func(t *testing.T) {
		rec, err := call(t, fx.h.AuditExportCSV, "/audit/export.csv?to=soon", false)
		if err == nil || rec.Body.Len() != 0 {
			t.Fatalf("err %v, body %q", err, rec.Body.String())
		}
		// The refusal says what is wrong, in the reader's words.
		p, ok := problemFor(context.Background(), err, "")
		if !ok || p.Status != http.StatusBadRequest || p.Title != "Nothing was exported: the filter is not valid" ||
			!strings.Contains(p.Message, `"soon" is not a time`) {
			t.Errorf("problem %+v (%v)", p, ok)
		}
	})
}
