// Package metrics holds roomdesk's Prometheus collectors in one registry of
// its own (not the global default), so tests can create as many servers as
// they like and every series is one roomdesk defines.
package metrics

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics is the set of collectors; pass it to what records into it.
type Metrics struct {
	Registry     *prometheus.Registry
	Requests     *prometheus.CounterVec   // route, method, status
	Latency      *prometheus.HistogramVec // route, method
	TencentCalls *prometheus.CounterVec   // app, command, code
	TencentTime  *prometheus.HistogramVec // app, command
	AuditWrites  *prometheus.CounterVec   // kind, result
}

// New registers every collector, plus the Go and process collectors.
func New() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "roomdesk_http_requests_total",
			Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		Latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "roomdesk_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
		TencentCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "roomdesk_tencent_calls_total",
			Help: "Tencent REST attempts by app id, command and ErrorCode (0 ok, -1 transport failure).",
		}, []string{"app", "command", "code"}),
		TencentTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "roomdesk_tencent_call_duration_seconds",
			Help:    "Tencent REST attempt latency by app id and command.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"app", "command"}),
		AuditWrites: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "roomdesk_audit_writes_total",
			Help: "Audit log appends by row kind and result (ok or error).",
		}, []string{"kind", "result"}),
	}
	m.Registry.MustRegister(m.Requests, m.Latency, m.TencentCalls, m.TencentTime, m.AuditWrites,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// WatchCheckpointAge exposes roomdesk_audit_checkpoint_age_seconds: the
// age of the newest audit checkpoint, as age reports it (ok false: none
// yet, shown as -1), so an alert can fire when checkpoints stop.
func (m *Metrics) WatchCheckpointAge(age func() (time.Duration, bool)) {
	m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "roomdesk_audit_checkpoint_age_seconds",
		Help: "Age of the newest signed audit checkpoint (-1: none yet).",
	}, func() float64 {
		d, ok := age()
		if !ok {
			return -1
		}
		return d.Seconds()
	}))
}

// ObserveTencent is tencent.Config.Observe for the app with id app: each
// app has its own quota at Tencent, so its calls are counted apart.
func (m *Metrics) ObserveTencent(app string) func(command string, code int, d time.Duration) {
	return func(command string, code int, d time.Duration) {
		m.TencentCalls.WithLabelValues(app, command, strconv.Itoa(code)).Inc()
		m.TencentTime.WithLabelValues(app, command).Observe(d.Seconds())
	}
}
