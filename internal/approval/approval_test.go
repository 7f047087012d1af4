package approval_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/approval"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

var ctx = context.Background()

func TestPolicy(t *testing.T) {
	forDialects(t, func(t *testing.T, f *fixture) {
		p, err := f.svc.Policy(ctx, app)
		if err != nil || len(p.Fields) != 0 || p.BulkAbove != 0 || p.ExpiryOrDefault() != 24*time.Hour {
			t.Fatalf("default policy = %+v, %v; want nothing guarded, 24 h", p, err)
		}
		for _, bad := range []approval.Policy{
			{App: app, Fields: []string{"RoomId"}, Expiry: time.Hour},
			{App: app, BulkAbove: -1, Expiry: time.Hour},
			{App: app, Expiry: 31 * 24 * time.Hour},
			{App: app, Expiry: time.Second},
		} {
			var ie *approval.InputError
			if _, err := f.svc.SetPolicy(ctx, carol, bad); !errors.As(err, &ie) {
				t.Errorf("SetPolicy(%+v) = %v, want an InputError", bad, err)
			}
		}
		// Fields come back in form order, whatever order they were given in.
		set := approval.Policy{App: app, Fields: []string{"MaxMemberCount", "IsPublicVisible"}, BulkAbove: 100, Expiry: 2 * time.Hour}
		if _, err := f.svc.SetPolicy(ctx, carol, set); err != nil {
			t.Fatal(err)
		}
		p, _ = f.svc.Policy(ctx, app)
		if !slices.Equal(p.Fields, []string{"MaxMemberCount", "IsPublicVisible"}) && !slices.Equal(p.Fields, []string{"IsPublicVisible", "MaxMemberCount"}) ||
			p.BulkAbove != 100 || p.Expiry != 2*time.Hour || p.UpdatedBy != "carol" {
			t.Fatalf("policy after set = %+v", p)
		}
		if !p.Guards("IsPublicVisible") || p.Guards("RoomName") || !p.BulkNeedsApproval(101) || p.BulkNeedsApproval(100) {
			t.Errorf("guards wrong: %+v", p)
		}
		if other, _ := f.svc.Policy(ctx, "other-app"); len(other.Fields) != 0 {
			t.Errorf("another app's policy = %+v; policies are per app", other)
		}
		page, err := f.log.List(ctx, audit.Filter{Action: audit.ActionSettingsPolicy}, 0, 10)
		if err != nil || len(page.Records) != 1 {
			t.Fatalf("settings.policy entries = %d, %v; want 1", len(page.Records), err)
		}
		e := page.Records[0].Entry
		if e.Actor != "carol" || e.App != app || len(e.Changes) != 1 ||
			!strings.Contains(e.Changes[0].Before, "fields none") || !strings.Contains(e.Changes[0].After, "above 100 rooms") {
			t.Errorf("settings.policy entry = %+v", e)
		}
		// Saving the same policy again changes nothing and audits nothing.
		if _, err := f.svc.SetPolicy(ctx, carol, set); err != nil {
			t.Fatal(err)
		}
		if page, _ := f.log.List(ctx, audit.Filter{Action: audit.ActionSettingsPolicy}, 0, 10); len(page.Records) != 1 {
			t.Errorf("an unchanged policy was audited again: %d entries", len(page.Records))
		}
	})
}

func TestCreateNeedsAReasonAndAChange(t *testing.T) {
	forDialects(t, func(t *testing.T, f *fixture) {
		var ie *approval.InputError
		if _, err := f.svc.CreateRoom(ctx, alice, hideRoom("   ")); !errors.As(err, &ie) || !strings.Contains(err.Error(), "reason is required") {
			t.Errorf("no reason: %v", err)
		}
		same := hideRoom("why not")
		same.Submitted = same.Original
		if _, err := f.svc.CreateRoom(ctx, alice, same); !errors.As(err, &ie) {
			t.Errorf("no change: %v", err)
		}
		bad := hideRoom("why not")
		bad.Submitted = rooms.Form{"MaxMemberCount": {"-3"}}
		bad.Original = rooms.Form{"MaxMemberCount": {"500"}}
		var ve *rooms.ValidationError
		if _, err := f.svc.CreateRoom(ctx, alice, bad); !errors.As(err, &ve) {
			t.Errorf("invalid value: %v", err)
		}
		if list, _ := f.svc.List(ctx, approval.Filter{App: app}, 10); len(list) != 0 {
			t.Errorf("refused requests were stored: %v", list)
		}
		r := f.request(t)
		// Only the changed field is in the request (RoomName was left alone).
		if r.Status != approval.StatusPending || !slices.Equal(r.Fields(), []string{"IsPublicVisible"}) ||
			!r.ExpiresAt.Equal(r.CreatedAt.Add(24*time.Hour)) || r.RequestedBy != "alice" {
			t.Errorf("request = %+v", r)
		}
		ls := f.links(t, r.ID)
		if !slices.Equal(steps(ls), []string{approval.StepCreate}) {
			t.Fatalf("links = %v", ls)
		}
		e := f.entry(t, ls[0].Seq)
		if e.Action != audit.ActionRequestCreate || e.Actor != "alice" || e.RoomID != roomID || e.App != app ||
			!strings.Contains(e.Detail, r.Ref()) || !strings.Contains(e.Detail, "sponsor asked") ||
			len(e.Changes) != 1 || e.Changes[0].Before != `"true"` || e.Changes[0].After != `"false"` {
			t.Errorf("request.create entry = %+v", e)
		}
		if f.emu.UpdateCount(roomID) != 0 {
			t.Error("a request sent the change to Tencent")
		}
	})
}

func TestApproveRunsTheChangeAndLinksTheEntries(t *testing.T) {
	forDialects(t, func(t *testing.T, f *fixture) {
		r := f.request(t)
		// Admins are not exempt: nobody approves their own request.
		for _, self := range []audit.Actor{alice, {Name: "alice", Role: "admin"}} {
			if _, err := f.svc.Approve(ctx, self, app, r.ID, ""); !errors.Is(err, approval.ErrSelfApproval) {
				t.Fatalf("self-approval as %s: %v", self.Role, err)
			}
		}
		if _, err := f.svc.Reject(ctx, alice, app, r.ID, ""); !errors.Is(err, approval.ErrSelfApproval) {
			t.Fatalf("self-rejection: %v", err)
		}
		if got := f.get(t, r.ID); got.Status != approval.StatusPending || f.emu.UpdateCount(roomID) != 0 {
			t.Fatalf("after refusals: %s, %d updates", got.Status, f.emu.UpdateCount(roomID))
		}
		d, err := f.svc.Approve(ctx, bob, app, r.ID, "ok for tonight")
		if err != nil || d.Err != nil || d.Result == nil || d.Result.Outcome != audit.OutcomeOK {
			t.Fatalf("approve = %+v, %v", d, err)
		}
		if room, _ := f.emu.Room(roomID); room.IsPublicVisible || f.emu.UpdateCount(roomID) != 1 {
			t.Errorf("room after approval: listed %v, %d updates", room.IsPublicVisible, f.emu.UpdateCount(roomID))
		}
		got := f.get(t, r.ID)
		if got.Status != approval.StatusApproved || got.DecidedBy != "bob" || got.Comment != "ok for tonight" ||
			got.Outcome != audit.OutcomeOK || got.TencentRequestID == "" || got.TencentRequestID != d.Result.RequestID {
			t.Errorf("request after approval = %+v", got)
		}
		ls := f.links(t, r.ID)
		want := []string{approval.StepCreate, approval.StepRefused, approval.StepRefused, approval.StepRefused, approval.StepApprove, approval.StepUpdate}
		if !slices.Equal(steps(ls), want) {
			t.Fatalf("links = %v, want %v", steps(ls), want)
		}
		refused := f.entry(t, ls[1].Seq)
		if refused.Action != audit.ActionDenied || refused.Outcome != audit.OutcomeDenied || !strings.Contains(refused.Detail, "self-approval refused") {
			t.Errorf("refusal entry = %+v", refused)
		}
		approve := f.entry(t, ls[4].Seq)
		if approve.Action != audit.ActionRequestApprove || approve.Actor != "bob" || !strings.Contains(approve.Detail, r.Ref()) {
			t.Errorf("approve entry = %+v", approve)
		}
		update := f.entry(t, ls[5].Seq)
		if update.Action != audit.ActionRoomUpdate || update.Kind != audit.KindIntent || update.Actor != "bob" ||
			update.Detail != "request "+r.Ref()+" by alice, approved by bob" || update.Seq != d.Result.IntentSeq {
			t.Errorf("update entry = %+v", update)
		}
		rec, _ := f.log.Get(ctx, update.Seq)
		if rec.Result == nil || rec.Result.RequestID != got.TencentRequestID {
			t.Errorf("the update's result carries RequestId %v; the request says %q", rec.Result, got.TencentRequestID)
		}
		for _, l := range ls {
			id, a, step, ok, err := f.svc.RequestOf(ctx, l.Seq)
			if err != nil || !ok || id != r.ID || a != app || step != l.Step {
				t.Errorf("RequestOf(#%d) = %d %q %q %v %v", l.Seq, id, a, step, ok, err)
			}
		}
		// Decided once: a second approval or a rejection is refused.
		var de *approval.DecidedError
		if _, err := f.svc.Approve(ctx, carol, app, r.ID, ""); !errors.As(err, &de) || de.Status != approval.StatusApproved {
			t.Errorf("second approval: %v", err)
		}
		if _, err := f.svc.Reject(ctx, carol, app, r.ID, ""); !errors.As(err, &de) {
			t.Errorf("rejection after approval: %v", err)
		}
		if _, err := f.svc.Approve(ctx, carol, "other-app", r.ID, ""); !errors.Is(err, approval.ErrNotFound) {
			t.Errorf("another app's request: %v", err)
		}
	})
}

func TestExpiredRequestCannotBeApproved(t *testing.T) {
	forDialects(t, func(t *testing.T, f *fixture) {
		r := f.request(t)
		f.clock.Add(24 * time.Hour) // exactly at expiry: too late; no sweeper has run
		if _, err := f.svc.Approve(ctx, bob, app, r.ID, ""); !errors.Is(err, approval.ErrExpired) {
			t.Fatalf("approve after expiry: %v", err)
		}
		if got := f.get(t, r.ID); got.Status != approval.StatusExpired || f.emu.UpdateCount(roomID) != 0 {
			t.Errorf("after: status %s, %d updates", got.Status, f.emu.UpdateCount(roomID))
		}
		var de *approval.DecidedError
		if _, err := f.svc.Approve(ctx, bob, app, r.ID, ""); !errors.As(err, &de) || de.Status != approval.StatusExpired {
			t.Errorf("approve again: %v", err)
		}
		if !slices.Equal(steps(f.links(t, r.ID)), []string{approval.StepCreate, approval.StepExpire}) {
			t.Errorf("links = %v", f.links(t, r.ID))
		}
		if n, _ := f.svc.Sweep(ctx); n != 0 {
			t.Errorf("sweep expired %d already expired requests", n)
		}
	})
}

func TestSweepExpiresDueRequestsOnce(t *testing.T) {
	forDialects(t, func(t *testing.T, f *fixture) {
		old := f.request(t)
		f.clock.Add(23 * time.Hour)
		fresh := f.request(t)
		if n, err := f.svc.Sweep(ctx); n != 0 || err != nil {
			t.Fatalf("sweep before expiry = %d, %v", n, err)
		}
		f.clock.Add(time.Hour)
		if n, err := f.svc.Sweep(ctx); n != 1 || err != nil {
			t.Fatalf("sweep = %d, %v; want 1", n, err)
		}
		if f.get(t, old.ID).Status != approval.StatusExpired || f.get(t, fresh.ID).Status != approval.StatusPending {
			t.Errorf("statuses: %s, %s", f.get(t, old.ID).Status, f.get(t, fresh.ID).Status)
		}
		page, _ := f.log.List(ctx, audit.Filter{Action: audit.ActionRequestExpire}, 0, 10)
		if len(page.Records) != 1 || page.Records[0].Entry.Actor != "system" || !strings.Contains(page.Records[0].Entry.Detail, old.Ref()) {
			t.Errorf("request.expire entries = %+v", page.Records)
		}
		if n, _ := f.svc.Sweep(ctx); n != 0 {
			t.Errorf("second sweep expired %d", n)
		}
	})
}

func TestChangedSinceRequestedStops(t *testing.T) {
	forDialects(t, func(t *testing.T, f *fixture) {
		r := f.request(t)
		r2, _ := f.svc.CreateRoom(ctx, alice, approval.RoomChange{App: app, RoomID: roomID, Reason: "cap for the event",
			Submitted: rooms.Form{"MaxMemberCount": {"300"}}, Original: rooms.Form{"MaxMemberCount": {"500"}}})
		// Someone renames the room and lowers its capacity another way.
		f.emu.PutRoom(emulator.Room{RoomID: roomID, RoomName: "Renamed", MaxMemberCount: 400, TakeSeatMode: "FreeToTake",
			Category: []int{1}, IsPublicVisible: true})
		// A field the request changes was changed since: it stops.
		d, err := f.svc.Approve(ctx, bob, app, r2.ID, "")
		if err != nil || d.Conflict == nil || d.Result != nil {
			t.Fatalf("approve a stale request = %+v, %v", d, err)
		}
		got := f.get(t, r2.ID)
		if got.Status != approval.StatusStale || !strings.Contains(got.Message, `Max members was "500" when requested and is now "400"`) {
			t.Errorf("stale request = %s %q", got.Status, got.Message)
		}
		if f.emu.UpdateCount(roomID) != 0 {
			t.Errorf("a stale request sent %d updates", f.emu.UpdateCount(roomID))
		}
		if !slices.Equal(steps(f.links(t, r2.ID)), []string{approval.StepCreate, approval.StepApprove, approval.StepStale}) {
			t.Errorf("links = %v", steps(f.links(t, r2.ID)))
		}
		// The first request's field still holds what alice saw (only
		// fields it does not touch changed): it applies.
		if d, err := f.svc.Approve(ctx, bob, app, r.ID, ""); err != nil || d.Result == nil || d.Result.Outcome != audit.OutcomeOK {
			t.Errorf("approve the other = %+v, %v", d, err)
		}
	})
}

func TestTwoApproversAtOnceOneWins(t *testing.T) {
	forDialects(t, func(t *testing.T, f *fixture) {
		for round := range 5 {
			r := f.request(t)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			start := make(chan struct{})
			for i, who := range []audit.Actor{bob, carol} {
				wg.Go(func() {
					<-start
					_, errs[i] = f.svc.Approve(ctx, who, app, r.ID, "")
				})
			}
			close(start)
			wg.Wait()
			won, lost := 0, 0
			for _, err := range errs {
				var de *approval.DecidedError
				switch {
				case err == nil:
					won++
				case errors.As(err, &de):
					lost++
				default:
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if won != 1 || lost != 1 {
				t.Fatalf("round %d: %d won, %d lost; want exactly one winner", round, won, lost)
			}
			if n := len(slices.DeleteFunc(steps(f.links(t, r.ID)), func(s string) bool { return s != approval.StepApprove })); n != 1 {
				t.Errorf("round %d: %d approve entries", round, n)
			}
			// Put the room back for the next round.
			room, _ := f.emu.Room(roomID)
			room.IsPublicVisible = true
			f.emu.PutRoom(room)
		}
		if n := f.emu.UpdateCount(roomID); n != 5 {
			t.Errorf("updates = %d, want one per round (5)", n)
		}
	})
}

func TestRejectAndCancel(t *testing.T) {
	forDialects(t, func(t *testing.T, f *fixture) {
		r := f.request(t)
		if _, err := f.svc.Reject(ctx, bob, app, r.ID, "not during the event"); err != nil {
			t.Fatal(err)
		}
		if got := f.get(t, r.ID); got.Status != approval.StatusRejected || got.Comment != "not during the event" || f.emu.UpdateCount(roomID) != 0 {
			t.Errorf("rejected = %+v", got)
		}
		r2 := f.request(t)
		if _, err := f.svc.Cancel(ctx, bob, app, r2.ID); !errors.Is(err, approval.ErrNotRequester) {
			t.Errorf("cancel by another: %v", err)
		}
		if _, err := f.svc.Cancel(ctx, alice, app, r2.ID); err != nil {
			t.Fatal(err)
		}
		if got := f.get(t, r2.ID); got.Status != approval.StatusCancelled {
			t.Errorf("cancelled = %s", got.Status)
		}
		if !slices.Equal(steps(f.links(t, r.ID)), []string{approval.StepCreate, approval.StepReject}) ||
			!slices.Equal(steps(f.links(t, r2.ID)), []string{approval.StepCreate, approval.StepCancel}) {
			t.Errorf("links = %v, %v", steps(f.links(t, r.ID)), steps(f.links(t, r2.ID)))
		}
		list, _ := f.svc.List(ctx, approval.Filter{App: app, Status: approval.StatusRejected}, 10)
		if len(list) != 1 || list[0].ID != r.ID {
			t.Errorf("rejected filter = %v", list)
		}
		if list, _ := f.svc.List(ctx, approval.Filter{App: app, RequestedBy: "bob"}, 10); len(list) != 0 {
			t.Errorf("requested-by filter = %v", list)
		}
	})
}

func TestApprovedBulkRequestStartsTheJob(t *testing.T) {
	forDialects(t, func(t *testing.T, f *fixture) {
		plan := bulk.Plan{Source: "pasted list", Common: rooms.Form{"RoomName": {"Sale"}}}
		for i, id := range []string{roomID, "live_ap_2", "live_ap_3"} {
			plan.Rows = append(plan.Rows, bulk.Row{Line: i + 1, RoomID: id, Fields: plan.Common})
		}
		r, err := f.svc.CreateJob(ctx, alice, app, plan, "spring sale")
		if err != nil || r.RoomCount != 3 || r.Kind != approval.KindBulk {
			t.Fatalf("create = %+v, %v", r, err)
		}
		if jobs, _ := f.bulk.Recent(ctx, 10); len(jobs) != 0 {
			t.Fatalf("a job started before approval: %v", jobs)
		}
		d, err := f.svc.Approve(ctx, bob, app, r.ID, "")
		if err != nil || d.Err != nil || d.Request.JobID == 0 {
			t.Fatalf("approve = %+v, %v", d, err)
		}
		job, err := f.bulk.Job(ctx, d.Request.JobID)
		if err != nil || job.CreatedBy != "bob" || job.Total != 3 {
			t.Errorf("job = %+v, %v", job, err)
		}
		if !slices.Equal(steps(f.links(t, r.ID)), []string{approval.StepCreate, approval.StepApprove, approval.StepJob}) {
			t.Errorf("links = %v", steps(f.links(t, r.ID)))
		}
	})
}

// BenchmarkRequestAndApprove is a room change requested and approved
// (create, approve, re-read, intent, update_room_info, result) on SQLite
// against the emulator over loopback.
func BenchmarkRequestAndApprove(b *testing.B) {
	for _, d := range dbtest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			f := newFixture(b, d)
			for b.Loop() {
				r, err := f.svc.CreateRoom(ctx, alice, hideRoom("bench"))
				if err != nil {
					b.Fatal(err)
				}
				if d, err := f.svc.Approve(ctx, bob, app, r.ID, ""); err != nil || d.Result == nil || d.Result.Outcome != audit.OutcomeOK {
					b.Fatalf("%+v %v", d, err)
				}
				room, _ := f.emu.Room(roomID)
				room.IsPublicVisible = true
				f.emu.PutRoom(room)
			}
		})
	}
}
