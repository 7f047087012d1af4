package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"

	"github.com/roomdesk/roomdesk/internal/approval"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
)

// Scenario (issue 15): four eyes. In Demo SG, whose policy says unlisting a
// room needs a second person, operator A asks to hide a room (with a
// reason) in one browser context and cannot approve it; operator B, in a
// second context, approves it; the room changes at Tencent, and the
// request, the approval and the room update link to one another.
func TestFourEyesHideRoom(t *testing.T) {
	const app, roomID = "demo-sg", "live_1040"
	ctx := context.Background()
	setPolicy := func(fields ...string) {
		t.Helper()
		if _, err := env.Approvals.SetPolicy(ctx, audit.Actor{Name: "e2e", Role: "admin"},
			approval.Policy{App: app, Fields: fields, Expiry: 24 * time.Hour}); err != nil {
			t.Fatal(err)
		}
	}
	setPolicy("IsPublicVisible")
	t.Cleanup(func() { setPolicy() })
	sg := env.Emulators[app]
	restoreIn(t, sg, roomID)
	r, _ := sg.Room(roomID)
	r.IsPublicVisible = true
	sg.PutRoom(r)

	a, b := newPage(t), newPage(t) // two browser contexts: two people
	nameA, nameB := user(t, auth.RoleOperator), user(t, auth.RoleOperator)

	// A hides the room: the field is marked, a reason is asked for, and
	// the save becomes a request; nothing reaches Tencent.
	a.login(nameA)
	a.gotoPath("/apps/" + app + "/rooms/" + roomID)
	a.must(a.expect(a.byTestID("guarded-IsPublicVisible")).ToBeVisible())
	a.must(a.field("List the room publicly (in the live room list)").Uncheck())
	a.must(a.field("Reason for approval").Fill("Sponsor asked to hide it until the show starts"))
	a.submitEdit()
	panel := a.byTestID("requested-panel")
	a.must(a.expect(panel).ToBeVisible())
	a.must(a.expect(panel.Locator(`[data-testid=change-row][data-field=IsPublicVisible]`)).ToHaveCount(1))
	if r, _ := sg.Room(roomID); !r.IsPublicVisible || sg.UpdateCount(roomID) != 0 {
		t.Fatal("the room changed before anyone approved")
	}
	a.must(a.byTestID("requested-link").Click())
	a.must(a.expectPage().ToHaveURL(regexp.MustCompile(`/apps/demo-sg/requests/\d+$`)))
	reqPath := strings.TrimPrefix(a.URL(), env.URL)
	ref := a.textOf(a.byTestID("request-ref"))
	a.must(a.expect(a.byTestID("request-status")).ToHaveText("Pending"))

	// A cannot approve it: no button, and a forged approval is refused.
	a.must(a.expect(a.byTestID("approve")).ToHaveCount(0))
	a.must(a.expect(a.byTestID("request-own")).ToBeVisible())
	token, err := a.Locator(`input[name=_csrf]`).First().InputValue()
	a.must(err)
	resp, err := a.Context().Request().Post(env.URL+reqPath+"/approve", playwright.APIRequestContextPostOptions{
		Form: map[string]any{"_csrf": token, "comment": "fine by me"}})
	a.must(err)
	body, _ := resp.Text()
	if resp.Status() != 409 || !strings.Contains(body, "you cannot approve it") {
		t.Fatalf("A's own approval: %d %s", resp.Status(), body)
	}
	if r, _ := sg.Room(roomID); !r.IsPublicVisible {
		t.Fatal("A's own approval changed the room")
	}

	// B finds it among the pending requests and approves it.
	b.login(nameB)
	b.gotoPath("/apps/" + app + "/requests?status=pending")
	row := b.Locator(`[data-testid=request-row][data-request="` + ref + `"]`)
	b.must(b.expect(row).ToHaveCount(1))
	b.must(row.GetByTestId("request-link").Click())
	b.must(b.expect(b.byTestID("request-reason")).ToHaveText("Sponsor asked to hide it until the show starts"))
	b.must(b.field("Comment").Fill("OK until 20:00"))
	b.must(b.byTestID("approve").Click())
	b.must(b.expect(b.byTestID("request-status")).ToHaveText("Approved"))
	b.must(b.expect(b.byTestID("request-outcome")).ToHaveAttribute("data-outcome", "ok"))
	requestID := b.textOf(b.byTestID("request-tencent-id"))
	if r, _ := sg.Room(roomID); r.IsPublicVisible || sg.UpdateCount(roomID) != 1 {
		t.Errorf("after B's approval the room is listed=%v, %d updates", r.IsPublicVisible, sg.UpdateCount(roomID))
	}

	// The three entries (and A's refused approval between them): each
	// links back to the request, and the update names the request and
	// both people, with Tencent's RequestId.
	links := b.byTestID("request-step-link")
	b.must(b.expect(links).ToHaveCount(4))
	var hrefs []string
	for i := range 4 {
		h, err := links.Nth(i).GetAttribute("href")
		b.must(err)
		hrefs = append(hrefs, h)
	}
	want := []string{"Change requested", "Access refused", "Change request approved", "Room update"}
	for i, h := range hrefs {
		b.gotoPath(h)
		b.must(b.expect(b.Locator("h1")).ToContainText(want[i]))
		b.must(b.expect(b.byTestID("entry-request-link")).ToHaveAttribute("href", reqPath))
	}
	b.must(b.expect(b.Locator("main")).ToContainText("request " + ref + " by " + nameA + ", approved by " + nameB))
	b.must(b.expect(b.Locator("main")).ToContainText(requestID))
	b.must(b.byTestID("entry-request-link").Click())
	b.must(b.expectPage().ToHaveURL(regexp.MustCompile(regexp.QuoteMeta(reqPath) + `$`)))
}
