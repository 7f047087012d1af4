package tencent

import (
	"errors"
	"fmt"
)

// ErrUnreachable is wrapped by every failure after which we cannot know
// whether Tencent applied the request: network errors, timeouts, HTTP 5xx,
// dropped connections and unreadable answers, once all attempts are spent.
// For an update it means "re-read the room before telling anyone anything".
var ErrUnreachable = errors.New("Tencent unreachable, outcome unknown")

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
}

type codeText struct {
	meaning   string
	retryable bool
	renewSig  bool
}

func fatal(m string) codeText  { return codeText{meaning: m} }
func retry(m string) codeText  { return codeText{meaning: m, retryable: true} }
func resign(m string) codeText { return codeText{meaning: m, renewSig: true} }

const internalRetry = "Tencent internal error or timeout; safe to try again shortly"

// codes is the catalogue from docs/tencent-live-api.md (IM 1047/34348, the
// Chinese TRTC copy and Tencent's own console). Read-only after init.
var codes = map[int]codeText{
	60002: fatal("Tencent could not parse the request URL"),
	60003: fatal("Tencent could not parse the JSON request body"),
	60004: fatal("the admin account or UserSig in the request is wrong; check the SDKAppID, SecretKey and admin identifier"),
	60005: fatal("the admin account or UserSig in the request is wrong; check the SDKAppID, SecretKey and admin identifier"),
	60006: fatal("the SDKAppID is not valid"),
	60007: retry("too many REST calls: Tencent's frequency limit was hit; try again shortly"),
	60008: retry("Tencent timed out or could not read the HTTP request; try again"),
	60009: fatal("Tencent does not know this API path; check the URL"),
	60010: fatal("the identifier is not an App Administrator of this SDKAppID"),
	60011: retry("too many requests for this SDKAppID; try again shortly"),
	60012: fatal("the request carries no SDKAppID"),
	60013: fatal("Tencent could not parse its own response packet"),
	60014: retry("account replacement timed out; try again"),
	60015: fatal("the account type is wrong: account IDs must be strings"),
	60016: fatal("this SDKAppID has been deactivated"),
	60017: fatal("this request has been disabled by Tencent"),
	60018: retry("requests are too frequent; try again shortly"),
	60019: retry("requests are too frequent; try again shortly"),
	60020: fatal("the paid (Professional) package has expired; it works again about 5 minutes after renewal"),
	60021: fatal("this server's IP address is not on the app's IP allow-list"),

	70001: resign("the admin UserSig has expired"),
	70002: fatal("the UserSig is empty"),
	70003: resign("the admin UserSig is invalid (truncated or malformed)"),
	70005: resign("the admin UserSig is invalid (truncated or malformed)"),
	70009: fatal("UserSig verification failed: the SecretKey or SDKAppID is wrong"),
	70013: fatal("the identifier in the request does not match the one in the UserSig"),
	70014: fatal("the SDKAppID in the request does not match the one in the UserSig"),
	70016: fatal("Tencent has no SecretKey for this SDKAppID"),
	70017: retry(internalRetry),
	70020: fatal("Tencent does not know this SDKAppID"),
	70050: fatal("too many failed sign-in attempts: wait a minute after fixing the SecretKey"),
	70051: fatal("the admin account is blacklisted"),
	70052: resign("the admin UserSig has been invalidated"),
	70107: fatal("the user does not exist"),
	70114: fatal("refused by a Tencent security restriction"),
	70169: retry(internalRetry),
	70201: retry(internalRetry),
	70202: retry(internalRetry),
	70203: retry(internalRetry),
	70206: fatal("the batch size in the request is not valid"),
	70207: retry(internalRetry),
	70208: retry(internalRetry),
	70212: retry(internalRetry),
	70213: retry(internalRetry),
	70221: fatal("the admin login state is invalid; check the UserSig"),
	70222: retry(internalRetry),
	70225: retry(internalRetry),
	70231: retry(internalRetry),
	70236: fatal("UserSig verification failed"),
	70308: retry(internalRetry),
	70346: fatal("ticket verification failed"),
	70347: fatal("the ticket has expired"),
	70348: retry(internalRetry),
	70362: retry(internalRetry),
	70398: fatal("the account limit of the package has been reached (trial: 100)"),
	70401: retry(internalRetry),
	70402: fatal("a request parameter is not valid"),
	70403: fatal("this operation needs an App Administrator"),
	70500: retry(internalRetry),

	100001: retry("Tencent live service internal error; try again"),
	100002: fatal("a request parameter is not valid"),
	100003: fatal("this room ID is already in use"),
	100004: fatal("the room does not exist or has been dismissed"),
	100005: fatal("the user is not a member of this room"),
	100006: fatal("not allowed: insufficient permissions, or the room is not a Live room"),
	100007: fatal("no paid package: buy a TUILiveKit package first"),
	100008: fatal("the room is full"),
	100009: fatal("too many categories: a room takes at most 3"),
	100010: fatal("this room ID is already in use, and you are its owner"),
	100011: fatal("this room ID is already taken by an IM group"),
	100012: retry("too many operations on this room: rate limit hit; try again shortly"),
	100013: fatal("the package limit is exceeded; check the package's quotas"),
	100015: fatal("the room type is not valid"),
	100016: fatal("the member is banned from this room"),
	100017: fatal("the member is muted in this room"),
	100018: fatal("this room needs a password"),
	100019: fatal("the room password is wrong"),
	100020: fatal("too many room administrators"),
	100102: fatal("signalling conflict: another request on this room is in progress"),
	100200: fatal("seat operation refused: the seat is locked"),
	100211: fatal("seat operation refused: there is no co-host"),
	100500: fatal("too many metadata keys: a room takes at most 10"),
	100501: fatal("a metadata value is too big (max 2 KB)"),
	100502: fatal("the room's metadata is too big in total (max 16 KB)"),
	100503: fatal("none of the metadata keys to delete exist"),
	100504: fatal("a metadata key is too long (max 50 bytes)"),
}

// Describe explains a Tencent error code. It never fails: codes outside the
// catalogue get a meaning from their range, so an operator always reads
// something better than a bare number.
func Describe(code int) CodeInfo {
	if t, ok := codes[code]; ok {
		return CodeInfo{Code: code, Meaning: t.meaning, Retryable: t.retryable, RenewSig: t.renewSig}
	}
	return CodeInfo{Code: code, Meaning: rangeMeaning(code)}
}

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
