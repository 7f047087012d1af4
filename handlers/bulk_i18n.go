package handlers

import (
	"context"
	"regexp"
	"strconv"

	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// internal/bulk writes its messages in English (they are also stored with
// each item and exported in the results CSV). bulkText shows them in the
// reader's language by recognising each sentence bulk writes and filling
// the catalogue's message with the parts it captured; anything it does
// not recognise is shown as written. TestBulkMessagesTranslated holds the
// patterns, the catalogue's English and internal/bulk's sentences together.
var bulkPatterns = []struct {
	re    *regexp.Regexp
	id    string
	names []string // what each capture group fills
}{
	{regexp.MustCompile(`^Choose the rooms: tick them on the room list, paste RoomIds, or upload a CSV with a RoomId column\.$`), "bulk.MsgChooseRooms", nil},
	{regexp.MustCompile(`^(\d+) rooms is more than one job takes \((\d+)\); split the list\.$`), "bulk.MsgTooMany", []string{"N", "Max"}},
	{regexp.MustCompile(`^Tick "change this field" for at least one field \(or give per-room values in CSV columns\)\.$`), "bulk.MsgTickOne", nil},
	{regexp.MustCompile(`^Nothing to change for this room: no field is ticked above and it has no CSV values\.$`), "bulk.MsgNothingForRoom", nil},
	{regexp.MustCompile(`^The list of rooms is over (\d+) MB; split it into several jobs\.$`), "bulk.MsgTooBig", []string{"MB"}},
	{regexp.MustCompile(`^The file is not UTF-8 text; save it as "CSV UTF-8"\.$`), "bulk.MsgNotUTF8", nil},
	{regexp.MustCompile(`^The file has no header line: (.*)$`), "bulk.MsgNoHeader", []string{"Err"}},
	{regexp.MustCompile(`^(.*); the rest of the file was not read\.$`), "bulk.MsgCSVRest", []string{"Err"}},
	{regexp.MustCompile(`^This line has (\d+) cells; the header has (\d+)\.$`), "bulk.MsgCells", []string{"N", "Width"}},
	{regexp.MustCompile(`^RoomId (.*) is already on line (\d+)\.$`), "bulk.MsgDupRoom", []string{"Room", "Line"}},
	{regexp.MustCompile(`^The column (.*) appears twice in the header\.$`), "bulk.MsgDupCol", []string{"Col"}},
	{regexp.MustCompile(`^Unknown column (.*) in the header; columns are RoomId and the API field names: (.*)\.$`), "bulk.MsgUnknownCol", []string{"Col", "Names"}},
	{regexp.MustCompile(`^Updated\.$`), "bulk.MsgUpdated", nil},
	{regexp.MustCompile(`^Already applied by an earlier attempt; not sent again\.$`), "bulk.MsgAlready", nil},
	{regexp.MustCompile(`^Nothing to update: the room already has these values\.$`), "bulk.MsgSame", nil},
	{regexp.MustCompile(`^No such room \(or it was dismissed\)\.$`), "bulk.MsgNoRoom", nil},
	{regexp.MustCompile(`^Outcome unknown: Tencent did not answer\. `), "bulk.MsgUnknown", nil},
	{regexp.MustCompile(`^Not sent: Tencent answered (\d+) \(.*\) after roomdesk's retries\. Retry the failed rooms when the job has ended\.$`), "bulk.MsgRetryable", []string{"Code"}},
}

// bulkText is one of internal/bulk's sentences in the reader's language.
// code is the item's Tencent ErrorCode (0 if none): a failed item's
// message is that code's meaning.
func bulkText(ctx context.Context, msg string, code int) string {
	if code != 0 && msg == tencent.Describe(code).Meaning {
		return meaningText(ctx, code)
	}
	if p := rooms.CheckRoomID(""); msg == p.Text {
		return problemText(ctx, p)
	}
	for _, p := range bulkPatterns {
		m := p.re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		data := map[string]any{}
		for i, name := range p.names {
			data[name] = m[i+1]
		}
		if p.id == "bulk.MsgRetryable" {
			c, _ := strconv.Atoi(m[1])
			data["Meaning"] = meaningText(ctx, c)
		}
		if p.id == "bulk.MsgUnknown" {
			return i18n.T(ctx, p.id) + " " + i18n.T(ctx, "rooms.ResultUnknown")
		}
		return i18n.Tf(ctx, p.id, data)
	}
	return msg
}
