package notify

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"sort"
	"strings"
	"syscall"
	"time"
)

// Outbound requests go to addresses an admin typed, from inside the
// network roomdesk runs in, so the client is built to limit what a bad
// URL can reach (docs/SECURITY.md, "Webhooks and SSRF"):
//   - every connection's resolved address is checked as it is dialled (so
//     a name that resolves differently later cannot slip past the check at
//     save time): loopback is refused unless AllowLoopback, link-local
//     (169.254.0.0/16 with cloud metadata services, fe80::/10),
//     unspecified and multicast addresses always;
//   - no proxy from the environment (it would dial for us, unchecked);
//   - redirects are not followed (a 3xx is a failed attempt);
//   - one attempt is bounded by Timeout, and at most maxBody bytes of an
//     answer are read.

// maxBody is how much of a receiver's answer is read.
const maxBody = 16 << 10

// ErrAddressRefused is a webhook address roomdesk will not connect to.
var ErrAddressRefused = errors.New("address not allowed for webhooks")

func (s *Service) newClient() *http.Client {
	tr := s.opts.Transport
	if tr == nil {
		dialer := &net.Dialer{Timeout: 5 * time.Second, Control: s.control}
		tr = &http.Transport{
			Proxy:                 nil,
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   5 * time.Second,
			ResponseHeaderTimeout: s.opts.Timeout,
			MaxIdleConnsPerHost:   2,
			IdleConnTimeout:       90 * time.Second,
			ForceAttemptHTTP2:     true,
		}
	}
	return &http.Client{
		Transport: tr,
		Timeout:   s.opts.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// control vets the address a connection is about to use.
func (s *Service) control(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return ErrAddressRefused
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return ErrAddressRefused
	}
	return s.ipAllowed(ip)
}

func (s *Service) ipAllowed(ip netip.Addr) error {
	ip = ip.Unmap()
	switch {
	case ip.IsLoopback():
		if s.opts.AllowLoopback {
			return nil
		}
		return fmt.Errorf("%w: loopback (set ROOMDESK_WEBHOOK_ALLOW_LOOPBACK=true for a local receiver)", ErrAddressRefused)
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return fmt.Errorf("%w: link-local (cloud metadata services live there)", ErrAddressRefused)
	case ip.IsUnspecified(), ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return fmt.Errorf("%w: not a unicast address", ErrAddressRefused)
	}
	return nil
}

// hostAllowed checks a URL's host as typed: an address literal, or a name
// that means loopback. Other names are checked when dialled.
func (s *Service) hostAllowed(host string) error {
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return s.ipAllowed(ip)
	}
	if isLoopbackHost(host) && !s.opts.AllowLoopback {
		return s.ipAllowed(netip.MustParseAddr("127.0.0.1"))
	}
	return nil
}

func isLoopbackHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && ip.Unmap().IsLoopback()
}

// scrub is an error's text with the webhook URL and every longer part of
// it (path segments, query values: where WeCom and Slack keep their keys)
// replaced, so no log line, page or stored error shows them. Every error
// that leaves a delivery attempt goes through here.
func scrub(err error, raw string) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // "Post \"<url>\": ..." names the URL; its cause need not
	}
	return redact(err.Error(), raw)
}

func redact(msg, raw string) string {
	parts := []string{raw}
	if u, err := url.Parse(raw); err == nil {
		parts = append(parts, u.RequestURI(), u.EscapedPath(), u.Path, u.RawQuery)
		parts = append(parts, strings.Split(u.Path, "/")...)
		for _, vs := range u.Query() {
			parts = append(parts, vs...)
		}
		for _, p := range strings.Split(u.RawQuery, "&") {
			_, v, _ := strings.Cut(p, "=")
			parts = append(parts, v)
		}
	}
	sort.Slice(parts, func(i, j int) bool { return len(parts[i]) > len(parts[j]) })
	for _, p := range parts {
		if len(p) >= 6 {
			msg = strings.ReplaceAll(msg, p, "[redacted]")
		}
	}
	return clip(msg, 300)
}
