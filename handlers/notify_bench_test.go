package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/notify"
	"github.com/roomdesk/roomdesk/internal/resilience"
	"github.com/roomdesk/roomdesk/internal/tencent"
	"github.com/roomdesk/roomdesk/views/components"
)

// BenchmarkEditWhileReceiverHangs measures an edit through the real
// handlers (each refused by Tencent, so each is an update.problem event)
// with no webhook, and with a webhook whose receiver never answers: the
// second must cost what the first does (docs/NOTIFY.md).
func BenchmarkEditWhileReceiverHangs(b *testing.B) {
	for _, hangs := range []bool{false, true} {
		name := "no webhook"
		if hangs {
			name = "receiver hangs"
		}
		b.Run(name, func(b *testing.B) {
			env := apptest.New(b, apptest.Options{Environ: map[string]string{"ROOMDESK_WEBHOOK_ALLOW_LOOPBACK": "true"}})
			env.CreateUser(b, "ada", auth.RoleAdmin)
			env.CreateUser(b, "olga", auth.RoleOperator)
			if hangs {
				release := make(chan struct{})
				recv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
				b.Cleanup(recv.Close)
				b.Cleanup(func() { close(release) })
				r := env.Login(b, "ada").PostForm("/admin/webhooks", url.Values{"name": {"hangs"}, "url": {recv.URL},
					"format": {"generic"}, "events": {string(notify.EventUpdateProblem)}, "enabled": {"1"}})
				if r.StatusCode != http.StatusOK {
					b.Fatal(r)
				}
			}
			op := env.Login(b, "olga")
			room, err := resilience.RoomInfo(env.Emulator, seedRoom)
			if err != nil {
				b.Fatal(err)
			}
			form := resilience.EditForm(room, map[string]string{"RoomName": "refused"})
			b.ResetTimer()
			for range b.N {
				env.Emulator.FailNext(tencent.CmdUpdateRoomInfo, 1, 100002)
				if r := op.PostForm(components.RoomURL(seedRoom), form); r.StatusCode == http.StatusInternalServerError {
					b.Fatal(r)
				}
			}
		})
	}
}
