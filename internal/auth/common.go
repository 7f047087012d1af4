package auth

import (
	"strings"
	"sync"

	"github.com/trustelem/zxcvbn/frequency"
)

// commonPasswords is the set of well-known passwords refused at any length:
// the 30,000-entry "passwords" list that zxcvbn (Dropbox's password strength
// estimator) ranks by frequency, drawn from Mark Burnett's 10 million
// leaked passwords, as the Go port github.com/trustelem/zxcvbn (MIT) ships
// it in its frequency package. Only entries at least MinPasswordLen long
// can matter; they are kept lower-cased, built once on first use.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := map[string]struct{}{}
	for _, p := range frequency.FrequencyLists["passwords"] {
		if len([]rune(p)) >= MinPasswordLen {
			set[strings.ToLower(p)] = struct{}{}
		}
	}
	return set
})

// isCommonPassword reports whether p, ignoring case, is on the list.
func isCommonPassword(p string) bool {
	_, ok := commonPasswords()[strings.ToLower(p)]
	return ok
}
