package app

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/stsd/stsd/internal/audit"
	"github.com/stsd/stsd/internal/config"
	"github.com/stsd/stsd/internal/console"
)

// openAudit opens the audit log: Options.AuditWriter when set, "-" for
// stdout (never rotated: the log shipper owns it), else a file (default
// <data-dir>/audit.log, appended, mode 0600) rotated as the audit_* keys
// say. The closer is nil when the node does not own the output.
func openAudit(cfg config.Config, o Options, feed *console.Activity) (*audit.Logger, io.Closer, error) {
	opts := audit.Options{Logger: o.Logger, FailClosed: cfg.AuditFailClosed, Now: o.Now}
	if feed != nil {
		opts.Observe = feed.Observe
	}
	switch {
	case o.AuditWriter != nil:
		return audit.New(o.AuditWriter, opts), nil, nil
	case cfg.AuditLog == "-":
		return audit.New(os.Stdout, opts), nil, nil
	}
	path := cfg.AuditLog
	if path == "" {
		path = filepath.Join(cfg.DataDir, "audit.log")
	}
	f, err := audit.OpenFile(path, audit.Rotation{
		MaxSizeMB: cfg.AuditMaxSizeMB, MaxAgeDays: cfg.AuditMaxAgeDays, MaxBackups: cfg.AuditMaxBackups, Compress: cfg.AuditCompress,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("%w (audit_log %s)", err, path)
	}
	return audit.New(f, opts), f, nil
}

// registerAuditMetrics exports the audit logger's counters.
func registerAuditMetrics(reg prometheus.Registerer, l *audit.Logger) {
	counter := func(name, help string, v func(audit.Stats) uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return float64(v(l.Stats())) })
	}
	reg.MustRegister(
		counter("stsd_audit_events_written_total", "Audit events written to the audit log.",
			func(s audit.Stats) uint64 { return s.EventsWritten }),
		counter("stsd_audit_bytes_written_total", "Bytes written to the audit log.",
			func(s audit.Stats) uint64 { return s.BytesWritten }),
		counter("stsd_audit_write_failures_total", "Writes to the audit log that failed (each loses the events it held).",
			func(s audit.Stats) uint64 { return s.WriteFailures }),
		counter("stsd_audit_events_lost_total", "Audit events lost: held by a failed write, or not encodable.",
			func(s audit.Stats) uint64 { return s.EventsLost }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "stsd_audit_writable",
			Help: "1 while the last audit log write succeeded, 0 after a failed one (with audit_fail_closed, requests are refused while 0).",
		}, func() float64 {
			if l.Stats().Writable {
				return 1
			}
			return 0
		}),
	)
}
