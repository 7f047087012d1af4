package localtime

// Choices are the zones the account page offers: where roomdesk's
// operators work (China, Japan and their neighbours first), then Europe
// and the Americas, then UTC. Any other IANA name still works in
// ROOMDESK_TIMEZONE; the list is short so the select is usable.
var choices = []string{
	"Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Tokyo", "Asia/Seoul",
	"Asia/Singapore", "Asia/Bangkok", "Asia/Jakarta", "Asia/Kolkata", "Asia/Dubai",
	"Australia/Sydney",
	"Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin",
	"Europe/Madrid", "Europe/Rome", "Europe/Amsterdam", "Europe/Stockholm", "Europe/Warsaw",
	"Europe/Istanbul", "Europe/Moscow",
	"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
	"America/Toronto", "America/Vancouver", "America/Mexico_City", "America/Sao_Paulo",
	"America/Argentina/Buenos_Aires",
	"UTC",
}

// Choices returns the zones a user can choose on the account page.
func Choices() []string { return append([]string(nil), choices...) }

// Offered says whether name may be saved as a user's zone: "" (the server
// default), one of Choices, or the server's own default zone. Only what
// the select offers: a name that merely loads here may be one only this
// host's tz files know ("right/UTC", "posixrules"), which another instance
// (a scratch container with the embedded database) would not resolve, and
// the user would silently get the server default there.
func Offered(name, serverDefault string) bool {
	if name == "" || (name == serverDefault && serverDefault != "") {
		return true
	}
	for _, c := range choices {
		if c == name {
			return true
		}
	}
	return false
}
