package e2e

import (
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mxschmitt/playwright-go"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// Scenario 9: an auditor's path through the log: filter by room and
// outcome, open an entry (before/after, RequestId), and export the filtered
// view as CSV holding that RequestId.
func TestAuditFilterShowExport(t *testing.T) {
	p := newPage(t)
	p.login(user(t, auth.RoleOperator))
	const id = "live_1047"
	restoreRoom(t, id)
	before := room(t, id)

	// Two edits of the room: one Tencent refuses, one it applies.
	p.openRoom(id)
	p.must(p.field("Notice").Fill("Refused notice"))
	injectFaults(t, func(e *emulator.Emulator) { e.FailNext(cmdUpdate, 1, tencent.CodeRoomNotFound) })
	p.submitEdit()
	p.must(p.expect(p.byTestID("result-panel")).ToHaveAttribute("data-outcome", "failed"))
	failedID := p.textOf(p.byTestID("result-panel").GetByTestId("request-id"))

	p.must(p.field("Notice").Fill("Audited notice 审计"))
	p.submitEdit()
	p.must(p.expect(p.byTestID("result-panel")).ToHaveAttribute("data-outcome", "ok"))
	okID := p.textOf(p.byTestID("result-panel").GetByTestId("request-id"))

	// Filter by room and outcome.
	p.gotoPath("/audit")
	p.must(p.field("Room").Fill(id))
	_, err := p.field("Outcome").SelectOption(playwright.SelectOptionValues{Values: &[]string{"ok"}})
	p.must(err)
	p.must(p.byTestID("audit-filter-form").GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Apply filters"}).Click())
	p.must(p.expectPage().ToHaveURL(regexp.MustCompile(`/audit\?outcome=ok&room=live_1047$`)))
	rows := p.byTestID("audit-results").GetByTestId("audit-row")
	p.must(p.expect(rows).ToHaveCount(1))
	p.must(p.expect(rows.GetByTestId("outcome")).ToHaveAttribute("data-outcome", "ok"))
	p.must(p.expect(rows.GetByTestId("request-id")).ToHaveText(okID))
	p.must(p.expect(p.byTestID("audit-results")).Not().ToContainText(failedID))

	// The filtered view's CSV holds the applied edit, not the refused one.
	dl, err := p.ExpectDownload(func() error { return p.byTestID("export-csv").Click() })
	p.must(err)
	path, err := dl.Path()
	p.must(err)
	csv, err := os.ReadFile(path)
	p.must(err)
	if !strings.Contains(string(csv), okID) || !strings.Contains(string(csv), id) {
		t.Errorf("exported CSV lacks RequestId %s or room %s:\n%s", okID, id, csv)
	}
	if strings.Contains(string(csv), failedID) {
		t.Errorf("exported CSV holds the refused edit's RequestId %s, which the filter excludes", failedID)
	}
	if !strings.HasSuffix(dl.SuggestedFilename(), ".csv") {
		t.Errorf("download named %q, want a .csv", dl.SuggestedFilename())
	}

	// One entry in full: before/after of the changed field and Tencent's RequestId.
	p.must(rows.GetByRole("link", playwright.LocatorGetByRoleOptions{Name: "Entry "}).Click())
	detail := p.byTestID("entry-detail")
	p.must(p.expect(detail.GetByTestId("outcome")).ToHaveAttribute("data-outcome", "ok"))
	p.must(p.expect(detail).ToContainText(id))
	change := p.Locator(`[data-testid=change-row][data-field=Notice]`)
	p.must(p.expect(change.Locator(".before")).ToHaveText(jsonString(before.Notice)))
	p.must(p.expect(change.Locator(".after")).ToHaveText(`"Audited notice 审计"`))
	p.must(p.expect(p.byTestID("tencent-answer").GetByTestId("request-id")).ToHaveText(okID))
	p.must(p.expect(p.byTestID("exact-body")).ToHaveText(`{"RoomInfo":{"RoomId":"live_1047","Notice":"Audited notice 审计"}}`, playwright.LocatorAssertionsToHaveTextOptions{}))
}

// textOf is a locator's text once it has some.
func (p *page) textOf(l playwright.Locator) string {
	p.t.Helper()
	p.must(p.expect(l).ToHaveText(regexp.MustCompile(`\S`)))
	s, err := l.TextContent()
	p.must(err)
	return strings.TrimSpace(s)
}

// jsonString is s as a JSON string literal, as the audit page shows values.
func jsonString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

// The chain state on /audit: after a checkpoint, the page says the log is
// verified against it and shows the public key; an entry under it says it
// is covered, one written after it says it is not yet.
func TestAuditChainState(t *testing.T) {
	p := newPage(t)
	p.login(user(t, auth.RoleOperator))
	const id = "live_1048"
	restoreRoom(t, id)
	p.openRoom(id)
	p.must(p.field("Notice").Fill("Before the checkpoint"))
	p.submitEdit()
	p.must(p.expect(p.byTestID("result-panel")).ToHaveAttribute("data-outcome", "ok"))
	coveredID := p.textOf(p.byTestID("result-panel").GetByTestId("request-id"))

	// The server's periodic checkpoint, run now rather than in 5 minutes.
	cp, _, err := env.Checkpoints.Checkpoint(context.Background(), true)
	p.must(err)

	p.must(p.field("Notice").Fill("After the checkpoint"))
	p.submitEdit()
	p.must(p.expect(p.byTestID("result-panel")).ToHaveAttribute("data-outcome", "ok"))
	laterID := p.textOf(p.byTestID("result-panel").GetByTestId("request-id"))

	p.gotoPath("/audit")
	state := p.byTestID("chain-state")
	p.must(p.expect(state).ToHaveAttribute("data-consistent", "true"))
	p.must(p.expect(state.GetByTestId("chain-verdict")).ToContainText("Verified"))
	p.must(p.expect(state.GetByTestId("checkpoint-key")).ToHaveText(env.Checkpoints.Key.Public))
	p.must(p.expect(state.GetByTestId("checkpoint-size")).ToHaveText(strconv.FormatInt(cp.Tree.N, 10)))

	for _, tc := range []struct{ requestID, want string }{
		{coveredID, "Covered by the signed checkpoint"},
		{laterID, "Not yet covered"},
	} {
		p.gotoPath("/audit?request_id=" + tc.requestID)
		p.must(p.byTestID("audit-results").GetByRole("link", playwright.LocatorGetByRoleOptions{Name: "Entry "}).Click())
		p.must(p.expect(p.byTestID("entry-covered")).ToContainText(tc.want))
	}
}
