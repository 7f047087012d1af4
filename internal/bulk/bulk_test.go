package bulk_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/callgate"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

func TestJobLifecycle(t *testing.T) {
	forDialects(t, func(t *testing.T, d db.Dialect) {
		f := newFixture(t, d, bulk.Options{}, nil)
		ids := f.putRooms("life", 40)
		// One room already has the value, one does not exist.
		f.emu.PutRoom(emulator.Room{RoomID: ids[3], RoomName: "new", TakeSeatMode: "FreeToTake", MaxMemberCount: 5})
		ids = append(ids, "no-such-room")
		ctx := context.Background()
		j, err := f.svc.Create(ctx, operator, planFor(ids, rooms.Form{rooms.FieldRoomName: {"new"}}))
		if err != nil {
			t.Fatal(err)
		}
		if j.Status != bulk.JobQueued || j.Total != 41 || j.Counts.Pending != 41 {
			t.Fatalf("created job %+v", j)
		}
		f.start()
		j = f.wait(t, j.ID, "the end", ended)
		f.stop() // the runner returns only after the job's last audit event is written
		want := bulk.Counts{Done: 39, Failed: 1, Skipped: 1}
		if j.Status != bulk.JobDone || j.Counts != want {
			t.Fatalf("job %s counts %+v, want done %+v", j.Status, j.Counts, want)
		}
		items := f.items(t, j.ID)
		if it := items["no-such-room"]; it.Status != bulk.ItemFailed || it.ErrorCode != tencent.CodeRoomNotFound || it.RequestID == "" {
			t.Errorf("unknown room item %+v", it)
		}
		if it := items[ids[3]]; it.Status != bulk.ItemSkipped || f.emu.UpdateCount(ids[3]) != 0 {
			t.Errorf("room with the value already: item %+v, %d updates", it, f.emu.UpdateCount(ids[3]))
		}
		for _, id := range ids[:40] {
			if id == ids[3] {
				continue
			}
			r, _ := f.emu.Room(id)
			it := items[id]
			if f.emu.UpdateCount(id) != 1 || r.RoomName != "new" || it.Status != bulk.ItemDone || it.RequestID == "" || it.IntentSeq == 0 {
				t.Fatalf("room %s: %d updates, name %q, item %+v", id, f.emu.UpdateCount(id), r.RoomName, it)
			}
		}
		// Every edit is in the audit log under the job id.
		page, err := f.audit.List(ctx, audit.Filter{JobID: j.Key()}, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		// The job's own life (created, started, finished) is three events;
		// the rest: 39 edits, and the attempt on the unknown room, refused
		// at the re-read: failed, with that read's code and RequestId.
		var life, rest []audit.Record
		for _, r := range page.Records {
			if strings.HasPrefix(r.Entry.Action, "bulk.") {
				life = append(life, r)
			} else {
				rest = append(rest, r)
			}
		}
		if len(life) != 3 || len(rest) != 40 {
			t.Fatalf("%d job events and %d other audit records for the job, want 3 and 40", len(life), len(rest))
		}
		for _, r := range rest {
			if r.Entry.RoomID == "no-such-room" {
				it := items["no-such-room"]
				if r.Entry.Kind != audit.KindEvent || r.Outcome() != audit.OutcomeFailed || r.Entry.ErrorCode != 100004 ||
					r.Entry.RequestID != it.RequestID || r.Entry.JobID != j.Key() || r.Entry.Actor != "olga" {
					t.Fatalf("audit record of the refused re-read %+v", r.Entry)
				}
				continue
			}
			if r.Entry.Actor != "olga" || r.Result == nil || r.Result.JobID != j.Key() || r.Outcome() != audit.OutcomeOK {
				t.Fatalf("audit record %+v", r)
			}
		}
		p, err := f.svc.Progress(ctx, j.ID)
		if err != nil || p.Rate <= 0 || p.ETA != 0 {
			t.Errorf("progress of the ended job: %+v, %v", p, err)
		}
		if rep, err := f.audit.Verify(ctx); err != nil || !rep.OK() {
			t.Errorf("audit verify: %+v %v", rep, err)
		}
	})
}

func TestPerRoomFieldsAndResultsCSV(t *testing.T) {
	f := newFixture(t, db.SQLite, bulk.Options{}, nil)
	f.putRooms("csv", 3)
	plan, probs := bulk.Parse(bulk.Input{
		CSV:    []byte("RoomId,RoomName,MaxMemberCount\ncsv-0001,\"=HYPERLINK(\"\"x\"\")\",\ncsv-0002,,250\ncsv-0003,plain,7\n"),
		Change: []string{rooms.FieldNotice}, Values: rooms.Form{rooms.FieldNotice: {"hello"}},
	})
	if probs.Any() {
		t.Fatalf("problems: %+v", probs)
	}
	f.start()
	j, err := f.svc.Create(context.Background(), operator, plan)
	if err != nil {
		t.Fatal(err)
	}
	f.wait(t, j.ID, "the end", ended)
	r1, _ := f.emu.Room("csv-0001")
	r2, _ := f.emu.Room("csv-0002")
	r3, _ := f.emu.Room("csv-0003")
	if r1.RoomName != `=HYPERLINK("x")` || r1.Notice != "hello" || r2.MaxMemberCount != 250 || r2.RoomName != "old" ||
		r3.RoomName != "plain" || r3.MaxMemberCount != 7 || r3.Notice != "hello" {
		t.Fatalf("rooms after: %+v %+v %+v", r1, r2, r3)
	}
	var buf bytes.Buffer
	if err := f.svc.WriteResultsCSV(context.Background(), j.ID, &buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(recs) != 4 {
		t.Fatalf("results CSV: %v, %d lines", err, len(recs))
	}
	if got := recs[1][5]; !strings.HasPrefix(got, "RoomName: old → =HYPERLINK") {
		t.Errorf("changes cell %q", got)
	}
	if recs[1][3] != "done" || recs[1][6] == "" {
		t.Errorf("row %q", recs[1])
	}
	for _, rec := range recs {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("formula cell %q", cell)
			}
		}
	}
}

// TestResultsCSVNeutralisesEveryFormulaCharacter: each of = + - @ tab and
// CR starts some cell of a job's results (RoomIds are printable ASCII, so
// may start with the first four; Tencent's ErrorInfo and the message carry
// the others), and each such cell is exported as text.
func TestResultsCSVNeutralisesEveryFormulaCharacter(t *testing.T) {
	f := newFixture(t, db.SQLite, bulk.Options{}, nil)
	ctx := context.Background()
	ids := []string{"=1+1", "+1", "-1", "@SUM(A1)", "tab", "cr"}
	j, err := f.svc.Create(ctx, operator, planFor(ids, rooms.Form{rooms.FieldNotice: {"n"}}))
	if err != nil {
		t.Fatal(err)
	}
	for seq, col := range map[int]string{5: "error_info", 6: "message"} {
		val := map[int]string{5: "\t=cmd|' /C calc'!A0", 6: "\r=cmd|' /C calc'!A0"}[seq]
		if _, err := f.db.ExecContext(ctx, `UPDATE bulk_items SET `+col+` = $3 WHERE job_id = $1 AND seq = $2`,
			j.ID, seq, val); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.svc.WriteResultsCSV(ctx, j.ID, &buf); err != nil {
		t.Fatal(err)
	}
	// encoding/csv's reader drops a lone CR, so look for that cell raw.
	if !strings.Contains(buf.String(), "\"'\r=cmd") {
		t.Errorf("the cell starting with CR was not neutralised:\n%q", buf.String())
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(recs) != 7 {
		t.Fatalf("results CSV: %v, %d lines", err, len(recs))
	}
	col := func(name string) int {
		for i, h := range bulk.ResultsHeader {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return -1
	}
	for i, id := range ids[:4] {
		if got := recs[i+1][col("RoomId")]; got != "'"+id {
			t.Errorf("RoomId cell %q, want %q", got, "'"+id)
		}
	}
	if got := recs[5][col("ErrorInfo")]; got != "'\t=cmd|' /C calc'!A0" {
		t.Errorf("ErrorInfo cell %q", got)
	}
	for _, rec := range recs {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("formula cell %q", cell)
			}
		}
	}
}

func TestCancel(t *testing.T) {
	forDialects(t, func(t *testing.T, d db.Dialect) {
		// Held calls must not time out into retries while the test decides.
		f := newFixture(t, d, bulk.Options{Workers: 4}, func(c *tencent.Config) { c.AttemptTimeout = time.Minute })
		ids := f.putRooms("cancel", 60)
		ctx := context.Background()
		updates := 0
		f.gate.Hold(func(c callgate.Call) bool {
			if c.Command == tencent.CmdUpdateRoomInfo {
				updates++
				return updates > 12
			}
			return false
		})
		f.start()
		j, err := f.svc.Create(ctx, operator, planFor(ids, rooms.Form{rooms.FieldRoomName: {"new"}}))
		if err != nil {
			t.Fatal(err)
		}
		// 12 rooms done and 4 in flight: four whole batches of 4 handed
		// out, so the dispatcher claims a fifth. Cancel then.
		held := f.holdUntil(t, j.ID, "every worker's update in flight", func(h []*callgate.Held) bool { return len(h) == 4 })
		f.wait(t, j.ID, "the next batch claimed", func(j bulk.Job) bool { return j.Counts.Sending == 8 })
		if err := f.svc.Cancel(ctx, j.ID, operator); err != nil {
			t.Fatal(err)
		}
		f.gate.Hold(nil)
		for _, h := range held {
			h.Forward()
		}
		// In-flight and already-claimed items finish; nothing else is sent.
		j = f.wait(t, j.ID, "the cancellation", ended)
		if want := (bulk.Counts{Pending: 40, Done: 20}); j.Status != bulk.JobCancelled || j.CancelledBy != "olga" || j.Counts != want {
			t.Fatalf("cancelled job: %s by %q %+v, want %+v", j.Status, j.CancelledBy, j.Counts, want)
		}
		sent := 0
		for _, id := range ids {
			sent += f.emu.UpdateCount(id)
		}
		if sent != j.Counts.Done {
			t.Errorf("%d rooms updated, %d items done", sent, j.Counts.Done)
		}
		if err := f.svc.Cancel(ctx, j.ID, operator); err != bulk.ErrFinished {
			t.Errorf("cancelling again: %v", err)
		}
		// A queued job is cancelled at once.
		f.stop()
		q, err := f.svc.Create(ctx, operator, planFor(ids[:2], rooms.Form{rooms.FieldNotice: {"n"}}))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Cancel(ctx, q.ID, operator); err != nil {
			t.Fatal(err)
		}
		if q, _ = f.svc.Job(ctx, q.ID); q.Status != bulk.JobCancelled || q.Counts.Pending != 2 {
			t.Errorf("queued job after cancel: %+v", q)
		}
	})
}

// TestResumeAfterCrash simulates a process that died mid-job: some items
// finished, some "sending" (half of those applied at Tencent before the
// crash, half not), the rest pending. A new runner must finish the job
// with every room updated exactly once.
func TestResumeAfterCrash(t *testing.T) {
	forDialects(t, func(t *testing.T, d db.Dialect) {
		f := newFixture(t, d, bulk.Options{}, nil)
		ids := f.putRooms("crash", 60)
		ctx := context.Background()
		change := rooms.Form{rooms.FieldRoomName: {"new"}, rooms.FieldMaxMemberCount: {"321"}}
		j, err := f.svc.Create(ctx, operator, planFor(ids, change))
		if err != nil {
			t.Fatal(err)
		}
		// Items 1-10 finished before the crash (their rooms were updated).
		// Items 11-20 were in flight: 11-15 reached Tencent, 16-20 did not.
		name, members := "new", 321
		for i, id := range ids[:15] {
			if _, err := f.tc.UpdateRoomInfo(ctx, tencentUpdate(id, &name, &members)); err != nil {
				t.Fatal(err)
			}
			status := bulk.ItemSending
			if i < 10 {
				status = bulk.ItemDone
			}
			f.setStatus(t, j.ID, i+1, status)
		}
		for i := 15; i < 20; i++ {
			f.setStatus(t, j.ID, i+1, bulk.ItemSending)
		}
		if _, err := f.db.ExecContext(ctx, `UPDATE bulk_jobs SET status = 'running', started_at_us = 1 WHERE id = $1`, j.ID); err != nil {
			t.Fatal(err)
		}
		f.start()
		j = f.wait(t, j.ID, "the end", ended)
		if j.Status != bulk.JobDone || j.Counts.Done != 60 {
			t.Fatalf("job %s %+v", j.Status, j.Counts)
		}
		items := f.items(t, j.ID)
		for i, id := range ids {
			if n := f.emu.UpdateCount(id); n != 1 {
				t.Errorf("room %s (item %d) updated %d times", id, i+1, n)
			}
			if i >= 10 && i < 15 && !strings.Contains(items[id].Message, "Already applied") {
				t.Errorf("item %d: %q", i+1, items[id].Message)
			}
		}
	})
}

// TestStopMidJobResumes stops a runner (as App.Close does) at a state the
// gate makes certain, not one a latency makes likely: 40 rooms updated and
// 8 updates in flight at Tencent (one per worker), so six whole batches of
// 8 were handed out and the dispatcher has claimed the seventh. With the runner told to stop, the claimed items go back to
// pending unsent; then half the in-flight updates are answered and half
// are lost unapplied. The answered ones are done (a known answer is kept
// though the runner is stopping), the lost ones are still "sending" (not
// failed: their outcome is unknown), and a second runner finishes the job
// with exactly one update per room.
func TestStopMidJobResumes(t *testing.T) {
	forDialects(t, func(t *testing.T, d db.Dialect) {
		// One client attempt: a lost answer is "outcome unknown" at once. One
		// item attempt: what keeps an item is the stop, not a retry to come.
		// Held calls must not time out while the test decides.
		f := newFixture(t, d, bulk.Options{Workers: 8, ItemAttempts: 1}, func(c *tencent.Config) {
			c.MaxAttempts, c.AttemptTimeout = 1, time.Minute
		})
		ids := f.putRooms("stop", 100)
		ctx := context.Background()
		updates := 0
		f.gate.Hold(func(c callgate.Call) bool {
			if c.Command == tencent.CmdUpdateRoomInfo {
				updates++
				return updates > 40
			}
			return false
		})
		f.start()
		j, err := f.svc.Create(ctx, operator, planFor(ids, rooms.Form{rooms.FieldActivityStatus: {"9"}}))
		if err != nil {
			t.Fatal(err)
		}
		held := f.holdUntil(t, j.ID, "every worker's update in flight", func(h []*callgate.Held) bool { return len(h) == 8 })
		// With every worker busy, the dispatcher claims the next batch and
		// can only wait: for a worker or for the stop.
		f.wait(t, j.ID, "the next batch claimed", func(j bulk.Job) bool { return j.Counts.Sending == 16 })
		f.cancel()
		f.wait(t, j.ID, "the unsent batch released", func(j bulk.Job) bool { return j.Counts.Sending == 8 })
		answered, lost := map[string]bool{}, map[string]bool{}
		for i, h := range held {
			if i%2 == 0 {
				answered[h.RoomID] = true
				h.Forward()
			} else {
				lost[h.RoomID] = true
				h.Drop()
			}
		}
		f.stop()
		mid, _ := f.svc.Job(ctx, j.ID)
		if want := (bulk.Counts{Pending: 52, Sending: 4, Done: 44}); mid.Status != bulk.JobRunning || mid.Counts != want {
			t.Fatalf("after stop: %s %+v, want running %+v", mid.Status, mid.Counts, want)
		}
		items := f.items(t, j.ID)
		for id := range answered {
			if it := items[id]; it.Status != bulk.ItemDone || it.Message != "Updated." || it.Attempts != 1 {
				t.Errorf("answered while stopping: %+v", it)
			}
		}
		for id := range lost {
			if it := items[id]; it.Status != bulk.ItemSending || f.emu.UpdateCount(id) != 0 {
				t.Errorf("lost while stopping: %+v, %d updates", it, f.emu.UpdateCount(id))
			}
		}

		f.gate.Hold(nil)
		f.start()
		j = f.wait(t, j.ID, "the end", ended)
		if j.Status != bulk.JobDone || j.Counts.Done != 100 {
			t.Fatalf("job %s counts %+v", j.Status, j.Counts)
		}
		for _, id := range ids {
			if n := f.emu.UpdateCount(id); n != 1 {
				t.Fatalf("room %s updated %d times", id, n)
			}
		}
		// The lost calls are in the audit log as "unknown", then as the
		// resumed job's OK: nothing about them was lost either.
		page, err := f.audit.List(ctx, audit.Filter{JobID: j.Key(), Action: audit.ActionRoomUpdate}, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		outcomes := map[string]int{}
		for _, r := range page.Records {
			outcomes[r.Outcome()]++
		}
		if len(page.Records) != 100+len(lost) || outcomes[audit.OutcomeOK] != 100 || outcomes[audit.OutcomeUnknown] != len(lost) {
			t.Errorf("%d audit records, outcomes %v; %d calls lost", len(page.Records), outcomes, len(lost))
		}
	})
}

func TestUnreachableItemIsRetried(t *testing.T) {
	// One client attempt, so the lost answer surfaces as "outcome unknown"
	// instead of being retried inside the client.
	f := newFixture(t, db.SQLite, bulk.Options{}, func(c *tencent.Config) { c.MaxAttempts = 1 })
	ids := f.putRooms("drop", 1)
	// The update is applied but its answer lost (outcome unknown): the
	// item's next try re-reads the room and finds it done.
	f.emu.DropAfterApply("update_room_info", 1)
	f.start()
	j, err := f.svc.Create(context.Background(), operator, planFor(ids, rooms.Form{rooms.FieldNotice: {"x"}}))
	if err != nil {
		t.Fatal(err)
	}
	j = f.wait(t, j.ID, "the end", ended)
	it := f.items(t, j.ID)[ids[0]]
	if it.Status != bulk.ItemDone || it.Attempts < 2 || f.emu.UpdateCount(ids[0]) != 1 {
		t.Fatalf("item %+v, %d updates", it, f.emu.UpdateCount(ids[0]))
	}
}

func (f *fixture) setStatus(t *testing.T, job int64, seq int, status string) {
	t.Helper()
	if _, err := f.db.ExecContext(context.Background(), `UPDATE bulk_items SET status = $3 WHERE job_id = $1 AND seq = $2`,
		job, seq, status); err != nil {
		t.Fatal(err)
	}
}

func tencentUpdate(id string, name *string, members *int) tencent.RoomUpdate {
	return tencent.RoomUpdate{RoomId: id, RoomName: name, MaxMemberCount: members}
}

// TestAuditDownItemIsRetried: the audit log refuses writes (a trigger on
// the real table, the way another process or a full disk would). An item
// whose intent cannot be recorded is not sent, and is tried again: when
// the log is back by its next try it is sent once and audited; when the
// log stays down through every try it fails, saying why, unsent.
func TestAuditDownItemIsRetried(t *testing.T) {
	forDialects(t, func(t *testing.T, d db.Dialect) {
		f := newFixture(t, d, bulk.Options{}, nil)
		ids := f.putRooms("audit", 2)
		ctx := context.Background()
		gets := 0
		f.gate.Hold(func(c callgate.Call) bool {
			if c.Command == tencent.CmdGetRoomInfo && c.RoomID == ids[0] {
				gets++
				return gets == 2 // the item's second try
			}
			return false
		})
		j, err := f.svc.Create(ctx, operator, planFor(ids[:1], rooms.Form{rooms.FieldNotice: {"back"}}))
		if err != nil {
			t.Fatal(err)
		}
		restore := refuseAuditInserts(t, f.db)
		f.start()
		held := f.holdUntil(t, j.ID, "the item's second try", func(h []*callgate.Held) bool { return len(h) == 1 })
		if n := f.emu.Calls(tencent.CmdUpdateRoomInfo); n != 0 {
			t.Fatalf("%d updates sent while the audit log refused the intent", n)
		}
		restore()
		held[0].Forward()
		j = f.wait(t, j.ID, "the end", ended)
		it := f.items(t, j.ID)[ids[0]]
		if j.Counts.Done != 1 || it.Status != bulk.ItemDone || it.Attempts != 2 || f.emu.UpdateCount(ids[0]) != 1 {
			t.Fatalf("after the log came back: job %+v, item %+v, %d updates", j.Counts, it, f.emu.UpdateCount(ids[0]))
		}
		page, err := f.audit.List(ctx, audit.Filter{JobID: j.Key(), Action: audit.ActionRoomUpdate}, 0, 10)
		if err != nil || len(page.Records) != 1 || page.Records[0].Outcome() != audit.OutcomeOK {
			t.Fatalf("audit records of the job: %+v %v", page.Records, err)
		}

		// Down for good: every try is refused, nothing is sent. The log
		// goes down after the job's creation is recorded (a job the log
		// cannot record is never stored: TestCreateNeedsTheAuditLog), while
		// its first re-read is held.
		f.gate.Hold(func(c callgate.Call) bool { return c.Command == tencent.CmdGetRoomInfo && c.RoomID == ids[1] })
		j, err = f.svc.Create(ctx, operator, planFor(ids[1:], rooms.Form{rooms.FieldNotice: {"never"}}))
		if err != nil {
			t.Fatal(err)
		}
		first := f.holdUntil(t, j.ID, "the second job's first re-read", func(h []*callgate.Held) bool { return len(h) == 1 })
		f.gate.Hold(nil) // later tries pass; this one waits for the trigger
		restore = refuseAuditInserts(t, f.db)
		first[0].Forward()
		j = f.wait(t, j.ID, "the end", ended)
		it = f.items(t, j.ID)[ids[1]]
		if j.Counts.Failed != 1 || it.Status != bulk.ItemFailed || it.Attempts != 3 ||
			!strings.Contains(it.Message, "audit") || f.emu.Calls(tencent.CmdUpdateRoomInfo) != 1 {
			t.Fatalf("log down for good: job %+v, item %+v, %d updates sent in all", j.Counts, it,
				f.emu.Calls(tencent.CmdUpdateRoomInfo))
		}
		restore()
		if rep, err := f.audit.Verify(ctx); err != nil || !rep.OK() {
			t.Errorf("audit verify: %+v %v", rep, err)
		}
	})
}

// refuseAuditInserts makes every insert into audit_log fail, from a
// trigger in the database itself; the returned func drops it.
func refuseAuditInserts(t *testing.T, d *db.DB) (restore func()) {
	t.Helper()
	ctx := context.Background()
	install := []string{`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log
		BEGIN SELECT RAISE(ABORT, 'audit log refuses writes'); END`}
	drop := `DROP TRIGGER refuse_audit`
	if d.Dialect == db.Postgres {
		install = []string{`CREATE OR REPLACE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS
			$$ BEGIN RAISE EXCEPTION 'audit log refuses writes'; END $$`,
			`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()`}
		drop = `DROP TRIGGER refuse_audit ON audit_log`
	}
	for _, q := range install {
		if _, err := d.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return func() {
		t.Helper()
		if _, err := d.ExecContext(ctx, drop); err != nil {
			t.Fatal(err)
		}
	}
}
