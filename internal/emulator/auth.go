package emulator

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/tencentyun/tls-sig-api-v2-golang/tencentyun"
)

var commands = map[string]bool{
	CmdGetRoomInfo:    true,
	CmdGetRoomList:    true,
	CmdUpdateRoomInfo: true,
	CmdCreateRoom:     true,
	CmdDestroyRoom:    true,
}

// admit checks everything Tencent checks before a command runs, in the
// order a gateway would: method and resource, then the query string, then
// the UserSig, then App Admin rights, then the per-command quota. It returns
// the command and the caller's identifier.
func (e *Emulator) admit(r *http.Request) (command, identifier string, aerr *apiError) {
	if r.Method != http.MethodPost {
		// "POST only" (IM REST overview); 60002 because the request line
		// itself is what is wrong, and it is not retryable.
		return "", "", fail(codeBadURL, "method must be POST")
	}
	command, ok := strings.CutPrefix(r.URL.Path, APIPrefix)
	if !ok || !commands[command] {
		return "", "", fail(codeBadResource, "")
	}
	q := r.URL.Query()
	appID := q.Get("sdkappid")
	if appID == "" {
		return "", "", fail(codeNoSDKAppID, "")
	}
	if id, err := strconv.ParseUint(appID, 10, 64); err != nil || e.cfg.SDKAppID <= 0 || id != uint64(e.cfg.SDKAppID) {
		return "", "", fail(codeBadSDKAppID, "")
	}
	if _, err := strconv.ParseUint(q.Get("random"), 10, 32); err != nil {
		return "", "", fail(codeBadURL, "random must be a 32-bit unsigned integer")
	}
	if q.Get("contenttype") != "json" {
		return "", "", fail(codeBadURL, "contenttype must be json")
	}
	identifier = q.Get("identifier")
	if aerr := e.checkSig(identifier, q.Get("usersig")); aerr != nil {
		return "", "", aerr
	}
	if identifier != e.cfg.Admin {
		return "", "", fail(codeNotAdmin, "")
	}
	if !e.allow(command) {
		// The documented per-API, per-app quota (200/s, get_room_list
		// 10/s) is "REST call frequency exceeds limit". 100012, seen only
		// in Tencent's console source, has no documented scope, so the
		// emulator answers it only when a test injects it.
		return "", "", fail(codeRESTFrequency, "")
	}
	return command, identifier, nil
}

// sigFields is the JSON inside a TLS sig v2 UserSig.
type sigFields struct {
	Version    string `json:"TLS.ver"`
	Identifier string `json:"TLS.identifier"`
	SDKAppID   uint64 `json:"TLS.sdkappid"`
	Sig        []byte `json:"TLS.sig"`
}

// decodeSig undoes the UserSig encoding (character mapping, base64, zlib,
// JSON). We decode ourselves because tencentyun.VerifyUserSig reports an
// undecodable JSON payload as ErrSdkAppIDNotMatch (its newUserSig swallows
// the unmarshal error), which would turn a malformed sig into 70014.
func decodeSig(usersig string) (sigFields, error) {
	s := strings.NewReplacer("*", "+", "-", "/", "_", "=").Replace(usersig)
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return sigFields{}, err
	}
	zr, err := zlib.NewReader(bytes.NewReader(raw))
	if err != nil {
		return sigFields{}, err
	}
	data, err := io.ReadAll(io.LimitReader(zr, 64<<10))
	if err != nil {
		return sigFields{}, err
	}
	if err := zr.Close(); err != nil {
		return sigFields{}, err
	}
	var f sigFields
	if err := json.Unmarshal(data, &f); err != nil {
		return sigFields{}, err
	}
	if f.Version != "2.0" || f.Identifier == "" || f.SDKAppID == 0 || len(f.Sig) == 0 {
		return sigFields{}, errors.New("not a TLS sig v2 UserSig")
	}
	return f, nil
}

// checkSig maps UserSig problems to the documented 700xx codes. The order
// follows the library's verify (SDKAppID, identifier, expiry, HMAC), so an
// expired sig made with a wrong key answers 70001, as it would at Tencent
// if they verify the same way.
func (e *Emulator) checkSig(identifier, usersig string) *apiError {
	if usersig == "" {
		return fail(codeSigEmpty, "")
	}
	f, err := decodeSig(usersig)
	if err != nil {
		return fail(codeSigInvalid, "")
	}
	if f.SDKAppID != uint64(e.cfg.SDKAppID) {
		return fail(codeSigSDKAppID, "")
	}
	if f.Identifier != identifier {
		return fail(codeSigIdentifier, "")
	}
	err = tencentyun.VerifyUserSig(uint64(e.cfg.SDKAppID), e.cfg.SecretKey, identifier, usersig, e.cfg.Now())
	switch {
	case err == nil:
		return nil
	case errors.Is(err, tencentyun.ErrExpired):
		return fail(codeSigExpired, "")
	case errors.Is(err, tencentyun.ErrSigNotMatch):
		return fail(codeSigVerify, "")
	case errors.Is(err, tencentyun.ErrSdkAppIDNotMatch):
		return fail(codeSigSDKAppID, "")
	case errors.Is(err, tencentyun.ErrIdentifierNotMatch):
		return fail(codeSigIdentifier, "")
	default:
		// userbuf mismatches: a PrivateMapKey or a sig with a userbuf is
		// not an admin UserSig.
		return fail(codeSigInvalid, "")
	}
}
