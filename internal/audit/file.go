package audit

import (
	"fmt"
	"io"

	"gopkg.in/natefinch/lumberjack.v2"
)

// Rotation says when lumberjack rotates the audit file and which rotated
// files it keeps. A rotated file is renamed <name>-<UTC time><ext> (e.g.
// audit-2026-11-22T10-04-05.123.log) in the same directory, and gzipped
// to <that>.gz when Compress is set; compression and removal run in the
// background after each rotation and when the file is opened.
type Rotation struct {
	// MaxSizeMB: the file is rotated before a write would make it larger
	// than this many MiB (at least 1).
	MaxSizeMB int
	// MaxAgeDays removes rotated files whose name's time is more than this
	// many days old (0: no age limit). Only rotation and opening run the
	// removal, so an idle log keeps old files until it next rotates.
	MaxAgeDays int
	// MaxBackups keeps at most this many rotated files, newest first (0:
	// every one).
	MaxBackups int
	// Compress gzips rotated files.
	Compress bool
}

// OpenFile opens path for appending behind a rotator: the file is created
// with mode 0600 when missing (a rotated file keeps the mode of the file it
// was), and opened now, so that a path that cannot be written fails the
// start rather than the first request.
func OpenFile(path string, r Rotation) (io.WriteCloser, error) {
	if r.MaxSizeMB < 1 {
		return nil, fmt.Errorf("audit log %s: max size %d MB: must be at least 1", path, r.MaxSizeMB)
	}
	f := &lumberjack.Logger{Filename: path, MaxSize: r.MaxSizeMB, MaxAge: r.MaxAgeDays, MaxBackups: r.MaxBackups, Compress: r.Compress}
	if _, err := f.Write(nil); err != nil { // opens (or rotates) the file
		return nil, fmt.Errorf("audit log: %w", err)
	}
	return f, nil
}
