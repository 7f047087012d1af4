package emulator

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const controlPrefix = "/_emulator/"

// serveControl is the out-of-process face of the fault-injection API, for
// `roomdesk emulator` and browser e2e tests. It has no authentication: it
// exists only when Config.Control is set, and must only be reachable
// locally.
//
//	POST /_emulator/latency?ms=250
//	POST /_emulator/fail?command=update_room_info&n=1&code=100001
//	POST /_emulator/drop?command=update_room_info&n=1[&apply=1]
//	GET  /_emulator/calls?command=update_room_info   → {"command":…,"calls":n}
//	GET  /_emulator/room?id=live_1001                → {"room":{…},"updates":n}
//	PUT  /_emulator/room  (body: a room as GET returns it) → the room set as
//	     given, as the app's backend or Tencent's console would change it
//	POST /_emulator/reset
func (e *Emulator) serveControl(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	action := r.URL.Path[len(controlPrefix):]
	wantMethod := http.MethodPost
	if action == "calls" || action == "room" {
		wantMethod = http.MethodGet
	}
	if action == "room" && r.Method == http.MethodPut {
		e.controlPutRoom(w, r)
		return
	}
	if r.Method != wantMethod {
		controlJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": "use " + wantMethod})
		return
	}
	command := q.Get("command")
	n, nErr := strconv.Atoi(q.Get("n"))
	needCommand := action == "fail" || action == "drop" || action == "calls"
	switch {
	case needCommand && !commands[command]:
		controlError(w, "unknown command")
	case (action == "fail" || action == "drop") && (nErr != nil || n < 1):
		controlError(w, "n must be a positive integer")
	case action == "latency":
		ms, err := strconv.Atoi(q.Get("ms"))
		if err != nil || ms < 0 {
			controlError(w, "ms must be a non-negative integer")
			return
		}
		e.SetLatency(time.Duration(ms) * time.Millisecond)
		controlOK(w)
	case action == "fail":
		code, err := strconv.Atoi(q.Get("code"))
		if err != nil || code <= 0 {
			controlError(w, "code must be a positive integer")
			return
		}
		e.FailNext(command, n, code)
		controlOK(w)
	case action == "drop":
		if q.Get("apply") == "1" {
			e.DropAfterApply(command, n)
		} else {
			e.DropNext(command, n)
		}
		controlOK(w)
	case action == "calls":
		controlJSON(w, http.StatusOK, map[string]any{"command": command, "calls": e.Calls(command)})
	case action == "room":
		id := q.Get("id")
		room, ok := e.Room(id)
		if !ok {
			controlJSON(w, http.StatusNotFound, map[string]any{"error": "no such room"})
			return
		}
		controlJSON(w, http.StatusOK, map[string]any{"room": room, "updates": e.UpdateCount(id)})
	case action == "reset":
		e.Reset()
		controlOK(w)
	default:
		controlJSON(w, http.StatusNotFound, map[string]any{"error": "unknown control action"})
	}
}

// ControlHandler is the control API on its own, whether or not
// Config.Control serves it beside the live API: in-process tests give it a
// listener of their own to change rooms over HTTP, as an outside tool would.
func (e *Emulator) ControlHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, controlPrefix) {
			http.NotFound(w, r)
			return
		}
		e.serveControl(w, r)
	})
}

// controlPutRoom sets a room from its JSON (PUT /_emulator/room).
func (e *Emulator) controlPutRoom(w http.ResponseWriter, r *http.Request) {
	var room Room
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&room); err != nil {
		controlError(w, "the body must be a room as JSON: "+err.Error())
		return
	}
	if room.RoomID == "" {
		controlError(w, "the room needs a RoomId")
		return
	}
	e.PutRoom(room)
	controlOK(w)
}

func controlOK(w http.ResponseWriter) { controlJSON(w, http.StatusOK, map[string]any{"ok": true}) }

func controlError(w http.ResponseWriter, msg string) {
	controlJSON(w, http.StatusBadRequest, map[string]any{"error": msg})
}

func controlJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
