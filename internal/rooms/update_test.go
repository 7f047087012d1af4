package rooms_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/callgate"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

func TestUpdateSendsExactlyTheChangedFields(t *testing.T) {
	tests := []struct {
		name  string
		kv    []any
		body  string
		check func(emulator.Room) bool
	}{
		{"rename", []any{"RoomName", "Saturday Karaoke 🎤"},
			`{"RoomInfo":{"RoomId":"live_test_1","RoomName":"Saturday Karaoke 🎤"}}`,
			func(r emulator.Room) bool { return r.RoomName == "Saturday Karaoke 🎤" }},
		{"mute and recategorise", []any{"IsMessageDisabled", "true", "Category", []string{"3", "", "1"}},
			`{"RoomInfo":{"RoomId":"live_test_1","IsMessageDisabled":true,"Category":[3,1]}}`,
			func(r emulator.Room) bool { return r.IsMessageDisabled && len(r.Category) == 2 && r.Category[0] == 3 }},
		{"clear categories and cover", []any{"Category", []string{"", "", ""}, "CoverURL", ""},
			`{"RoomInfo":{"RoomId":"live_test_1","CoverURL":"","Category":[]}}`,
			func(r emulator.Room) bool { return r.CoverURL == "" && len(r.Category) == 0 }},
		{"hide, seat mode, status, members", []any{"IsPublicVisible", "false", "TakeSeatMode", "ApplyToTake",
			"ActivityStatus", "-7", "MaxMemberCount", "2147483647"},
			`{"RoomInfo":{"RoomId":"live_test_1","MaxMemberCount":2147483647,"ActivityStatus":-7,"IsPublicVisible":false,"TakeSeatMode":"ApplyToTake"}}`,
			func(r emulator.Room) bool { return !r.IsPublicVisible && r.TakeSeatMode == "ApplyToTake" }},
		{"notice with CRLF and HTML", []any{"Notice", "  <b>Tonight</b> & 8pm\r\n今晚  "},
			`{"RoomInfo":{"RoomId":"live_test_1","Notice":"\u003cb\u003eTonight\u003c/b\u003e \u0026 8pm\n今晚"}}`,
			func(r emulator.Room) bool { return r.Notice == "<b>Tonight</b> & 8pm\n今晚" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			orig := f.rendered(t)
			res, err := f.svc.Update(context.Background(), actor, roomID, browser(edit(orig, tc.kv...)), orig)
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != audit.OutcomeOK || res.RequestID == "" || res.IntentSeq == 0 || res.Attempts != 1 {
				t.Fatalf("result = %+v", res)
			}
			if got := f.sent(); len(got) != 1 || got[0] != tc.body {
				t.Fatalf("sent %q\nwant %q", got, tc.body)
			}
			if r, _ := f.emu.Room(roomID); !tc.check(r) {
				t.Errorf("emulator room not updated: %+v", r)
			}
			recs := f.records(t)
			if len(recs) != 1 || recs[0].Entry.RequestBody != tc.body || recs[0].Outcome() != audit.OutcomeOK ||
				recs[0].Result.RequestID != res.RequestID || recs[0].Entry.Actor != "olga" {
				t.Fatalf("audit = %+v", recs)
			}
			// The form after success shows the new state, so a second edit works.
			if got := rooms.FormFromRoom(*res.Room); !equalForms(got, res.Form) || !equalForms(got, res.Original) {
				t.Errorf("next form %v / original %v, want %v", res.Form, res.Original, got)
			}
		})
	}
}

func TestSecondEditFromTheResultForm(t *testing.T) {
	f := newFixture(t)
	orig := f.rendered(t)
	res, err := f.svc.Update(context.Background(), actor, roomID, edit(orig, "RoomName", "One"), orig)
	if err != nil || res.Outcome != audit.OutcomeOK {
		t.Fatal(res, err)
	}
	res, err = f.svc.Update(context.Background(), actor, roomID, edit(res.Form, "Notice", "Two"), res.Original)
	if err != nil || res.Outcome != audit.OutcomeOK {
		t.Fatalf("second edit: %+v, %v", res, err)
	}
	want := `{"RoomInfo":{"RoomId":"live_test_1","Notice":"Two"}}`
	if got := f.sent(); len(got) != 2 || got[1] != want {
		t.Fatalf("sent %q", got)
	}
	if len(res.Changes) != 1 || res.Changes[0] != (rooms.Change{Field: "Notice", Before: "Be kind", After: "Two"}) {
		t.Errorf("changes = %+v", res.Changes)
	}
}

func TestNothingChangedSendsNothing(t *testing.T) {
	f := newFixture(t)
	orig := f.rendered(t)
	reads := f.emu.Calls(tencent.CmdGetRoomInfo)
	// Whitespace and the browser's shape of the same values are no change.
	res, err := f.svc.Update(context.Background(), actor, roomID, browser(edit(orig, "RoomName", " Friday Karaoke ")), orig)
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != rooms.OutcomeNothing || res.IntentSeq != 0 {
		t.Fatalf("result = %+v", res)
	}
	if f.emu.Calls(tencent.CmdUpdateRoomInfo) != 0 || f.emu.Calls(tencent.CmdGetRoomInfo) != reads || len(f.records(t)) != 0 {
		t.Fatal("something was sent or audited")
	}
}

func TestTencentRefusalIsAFailedResult(t *testing.T) {
	for _, code := range []int{tencent.CodeRoomNotFound, tencent.CodeNotPermitted} {
		t.Run(tencent.Describe(code).Meaning, func(t *testing.T) {
			f := newFixture(t)
			orig := f.rendered(t)
			f.emu.FailNext(tencent.CmdUpdateRoomInfo, 1, code)
			res, err := f.svc.Update(context.Background(), actor, roomID, edit(orig, "RoomName", "X"), orig)
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != audit.OutcomeFailed || res.ErrorCode != code || res.RequestID == "" ||
				res.Meaning != tencent.Describe(code).Meaning || res.Meaning == "" || res.ErrorInfo == "" {
				t.Fatalf("result = %+v", res)
			}
			recs := f.records(t)
			if len(recs) != 1 || recs[0].Outcome() != audit.OutcomeFailed || recs[0].Result.ErrorCode != code ||
				recs[0].Result.RequestID != res.RequestID || recs[0].Result.ActionStatus != "FAIL" {
				t.Fatalf("audit = %+v", recs)
			}
			// The operator's value stays in the form for another try.
			if res.Form.Get("RoomName") != "X" || res.Original.Get("RoomName") != "Friday Karaoke" {
				t.Errorf("form %v original %v", res.Form, res.Original)
			}
		})
	}
}

func TestConcurrentEditIsAConflict(t *testing.T) {
	f := newFixture(t)
	orig := f.rendered(t)
	// Someone else renames the room and edits the notice after our form opened.
	r, _ := f.emu.Room(roomID)
	r.RoomName, r.Notice = "Renamed elsewhere", "New notice"
	f.emu.PutRoom(r)

	mine := edit(orig, "RoomName", "Mine", "MaxMemberCount", "500")
	_, err := f.svc.Update(context.Background(), actor, roomID, mine, orig)
	var ce *rooms.ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want conflict", err)
	}
	want := rooms.Conflict{Field: "RoomName", Original: "Friday Karaoke", Theirs: "Renamed elsewhere", Yours: "Mine"}
	if len(ce.Conflicts) != 1 || ce.Conflicts[0] != want {
		t.Fatalf("conflicts = %+v", ce.Conflicts)
	}
	if f.emu.Calls(tencent.CmdUpdateRoomInfo) != 0 || len(f.records(t)) != 0 {
		t.Fatal("a conflicting edit was sent or audited")
	}
	// The re-rendered form keeps my values and the other edit (Notice) untouched.
	if ce.Form.Get("RoomName") != "Mine" || ce.Form.Get("MaxMemberCount") != "500" || ce.Form.Get("Notice") != "New notice" {
		t.Fatalf("re-rendered form = %v", ce.Form)
	}
	res, err := f.svc.Update(context.Background(), actor, roomID, ce.Form, ce.Original)
	if err != nil || res.Outcome != audit.OutcomeOK {
		t.Fatalf("re-apply: %+v %v", res, err)
	}
	body := `{"RoomInfo":{"RoomId":"live_test_1","RoomName":"Mine","MaxMemberCount":500}}`
	if got := f.sent(); len(got) != 1 || got[0] != body {
		t.Fatalf("sent %q", got)
	}
	if r, _ := f.emu.Room(roomID); r.Notice != "New notice" {
		t.Errorf("the other edit was reverted: %q", r.Notice)
	}
}

func TestSameChangeMadeElsewhereSendsNothing(t *testing.T) {
	f := newFixture(t)
	orig := f.rendered(t)
	r, _ := f.emu.Room(roomID)
	r.RoomName = "Same"
	f.emu.PutRoom(r)
	res, err := f.svc.Update(context.Background(), actor, roomID, edit(orig, "RoomName", "Same"), orig)
	if err != nil || res.Outcome != rooms.OutcomeNothing || f.emu.Calls(tencent.CmdUpdateRoomInfo) != 0 {
		t.Fatalf("%+v %v", res, err)
	}
}

func TestIntentWriteFailureSendsNothing(t *testing.T) {
	f := newFixture(t)
	orig := f.rendered(t)
	f.log.FailAppends(audit.KindIntent)
	_, err := f.svc.Update(context.Background(), actor, roomID, edit(orig, "RoomName", "X"), orig)
	if !errors.Is(err, rooms.ErrAuditUnavailable) {
		t.Fatalf("err = %v", err)
	}
	if f.emu.Calls(tencent.CmdUpdateRoomInfo) != 0 {
		t.Fatal("Tencent was called without a recorded intent")
	}
	if strings.Join(f.audit, ",") != "intent:failed" {
		t.Errorf("OnAuditWrite calls = %v", f.audit)
	}
}

func TestResultWriteFailureStillAnswers(t *testing.T) {
	f := newFixture(t)
	orig := f.rendered(t)
	f.log.FailAppends(audit.KindResult)
	res, err := f.svc.Update(context.Background(), actor, roomID, edit(orig, "RoomName", "X"), orig)
	if err != nil || res.Outcome != audit.OutcomeOK || res.Warning == "" || res.RequestID == "" {
		t.Fatalf("%+v %v", res, err)
	}
	recs := f.records(t)
	if len(recs) != 1 || recs[0].Result != nil || recs[0].Outcome() != audit.OutcomeUnknown {
		t.Fatalf("audit = %+v", recs)
	}
	if strings.Join(f.audit, ",") != "intent:ok,result:failed" {
		t.Errorf("OnAuditWrite calls = %v", f.audit)
	}
}

func TestNoAnswerIsOutcomeUnknown(t *testing.T) {
	tests := []struct {
		name   string
		inject func(*fixture)
	}{
		{"dropped connection", func(f *fixture) { f.emu.DropNext(tencent.CmdUpdateRoomInfo, 5) }},
		// Every update is held and never answered: each attempt ends by the
		// client's own timeout.
		{"timeout", func(f *fixture) {
			f.gate.Hold(func(c callgate.Call) bool { return c.Command == tencent.CmdUpdateRoomInfo })
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			orig := f.rendered(t)
			tc.inject(f)
			res, err := f.svc.Update(context.Background(), actor, roomID, edit(orig, "RoomName", "X"), orig)
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != audit.OutcomeUnknown || res.IntentSeq == 0 || res.Attempts != 2 ||
				!strings.Contains(res.Message, "may or may not have been applied") {
				t.Fatalf("result = %+v", res)
			}
			recs := f.records(t)
			if len(recs) != 1 || recs[0].Entry.Seq != res.IntentSeq || recs[0].Outcome() != audit.OutcomeUnknown ||
				recs[0].Result == nil || recs[0].Result.Detail == "" {
				t.Fatalf("audit = %+v", recs)
			}
			if d := recs[0].Result.Detail; strings.Count(d, "usersig=") != strings.Count(d, "usersig=REDACTED") {
				t.Errorf("detail leaks the signed URL: %s", recs[0].Result.Detail)
			}
		})
	}
}

// TestCancelledRequestStillRecordsTheOutcome: the operator's request is
// cancelled (the browser went away) while Tencent's call is in flight. The
// call must run on without the request's cancellation and its answer be
// recorded: otherwise the log says "unknown" for an answer we had, or, if
// the call were cut, Tencent may apply a change nobody sees the result of.
func TestCancelledRequestStillRecordsTheOutcome(t *testing.T) {
	f := newFixture(t)
	orig := f.rendered(t)
	first := true
	f.gate.Hold(func(c callgate.Call) bool {
		hold := first && c.Command == tencent.CmdUpdateRoomInfo
		first = first && !hold
		return hold
	})
	ctx, cancel := context.WithCancel(context.Background())
	type answer struct {
		res rooms.Result
		err error
	}
	done := make(chan answer, 1)
	go func() {
		res, err := f.svc.Update(ctx, actor, roomID, edit(orig, "RoomName", "Cancelled mid-call"), orig)
		done <- answer{res, err}
	}()
	held := <-f.gate.Held() // the update is at Tencent's door
	cancel()
	held.Forward()
	a := <-done
	if a.err != nil || a.res.Outcome != audit.OutcomeOK || a.res.RequestID == "" || a.res.Warning != "" {
		t.Fatalf("result after the request was cancelled: outcome %q, request id %q, warning %q, err %v",
			a.res.Outcome, a.res.RequestID, a.res.Warning, a.err)
	}
	if r, _ := f.emu.Room(roomID); r.RoomName != "Cancelled mid-call" || f.emu.UpdateCount(roomID) != 1 {
		t.Fatalf("room %q, %d updates", r.RoomName, f.emu.UpdateCount(roomID))
	}
	recs := f.records(t)
	if len(recs) != 1 || recs[0].Result == nil || recs[0].Outcome() != audit.OutcomeOK ||
		recs[0].Result.RequestID != a.res.RequestID {
		t.Fatalf("audit = %+v", recs)
	}
	if strings.Join(f.audit, ",") != "intent:ok,result:ok" {
		t.Errorf("OnAuditWrite calls = %v", f.audit)
	}
}

// TestChangesReadAsTheOperatorDoes: the result lists each changed field
// as the operator reads it (a checkbox's "false, true" is "true"), not as
// the form sent it.
func TestChangesReadAsTheOperatorDoes(t *testing.T) {
	f := newFixture(t)
	orig := f.rendered(t)
	res, err := f.svc.Update(context.Background(), actor, roomID,
		browser(edit(orig, "IsMessageDisabled", "true", "Category", []string{"3", "", "1"})), orig)
	if err != nil || res.Outcome != audit.OutcomeOK {
		t.Fatalf("%+v %v", res, err)
	}
	want := []rooms.Change{{Field: "IsMessageDisabled", Before: "false", After: "true"}, {Field: "Category", Before: "1, 2", After: "3, 1"}}
	if fmt.Sprint(res.Changes) != fmt.Sprint(want) {
		t.Errorf("changes %v, want %v", res.Changes, want)
	}
}

// TestRefusedBeforeSendingKeepsTheBody: an update the client refuses
// before anything leaves the process (here the pace: the next slot lies
// past the call's deadline) is a failed result whose row still holds the
// exact body the intent recorded.
func TestRefusedBeforeSendingKeepsTheBody(t *testing.T) {
	f := newFixture(t, func(c *tencent.Config) { c.Rates[tencent.CmdUpdateRoomInfo] = 1e-6 })
	orig := f.rendered(t)
	if _, err := f.svc.Update(context.Background(), actor, roomID, edit(orig, "RoomName", "First"), orig); err != nil {
		t.Fatal(err) // takes the one slot there is
	}
	orig = f.rendered(t)
	res, err := f.svc.Update(context.Background(), actor, roomID, edit(orig, "RoomName", "Second"), orig)
	if err != nil || res.Outcome != audit.OutcomeFailed || res.Attempts != 0 || f.emu.Calls(tencent.CmdUpdateRoomInfo) != 1 {
		t.Fatalf("refused by the pace: %+v %v, %d calls", res, err, f.emu.Calls(tencent.CmdUpdateRoomInfo))
	}
	recs := f.records(t)
	if len(recs) != 2 || recs[0].Result == nil || recs[0].Entry.RequestBody == "" ||
		recs[0].Result.RequestBody != recs[0].Entry.RequestBody {
		t.Fatalf("audit = %+v", recs)
	}
}

// TestUnchangedFieldWithBlankInputs: a field outside the rules (a category
// beyond 32 bits, set elsewhere), rendered as one value and submitted by the
// browser as three inputs, two blank, is unchanged: it neither blocks the
// edit nor is sent.
func TestUnchangedFieldWithBlankInputs(t *testing.T) {
	f := newFixture(t)
	r := baseRoom()
	r.Category = []int{3000000000}
	f.emu.PutRoom(r)
	orig := f.rendered(t)
	orig[rooms.FieldCategory] = []string{"3000000000"}
	sub := edit(orig, "RoomName", "Ok", "Category", []string{"3000000000", "", ""})
	res, err := f.svc.Update(context.Background(), actor, roomID, sub, orig)
	if err != nil || res.Outcome != audit.OutcomeOK {
		t.Fatalf("%+v %v", res, err)
	}
	if got := f.sent(); len(got) != 1 || got[0] != `{"RoomInfo":{"RoomId":"live_test_1","RoomName":"Ok"}}` {
		t.Fatalf("sent %q", got)
	}
}

func TestValuesOutsideTheRulesDoNotBlockOtherEdits(t *testing.T) {
	f := newFixture(t)
	r := baseRoom()
	r.Category, r.MaxMemberCount = []int{2, 2}, 0 // set by some other tool
	f.emu.PutRoom(r)
	orig := f.rendered(t)
	res, err := f.svc.Update(context.Background(), actor, roomID, browser(edit(orig, "RoomName", "Ok")), orig)
	if err != nil || res.Outcome != audit.OutcomeOK {
		t.Fatalf("%+v %v", res, err)
	}
	if got := f.sent(); got[0] != `{"RoomInfo":{"RoomId":"live_test_1","RoomName":"Ok"}}` {
		t.Fatalf("sent %q", got)
	}
}

func TestReReadFailures(t *testing.T) {
	f := newFixture(t)
	orig := f.rendered(t)
	f.emu.DeleteRoom(roomID)
	_, err := f.svc.Update(context.Background(), actor, roomID, edit(orig, "RoomName", "X"), orig)
	var ae *tencent.APIError
	if !errors.Is(err, rooms.ErrRoomNotFound) || !errors.As(err, &ae) || ae.Code != tencent.CodeRoomNotFound {
		t.Fatalf("err = %v", err)
	}
	f.emu.PutRoom(baseRoom())
	f.emu.DropNext(tencent.CmdGetRoomInfo, 5)
	_, err = f.svc.Update(context.Background(), actor, roomID, edit(orig, "RoomName", "X"), orig)
	if !errors.Is(err, tencent.ErrUnreachable) {
		t.Fatalf("err = %v", err)
	}
	if f.emu.Calls(tencent.CmdUpdateRoomInfo) != 0 {
		t.Fatal("sent without a successful re-read")
	}
	// Both attempts are on record, as refused (nothing was sent): the
	// dismissed room with the read's code and RequestId, then the
	// unreachable one.
	recs := f.records(t)
	if len(recs) != 2 {
		t.Fatalf("audit = %s, want two refused attempts", describeRecords(recs))
	}
	dismissed, dropped := recs[1].Entry, recs[0].Entry
	if dismissed.Kind != audit.KindEvent || dismissed.Action != audit.ActionRoomUpdate || dismissed.RoomID != roomID ||
		dismissed.Outcome != audit.OutcomeFailed || dismissed.ErrorCode != 100004 || dismissed.RequestID != ae.RequestID ||
		dismissed.RequestID == "" || dismissed.Actor != "olga" || len(dismissed.Changes) != 1 ||
		dismissed.Changes[0].Field != "RoomName" || dismissed.Changes[0].After != `"X"` {
		t.Errorf("refused re-read entry = %+v", dismissed)
	}
	if dropped.Outcome != audit.OutcomeFailed || dropped.RoomID != roomID || !strings.Contains(dropped.Detail, "unreachable") {
		t.Errorf("unreachable re-read entry = %+v", dropped)
	}
}

func describeRecords(rs []audit.Record) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.Entry.Action + "/" + r.Outcome() + " ")
	}
	return b.String()
}

// TestOutcomeTable drives every row of the outcome table (docs/AUDIT.md)
// with the emulator answering the code on every attempt, so the client's
// retries run out on it: "failed" only when Tencent said it did not apply
// the change, "unknown" when it may have, and never "not changed" then.
func TestOutcomeTable(t *testing.T) {
	rows := []struct {
		code    int
		outcome string
	}{
		{100002, audit.OutcomeFailed},  // bad parameter
		{100004, audit.OutcomeFailed},  // room dismissed
		{100006, audit.OutcomeFailed},  // not allowed
		{100012, audit.OutcomeFailed},  // rate limited: refused
		{60006, audit.OutcomeFailed},   // SDKAppID invalid
		{70001, audit.OutcomeFailed},   // UserSig expired (re-signed, still refused)
		{70009, audit.OutcomeFailed},   // signature verification failed
		{60010, audit.OutcomeFailed},   // not an App Administrator
		{70403, audit.OutcomeFailed},   // needs an App Administrator
		{60008, audit.OutcomeUnknown},  // REST timeout
		{70169, audit.OutcomeUnknown},  // internal error, retry
		{70202, audit.OutcomeUnknown},  // internal error, retry
		{70500, audit.OutcomeUnknown},  // another internal 70xxx
		{100001, audit.OutcomeUnknown}, // live service internal error
		{91000, audit.OutcomeUnknown},  // internal error
		{70999, audit.OutcomeUnknown},  // not in Tencent's documentation
	}
	for _, row := range rows {
		t.Run(strconv.Itoa(row.code), func(t *testing.T) {
			f := newFixture(t)
			orig := f.rendered(t)
			f.emu.FailNext(tencent.CmdUpdateRoomInfo, 10, row.code)
			res, err := f.svc.Update(context.Background(), actor, roomID, edit(orig, "RoomName", "X"), orig)
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != row.outcome || res.ErrorCode != row.code || res.RequestID == "" {
				t.Fatalf("result = %+v, want %s with code %d", res, row.outcome, row.code)
			}
			if rooms.OutcomeOf(tencent.Meta{}, &tencent.APIError{Code: row.code}) != row.outcome {
				t.Errorf("OutcomeOf(%d) disagrees with Update", row.code)
			}
			notChanged := strings.Contains(res.Message, "not changed")
			if row.outcome == audit.OutcomeUnknown && (notChanged || !strings.Contains(res.Message, "re-read the room")) {
				t.Errorf("unknown outcome told the operator %q", res.Message)
			}
			if row.outcome == audit.OutcomeFailed && !notChanged {
				t.Errorf("failed outcome told the operator %q", res.Message)
			}
			recs := f.records(t)
			if len(recs) != 1 || recs[0].Outcome() != row.outcome || recs[0].Result.ErrorCode != row.code ||
				recs[0].Result.RequestID != res.RequestID {
				t.Fatalf("audit = %s", describeRecords(recs))
			}
		})
	}
}

func equalForms(a, b rooms.Form) bool {
	for _, f := range rooms.Fields {
		if strings.Join(a[f], "\x00") != strings.Join(b[f], "\x00") {
			return false
		}
	}
	return true
}

// TestUpdateWhile: meanwhile sees the result as Update returns it (the
// console sends what it rendered there), except the Warning of a result
// row that could not be written, which only the returned result has; it is
// not called when nothing was sent.
func TestUpdateWhile(t *testing.T) {
	for _, failResult := range []bool{false, true} {
		f := newFixture(t)
		orig := f.rendered(t)
		if failResult {
			f.log.FailAppends(audit.KindResult)
		}
		var seen []rooms.Result
		res, err := f.svc.UpdateWhile(context.Background(), actor, roomID, edit(orig, "RoomName", "X"), orig,
			func(r rooms.Result) { seen = append(seen, r) })
		if err != nil || len(seen) != 1 {
			t.Fatalf("fail result %v: %v, meanwhile called %d times", failResult, err, len(seen))
		}
		early := seen[0]
		if early.Warning != "" {
			t.Errorf("fail result %v: meanwhile saw a warning: %q", failResult, early.Warning)
		}
		if (res.Warning != "") != failResult {
			t.Errorf("fail result %v: returned warning %q", failResult, res.Warning)
		}
		early.Warning = res.Warning
		if !reflect.DeepEqual(early, res) {
			t.Errorf("fail result %v: meanwhile saw\n%+v\nUpdate returned\n%+v", failResult, early, res)
		}
		if early.Outcome != audit.OutcomeOK || early.Room == nil || early.Room.RoomName != "X" || early.IntentSeq == 0 {
			t.Errorf("fail result %v: meanwhile saw %+v", failResult, early)
		}
	}

	f := newFixture(t)
	orig := f.rendered(t)
	called := false
	meanwhile := func(rooms.Result) { called = true }
	if res, err := f.svc.UpdateWhile(context.Background(), actor, roomID, orig, orig, meanwhile); err != nil || res.Outcome != rooms.OutcomeNothing {
		t.Fatalf("no change: %+v %v", res, err)
	}
	if _, err := f.svc.UpdateWhile(context.Background(), actor, "no_such_room", edit(orig, "RoomName", "X"), orig, meanwhile); err == nil {
		t.Fatal("an unknown room was updated")
	}
	if called {
		t.Error("meanwhile was called for an edit that sent nothing")
	}
}
