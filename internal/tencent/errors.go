package tencent

import (
	"errors"
	"fmt"
)

// ErrUnreachable is wrapped by every failure after which we cannot know
// whether Tencent applied the request: network errors, timeouts, HTTP 5xx,
// dropped connections and unreadable answers, once all attempts are spent.
// For an update it means "re-read the room before telling anyone anything".
var ErrUnreachable = errors.New("tencent: unreachable, outcome unknown")

// ErrBadResponse is wrapped when Tencent, or something in front of it,
// answered with something other than the documented JSON. When even the
// envelope (ActionStatus, ErrorCode) is unreadable, ErrUnreachable is wrapped
// too, since nothing says whether the request was applied.
var ErrBadResponse = errors.New("unreadable answer from Tencent")

// CodeInfo explains one Tencent error code to an operator and to the retry
// loop.
type CodeInfo struct {
	Code      int
	Meaning   string
	Retryable bool // transient: retry with backoff
	RenewSig  bool // the admin UserSig was refused: sign again, retry once
	Known     bool // the code is in Tencent's documentation (the catalogue below)
}

type codeText struct {
	meaning   string
	retryable bool
	renewSig  bool
}

func fatal(m string) codeText  { return codeText{meaning: m} }
func retry(m string) codeText  { return codeText{meaning: m, retryable: true} }
func resign(m string) codeText { return codeText{meaning: m, renewSig: true} }

// Meanings say what an operator can do. internalRetry is every code the
// docs call "internal error/timeout, retry": roomdesk already retried it with
// backoff, so what is left is waiting, then Tencent's status page.
const internalRetry = "Tencent internal error or timeout; roomdesk retried it. Try again in a minute; if it persists, check Tencent Cloud's service status"

// rateRetry is every "too many calls" code: roomdesk backs off and retries,
// and paces itself below the documented quotas (200/s per API, 10/s for
// get_room_list), so seeing one means something else shares the app's quota.
const rateRetry = "; roomdesk backs off and retries. If it persists, another system is using this SDKAppID's quota: lower ROOMDESK_TENCENT_RATE"

// codes is the catalogue from docs/tencent-live-api.md (IM 1047/34348, the
// Chinese TRTC copy and Tencent's own console). Read-only after init.
var codes = map[int]codeText{
	60002: fatal("Tencent could not parse the request URL; check ROOMDESK_TENCENT_ENDPOINT (a roomdesk bug if it is unset)"),
	60003: fatal("Tencent could not parse the JSON request body (a roomdesk bug: report it with the audit entry)"),
	60004: fatal("the admin account or UserSig in the request is wrong; check the SDKAppID, SecretKey and admin identifier"),
	60005: fatal("the admin account or UserSig in the request is wrong; check the SDKAppID, SecretKey and admin identifier"),
	60006: fatal("the SDKAppID is not valid: check ROOMDESK_SDKAPPID and ROOMDESK_REGION (an app lives in one region)"),
	60007: retry("too many REST calls: this app's per-API frequency limit (200/s, get_room_list 10/s) was hit" + rateRetry),
	60008: retry("Tencent timed out or could not read the HTTP request; roomdesk retried it. Try again shortly"),
	60009: fatal("Tencent does not know this API path: check ROOMDESK_TENCENT_ENDPOINT, and that the live API is enabled in this region"),
	60010: fatal("the identifier is not an App Administrator of this SDKAppID: add it in the Chat console (Account Management) or fix ROOMDESK_ADMIN_IDENTIFIER"),
	60011: retry("too many requests for this SDKAppID" + rateRetry),
	60012: fatal("the request carries no SDKAppID (a roomdesk bug: report it)"),
	60013: fatal("Tencent could not parse its own response packet; re-read the room to learn whether the change applied"),
	60014: retry("account replacement timed out; try again"),
	60015: fatal("the account type is wrong: account IDs must be strings"),
	60016: fatal("this SDKAppID has been deactivated: re-enable the app in the Tencent Cloud console"),
	60017: fatal("Tencent has disabled this request for the app: ask Tencent Cloud support"),
	60018: retry("requests are too frequent" + rateRetry),
	60019: retry("requests are too frequent" + rateRetry),
	60020: fatal("the paid (Professional) package has expired; it works again about 5 minutes after renewal"),
	60021: fatal("this server's IP address is not on the app's IP allow-list: add it in the Chat console's security settings"),

	70001: resign("the admin UserSig has expired; roomdesk signed a new one and retried once. If it persists, check this server's clock"),
	70002: fatal("the UserSig is empty (a roomdesk bug: report it)"),
	70003: resign("the admin UserSig is invalid (truncated or malformed); roomdesk signed a new one and retried once. If it persists, check the SecretKey"),
	70005: resign("the admin UserSig is invalid (truncated or malformed); roomdesk signed a new one and retried once. If it persists, check the SecretKey"),
	70009: fatal("UserSig verification failed: the SecretKey or SDKAppID is wrong; copy both again from the Chat console (app card, Basic Information)"),
	70013: fatal("the identifier in the request does not match the one in the UserSig (a roomdesk bug: report it)"),
	70014: fatal("the SDKAppID in the request does not match the one in the UserSig (a roomdesk bug: report it)"),
	70016: fatal("Tencent has no SecretKey for this SDKAppID: check ROOMDESK_SDKAPPID, and create the key in the Chat console"),
	70017: retry(internalRetry),
	70020: fatal("Tencent does not know this SDKAppID: check ROOMDESK_SDKAPPID and ROOMDESK_REGION"),
	70050: fatal("too many failed UserSig checks: fix the SecretKey, then wait a minute before trying again"),
	70051: fatal("the admin account is blacklisted: use another App Administrator (ROOMDESK_ADMIN_IDENTIFIER) or ask Tencent Cloud support"),
	70052: resign("the admin UserSig has been invalidated; roomdesk signed a new one and retried once. If it persists, check the SecretKey"),
	70107: fatal("the user does not exist: import the account (the owner or admin) into the app first"),
	70114: fatal("refused by a Tencent security restriction: ask Tencent Cloud support"),
	70169: retry(internalRetry),
	70201: retry(internalRetry),
	70202: retry(internalRetry),
	70203: retry(internalRetry),
	70206: fatal("the batch size in the request is not valid (a roomdesk bug: report it)"),
	70207: retry(internalRetry),
	70208: retry(internalRetry),
	70212: retry(internalRetry),
	70213: retry(internalRetry),
	70221: fatal("the admin login state is invalid: check the SecretKey and the admin identifier"),
	70222: retry(internalRetry),
	70225: retry(internalRetry),
	70231: retry(internalRetry),
	70236: fatal("UserSig verification failed: check the SecretKey and SDKAppID"),
	70308: retry(internalRetry),
	70346: fatal("ticket (UserSig) verification failed: check the SecretKey and SDKAppID"),
	70347: fatal("the ticket (UserSig) has expired: check this server's clock"),
	70348: retry(internalRetry),
	70362: retry(internalRetry),
	70398: fatal("the package's account limit has been reached (trial: 100): upgrade the package"),
	70401: retry(internalRetry),
	70402: fatal("a request parameter is not valid: check the values in the audit entry"),
	70403: fatal("this operation needs an App Administrator: make ROOMDESK_ADMIN_IDENTIFIER one in the Chat console"),
	70500: retry(internalRetry),

	// Common server codes issue 20 names from the REST overview (not in the
	// stored doc excerpts; see docs/TENCENT.md): a body that is not JSON,
	// and an internal failure worth retrying.
	90001: fatal("Tencent could not parse the request as JSON (a roomdesk bug: report it with the audit entry)"),
	91000: retry(internalRetry),

	100001: retry("Tencent live service internal error; roomdesk retried it. Try again in a minute"),
	100002: fatal("a request parameter is not valid: check the values in the audit entry against the field rules"),
	100003: fatal("this room ID is already in use: pick another ID"),
	100004: fatal("the room does not exist or has been dismissed: reload the rooms list"),
	100005: fatal("the user is not a member of this room"),
	100006: fatal("not allowed: the admin lacks the permission, or the room is not a Live room (Tencent's wording is \"insufficient permissions\"; see docs/TENCENT.md)"),
	100007: fatal("no paid package: buy a TUILiveKit package for this app first"),
	100008: fatal("the room is full: raise MaxMemberCount or wait"),
	100009: fatal("too many categories: a room takes at most 3"),
	100010: fatal("this room ID is already in use, and you are its owner: edit the existing room instead"),
	100011: fatal("this room ID is already taken by an IM group: pick another ID"),
	// Only in Tencent's console source ("operation rate limit exceeded,
	// retry later"); the documented per-API quota answers 60007.
	100012: retry("Tencent's live-room service refused the call under its own rate limit (scope undocumented)" + rateRetry),
	100013: fatal("the package's limit is exceeded: check the package's quotas in the TRTC console"),
	100015: fatal("the room type is not valid: roomdesk manages Live rooms only"),
	100016: fatal("the member is banned from this room"),
	100017: fatal("the member is muted in this room"),
	100018: fatal("this room needs a password"),
	100019: fatal("the room password is wrong"),
	100020: fatal("too many room administrators"),
	100102: fatal("signalling conflict: another request on this room is in progress; try again when it has finished"),
	100200: fatal("seat operation refused: the seat is locked"),
	100211: fatal("seat operation refused: there is no co-host"),
	100500: fatal("too many metadata keys: a room takes at most 10"),
	100501: fatal("a metadata value is too big (max 2 KB)"),
	100502: fatal("the room's metadata is too big in total (max 16 KB)"),
	100503: fatal("none of the metadata keys to delete exist: reload the room"),
	100504: fatal("a metadata key is too long (max 50 bytes)"),
}

// Describe explains a Tencent error code. It never fails: codes outside the
// catalogue get a meaning from their range and where to look it up, so an
// operator always reads something better than a bare number.
func Describe(code int) CodeInfo {
	if t, ok := codes[code]; ok {
		return CodeInfo{Code: code, Meaning: t.meaning, Retryable: t.retryable, RenewSig: t.renewSig, Known: true}
	}
	m := rangeMeaning(code)
	if code != 0 {
		m += lookItUp
	}
	return CodeInfo{Code: code, Meaning: m}
}

// lookItUp ends the meaning of a code roomdesk does not know.
const lookItUp = "; roomdesk does not know this code: look it up in Tencent's error codes (tencentcloud.com/document/product/1047/34348) and check the ErrorInfo"

func rangeMeaning(code int) string {
	switch {
	case code == 0:
		return "OK"
	case code >= 100200 && code <= 100299:
		return fmt.Sprintf("seat operation refused (seat error %d)", code)
	case code >= 100400 && code <= 100499:
		return fmt.Sprintf("co-host connection or battle operation refused (error %d)", code)
	case code >= 100000 && code <= 100999:
		return fmt.Sprintf("the live room service refused the request (error %d)", code)
	case code >= 70000 && code <= 79999:
		return fmt.Sprintf("Tencent refused the admin account or its UserSig (error %d)", code)
	case code >= 60000 && code <= 69999:
		return fmt.Sprintf("Tencent refused the REST request (error %d)", code)
	default:
		return fmt.Sprintf("unknown Tencent error %d", code)
	}
}
