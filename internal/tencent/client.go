// Package tencent is the REST client for Tencent Cloud's TUILiveKit
// live_engine_http_srv API: admin UserSig, signed URLs, retries, pacing below
// the published quotas, the error-code catalogue and redaction of secrets.
package tencent

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// Config configures a Client. Only SDKAppID and SecretKey are required.
type Config struct {
	SDKAppID        int
	SecretKey       string
	AdminIdentifier string             // default "administrator"
	Region          string             // china (default), singapore, usa, jakarta, seoul, tokyo, frankfurt
	Endpoint        string             // base URL override, e.g. http://127.0.0.1:9090; wins over Region
	HTTPClient      *http.Client       // optional; redirects are always refused
	MaxAttempts     int                // default 3
	AttemptTimeout  time.Duration      // default 5s, above Tencent's 3s backend timeout
	Rates           map[string]float64 // per-command requests/s; math.Inf(1) disables pacing
	UserSigTTL      time.Duration      // default 24h; renewed when less than half remains
	// Observe is called once per attempt; code is Tencent's ErrorCode (0 for
	// OK) or -1 when no readable answer came back.
	Observe func(command string, code int, d time.Duration)
	Now     func() time.Time // default time.Now; drives UserSig renewal, deadline checks and Meta.Latency
	// After is the timer behind retry backoff and pacing waits; default
	// time.After. Tests pass one that fires when they say so, so no test
	// has to sleep to see a retry.
	After func(time.Duration) <-chan time.Time
}

// String keeps the SecretKey out of logs when a Config is printed.
func (c Config) String() string {
	return fmt.Sprintf("tencent.Config{SDKAppID:%d Admin:%q Region:%q Endpoint:%q SecretKey:REDACTED}",
		c.SDKAppID, c.AdminIdentifier, c.Region, c.Endpoint)
}

// GoString covers %#v, which would otherwise print the SecretKey.
func (c Config) GoString() string { return c.String() }

// LogValue keeps the SecretKey out of slog output.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Int("sdkappid", c.SDKAppID),
		slog.String("admin", c.AdminIdentifier),
		slog.String("region", c.Region),
		slog.String("endpoint", c.Endpoint),
	)
}

// Defaults sit just below Tencent's quotas (200/s, get_room_list 10/s) so a
// busy console slows down instead of collecting 60007 refusals.
//
// Why 197/s is safe against a sliding one-second window (Tencent's quota,
// and the emulator's: a request is refused when 200 were admitted in the
// second before it). With a burst of 1 (see newPacer) consecutive slots are
// at least 1/197 s ≈ 5.08 ms apart, so any 1 s window holds at most 198 of
// our requests, and request n and request n-200 leave at least
// 200/197 s ≈ 1015 ms apart: a refusal needs them to *arrive* less than
// 1 s apart, i.e. more than 15 ms of extra delay on the earlier request
// than on the later one. 198/s (a 10 ms margin) drew two 60007s (then 100012s) in 4,000
// calls on a loaded 2-core machine, where a goroutine can wait that long
// for a CPU; 190/s left 5% of the quota unused, which bulk edits (issue 8,
// ≥ 97% of 200/s) cannot afford.
const (
	defaultRate     = 197
	defaultListRate = 9
)

func defaultRates() map[string]float64 {
	return map[string]float64{
		CmdGetRoomInfo:    defaultRate,
		CmdGetRoomList:    defaultListRate,
		CmdUpdateRoomInfo: defaultRate,
		CmdCreateRoom:     defaultRate,
		CmdDestroyRoom:    defaultRate,
	}
}

// Client calls Tencent. It is safe for concurrent use; share one per process
// so that pacing and the connection pool are shared too.
type Client struct {
	base        *url.URL // scheme, host and optional path prefix; never a query
	appID       string
	adminQuery  string // query-escaped identifier
	http        *http.Client
	sigs        *signer
	secret      string
	maxAttempts int
	timeout     time.Duration
	observe     func(string, int, time.Duration)
	pacers      map[string]*pacer // fixed after New
	fallback    *pacer            // commands without their own rate
	now         func() time.Time
	after       func(time.Duration) <-chan time.Time
}

// String keeps secrets out of %v of a *Client.
func (c *Client) String() string { return "tencent.Client{" + c.base.Host + "}" }

// GoString covers %#v.
func (c *Client) GoString() string { return c.String() }

// New checks cfg and builds a Client. It does not contact Tencent.
func New(cfg Config) (*Client, error) {
	if err := cfg.fillDefaults(); err != nil {
		return nil, err
	}
	base, err := baseURL(cfg)
	if err != nil {
		return nil, err
	}
	pacers, err := newPacers(cfg.Rates)
	if err != nil {
		return nil, err
	}
	return &Client{
		base:        base,
		appID:       strconv.Itoa(cfg.SDKAppID),
		adminQuery:  url.QueryEscape(cfg.AdminIdentifier),
		http:        httpClient(cfg.HTTPClient),
		sigs:        newSigner(cfg.SDKAppID, cfg.SecretKey, cfg.AdminIdentifier, cfg.UserSigTTL, cfg.Now),
		secret:      cfg.SecretKey,
		maxAttempts: cfg.MaxAttempts,
		timeout:     cfg.AttemptTimeout,
		observe:     cfg.Observe,
		pacers:      pacers,
		fallback:    newPacer(defaultRate),
		now:         cfg.Now,
		after:       cfg.After,
	}, nil
}

func (cfg *Config) fillDefaults() error {
	switch {
	case cfg.SDKAppID <= 0:
		return errors.New("tencent: config: SDKAppID must be a positive number")
	case cfg.SecretKey == "":
		return errors.New("tencent: config: SecretKey is empty")
	case cfg.MaxAttempts < 0, cfg.AttemptTimeout < 0, cfg.UserSigTTL < 0:
		return errors.New("tencent: config: MaxAttempts, AttemptTimeout and UserSigTTL must not be negative")
	}
	cfg.AdminIdentifier = orDefault(cfg.AdminIdentifier, "administrator")
	cfg.Region = orDefault(strings.ToLower(strings.TrimSpace(cfg.Region)), "china")
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = 3
	}
	if cfg.AttemptTimeout == 0 {
		cfg.AttemptTimeout = 5 * time.Second
	}
	if cfg.UserSigTTL == 0 {
		cfg.UserSigTTL = 24 * time.Hour
	}
	if cfg.UserSigTTL < 2*time.Second {
		return errors.New("tencent: config: UserSigTTL must be at least 2s")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.After == nil {
		cfg.After = time.After
	}
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func baseURL(cfg Config) (*url.URL, error) {
	raw := cfg.Endpoint
	if raw == "" {
		domain, ok := RegionDomain(cfg.Region)
		if !ok {
			return nil, fmt.Errorf("tencent: config: unknown region %q (known: %s)",
				cfg.Region, strings.Join(Regions(), ", "))
		}
		raw = "https://" + domain
	}
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil {
		return nil, fmt.Errorf("tencent: config: Endpoint: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.User != nil {
		return nil, fmt.Errorf("tencent: config: Endpoint %q must be http(s)://host[:port][/prefix]", raw)
	}
	return u, nil
}

// regionDomains is the domain table of the Chat REST overview 1047/34620.
// Read-only. The live API pages (63398, 1071/76832, 76887) list only
// China, Singapore, USA and Jakarta: see liveConfirmed.
var regionDomains = map[string]string{
	"china":     "console.tim.qq.com",
	"singapore": "adminapisgp.im.qcloud.com",
	"usa":       "adminapiusa.im.qcloud.com",
	"jakarta":   "adminapiidn.im.qcloud.com",
	"seoul":     "adminapikr.im.qcloud.com",
	"tokyo":     "adminapijpn.im.qcloud.com",
	"frankfurt": "adminapiger.im.qcloud.com",
}

// liveConfirmed are the regions whose domain a live_engine page lists.
// Seoul, Tokyo and Frankfurt are Chat domains only; whether they serve
// live_engine_http_srv is not documented (docs/TENCENT.md).
var liveConfirmed = map[string]bool{"china": true, "singapore": true, "usa": true, "jakarta": true}

// RegionConfirmed reports whether Tencent's live API pages list the
// region's domain; false for the Chat-only domains and unknown names.
func RegionConfirmed(name string) bool {
	return liveConfirmed[strings.ToLower(strings.TrimSpace(name))]
}

// Regions lists the region names Config.Region accepts, sorted.
func Regions() []string {
	names := make([]string, 0, len(regionDomains))
	for n := range regionDomains {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// RegionDomain returns the API domain of a region name.
func RegionDomain(name string) (string, bool) {
	d, ok := regionDomains[strings.ToLower(strings.TrimSpace(name))]
	return d, ok
}

// httpClient copies the caller's client (so we never mutate it) and refuses
// redirects: following one would send the signed query string to whatever
// host the Location names.
func httpClient(hc *http.Client) *http.Client {
	var c http.Client
	if hc != nil {
		c = *hc
	} else {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// The default of 2 idle connections per host would make a burst of
		// concurrent edits open and tear down TLS connections constantly.
		t.MaxIdleConnsPerHost = 64
		c.Transport = t
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

func newPacers(rates map[string]float64) (map[string]*pacer, error) {
	all := defaultRates()
	for cmd, r := range rates {
		if !(r > 0) || math.IsNaN(r) {
			return nil, fmt.Errorf("tencent: config: rate for %q must be > 0 (use +Inf for none)", cmd)
		}
		all[cmd] = r
	}
	p := make(map[string]*pacer, len(all))
	for cmd, r := range all {
		lim := rate.Limit(r)
		if math.IsInf(r, 1) {
			// rate.Inf is MaxFloat64, not +Inf; a true +Inf turns the
			// limiter's token arithmetic into NaN and it never lets go.
			lim = rate.Inf
		}
		p[cmd] = newPacer(lim)
	}
	return p, nil
}
