package i18n

import "testing"

func TestNegotiate(t *testing.T) {
	tests := []struct {
		name, pref, cookie, accept, want string
	}{
		{"nothing at all", "", "", "", English},
		{"en-US", "", "", "en-US,en;q=0.9", English},
		{"zh-CN", "", "", "zh-CN,zh;q=0.9,en;q=0.8", Chinese},
		{"bare zh", "", "", "zh", Chinese},
		{"zh-TW is still Chinese", "", "", "zh-TW", Chinese},
		{"zh-Hant-HK is still Chinese", "", "", "zh-Hant-HK,en;q=0.5", Chinese},
		{"ja", "", "", "ja", Japanese},
		{"ja-JP", "", "", "ja-JP,ja;q=0.9,en;q=0.5", Japanese},
		{"English first wins", "", "", "en-GB,ja;q=0.9", English},
		{"quality decides, not order", "", "", "en;q=0.3,ja;q=0.9", Japanese},
		{"an unsupported first choice", "", "", "fr-FR,fr;q=0.9,zh-CN;q=0.8", Chinese},
		{"only unsupported languages", "", "", "de,fr", English},
		{"garbage", "", "", ";;;q=x,@@", English},
		{"wildcard", "", "", "*", English},
		{"the cookie beats the browser", "", "ja", "zh-CN", Japanese},
		{"a bad cookie is ignored", "", "klingon", "zh-CN", Chinese},
		{"the preference beats the cookie", "zh-CN", "ja", "en-US", Chinese},
		{"the preference beats the browser", "ja", "", "zh-CN", Japanese},
		{"an unsupported preference is ignored", "fr", "", "ja", Japanese},
		{"tags are exact: zh is not a saved value", "zh", "", "", English},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Negotiate(tc.pref, tc.cookie, tc.accept); got != tc.want {
				t.Errorf("Negotiate(%q, %q, %q) = %q, want %q", tc.pref, tc.cookie, tc.accept, got, tc.want)
			}
		})
	}
}
