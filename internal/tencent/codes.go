package tencent

// Named Tencent error codes, for the code that branches on one (the
// catalogue in errors.go explains every code to an operator). The names
// follow docs/tencent-live-api.md. internal/emulator keeps its own numbers on
// purpose: it is an independent reading of the same docs.
const (
	// Common REST errors (60000-79999, IM error-code page 1047/34348).
	CodeFrequencyLimit = 60007 // too many REST calls for the app: retry
	CodeSigExpired     = 70001 // the admin UserSig has expired: re-sign

	// TUILiveKit room errors (100000+).
	CodeInternal         = 100001 // live service internal error: retry
	CodeInvalidParam     = 100002 // a request parameter is not valid
	CodeRoomIDInUse      = 100003 // the RoomId is already in use
	CodeRoomNotFound     = 100004 // no such room, or it was dismissed
	CodeNotMember        = 100005 // the user is not a member of the room
	CodeNotPermitted     = 100006 // insufficient permissions, or not a Live room
	CodeNoPackage        = 100007 // no paid package
	CodeRoomFull         = 100008 // the room is full
	CodeTooManyTags      = 100009 // more than 3 categories
	CodeRoomRateLimit    = 100012 // too many operations on this room: retry
	CodePackageExhausted = 100013 // the package's limits are exceeded
)
