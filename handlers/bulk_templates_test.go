package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// An operator saves the bulk form's changes as a template (the rooms stay
// in the form and out of the template), applies it to a fresh form, sees a
// duplicate name and invalid values refused, and removes it; a viewer can
// do none of it, another operator cannot remove it, an admin can.
func TestBulkTemplates(t *testing.T) {
	env, op := newRoomsEnv(t)
	env.CreateUser(t, "oscar", auth.RoleOperator)
	env.CreateUser(t, "ada", auth.RoleAdmin)
	form := url.Values{"selected": {seedRoom}, "rooms": {"live_1002"}, "change": {rooms.FieldNotice, rooms.FieldCategory},
		rooms.FieldNotice: {"Sale tonight"}, rooms.FieldCategory: {"4", "7", ""}, rooms.FieldIsPublicVisible: {""},
		rooms.FieldTakeSeatMode: {"ApplyToTake"}, "template_name": {"Weekend sale"}}

	r := postMultipart(t, op, "/bulk/templates", form, "")
	d := doc(t, r)
	if r.StatusCode != http.StatusOK || !strings.Contains(testid(d, "bulk-template-outcome").Text(), `"Weekend sale" saved`) {
		t.Fatalf("save: %s", r)
	}
	if r.Header.Get("HX-Retarget") != "#bulk-page" || d.Find("#bulk-page").Length() != 1 {
		t.Errorf("an htmx save does not replace the page: %q", r.Header.Get("HX-Retarget"))
	}
	if testid(d, "bulk-selected-room").AttrOr("value", "") != seedRoom || testid(d, "bulk-rooms").Text() != "live_1002" {
		t.Error("saving a template lost the rooms of the form")
	}
	list, err := env.Templates.List(t.Context(), env.Apps.Default().ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("templates %v %v", list, err)
	}
	tpl := list[0]
	want := rooms.Form{rooms.FieldNotice: {"Sale tonight"}, rooms.FieldCategory: {"4", "7", ""}, rooms.FieldTakeSeatMode: {"ApplyToTake"}}
	if len(tpl.Fields) != len(want) || tpl.Fields.Get(rooms.FieldTakeSeatMode) != "ApplyToTake" || tpl.Fields.Has(rooms.FieldIsPublicVisible) || tpl.CreatedBy != "olga" {
		t.Errorf("saved %+v, want the fields %v (no change left out)", tpl, want)
	}
	// Enter in a field submits with the form's first submit button: Preview,
	// never a template's Apply or Save.
	if first := testid(d, "bulk-form").Find(`button[type="submit"]`).First(); first.AttrOr("data-testid", "") != "bulk-preview-button" {
		t.Errorf("the form's default button is %q", first.AttrOr("data-testid", ""))
	}
	if row := testid(d, "bulk-template-row"); row.Length() != 1 || !strings.Contains(row.Text(), "Sale tonight") || testid(d, "bulk-template-delete").Length() != 1 {
		t.Errorf("the template list: %q", row.Text())
	}

	// The same name in another case, and values the field table refuses.
	form.Set("template_name", "WEEKEND SALE")
	r = postMultipart(t, op, "/bulk/templates", form, "")
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(testid(doc(t, r), "bulk-template-error").Text(), "already a template") {
		t.Errorf("duplicate: %s", r)
	}
	bad := url.Values{"change": {rooms.FieldMaxMemberCount}, rooms.FieldMaxMemberCount: {"zero"}, "template_name": {"Broken"}}
	r = postMultipart(t, op, "/bulk/templates", bad, "")
	if e := testid(doc(t, r), "bulk-template-error").Text(); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(e, "Max members") {
		t.Errorf("invalid values: %d %q", r.StatusCode, e)
	}

	// Applying fills the changes and keeps the rooms.
	apply := url.Values{"selected": {seedRoom, "live_1002"}, "template": {itoa64(tpl.ID)}}
	r = postMultipart(t, op, "/bulk/templates/apply", apply, "")
	d = doc(t, r)
	if r.StatusCode != http.StatusOK || testid(d, "bulk-selected-room").Length() != 2 {
		t.Fatalf("apply: %s", r)
	}
	if testid(d, "value-Notice").Text() != "Sale tonight" || testid(d, "change-Notice").AttrOr("checked", "x") == "x" ||
		testid(d, "value-TakeSeatMode").Find("option[selected]").AttrOr("value", "") != "ApplyToTake" ||
		testid(d, "value-IsPublicVisible").Find("option[selected]").AttrOr("value", "x") != "" {
		t.Error("the template's changes are not in the form")
	}
	if testid(d, "change-RoomName").AttrOr("checked", "x") != "x" {
		t.Error("a field the template does not change is ticked")
	}
	if r := postMultipart(t, op, "/bulk/templates/apply", url.Values{"template": {"999"}}, ""); r.StatusCode != http.StatusNotFound {
		t.Errorf("apply of an unknown template: %d", r.StatusCode)
	}

	// Who may remove it.
	viewer := env.Login(t, "vera")
	if r := viewer.PostForm("/bulk/templates", form); r.StatusCode != http.StatusForbidden {
		t.Errorf("viewer save: %d", r.StatusCode)
	}
	path := "/bulk/templates/" + itoa64(tpl.ID) + "/delete"
	if r := env.Login(t, "oscar").PostForm(path, url.Values{}); r.StatusCode != http.StatusForbidden {
		t.Errorf("another operator removed it: %d", r.StatusCode)
	}
	if r := op.Do(http.MethodPost, path, strings.NewReader(""), "Content-Type", "application/x-www-form-urlencoded"); r.StatusCode != http.StatusForbidden {
		t.Errorf("a removal without the CSRF token: %d", r.StatusCode)
	}
	if r := op.PostForm(path, url.Values{}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/bulk" {
		t.Errorf("own removal: %s", r)
	}
	if r := op.PostForm(path, url.Values{}); r.StatusCode != http.StatusNotFound {
		t.Errorf("a second removal: %d", r.StatusCode)
	}
	if _, err := env.Templates.Save(t.Context(), audit.Actor{Name: "oscar", Role: "operator"}, env.Apps.Default().ID, "Oscar's", rooms.Form{rooms.FieldNotice: {"o"}}); err != nil {
		t.Fatal(err)
	}
	list, _ = env.Templates.List(t.Context(), env.Apps.Default().ID)
	if r := env.Login(t, "ada").PostForm("/bulk/templates/"+itoa64(list[0].ID)+"/delete", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("an admin removing an operator's template: %s", r)
	}

	page, err := env.Audit.List(t.Context(), audit.Filter{Action: audit.ActionTemplateSave}, 0, 10)
	removed, _ := env.Audit.List(t.Context(), audit.Filter{Action: audit.ActionTemplateDelete}, 0, 10)
	if err != nil || len(page.Records) != 2 || len(removed.Records) != 2 || page.Records[1].Entry.Actor != "olga" {
		t.Errorf("audit: %d saved, %d removed (%v)", len(page.Records), len(removed.Records), err)
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
