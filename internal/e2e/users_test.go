package e2e

import (
	"fmt"
	"testing"

	"github.com/mxschmitt/playwright-go"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/auth"
)

// Scenario 10: an admin adds a viewer, the viewer signs in elsewhere, the
// admin disables them, and the viewer's open session ends at once.
func TestAdminDisablesViewer(t *testing.T) {
	admin := newPage(t)
	admin.login(user(t, auth.RoleAdmin))
	admin.gotoPath("/admin/users")

	name := fmt.Sprintf("auditor%d", userSeq.Add(1))
	form := admin.byTestID("add-user-form")
	admin.must(admin.field("Username").Fill(name))
	_, err := admin.field("Role").SelectOption(playwright.SelectOptionValues{Values: &[]string{"viewer"}})
	admin.must(err)
	admin.must(admin.field("Password").Fill(apptest.Password))
	admin.must(admin.field("Repeat password").Fill(apptest.Password))
	admin.must(form.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Add user"}).Click())
	admin.must(admin.expect(admin.byTestID("user-flash")).ToContainText("Added " + name + " as viewer"))
	row := admin.byTestID("users-table").GetByTestId("user-row-" + name)
	admin.must(admin.expect(row.GetByTestId("user-role")).ToHaveText("viewer"))
	admin.must(admin.expect(row.GetByTestId("user-status")).ToHaveText("Active"))

	// The viewer signs in in a browser of their own.
	viewer := newPage(t)
	viewer.login(name)
	viewer.must(viewer.expect(viewer.byTestID("role")).ToHaveText("viewer"))

	// Disabling asks for confirmation first.
	admin.OnDialog(func(d playwright.Dialog) {
		if d.Type() != "confirm" {
			t.Errorf("unexpected %s dialog: %s", d.Type(), d.Message())
		}
		d.Accept()
	})
	admin.must(admin.byTestID("disable-" + name).Click())
	admin.must(admin.expect(admin.byTestID("user-flash")).ToContainText("Disabled " + name))
	admin.must(admin.expect(row.GetByTestId("user-status")).ToHaveText("Disabled"))

	// The viewer's next navigation lands on the sign-in page.
	viewer.gotoPath("/rooms")
	viewer.must(viewer.WaitForURL("**/login**"))
	viewer.must(viewer.expect(viewer.byTestID("room-row")).ToHaveCount(0))
	viewer.must(viewer.expect(viewer.button("Sign in")).ToBeVisible())
}
