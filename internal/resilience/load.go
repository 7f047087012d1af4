package resilience

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// LoadConfig describes a load run.
type LoadConfig struct {
	Env       *apptest.Env // the running app and its in-process emulator
	Operators int          // simulated operators, each signed in and editing its own room
	Duration  time.Duration
	FaultRate float64       // share of edits preceded by an injected fault (0.01)
	Think     time.Duration // upper bound of the random pause between actions
	Seed      uint64
}

// Fault kinds the load injects into the emulator.
const (
	FaultRetryable    = "fail 100001 (retryable)"
	FaultNonRetryable = "fail 100004 (not retryable)"
	FaultDrop         = "drop before apply"
	FaultDropApplied  = "drop after apply"
	FaultReadDrop     = "drop get_room_info"
)

// LoadReport is what a load run saw.
type LoadReport struct {
	Duration   time.Duration
	Edits      int            // POST /rooms/{id} sent
	Views      int            // GETs sent
	Statuses   map[int]int    // per HTTP status, all requests
	Faults     map[string]int // injected, per kind
	Unexpected []string       // requests that must not have happened (5xx without a cause, transport errors)
	EditTimes  []time.Duration
	NotImpl    bool // the app answered 501: the handler is still a stub

	Intents  int            // room.update intents in the audit log for the load rooms
	Outcomes map[string]int // per effective outcome of those intents
	Orphans  []int64        // intents with no result row
	Applied  int            // updates the emulator applied to the load rooms
	Verify   audit.VerifyReport
}

// Problems lists every broken promise; empty means the run passed.
func (r LoadReport) Problems() []string {
	var p []string
	p = append(p, r.Unexpected...)
	if len(r.Orphans) > 0 {
		p = append(p, fmt.Sprintf("%d intents without a result row (first %d); the app never died, so each should have one", len(r.Orphans), r.Orphans[0]))
	}
	ok, unknown := r.Outcomes[audit.OutcomeOK], r.Outcomes[audit.OutcomeUnknown]
	// A drop after apply may be retried by the client and then applied a
	// second time (same values, so harmless) and answered OK.
	if hi := ok + unknown + r.Faults[FaultDropApplied]; r.Applied < ok || r.Applied > hi {
		p = append(p, fmt.Sprintf("emulator applied %d updates, but the log says %d ok and %d unknown (and %d drops after apply): applied must lie in [ok, %d]",
			r.Applied, ok, unknown, r.Faults[FaultDropApplied], hi))
	}
	if drops := r.Faults[FaultDrop] + r.Faults[FaultDropApplied]; unknown > drops {
		p = append(p, fmt.Sprintf("%d outcomes unknown but only %d drops injected", unknown, drops))
	}
	if !r.Verify.OK() {
		p = append(p, fmt.Sprintf("audit chain broken at seq %d: %s", r.Verify.FirstBad, r.Verify.Problem))
	}
	if r.Edits > 0 && r.Intents == 0 {
		p = append(p, "no edit reached the audit log")
	}
	return p
}

// RunLoad signs in cfg.Operators operators, gives each a room of its own and
// lets them view and edit it until cfg.Duration has passed, injecting faults
// into the emulator before cfg.FaultRate of the edits. It then checks the
// audit log against what the emulator applied. It stops by itself; ctx may
// end it sooner.
func RunLoad(ctx context.Context, cfg LoadConfig) (LoadReport, error) {
	env, emu := cfg.Env, cfg.Env.Emulator
	if emu == nil {
		return LoadReport{}, errors.New("resilience: the app has no in-process emulator")
	}
	tr := NewTransport()
	defer tr.CloseIdleConnections()
	ops := make([]*Operator, cfg.Operators)
	ids := make([]string, cfg.Operators)
	admin := audit.Actor{Name: "load", Role: string(auth.RoleAdmin)}
	for i := range ops {
		name := fmt.Sprintf("load%02d", i)
		ids[i] = fmt.Sprintf("load_%02d_%d", i, cfg.Seed)
		emu.PutRoom(LoadRoom(ids[i]))
		if _, err := env.Auth.Create(ctx, admin, name, apptest.Password, auth.RoleOperator); err != nil {
			return LoadReport{}, fmt.Errorf("resilience: create %s: %w", name, err)
		}
		op, err := Login(ctx, env.URL, name, apptest.Password, tr)
		if err != nil {
			return LoadReport{}, fmt.Errorf("resilience: %w", err)
		}
		ops[i] = op
	}
	before := make([]int, len(ids))
	for i, id := range ids {
		before[i] = emu.UpdateCount(id)
	}

	rep := LoadReport{Statuses: map[int]int{}, Faults: map[string]int{}}
	var mu sync.Mutex
	start := time.Now()
	deadline := start.Add(cfg.Duration)
	var wg sync.WaitGroup
	for i, op := range ops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(cfg.Seed, uint64(i)))
			w := worker{op: op, emu: emu, id: ids[i], rng: rng, cfg: cfg, mu: &mu, rep: &rep}
			for n := 0; time.Now().Before(deadline) && ctx.Err() == nil; n++ {
				if !w.step(ctx, n) {
					return
				}
			}
		}()
	}
	wg.Wait()
	rep.Duration = time.Since(start)
	for i, id := range ids {
		rep.Applied += emu.UpdateCount(id) - before[i]
	}
	return rep, check(ctx, env.Audit, ids, &rep)
}

type worker struct {
	op  *Operator
	emu *emulator.Emulator
	id  string
	rng *rand.Rand
	cfg LoadConfig
	mu  *sync.Mutex
	rep *LoadReport
}

// step is one operator action: mostly an edit, sometimes a page view. It
// reports false when the run cannot go on (the handler is a stub).
func (w *worker) step(ctx context.Context, n int) bool {
	if w.cfg.Think > 0 {
		time.Sleep(time.Duration(w.rng.Int64N(int64(w.cfg.Think))))
	}
	if n%4 == 3 {
		path := "/rooms/" + w.id
		if n%8 == 7 {
			path = "/audit?room=" + w.id
		}
		status, _, err := w.op.Do(ctx, http.MethodGet, path, nil)
		w.record(status, err, "GET "+path, 0)
		return status != http.StatusNotImplemented
	}
	room, err := RoomInfo(w.emu, w.id)
	if err != nil {
		w.record(0, err, "read room", 0)
		return false
	}
	fault := ""
	if w.rng.Float64() < w.cfg.FaultRate {
		fault = w.inject()
	}
	form := EditForm(room, map[string]string{
		rooms.FieldRoomName: fmt.Sprintf("load %s #%d", w.id, n),
		rooms.FieldNotice:   "notice " + strconv.Itoa(n%2),
	})
	t0 := time.Now()
	status, _, err := w.op.Do(ctx, http.MethodPost, "/rooms/"+w.id, form)
	w.record(status, err, "POST /rooms/"+w.id+" after fault "+strconv.Quote(fault), time.Since(t0))
	return status != http.StatusNotImplemented
}

// inject queues one fault for the next call of its command, whoever makes
// it; with many operators the fault lands on someone's edit, which is the
// point: the checks afterwards hold whoever it hit.
func (w *worker) inject() string {
	kinds := []string{FaultRetryable, FaultNonRetryable, FaultDrop, FaultDropApplied, FaultReadDrop}
	k := kinds[w.rng.IntN(len(kinds))]
	switch k {
	case FaultRetryable:
		w.emu.FailNext(emulator.CmdUpdateRoomInfo, 1, tencent.CodeInternal)
	case FaultNonRetryable:
		w.emu.FailNext(emulator.CmdUpdateRoomInfo, 1, tencent.CodeRoomNotFound)
	case FaultDrop:
		w.emu.DropNext(emulator.CmdUpdateRoomInfo, 1)
	case FaultDropApplied:
		w.emu.DropAfterApply(emulator.CmdUpdateRoomInfo, 1)
	case FaultReadDrop:
		w.emu.DropNext(emulator.CmdGetRoomInfo, 1)
	}
	w.mu.Lock()
	w.rep.Faults[k]++
	w.mu.Unlock()
	return k
}

func (w *worker) record(status int, err error, what string, d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if d > 0 {
		w.rep.Edits++
		w.rep.EditTimes = append(w.rep.EditTimes, d)
	} else {
		w.rep.Views++
	}
	w.rep.Statuses[status]++
	switch {
	case err != nil:
		w.rep.Unexpected = append(w.rep.Unexpected, fmt.Sprintf("%s: %v", what, err))
	case status == http.StatusNotImplemented:
		w.rep.NotImpl = true
	case status >= 500:
		// check forgives as many gateway answers as get_room_info drops
		// were injected: re-reading the room failed, nothing was sent.
		w.rep.Unexpected = append(w.rep.Unexpected, fmt.Sprintf("%s: HTTP %d", what, status))
	}
}

// check reads back every intent for the load rooms and the chain.
func check(ctx context.Context, store audit.Store, ids []string, rep *LoadReport) error {
	// A dropped get_room_info may be taken by another operator's edit than
	// the one that injected it: allow as many gateway answers as read drops.
	var gw []string
	kept := rep.Unexpected[:0]
	for _, u := range rep.Unexpected {
		if len(u) > 8 && (u[len(u)-3:] == "502" || u[len(u)-3:] == "503" || u[len(u)-3:] == "504") {
			gw = append(gw, u)
			continue
		}
		kept = append(kept, u)
	}
	rep.Unexpected = kept
	if len(gw) > rep.Faults[FaultReadDrop] {
		rep.Unexpected = append(rep.Unexpected, gw...)
	}
	rep.Outcomes = map[string]int{}
	for _, id := range ids {
		err := store.Export(ctx, audit.Filter{RoomID: id, Action: audit.ActionRoomUpdate}, func(r audit.Record) error {
			if r.Entry.Kind != audit.KindIntent {
				return nil
			}
			rep.Intents++
			rep.Outcomes[r.Outcome()]++
			if r.Result == nil {
				rep.Orphans = append(rep.Orphans, r.Entry.Seq)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("resilience: read back %s: %w", id, err)
		}
	}
	sort.Slice(rep.Orphans, func(i, j int) bool { return rep.Orphans[i] < rep.Orphans[j] })
	v, err := store.Verify(ctx)
	if err != nil {
		return fmt.Errorf("resilience: verify: %w", err)
	}
	rep.Verify = v
	return nil
}
