package e2e

import (
	"testing"

	"github.com/mxschmitt/playwright-go"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/auth"
)

// The header's language switch, before and after signing in: the choice
// overrides the browser's languages, is remembered after signing out, and
// follows the user to a browser that asks for another language.
func TestLanguageSwitchRemembered(t *testing.T) {
	p := newPage(t)
	name := user(t, auth.RoleOperator)
	heading := p.GetByRole("heading", playwright.PageGetByRoleOptions{Level: playwright.Int(1)})

	// Before signing in: the browser asks for English; choose 日本語.
	p.gotoPath("/login")
	p.must(p.expect(p.Locator("html")).ToHaveAttribute("lang", "en"))
	_, err := p.byTestID("lang-select").SelectOption(playwright.SelectOptionValues{Values: &[]string{"ja"}})
	p.must(err)
	p.must(p.byTestID("lang-submit").Click())
	p.must(p.expect(p.Locator("html")).ToHaveAttribute("lang", "ja"))
	p.must(p.expect(heading).ToHaveText("ログイン"))

	// Sign in, in Japanese.
	p.must(p.GetByLabel("ユーザー名").Fill(name))
	p.must(p.GetByLabel("パスワード").Fill(apptest.Password))
	p.must(p.GetByRole("button", playwright.PageGetByRoleOptions{Name: "ログイン", Exact: playwright.Bool(true)}).Click())
	p.must(p.WaitForURL("**/rooms**"))
	p.must(p.expect(heading).ToHaveText("ルーム"))

	// Signed in: switch to 简体中文; the page comes back in Chinese.
	_, err = p.byTestID("lang-select").SelectOption(playwright.SelectOptionValues{Values: &[]string{"zh-CN"}})
	p.must(err)
	p.must(p.byTestID("lang-submit").Click())
	p.must(p.expect(p.Locator("html")).ToHaveAttribute("lang", "zh-CN"))
	p.must(p.expect(heading).ToHaveText("房间"))

	// Sign out: the sign-in page stays Chinese.
	p.must(p.GetByRole("button", playwright.PageGetByRoleOptions{Name: "退出登录"}).Click())
	p.must(p.WaitForURL("**/login**"))
	p.must(p.expect(heading).ToHaveText("登录"))

	// Another browser, asking for Japanese: the sign-in page is Japanese,
	// and once the user signs in their saved choice, Chinese, wins.
	q := newPage(t)
	p.must(q.Context().SetExtraHTTPHeaders(map[string]string{"Accept-Language": "ja-JP,ja;q=0.9"}))
	q.gotoPath("/login")
	qh := q.GetByRole("heading", playwright.PageGetByRoleOptions{Level: playwright.Int(1)})
	q.must(q.expect(qh).ToHaveText("ログイン"))
	q.must(q.GetByLabel("ユーザー名").Fill(name))
	q.must(q.GetByLabel("パスワード").Fill(apptest.Password))
	q.must(q.GetByRole("button", playwright.PageGetByRoleOptions{Name: "ログイン", Exact: playwright.Bool(true)}).Click())
	q.must(q.WaitForURL("**/rooms**"))
	q.must(q.expect(q.Locator("html")).ToHaveAttribute("lang", "zh-CN"))
	q.must(q.expect(qh).ToHaveText("房间"))
}
