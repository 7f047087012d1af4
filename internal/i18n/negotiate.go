package i18n

import (
	"golang.org/x/text/language"
)

// matcher picks among the supported languages; its tags are in the order
// of languages, so a match's index names the language.
var matcher = language.NewMatcher([]language.Tag{
	language.English, language.MustParse("zh-Hans-CN"), language.Japanese,
})

var simplifiedChinese = language.MustParse("zh-Hans-CN")

// Negotiate chooses the language for a request: the signed-in user's saved
// preference, else the language cookie (a choice made before signing in),
// else the browser's Accept-Language, else English. Unsupported saved
// values are ignored. Any Chinese (zh, zh-TW, zh-Hant…) gets Simplified
// Chinese, the one Chinese the console speaks.
func Negotiate(preference, cookie, acceptLanguage string) string {
	if Supported(preference) {
		return preference
	}
	if Supported(cookie) {
		return cookie
	}
	return FromAcceptLanguage(acceptLanguage)
}

// FromAcceptLanguage is the supported language an Accept-Language header
// asks for, English when it asks for none of them or does not parse.
func FromAcceptLanguage(header string) string {
	if header == "" {
		return English
	}
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return English
	}
	for i, t := range tags {
		if base, _ := t.Base(); base.String() == "zh" {
			tags[i] = simplifiedChinese
		}
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return English
	}
	return languages[idx]
}
