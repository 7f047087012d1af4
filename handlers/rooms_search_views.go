package handlers

import (
	"net/url"
	"time"

	"github.com/roomdesk/roomdesk/internal/catalogue"
	"github.com/roomdesk/roomdesk/views/roomsview"
)

// searchView is the search form as the operator filled it, and how fresh
// the catalogue is. Category and ActivityStatus stay numbers, which a page
// may name.
func searchView(q catalogue.Query, raw url.Values, bad map[string]string, st catalogue.Status, now time.Time) *roomsview.SearchProps {
	s := &roomsview.SearchProps{
		Text: raw.Get("q"), Category: raw.Get("category"), Status: raw.Get("status"),
		Muted: raw.Get("muted"), Listed: raw.Get("listed"), Seat: raw.Get("seat"), Presence: raw.Get("presence"),
		Sort: q.Sort, Errors: bad, Filtered: q.Filtered(),
		AsOf: st.LastSweep, Sweeping: st.Sweeping, Seen: st.Seen,
	}
	if bad["sort"] != "" {
		s.Sort = raw.Get("sort")
	}
	if st.Swept() {
		s.Age = max(now.Sub(st.LastSweep), 0)
	}
	return s
}

func catalogueRoomViews(rs []catalogue.Room) []roomsview.Room {
	out := make([]roomsview.Room, len(rs))
	for i, r := range rs {
		out[i] = roomView(r.RoomInfo)
		out[i].Presence = string(r.Presence)
	}
	return out
}
