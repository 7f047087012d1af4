package handlers

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// appendFails is an audit log that is down for writes.
type appendFails struct{ audit.Store }

func (appendFails) Append(context.Context, *audit.Entry) error { return errors.New("disk full") }

// appendOK is an audit log whose writes succeed.
type appendOK struct{ audit.Store }

func (appendOK) Append(context.Context, *audit.Entry) error { return nil }

// A lost audit write is logged (the action is already done, so there is no
// page to show it on), and a kept one is not.
func TestAppendLogsLostAuditWrite(t *testing.T) {
	for _, tc := range []struct {
		store  audit.Store
		logged bool
	}{{appendFails{}, true}, {appendOK{}, false}} {
		var log bytes.Buffer
		h := New(Deps{Audit: tc.store, Logger: slog.New(slog.NewTextHandler(&log, nil))})
		c := echo.New().NewContext(httptest.NewRequest(http.MethodPost, "/logout", nil), httptest.NewRecorder())
		h.append(c, audit.Entry{Action: audit.ActionLogout})
		if got := strings.Contains(log.String(), "audit append failed"); got != tc.logged || got && !strings.Contains(log.String(), "disk full") {
			t.Errorf("%T: logged %v, want %v: %q", tc.store, got, tc.logged, log.String())
		}
	}
}
