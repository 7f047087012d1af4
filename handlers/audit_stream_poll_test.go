package handlers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/notify"
)

// pollSource is an audit log the test appends to by hand; each read is
// announced on polled, so the test knows the handler has looked.
type pollSource struct {
	notify.Source
	mu     sync.Mutex
	rows   []audit.Entry
	polled chan struct{}
}

func (s *pollSource) Since(_ context.Context, after int64, limit int) ([]audit.Entry, error) {
	s.mu.Lock()
	var out []audit.Entry
	for _, e := range s.rows {
		if e.Seq > after && len(out) < limit {
			out = append(out, e)
		}
	}
	s.mu.Unlock()
	select {
	case s.polled <- struct{}{}:
	default:
	}
	return out, nil
}

func (s *pollSource) add(seq int64) {
	s.mu.Lock()
	s.rows = append(s.rows, audit.Entry{Seq: seq, Kind: audit.KindEvent, Action: audit.ActionLogin, Outcome: audit.OutcomeOK})
	s.mu.Unlock()
}

func newPollHandlers() (*Handlers, *pollSource, *notify.Service) {
	src := &pollSource{polled: make(chan struct{}, 1)}
	n := notify.New(nil, notify.Options{Source: src})
	return New(Deps{Notify: n}), src, n
}

func streamGet(h *Handlers, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	if err := h.AuditStream(echo.New().NewContext(httptest.NewRequest(http.MethodGet, target, nil), rec)); err != nil {
		if he, ok := err.(*echo.HTTPError); ok {
			rec.Code = he.Code
		} else {
			rec.Code = http.StatusInternalServerError
		}
	}
	return rec
}

// The long poll's parameters: ?wait= 0 to 60 seconds, ?after= 0 or more;
// with nothing new and wait=0 it answers at once, with after as the
// next cursor.
func TestAuditStreamParams(t *testing.T) {
	h, src, _ := newPollHandlers()
	src.add(1)
	src.add(2)
	for _, tc := range []struct {
		query  string
		status int
		last   string
		lines  int
	}{
		{"wait=0&after=0", http.StatusOK, "2", 2},
		{"wait=0&after=2", http.StatusOK, "2", 0},
		{"wait=60&after=1", http.StatusOK, "2", 1},
		{"wait=61", http.StatusBadRequest, "", 0},
		{"wait=-1", http.StatusBadRequest, "", 0},
		{"wait=x", http.StatusBadRequest, "", 0},
		{"wait=0&after=-1", http.StatusBadRequest, "", 0},
	} {
		rec := streamGet(h, "/audit/stream?"+tc.query)
		if rec.Code != tc.status || rec.Header().Get("X-Roomdesk-Last-Seq") != tc.last || strings.Count(rec.Body.String(), "\n") != tc.lines {
			t.Errorf("%s: %d, last seq %q, %d lines; want %d, %q, %d", tc.query, rec.Code, rec.Header().Get("X-Roomdesk-Last-Seq"),
				strings.Count(rec.Body.String(), "\n"), tc.status, tc.last, tc.lines)
		}
	}
}

// Without ?wait= a poll with nothing new waits (25 s) for the next row
// rather than answering empty at once.
func TestAuditStreamWaitsByDefault(t *testing.T) {
	h, src, n := newPollHandlers()
	src.add(1)
	done := make(chan *httptest.ResponseRecorder, 1)
	go func() { done <- streamGet(h, "/audit/stream?after=1") }()
	select {
	case <-src.polled: // the handler has looked and found nothing
	case rec := <-done:
		t.Fatalf("answered before looking for rows: %d %q", rec.Code, rec.Body.String())
	}
	src.add(2)
	n.Appended()
	rec := <-done
	if rec.Code != http.StatusOK || rec.Header().Get("X-Roomdesk-Last-Seq") != "2" || strings.Count(rec.Body.String(), "\n") != 1 {
		t.Errorf("%d, last seq %q, body %q; want the row that arrived", rec.Code, rec.Header().Get("X-Roomdesk-Last-Seq"), rec.Body.String())
	}
}
