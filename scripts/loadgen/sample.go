package main

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// sample is one interval of the soak.
type sample struct {
	at                      time.Duration
	rps                     float64
	ok, errs, dropped       int64
	p50, p99, max           time.Duration
	rssMiB                  float64
	goroutines, fds         int
	auditBytes, auditEvents float64 // cumulative, from /metrics
	auditLost               float64
	firstErr                string
}

func (s sample) String() string {
	perEvent := 0.0
	if s.auditEvents > 0 {
		perEvent = s.auditBytes / s.auditEvents
	}
	return fmt.Sprintf("t=%4.0fs rps=%6.0f ok=%7d err=%d dropped=%d p50=%6.2fms p99=%6.2fms max=%7.2fms rss=%6.1fMiB goroutines=%d fds=%d audit=%.0fB/event lost=%.0f",
		s.at.Seconds(), s.rps, s.ok, s.errs, s.dropped, ms(s.p50), ms(s.p99), ms(s.max), s.rssMiB, s.goroutines, s.fds, perEvent, s.auditLost)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// measure builds a sample from the interval's counts and the node's state.
func measure(o options, at, took time.Duration, lat []time.Duration, ok, errs, dropped int64) sample {
	sortDurations(lat)
	s := sample{at: at, ok: ok, errs: errs, dropped: dropped, p50: percentile(lat, 0.50), p99: percentile(lat, 0.99),
		rps: float64(ok+errs) / took.Seconds()}
	if len(lat) > 0 {
		s.max = lat[len(lat)-1]
	}
	s.rssMiB = rssMiB(o.pid)
	if fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", o.pid)); err == nil {
		s.fds = len(fds)
	}
	m := scrape(o.url + "/metrics")
	s.goroutines = int(m["go_goroutines"])
	s.auditBytes, s.auditEvents, s.auditLost = m["stsd_audit_bytes_written_total"], m["stsd_audit_events_written_total"], m["stsd_audit_events_lost_total"]
	return s
}

// rssMiB reads VmRSS from /proc/PID/status (0 if the process is gone).
func rssMiB(pid int) float64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// scrape reads the unlabelled samples of a Prometheus text page.
func scrape(u string) map[string]float64 {
	out := map[string]float64{}
	resp, err := http.Get(u)
	if err != nil {
		return out
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, v, ok := strings.Cut(sc.Text(), " ")
		if !ok || strings.HasPrefix(name, "#") || strings.Contains(name, "{") {
			continue
		}
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			out[name] = f
		}
	}
	return out
}
