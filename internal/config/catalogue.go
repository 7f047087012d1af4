package config

import (
	"strings"
	"time"
)

// EnvCatalogueSync is how long the room catalogue waits between the end of
// one sweep of get_room_list and the start of the next (issue 13).
const EnvCatalogueSync = "ROOMDESK_CATALOGUE_SYNC"

// DefaultCatalogueSync is EnvCatalogueSync's default: a sweep of 10,000
// rooms takes about a minute at get_room_list's 9/s, so most of the quota
// stays free.
const DefaultCatalogueSync = 5 * time.Minute

// catalogueSync reads EnvCatalogueSync: a duration of at least 10s, or
// "off" (0) for no background sweep (rooms are still catalogued as they
// are read).
func (l *loader) catalogueSync() time.Duration {
	v := strings.ToLower(l.get(EnvCatalogueSync))
	switch v {
	case "":
		return DefaultCatalogueSync
	case "off", "0":
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 10*time.Second {
		l.fail(EnvCatalogueSync, "%q is not a duration of at least 10s (e.g. 5m), or off", v)
		return DefaultCatalogueSync
	}
	return d
}
