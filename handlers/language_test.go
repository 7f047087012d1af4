package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/auth"
)

// htmlLang is the page's <html lang>.
func htmlLang(t *testing.T, r *apptest.Response) string {
	t.Helper()
	l, _ := doc(t, r).Find("html").Attr("lang")
	return l
}

// TestLanguageFromAcceptLanguage: with no saved choice the browser's
// Accept-Language decides, for pages before and after sign-in.
func TestLanguageFromAcceptLanguage(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "olivia", auth.RoleOperator)
	signedIn := env.Login(t, "olivia")
	tests := []struct{ accept, want, nav string }{
		{"", "en", "Rooms"},
		{"en-US,en;q=0.9", "en", "Rooms"},
		{"zh-CN,zh;q=0.9", "zh-CN", "房间"},
		{"zh-TW", "zh-CN", "房间"},
		{"ja-JP,ja;q=0.9", "ja", "ルーム"},
		{"fr-FR", "en", "Rooms"},
	}
	for _, tc := range tests {
		t.Run(tc.accept, func(t *testing.T) {
			login := env.Client(t).Get("/login", "Accept-Language", tc.accept)
			if got := htmlLang(t, login); got != tc.want {
				t.Errorf("/login: <html lang=%q>, want %q", got, tc.want)
			}
			if got := login.Header.Get("Content-Language"); got != tc.want {
				t.Errorf("/login: Content-Language %q, want %q", got, tc.want)
			}
			r := signedIn.Get("/rooms", "Accept-Language", tc.accept)
			if got := htmlLang(t, r); got != tc.want {
				t.Errorf("/rooms: <html lang=%q>, want %q", got, tc.want)
			}
			if got := doc(t, r).Find("nav.nav a").First().Text(); got != tc.nav {
				t.Errorf("/rooms: first nav link %q, want %q", got, tc.nav)
			}
		})
	}
}

// TestLanguageSwitchBeforeSignIn: the header switch on the sign-in page
// sets a cookie that beats Accept-Language, and comes back to the page.
func TestLanguageSwitchBeforeSignIn(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	c := env.Client(t)
	r := c.PostForm("/language", url.Values{"lang": {"ja"}, "next": {"/login?next=%2Faudit"}}, "Accept-Language", "zh-CN")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login?next=%2Faudit" {
		t.Fatalf("switch: %v (Location %q)", r, r.Header.Get("Location"))
	}
	// The cookie is Secure as ROOMDESK_SECURE_COOKIES says: auto (the
	// default) on a loopback host, and never when it says never.
	if ck := findCookie(r.Cookies(), "roomdesk_lang"); ck == nil || !ck.Secure || !ck.HttpOnly {
		t.Errorf("language cookie (auto, loopback): %+v", ck)
	}
	never := apptest.New(t, apptest.Options{Environ: map[string]string{"ROOMDESK_SECURE_COOKIES": "never"}})
	if ck := findCookie(never.Client(t).PostForm("/language", url.Values{"lang": {"ja"}}).Cookies(), "roomdesk_lang"); ck == nil || ck.Secure {
		t.Errorf("language cookie (never): %+v", ck)
	}
	if got := htmlLang(t, c.Get("/login", "Accept-Language", "zh-CN")); got != "ja" {
		t.Errorf("after switching to ja: <html lang=%q>", got)
	}
	// Somewhere else to go back to is refused for /rooms.
	r = c.PostForm("/language", url.Values{"lang": {"en"}, "next": {"//evil.example/"}})
	if r.Header.Get("Location") != "/rooms" {
		t.Errorf("next=//evil.example/: Location %q", r.Header.Get("Location"))
	}
}

// TestLanguageSwitchIsSaved: a signed-in user's choice beats the browser
// and the cookie, and follows them to a browser that never chose.
func TestLanguageSwitchIsSaved(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "olivia", auth.RoleOperator)
	c := env.Login(t, "olivia")
	if r := c.PostForm("/language", url.Values{"lang": {"zh-CN"}, "next": {"/audit"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("switch: %v", r)
	}
	if got := htmlLang(t, c.Get("/audit", "Accept-Language", "en-US")); got != "zh-CN" {
		t.Errorf("after switching: <html lang=%q>", got)
	}
	u, err := env.Auth.ByUsername(t.Context(), "olivia")
	if err != nil || u.Language != "zh-CN" {
		t.Fatalf("saved language %q, %v", u.Language, err)
	}
	// Another browser, one that asks for Japanese and has a cookie saying
	// English: the saved preference wins once signed in.
	other := env.Client(t)
	if r := other.PostForm("/language", url.Values{"lang": {"en"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("switch: %v", r)
	}
	if r := other.PostForm("/login", url.Values{"username": {"olivia"}, "password": {apptest.Password}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %v", r)
	}
	if got := htmlLang(t, other.Get("/rooms", "Accept-Language", "ja")); got != "zh-CN" {
		t.Errorf("another browser: <html lang=%q>, want the saved zh-CN", got)
	}
}

// TestLanguageSwitchRefusesUnknown: a language the console does not speak
// is a 400 that saves nothing.
func TestLanguageSwitchRefusesUnknown(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "olivia", auth.RoleOperator)
	c := env.Login(t, "olivia")
	for _, lang := range []string{"", "fr", "zh", "ja-JP", "en\r\nSet-Cookie: x=y"} {
		if r := c.PostForm("/language", url.Values{"lang": {lang}}); r.StatusCode != http.StatusBadRequest {
			t.Errorf("lang %q: %v", lang, r)
		}
	}
	if u, _ := env.Auth.ByUsername(t.Context(), "olivia"); u.Language != "" {
		t.Errorf("saved %q", u.Language)
	}
	if got := htmlLang(t, c.Get("/rooms")); got != "en" {
		t.Errorf("<html lang=%q>", got)
	}
}

// TestLanguageAcceptance is issue 21's acceptance, page by page: zh-CN
// gives <html lang="zh-CN">, 登录 on the sign-in page, 房间 on the room
// list and Chinese validation messages; ja gives Japanese pages; en-US
// stays English.
func TestLanguageAcceptance(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "olivia", auth.RoleOperator)
	signedIn := env.Login(t, "olivia")
	room := browserForm(t, signedIn, seedRoom)
	tests := []struct {
		accept, lang             string
		signIn, rooms, emptyName string
	}{
		{"zh-CN,zh;q=0.9", "zh-CN", "登录", "房间", "请输入房间名称：腾讯云文档没有说明空名称会产生什么效果。"},
		{"ja", "ja", "ログイン", "ルーム", "ルーム名を入力してください。空の名前がどう扱われるかは Tencent のドキュメントに記載がありません。"},
		{"en-US,en;q=0.9", "en", "Sign in", "Rooms", "Enter a room name: Tencent does not document what an empty name does."},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			login := env.Client(t).Get("/login", "Accept-Language", tc.accept)
			if got := htmlLang(t, login); got != tc.lang {
				t.Errorf("/login: <html lang=%q>", got)
			}
			if got := strings.TrimSpace(doc(t, login).Find("h1").Text()); got != tc.signIn {
				t.Errorf("/login heading %q, want %q", got, tc.signIn)
			}
			list := signedIn.Get("/rooms", "Accept-Language", tc.accept)
			if got := strings.TrimSpace(doc(t, list).Find("h1").Text()); got != tc.rooms || htmlLang(t, list) != tc.lang {
				t.Errorf("/rooms heading %q in <html lang=%q>, want %q", got, htmlLang(t, list), tc.rooms)
			}
			bad := url.Values{}
			for k, v := range room {
				bad[k] = v
			}
			bad.Set("RoomName", "")
			r := signedIn.PostForm("/rooms/"+seedRoom, bad, "Accept-Language", tc.accept)
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("empty name: %v", r)
			}
			if got := testidText(t, r, "field-error-RoomName"); got != tc.emptyName {
				t.Errorf("validation message %q, want %q", got, tc.emptyName)
			}
		})
	}
}
