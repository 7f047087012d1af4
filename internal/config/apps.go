package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// EnvAppsFile names a JSON file listing the Tencent apps one console serves.
const EnvAppsFile = "ROOMDESK_APPS_FILE"

// DefaultAppID is the id of the one app the single-app variables
// (ROOMDESK_SDKAPPID, ROOMDESK_SECRET_KEY_FILE, ...) describe.
const DefaultAppID = "default"

// maxAppsFileBytes bounds the apps file: a few hundred bytes per app.
const maxAppsFileBytes = 1 << 20

// App is one Tencent application (SDKAppID) the console serves. SecretKey
// is read from SecretKeyFile and never leaves the process: it is not
// stored in the database and String redacts it.
type App struct {
	ID            string  `json:"id"`
	Name          string  `json:"name"`
	SDKAppID      int     `json:"sdkappid"`
	Region        string  `json:"region"`
	Endpoint      string  `json:"endpoint"`
	Admin         string  `json:"admin"`
	SecretKeyFile string  `json:"secret_key_file"`
	Rate          float64 `json:"rate"`
	Production    bool    `json:"production"`
	Color         string  `json:"color"`
	SecretKey     string  `json:"-"`
}

// String names the app without its key.
func (a App) String() string {
	return fmt.Sprintf("app %s (%q, SDKAppID %d, secret_key=%s)", a.ID, a.Name, a.SDKAppID, redacted(a.SecretKey))
}

// GoString keeps %#v from printing the key.
func (a App) GoString() string { return "config.App{" + a.String() + "}" }

var (
	appIDPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)
	colorPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
	// palette colours apps that name none, in file order.
	palette = []string{"#2563eb", "#0f766e", "#7c3aed", "#a16207", "#be185d", "#4b5563"} // all 4.5:1 or more under white text
)

// ProductionColor is the band every production app wears, whatever its own
// colour: no one should mistake production for a test app.
const ProductionColor = "#b91c1c"

// AppList is every app the console serves, in order; the first is the
// default. With the single-app variables it is one app, id "default".
func (c Config) AppList() []App {
	if len(c.Apps) > 0 {
		return c.Apps
	}
	return []App{{
		ID: DefaultAppID, Name: "Default", SDKAppID: c.SDKAppID, Region: c.Region,
		Endpoint: c.TencentEndpoint, Admin: c.AdminIdentifier, Rate: c.TencentRate,
		Color: palette[0], SecretKey: c.SecretKey,
	}}
}

// appsFile reads and checks ROOMDESK_APPS_FILE. Each problem is one
// message naming the app (by id, else by position) and the field.
func (l *loader) appsFile(path string) []App {
	fail := func(format string, a ...any) { l.fail(EnvAppsFile, format, a...) }
	f, err := os.Open(path)
	if err != nil {
		fail("cannot read %q: %v", path, unwrapPathErr(err))
		return nil
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxAppsFileBytes+1))
	if err != nil {
		fail("cannot read %q: %v", path, unwrapPathErr(err))
		return nil
	}
	if len(b) > maxAppsFileBytes {
		fail("%q is larger than %d bytes", path, maxAppsFileBytes)
		return nil
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(b, &raws); err != nil {
		fail("%q is not a JSON array of apps: %v", path, jsonProblem(err))
		return nil
	}
	if len(raws) == 0 {
		fail("%q lists no apps", path)
		return nil
	}
	apps := make([]App, 0, len(raws))
	ids := map[string]bool{}
	sdkappids := map[int]string{}
	for i, raw := range raws {
		a, problems := parseApp(raw)
		label := fmt.Sprintf("app #%d", i+1)
		if appIDPattern.MatchString(a.ID) {
			label = fmt.Sprintf("app %q", a.ID)
		}
		for _, p := range problems {
			fail("%s: %s", label, p)
		}
		if len(problems) > 0 {
			continue
		}
		if ids[a.ID] {
			fail("%s: id: used by another app", label)
			continue
		}
		if other, ok := sdkappids[a.SDKAppID]; ok {
			fail("%s: sdkappid: %d is also app %q's", label, a.SDKAppID, other)
			continue
		}
		ids[a.ID], sdkappids[a.SDKAppID] = true, a.ID
		if a.Color == "" {
			a.Color = palette[i%len(palette)]
		}
		apps = append(apps, a)
	}
	return apps
}

// parseApp decodes and checks one app; problems are "field: what is wrong".
func parseApp(raw json.RawMessage) (App, []string) {
	var a App
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return a, []string{jsonProblem(err)}
	}
	var p []string
	bad := func(field, format string, args ...any) { p = append(p, field+": "+fmt.Sprintf(format, args...)) }
	if !appIDPattern.MatchString(a.ID) {
		bad("id", "%q is not a short lowercase slug (a letter, then up to 31 of a-z, 0-9, -)", a.ID)
	}
	a.Name = strings.TrimSpace(a.Name)
	switch {
	case a.Name == "":
		bad("name", "is required")
	case len([]rune(a.Name)) > 40 || strings.IndexFunc(a.Name, unicode.IsControl) >= 0:
		bad("name", "must be at most 40 characters without control characters")
	}
	if a.SDKAppID <= 0 || a.SDKAppID > 1<<32-1 {
		bad("sdkappid", "%d is not a positive 32-bit number", a.SDKAppID)
	}
	a.Region = strings.ToLower(a.Region)
	if a.Region == "" {
		a.Region = DefaultRegion
	}
	if !slices.Contains(regions, a.Region) {
		bad("region", "%q is not one of %s", a.Region, regionChoices)
	}
	a.Endpoint = strings.TrimRight(a.Endpoint, "/")
	if problem := endpointProblem(a.Endpoint); problem != "" {
		bad("endpoint", "%s", problem)
	}
	if a.Admin == "" {
		a.Admin = DefaultAdminIdentifier
	}
	if strings.ContainsAny(a.Admin, " \t\r\n") {
		bad("admin", "%q contains whitespace", a.Admin)
	}
	if a.SecretKeyFile == "" {
		bad("secret_key_file", "is required (secret keys stay in files)")
	} else if key, problem := readSecretFile(a.SecretKeyFile); problem != "" {
		bad("secret_key_file", "%s", problem)
	} else {
		a.SecretKey = key
	}
	if a.Rate != 0 && (a.Rate < 1 || a.Rate > 200) {
		bad("rate", "%v is not 0 (the default) or a number of requests per second from 1 to 200", a.Rate)
	}
	if a.Color != "" && !colorPattern.MatchString(a.Color) {
		bad("color", "%q is not a colour like #1f6feb", a.Color)
	}
	return a, p
}

// jsonProblem names the field of a JSON error when it has one.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return fmt.Sprintf("%s: must be a JSON %s, not %s", te.Field, te.Type.Kind(), te.Value)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d: %v", se.Offset, err)
	}
	// DisallowUnknownFields: `json: unknown field "x"`.
	return strings.TrimPrefix(err.Error(), "json: ")
}
