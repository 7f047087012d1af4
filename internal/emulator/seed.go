package emulator

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"
)

// seedNames are demo room names: mixed scripts, emoji, HTML-significant
// characters and one name at exactly the 100-byte limit, so the console
// meets the awkward cases in demo mode and e2e tests.
var seedNames = []string{
	"Friday Night Karaoke 🎤", "深夜电台", "Speedrun Sunday: Hollow Knight", "Morning Yoga Flow 🧘",
	"川菜小厨 · 麻婆豆腐", "Lo-fi Beats to Study To", "Valorant Ranked Grind", "周末读书会",
	"Sourdough from Scratch 🍞", "HIIT with Coach Mia", "Chess Blitz Arena ♟️", "王者荣耀 巅峰赛",
	"Guitar Covers & Requests 🎸", "Late Night Coding: Go Generics", "Street Food Tour 🌮 Bangkok", "瑜伽入门 第3课",
	"Minecraft Build Battle", "Tom & Jerry's <Live> \"Show\"", "广场舞教学 💃", "Anime Watch Party",
	"Pottery Wheel Basics", "Elden Ring Blind Run", "Cantonese Cooking with Grandma", "早安英语 Morning English",
	"Marathon Training Log 🏃", "DJ Set — Deep House", "原神 新版本探索", "Sketching Cats ✏️🐱",
	"Home Workout No Equipment", "League of Legends Coaching", "Ramen Night 🍜", "古筝演奏 · 高山流水",
	"Book Club: Dune", "Stardew Valley Chill Farm", "Vegan Meal Prep", "夜跑打卡",
	"Pub Quiz Live 🍻", "Fortnite Duos w/ Viewers", "Bubble Tea at Home 🧋", "吉他弹唱 晴天",
	"Rock Climbing Q&A", "Retro Games: SNES Classics", "Pilates Core 20min", "深夜食堂 🍢",
	"Indie Dev Showcase", "Tarot & Tea ☕", "Piano Practice Stream 🎹", "斗地主 欢乐局",
	"Boxing Fundamentals 🥊", "Dim Sum Masterclass", "Counter-Strike 2 Scrims", "Meditation for Sleep 🌙",
	"Street Dance Battle", "Baking Macarons (again)", "Karaoke 对唱 Duet Night 🎤🎶", "Travel Vlog: Kyoto 🍁",
	"Test room — do not join", "Weekend Trivia", "Calligraphy 书法入门",
	strings.Repeat("直播", 16) + "🎤", // 16*6 + 4 = exactly 100 bytes
}

var seedOwners = []string{
	"anchor_lily", "dj_marco", "chef_wang", "coach_mia", "gamer_kai", "user_10086",
	"xiaoming_88", "host-nina", "streamer_ryo", "yoga_sam", "reader_li", "bot_ops",
}

var seedNotices = []string{
	"", "", "Be kind in chat 💬", "今晚8点开播", "Requests open after 9pm", "No spoilers please!",
	"Follow for daily streams", "关注主播不迷路",
}

// seedRooms builds the demo rooms from a fixed seed, so every run (and
// every test) sees the same ids, names and counts; only CreateTime moves
// with now.
func seedRooms(now time.Time) []Room {
	rng := rand.New(rand.NewPCG(20240921, 1071))
	rooms := make([]Room, 0, len(seedNames))
	for i, name := range seedNames {
		id := fmt.Sprintf("live_%04d", 1001+i)
		if i == len(seedNames)-3 {
			// Valid printable ASCII that URLs and selectors must escape.
			id = "live/ops #7"
		}
		cats := rng.Perm(4)[:rng.IntN(4)] // 0-3 distinct tags from 0..3
		r := Room{
			RoomID:            id,
			RoomName:          name,
			RoomType:          RoomTypeLive,
			OwnerAccount:      seedOwners[rng.IntN(len(seedOwners))],
			CreateTime:        now.Add(-time.Duration(rng.Int64N(int64(14 * 24 * time.Hour)))).Unix(),
			IsSeatEnabled:     rng.IntN(5) != 0,
			TakeSeatMode:      []string{SeatFreeToTake, SeatApplyToTake}[rng.IntN(2)],
			MaxSeatCount:      []int{4, 6, 8, 9}[rng.IntN(4)],
			MaxMemberCount:    []int{20, 300, 1000, 5000, 100000}[rng.IntN(5)],
			IsMessageDisabled: rng.IntN(8) == 0,
			CoverURL:          "https://picsum.photos/seed/" + url.PathEscape(id) + "/320/180",
			Category:          cats,
			ActivityStatus:    rng.IntN(3),
			// Spread over 1..~1.2M so sorting and number formatting show.
			ViewCount:       int64(math.Exp(rng.Float64() * 14)),
			IsPublicVisible: i%7 != 3,
			Notice:          seedNotices[rng.IntN(len(seedNotices))],
		}
		switch i {
		case 5:
			r.CoverURL = "" // a room without a cover
		case 6, 7:
			r.ViewCount = 4242 // a tie: the list orders ties by RoomId
		}
		if w, ok := seedShapes[id]; ok {
			r.Wire = w.wire
			if w.owner != "" {
				r.OwnerAccount = w.owner
			}
		}
		rooms = append(rooms, r)
	}
	return rooms
}

// seedShapes are demo rooms answered in the documented shapes other than
// the field table's, and with the undocumented fields Tencent's console
// reads (docs §1.1), so demo mode and the e2e suite exercise the client's
// lenient decoding. All are public, so the rooms list shows them.
var seedShapes = map[string]struct {
	owner string // an all-digit owner, for Owner_Account as a number
	wire  Wire
}{
	"live_1012": {owner: "144115233775727695", wire: Wire{OwnerAsNumber: true}},
	"live_1013": {wire: Wire{SeatModeAsInt: true}},
	"live_1014": {wire: Wire{MessageDisabledAsString: true}},
	"live_1016": {wire: Wire{Extra: map[string]json.RawMessage{
		"OnlineCount":            json.RawMessage(`37`),
		"MemberCount":            json.RawMessage(`37`),
		"IsUnlimitedRoomEnabled": json.RawMessage(`true`),
		"CustomInfo":             json.RawMessage(`"{\"theme\":\"night\",\"level\":3}"`),
		"OwnerName":              json.RawMessage(`"Coach Li"`),
		"OwnerAvatarUrl":         json.RawMessage(`"https://picsum.photos/seed/owner/64/64"`),
		"IsLikeEnabled":          json.RawMessage(`true`),
		"SeatTemplate":           json.RawMessage(`"VideoDynamicGrid9Seats"`),
		"Popularity":             json.RawMessage(`1200`),
		"StreamUrl":              json.RawMessage(`"rtmp://example.invalid/live/live_1016"`),
	}}},
	"live_1017": {owner: "10086", wire: Wire{OwnerAsNumber: true, SeatModeAsInt: true, MessageDisabledAsString: true,
		Extra: map[string]json.RawMessage{
			"OnlineCount":            json.RawMessage(`0`),
			"IsUnlimitedRoomEnabled": json.RawMessage(`false`),
			"CustomInfo":             json.RawMessage(`{"sponsor":"none"}`),
		}}},
}
