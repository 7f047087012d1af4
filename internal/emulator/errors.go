package emulator

import "fmt"

// Error codes the emulator answers. The meanings follow the common IM table
// (60000-79999) and the live_engine private table (100000+) in
// docs/tencent-live-api.md; the ErrorInfo texts are ours, Tencent's exact
// wording is not documented.
const (
	codeBadURL          = 60002
	codeBadJSON         = 60003
	codeBadSDKAppID     = 60006
	codeBadResource     = 60009
	codeNotAdmin        = 60010
	codeNoSDKAppID      = 60012
	codeRESTFrequency   = 60007
	codeSigExpired      = 70001
	codeSigEmpty        = 70002
	codeSigInvalid      = 70003
	codeSigVerify       = 70009
	codeSigIdentifier   = 70013
	codeSigSDKAppID     = 70014
	codeInternal        = 100001
	codeInvalidParam    = 100002
	codeRoomIDInUse     = 100003
	codeRoomNotFound    = 100004
	codePermission      = 100006
	codeTooManyTags     = 100009
	codeInvalidRoomType = 100015
)

// errorInfo holds the ErrorInfo text for every code the emulator may answer,
// including codes only reachable through FailNext, so injected failures look
// like real ones.
var errorInfo = map[int]string{
	codeBadURL:        "HTTP parse error, check the URL format",
	codeBadJSON:       "JSON parse error in request body",
	60004:             "wrong account or UserSig in request",
	60005:             "wrong account or UserSig in request",
	codeBadSDKAppID:   "SDKAppID invalid",
	codeRESTFrequency: "REST API call frequency exceeds limit",
	60008:             "service request timeout or HTTP request format error",
	codeBadResource:   "bad resource, check the URL",
	codeNotAdmin:      "request requires app admin permission",
	60011:             "SDKAppID request frequency exceeds limit",
	codeNoSDKAppID:    "SDKAppID missing",
	60016:             "SDKAppID deactivated",
	60018:             "requests too frequent, try again later",
	60019:             "requests too frequent, try again later",
	60020:             "package expired",
	60021:             "caller IP not in the allow-list",
	codeSigExpired:    "UserSig expired, generate a new one",
	codeSigEmpty:      "UserSig length is 0",
	codeSigInvalid:    "UserSig invalid",
	70005:             "UserSig invalid",
	codeSigVerify:     "UserSig verification failed, check the key and SDKAppID",
	codeSigIdentifier: "identifier in request does not match the UserSig",
	codeSigSDKAppID:   "SDKAppID in request does not match the UserSig",
	70016:             "key not found",
	70020:             "SDKAppID not found",
	70050:             "too many failed authentications, wait 1 minute",
	70052:             "UserSig has been invalidated, generate a new one",
	70169:             "internal server timeout, try again later",
	// The Chinese TRTC copy's extra internal codes, all "retry".
	70017:               "internal error, try again later",
	70201:               "internal error, try again later",
	70203:               "internal error, try again later",
	70207:               "internal error, try again later",
	70208:               "internal error, try again later",
	70212:               "internal error, try again later",
	70213:               "internal error, try again later",
	70222:               "internal error, try again later",
	70225:               "internal error, try again later",
	70231:               "internal error, try again later",
	70308:               "internal error, try again later",
	70348:               "internal error, try again later",
	70362:               "internal error, try again later",
	70401:               "internal error, try again later",
	70202:               "internal server timeout, try again later",
	70500:               "internal server error, try again later",
	90001:               "JSON format error",
	91000:               "internal service error, try again later",
	codeInternal:        "internal error, please retry",
	codeInvalidParam:    "invalid parameter",
	codeRoomIDInUse:     "live ID already in use",
	codeRoomNotFound:    "live does not exist or has been dismissed",
	100005:              "not a live member",
	codePermission:      "insufficient permissions",
	100007:              "no payment information, buy a package",
	100008:              "live members are full",
	codeTooManyTags:     "tag count exceeds the limit",
	100010:              "live ID already in use, you are the owner",
	100011:              "live ID is occupied by an IM group",
	100012:              "operation rate limit exceeded, try again later",
	100013:              "payment limit exceeded, check the package limits",
	codeInvalidRoomType: "invalid live type",
}

// apiError is an ActionStatus FAIL answer.
type apiError struct {
	Code int
	Info string
}

// fail builds the answer for code; detail, when given, is appended to the
// standard text so a developer reading the console's error can see which
// field was refused (Tencent's own texts also name the field).
func fail(code int, detail string, args ...any) *apiError {
	info, ok := errorInfo[code]
	if !ok {
		info = "error"
	}
	if detail != "" {
		info += ": " + fmt.Sprintf(detail, args...)
	}
	return &apiError{Code: code, Info: info}
}
