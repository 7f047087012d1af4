package handlers

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/apps"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/config"
)

// Rows carry their app: the log filters by it, the filter offers the
// configured apps, and both exports say which app each record is about.
func TestAuditApp(t *testing.T) {
	fx := newAuditFixture(t) // seqs 1, 2(+3), 4, 5(+6): rows from before apps
	reg, err := apps.New([]config.App{
		{ID: "prod-cn", Name: "Production CN", SDKAppID: 1, SecretKey: "k", Admin: "administrator", Region: "china"},
		{ID: "prod-sg", Name: "Production SG", SDKAppID: 2, SecretKey: "k", Admin: "administrator", Region: "singapore"},
	}, apps.Options{Audit: fx.store})
	if err != nil {
		t.Fatal(err)
	}
	fx.h.Apps = reg
	in := intentEntry(auditT0.Add(4*time.Minute), "live-9")
	in.App = "prod-sg"
	in = fx.add(t, in) // seq 7
	res := resultEntry(in, "OK", 0, "", "Id-sg-1", audit.OutcomeOK)
	res.App = "prod-sg"
	fx.add(t, res)

	rec, err := call(t, fx.h.AuditList, "/audit?app=prod-sg", false)
	if err != nil || rec.Code != http.StatusOK {
		t.Fatalf("status %d, err %v", rec.Code, err)
	}
	d := doc(t, rec)
	if got := strings.Join(rowSeqs(d), ","); got != "7" {
		t.Errorf("app=prod-sg rows %q, want 7", got)
	}
	if got := strings.TrimSpace(d.Find(`[data-testid="audit-app"]`).Text()); got != "prod-sg" {
		t.Errorf("row app %q", got)
	}
	opts := d.Find(`[data-testid="audit-filter-app"] option`)
	if opts.Length() != 3 || d.Find(`[data-testid="audit-filter-app"] option[selected]`).AttrOr("value", "") != "prod-sg" {
		t.Errorf("app filter: %d options, selected %q", opts.Length(), d.Find(`[data-testid="audit-filter-app"] option[selected]`).AttrOr("value", ""))
	}

	if rec, _ := call(t, fx.h.AuditList, "/audit?app=prod-cn", false); len(rowSeqs(doc(t, rec))) != 0 {
		t.Error("prod-cn shows another app's rows")
	}
	if rec, _ := call(t, fx.h.AuditList, "/audit?app=Prod+SG", false); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("bad app id: %d, want 422", rec.Code)
	}

	rec, err = call(t, fx.h.AuditExportCSV, "/audit/export.csv?app=prod-sg", false)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("csv: %v %v", rows, err)
	}
	col := -1
	for i, h := range rows[0] {
		if h == "app" {
			col = i
		}
	}
	if col < 0 || rows[1][col] != "prod-sg" {
		t.Errorf("csv app column %d: %v", col, rows)
	}
	rec, _ = call(t, fx.h.AuditExportJSONL, "/audit/export.jsonl?app=prod-sg", false)
	if body := rec.Body.String(); strings.Count(body, "\n") != 1 || strings.Count(body, `"app":"prod-sg"`) != 2 {
		t.Errorf("jsonl:\n%s", body)
	}
	// Rows from before apps keep their encoding: no app key at all.
	rec, _ = call(t, fx.h.AuditExportJSONL, "/audit/export.jsonl?room=live-1", false)
	if strings.Contains(rec.Body.String(), `"app"`) {
		t.Errorf("a row without an app exports an app key:\n%s", rec.Body.String())
	}
}
