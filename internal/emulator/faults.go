package emulator

import (
	"slices"
	"time"
)

type faultKind int

const (
	faultNone faultKind = iota
	faultFail
	faultDrop
	faultDropAfterApply
)

// fault is a run of n identical injected outcomes for one command.
type fault struct {
	kind faultKind
	code int
	n    int
}

// SetLatency delays every answer by d (0 removes the delay). A call whose
// context ends during the delay is not applied and gets no answer; it still
// counts in Calls, because it reached Tencent.
func (e *Emulator) SetLatency(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.latency = d
}

// FailNext makes the next n admitted calls of command answer FAIL with code
// and its documented ErrorInfo, without applying anything. Faults queue in
// the order they were injected.
func (e *Emulator) FailNext(command string, n, code int) {
	e.addFault(command, fault{kind: faultFail, code: code, n: n})
}

// DropNext makes the next n admitted calls of command close the connection
// without an answer and without applying anything: the client sees EOF.
func (e *Emulator) DropNext(command string, n int) {
	e.addFault(command, fault{kind: faultDrop, n: n})
}

// DropAfterApply makes the next n admitted calls of command apply as usual
// and then close the connection without an answer: "Tencent did it but the
// answer was lost", the case where a client cannot know the outcome.
func (e *Emulator) DropAfterApply(command string, n int) {
	e.addFault(command, fault{kind: faultDropAfterApply, n: n})
}

func (e *Emulator) addFault(command string, f fault) {
	if f.n <= 0 {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults[command] = append(e.faults[command], f)
}

// takeFault consumes one injected outcome for command, if any is queued.
func (e *Emulator) takeFault(command string) fault {
	e.mu.Lock()
	defer e.mu.Unlock()
	q := e.faults[command]
	if len(q) == 0 {
		return fault{}
	}
	f := q[0]
	if q[0].n--; q[0].n == 0 {
		e.faults[command] = q[1:]
	}
	return f
}

// allow reports whether command is within its quota and, if so, counts the
// request. The window is a sliding second of Config.Now, so a test that
// freezes Now gets exactly quota successes and then 60007. The quota is
// per command and per app (one Emulator is one SDKAppID).
func (e *Emulator) allow(command string) bool {
	now := e.cfg.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	limit := e.quotas[command]
	if limit <= 0 {
		return true
	}
	cutoff := now.Add(-time.Second)
	times := e.requests[command]
	i := 0
	for i < len(times) && !times[i].After(cutoff) {
		i++
	}
	times = times[i:]
	if len(times) >= limit {
		e.requests[command] = times
		return false
	}
	e.requests[command] = append(times, now)
	return true
}

func (e *Emulator) record(command string, body []byte) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls[command]++
	e.bodies[command] = append(e.bodies[command], slices.Clone(body))
}

// Calls is the number of calls of command that passed authentication and
// the quota, whatever happened to them afterwards (faults included).
func (e *Emulator) Calls(command string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.calls[command]
}

// Bodies returns copies of the raw bodies of the calls Calls counts, in
// arrival order.
func (e *Emulator) Bodies(command string) [][]byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([][]byte, len(e.bodies[command]))
	for i, b := range e.bodies[command] {
		out[i] = slices.Clone(b)
	}
	return out
}

// UpdateCount is how many update_room_info calls were applied to roomID
// (injected failures and plain drops are not; DropAfterApply ones are).
func (e *Emulator) UpdateCount(roomID string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.updates[roomID]
}
