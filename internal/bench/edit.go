package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/resilience"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// rig is a running app, its emulator, operators signed in, and a bare
// client with the app's own credentials for the baseline.
type rig struct {
	env     *apptest.Env
	ops     []*resilience.Operator
	bare    *tencent.Client
	tencent atomic.Int64 // ns spent in Tencent calls, from the Observe hook
	dir     string
}

func newRig(ctx context.Context, workers int) (*rig, error) {
	dir, err := os.MkdirTemp("", "roomdesk-bench-")
	if err != nil {
		return nil, err
	}
	r := &rig{dir: dir}
	// The hook runs for every app (demo mode has two, each with its own
	// emulator); the bench edits the default app's rooms, so only its
	// client is timed and copied for the baseline.
	cfgs := map[string]tencent.Config{}
	var defaultURL atomic.Pointer[string]
	r.env, err = apptest.Start(apptest.Options{DataDir: dir, Tencent: func(c *tencent.Config) {
		prev, endpoint := c.Observe, c.Endpoint
		c.Observe = func(cmd string, code int, d time.Duration) {
			if prev != nil {
				prev(cmd, code, d)
			}
			if u := defaultURL.Load(); u != nil && *u == endpoint {
				r.tencent.Add(int64(d))
			}
		}
		cfgs[c.Endpoint] = *c
	}})
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	defaultURL.Store(&r.env.EmulatorURL)
	tcfg, ok := cfgs[r.env.EmulatorURL]
	if !ok {
		r.close()
		return nil, fmt.Errorf("no Tencent client points at the default app's emulator %s", r.env.EmulatorURL)
	}
	tcfg.Observe = nil
	if r.bare, err = tencent.New(tcfg); err != nil {
		r.close()
		return nil, err
	}
	tr := resilience.NewTransport()
	admin := audit.Actor{Name: "bench", Role: string(auth.RoleAdmin)}
	for i := range workers {
		name := fmt.Sprintf("bench%02d", i)
		if _, err := r.env.Auth.Create(ctx, admin, name, apptest.Password, auth.RoleOperator); err != nil {
			r.close()
			return nil, err
		}
		op, err := resilience.Login(ctx, r.env.URL, name, apptest.Password, tr)
		if err != nil {
			r.close()
			return nil, err
		}
		r.ops = append(r.ops, op)
		r.env.Emulator.PutRoom(resilience.LoadRoom(roomOf(i)))
	}
	return r, nil
}

func (r *rig) close() {
	r.env.Close()
	os.RemoveAll(r.dir)
}

func roomOf(worker int) string { return fmt.Sprintf("bench_%02d", worker) }

// edit posts one rename of the worker's room; n picks the alternating value.
func (r *rig) edit(ctx context.Context, w, n int) (time.Duration, error) {
	room, err := resilience.RoomInfo(r.env.Emulator, roomOf(w))
	if err != nil {
		return 0, err
	}
	form := resilience.EditForm(room, map[string]string{rooms.FieldRoomName: fmt.Sprintf("bench %d %d", w, n%2)})
	if room.RoomName == form.Get(rooms.FieldRoomName) {
		form.Set(rooms.FieldRoomName, fmt.Sprintf("bench %d %d", w, (n+1)%2))
	}
	t0 := time.Now()
	status, body, err := r.ops[w].Do(ctx, http.MethodPost, "/rooms/"+roomOf(w), form)
	d := time.Since(t0)
	if err != nil {
		return 0, err
	}
	if status != http.StatusOK {
		return 0, fmt.Errorf("POST /rooms/%s: HTTP %d: %.200s", roomOf(w), status, body)
	}
	return d, nil
}

// bareEdit is what a safe edit needs at minimum: read, then update.
func (r *rig) bareEdit(ctx context.Context, w, n int) (time.Duration, error) {
	name := fmt.Sprintf("bare %d %d", w, n%2)
	t0 := time.Now()
	if _, _, err := r.bare.GetRoomInfo(ctx, roomOf(w)); err != nil {
		return 0, err
	}
	if _, err := r.bare.UpdateRoomInfo(ctx, tencent.RoomUpdate{RoomId: roomOf(w), RoomName: &name}); err != nil {
		return 0, err
	}
	return time.Since(t0), nil
}

// run has c workers do perWorker operations each; it returns every
// latency and the wall time.
func run(ctx context.Context, c, perWorker int, op func(ctx context.Context, w, n int) (time.Duration, error)) ([]time.Duration, time.Duration, error) {
	var mu sync.Mutex
	var all []time.Duration
	var first error
	t0 := time.Now()
	var wg sync.WaitGroup
	for w := range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range perWorker {
				d, err := op(ctx, w, n)
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				if err == nil {
					all = append(all, d)
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	return all, time.Since(t0), first
}

func benchEdits(ctx context.Context, b *bench) error {
	r, err := newRig(ctx, 16)
	if err != nil {
		return err
	}
	defer r.close()
	if _, err := r.edit(ctx, 0, 0); err != nil {
		b.add(row{Figure: "1", What: "edit round trip", Value: "not measured", Status: "miss", Note: firstLine(err)})
		return nil
	}
	r.env.Emulator.SetLatency(20 * time.Millisecond)
	concurrency := []int{1, 16}
	if b.ownOnly {
		concurrency = nil
	}
	for _, c := range concurrency {
		per := 150
		if c > 1 {
			per = 40
		}
		run(ctx, c, 5, r.bareEdit) // warm up both
		run(ctx, c, 5, r.edit)
		bare, bareWall, err := run(ctx, c, per, r.bareEdit)
		if err != nil {
			return fmt.Errorf("bare c=%d: %w", c, err)
		}
		full, fullWall, err := run(ctx, c, per, r.edit)
		if err != nil {
			return fmt.Errorf("roomdesk c=%d: %w", c, err)
		}
		ratio := float64(pct(full, 50)) / float64(pct(bare, 50))
		what := fmt.Sprintf("edit, 20 ms per Tencent call, c=%d: roomdesk vs bare get+update p50", c)
		b.add(row{Figure: "1", What: what,
			Value: fmt.Sprintf("%s vs %s = %.2fx", ms(pct(full, 50)), ms(pct(bare, 50)), ratio),
			Goal:  "≤ 1.1x", Status: passMiss(ratio <= 1.1)})
		b.add(row{Figure: "1", What: fmt.Sprintf("edit, 20 ms per Tencent call, c=%d: p99 roomdesk vs bare", c),
			Value: fmt.Sprintf("%s vs %s = %.2fx", ms(pct(full, 99)), ms(pct(bare, 99)), float64(pct(full, 99))/float64(pct(bare, 99)))})
		b.add(row{Figure: "1", What: fmt.Sprintf("edit throughput, c=%d: roomdesk vs bare", c),
			Value: fmt.Sprintf("%.0f/s vs %.0f/s", float64(len(full))/fullWall.Seconds(), float64(len(bare))/bareWall.Seconds()),
			Note:  pacingNote(c)})
	}

	// Own time: no added latency, sequential, total minus Tencent time.
	// Edits are spaced 10 ms apart: back to back they would run faster than
	// the 197/s pacing, and each get_room_info would then queue ~5 ms for
	// its slot — Tencent's quota, not roomdesk's work. The queueing is
	// counted and reported instead.
	//
	// The yardstick, steadier across machines than milliseconds: one bare
	// signed get_room_info (sign, HTTP round trip, the emulator's work,
	// decode) with nothing added. One follows each edit, 5 ms later, so the
	// two see the same machine: run as two blocks, one after the other, the
	// shared host's speed drifting between them gave the same build 4.4x
	// and 8.4x in one sitting.
	r.env.Emulator.SetLatency(0)
	var own, total, call []time.Duration
	waitedBefore := r.env.Tencent.PaceStats(tencent.CmdGetRoomInfo).Waited + r.env.Tencent.PaceStats(tencent.CmdUpdateRoomInfo).Waited
	var editCPU, callCPU time.Duration
	for n := range 300 {
		time.Sleep(10 * time.Millisecond)
		c0 := cpuTime()
		before := r.tencent.Load()
		d, err := r.edit(ctx, 0, n)
		if err != nil {
			return fmt.Errorf("own time: %w", err)
		}
		editCPU += cpuTime() - c0
		total = append(total, d)
		own = append(own, d-time.Duration(r.tencent.Load()-before))

		time.Sleep(5 * time.Millisecond)
		t0, c0 := time.Now(), cpuTime()
		if _, _, err := r.bare.GetRoomInfo(ctx, roomOf(0)); err != nil {
			return fmt.Errorf("bare call: %w", err)
		}
		callCPU += cpuTime() - c0
		call = append(call, time.Since(t0))
	}
	waited := r.env.Tencent.PaceStats(tencent.CmdGetRoomInfo).Waited + r.env.Tencent.PaceStats(tencent.CmdUpdateRoomInfo).Waited
	b.add(row{Figure: "1", What: "roomdesk's own time per edit (total − Tencent calls), 0 ms added, p50",
		Value: ms(pct(own, 50)), Goal: "< 2 ms", Status: passMiss(pct(own, 50) < 2*time.Millisecond),
		Note: fmt.Sprintf("p99 %s; total p50 %s; edits spaced 10 ms apart, %d of 600 calls queued for a pacing slot",
			ms(pct(own, 99)), ms(pct(total, 50)), waited-waitedBefore)})
	b.add(row{Figure: "1", What: "roomdesk's own time per edit ÷ one bare signed get_room_info, p50 / p50",
		Value: fmt.Sprintf("%.2fx", float64(pct(own, 50))/float64(pct(call, 50))),
		Note:  fmt.Sprintf("bare call p50 %s, p99 %s, one after each edit", ms(pct(call, 50)), ms(pct(call, 99)))})
	// CPU moves less with the machine's load than wall time: the whole
	// process's (client, server, emulator) per edit and per bare call.
	b.add(row{Figure: "1", What: "CPU per edit ÷ CPU per bare signed get_room_info (the whole process: client, server, emulator)",
		Value: fmt.Sprintf("%.2fx", editCPU.Seconds()/callCPU.Seconds()),
		Note:  fmt.Sprintf("%s vs %s, means of 300", ms(editCPU/300), ms(callCPU/300))})
	return nil
}

func pacingNote(c int) string {
	if c == 1 {
		return ""
	}
	return "both capped by the client's 197/s pacing per command (Tencent allows 200/s); ideal 400/s"
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return strings.ReplaceAll(s, "|", "/")
}

func benchPages(ctx context.Context, b *bench) error {
	r, err := newRig(ctx, 16)
	if err != nil {
		return err
	}
	defer r.close()
	// Some audit rows, so the first page has 50 records to draw.
	for n := range 60 {
		if _, err := r.edit(ctx, n%16, n); err != nil {
			b.note("pages: could not add audit rows by editing (%s); the audit page is measured on what the log holds", firstLine(err))
			break
		}
	}
	for _, page := range []struct{ name, path string }{
		{"GET /rooms/{id}", "/rooms/" + roomOf(0)},
		{"GET /audit (first page)", "/audit"},
	} {
		lat, wall, bad := pageLoad(ctx, r, page.path, 3*time.Second)
		v := fmt.Sprintf("%.0f req/s, p99 %s", float64(len(lat))/wall.Seconds(), ms(pct(lat, 99)))
		st := ""
		if bad != "" {
			v, st = "not measured", "miss"
		}
		note := bad
		if page.name == "GET /rooms/{id}" && bad == "" {
			note = "one get_room_info each: bound by the 197/s pacing"
		}
		b.add(row{Figure: "2", What: page.name + ", c=16", Value: v, Status: st, Note: note})
	}
	return nil
}

// pageLoad has 16 clients fetch path for d; bad describes the first non-200.
func pageLoad(ctx context.Context, r *rig, path string, d time.Duration) ([]time.Duration, time.Duration, string) {
	var mu sync.Mutex
	var lat []time.Duration
	var bad string
	end := time.Now().Add(d)
	t0 := time.Now()
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(end) {
				s := time.Now()
				status, _, err := r.ops[w].Do(ctx, http.MethodGet, path, nil)
				el := time.Since(s)
				mu.Lock()
				if err != nil || status != http.StatusOK {
					if bad == "" {
						bad = fmt.Sprintf("HTTP %d %v", status, err)
					}
					mu.Unlock()
					return
				}
				lat = append(lat, el)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return lat, time.Since(t0), bad
}

func benchLoad(ctx context.Context, b *bench) error {
	dir, err := os.MkdirTemp("", "roomdesk-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	env, err := apptest.Start(apptest.Options{DataDir: dir})
	if err != nil {
		return err
	}
	defer env.Close()
	rep, err := resilience.RunLoad(ctx, resilience.LoadConfig{Env: env, Operators: 50, Duration: b.loadFor,
		FaultRate: 0.01, Think: 20 * time.Millisecond, Seed: uint64(time.Now().UnixNano())})
	if err != nil {
		return err
	}
	if rep.NotImpl {
		b.add(row{Figure: "load", What: "50 operators, 1% faults", Value: "not measured", Status: "miss", Note: "a handler answers 501"})
		return nil
	}
	probs := rep.Problems()
	b.add(row{Figure: "load", What: fmt.Sprintf("50 operators for %v, 1%% injected faults: problems", b.loadFor),
		Value: fmt.Sprintf("%d", len(probs)), Goal: "0", Status: passMiss(len(probs) == 0),
		Note: fmt.Sprintf("%d edits (%.0f/s), %d views; edit p50 %s p99 %s", rep.Edits,
			float64(rep.Edits)/rep.Duration.Seconds(), rep.Views, ms(pct(rep.EditTimes, 50)), ms(pct(rep.EditTimes, 99)))})
	b.add(row{Figure: "load", What: "faults injected / outcomes recorded / applied by the emulator",
		Value: fmt.Sprintf("%s / %s / %d", fmtMap(rep.Faults), fmtMap(rep.Outcomes), rep.Applied)})
	b.add(row{Figure: "load", What: "HTTP statuses", Value: fmtIntMap(rep.Statuses)})
	for i, p := range probs {
		if i == 5 {
			b.note("load: %d more problems", len(probs)-5)
			break
		}
		b.note("load problem: %s", p)
	}
	return nil
}

func fmtMap(m map[string]int) string {
	var parts []string
	for k, v := range m {
		parts = append(parts, fmt.Sprintf("%s %d", k, v))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func fmtIntMap(m map[int]int) string {
	var keys []int
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d×%d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}
