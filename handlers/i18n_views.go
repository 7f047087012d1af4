package handlers

import (
	"context"
	"maps"
	"net/url"
	"strconv"
	"strings"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/internal/localtime"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// The use cases speak English with message ids beside it (rooms.Problem,
// auth.ValidationError.ID, Tencent's codes); these put what they say into
// the reader's language for the view models.

// fieldLabel is an editable field's label, e.g. "房间名称" for RoomName.
func fieldLabel(ctx context.Context, name string) string {
	id := "rooms.Label" + name
	if !i18n.Default().Has(i18n.English, id) {
		return rooms.Label(name)
	}
	return i18n.T(ctx, id)
}

// problemText is a validation problem in the reader's language; a Field
// in its data becomes the field's translated Label. A problem without an
// id (none today) is shown in English rather than not at all.
func problemText(ctx context.Context, p rooms.Problem) string {
	if p.ID == "" {
		return p.Text
	}
	data := maps.Clone(p.Data)
	if f, ok := data["Field"].(string); ok {
		if data == nil {
			data = map[string]any{}
		}
		data["Label"] = fieldLabel(ctx, f)
	}
	return i18n.Tf(ctx, p.ID, data)
}

// problemTexts translates every field's problem.
func problemTexts(ctx context.Context, ps rooms.Problems) map[string]string {
	out := make(map[string]string, len(ps))
	for f, p := range ps {
		out[f] = problemText(ctx, p)
	}
	return out
}

// meaningText is what a Tencent error code means, in the reader's
// language: every code roomdesk knows has its own message
// (tencent.C<code>); others are explained by their range, as
// tencent.Describe does in English.
func meaningText(ctx context.Context, code int) string {
	if id := "tencent.C" + strconv.Itoa(code); i18n.Default().Has(i18n.English, id) {
		return i18n.T(ctx, id)
	}
	data := map[string]any{"Code": code}
	var id string
	switch {
	case code == 0:
		return "OK"
	case code >= 100200 && code <= 100299:
		id = "tencent.RangeSeat"
	case code >= 100400 && code <= 100499:
		id = "tencent.RangeCoHost"
	case code >= 100000 && code <= 100999:
		id = "tencent.RangeLive"
	case code >= 70000 && code <= 79999:
		id = "tencent.RangeSig"
	case code >= 60000 && code <= 69999:
		id = "tencent.RangeREST"
	default:
		id = "tencent.RangeUnknown"
	}
	return i18n.Tf(ctx, id, data) + i18n.T(ctx, "tencent.LookItUp")
}

// resultMessage is the one sentence under an edit's outcome.
func resultMessage(ctx context.Context, r rooms.Result) string {
	switch {
	case r.Outcome == audit.OutcomeOK:
		return i18n.T(ctx, "rooms.ResultOK")
	case r.Outcome == audit.OutcomeUnknown:
		return i18n.T(ctx, "rooms.ResultUnknown")
	case r.Outcome == audit.OutcomeFailed && r.ErrorCode != 0:
		return i18n.T(ctx, "rooms.ResultFailed")
	case r.Outcome == audit.OutcomeFailed:
		return i18n.T(ctx, "rooms.ResultNotSent")
	case r.Outcome == rooms.OutcomeNothing && r.Room != nil:
		return i18n.T(ctx, "rooms.ResultNothingToSend")
	case r.Outcome == rooms.OutcomeNothing:
		return i18n.T(ctx, "rooms.ResultNothingToUpdate")
	}
	return r.Message
}

// filterZone is the zone the filter's times are read in (its tz, UTC
// when there is none or it is unknown).
func filterZone(q url.Values) string {
	if loc, err := localtime.Load(q.Get("tz")); err == nil {
		return loc.String()
	}
	return "UTC"
}

// auditFilterErrors puts audit.ParseFilter's messages (English, shared
// with the CLI) into the reader's language: one message per filter key,
// apart from the time keys, which say either that a value is not a time
// or that "to" is not after "from".
func auditFilterErrors(ctx context.Context, q url.Values, errs map[string]string) map[string]string {
	out := make(map[string]string, len(errs))
	for k, msg := range errs {
		switch {
		case k == "from" || k == "to":
			if strings.HasPrefix(msg, `"`) {
				v := strings.TrimSpace(q.Get(k))
				if len(v) > 40 {
					v = v[:40] + "…"
				}
				out[k] = i18n.Tf(ctx, "audit.ErrTime", map[string]any{"Value": strconv.Quote(v), "Zone": filterZone(q)})
			} else {
				out[k] = i18n.T(ctx, "audit.ErrOrder")
			}
		case i18n.Default().Has(i18n.English, "audit.Err_"+k):
			out[k] = i18n.T(ctx, "audit.Err_"+k)
		default:
			out[k] = msg
		}
	}
	return out
}
