package config

import (
	"strings"
	"testing"
)

func TestAuditRotationDefaults(t *testing.T) {
	c, err := resolve(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.AuditMaxSizeMB != 100 || c.AuditMaxBackups != 10 || c.AuditMaxAgeDays != 0 || c.AuditCompress || c.AuditFailClosed {
		t.Errorf("audit defaults: size %d MB, backups %d, age %d days, compress %v, fail closed %v; want 100, 10, 0, false, false",
			c.AuditMaxSizeMB, c.AuditMaxBackups, c.AuditMaxAgeDays, c.AuditCompress, c.AuditFailClosed)
	}
}

func TestAuditKeysFromFileThenFlags(t *testing.T) {
	file := "audit_max_size_mb: 50\naudit_max_age_days: 90\naudit_max_backups: 0\naudit_compress: true\naudit_fail_closed: true\n"
	c, err := resolve(t, file)
	if err != nil {
		t.Fatal(err)
	}
	if c.AuditMaxSizeMB != 50 || c.AuditMaxAgeDays != 90 || c.AuditMaxBackups != 0 || !c.AuditCompress || !c.AuditFailClosed {
		t.Errorf("from the file: %+v", c)
	}
	c, err = resolve(t, file, "--audit-max-size-mb", "7", "--audit-max-age-days", "3", "--audit-max-backups", "4",
		"--audit-compress=false", "--audit-fail-closed=false")
	if err != nil {
		t.Fatal(err)
	}
	if c.AuditMaxSizeMB != 7 || c.AuditMaxAgeDays != 3 || c.AuditMaxBackups != 4 || c.AuditCompress || c.AuditFailClosed {
		t.Errorf("flags did not override the file: %+v", c)
	}
}

func TestAuditValidation(t *testing.T) {
	tests := []struct {
		name, file string
		args       []string
		want       []string // every problem, in order
	}{
		{"out of range", "audit_max_size_mb: 0\naudit_max_age_days: -1\naudit_max_backups: -2\n", nil, []string{
			"audit_max_size_mb 0: must be at least 1",
			"audit_max_age_days -1: must not be negative (0 keeps rotated files of any age)",
			"audit_max_backups -2: must not be negative (0 keeps every rotated file)",
		}},
		{"rotation of stdout", "audit_log: '-'\naudit_compress: true\n", nil, []string{
			`audit_max_size_mb, audit_max_age_days, audit_max_backups, audit_compress: set, but audit_log is "-" (stdout), which is never rotated: remove them, or rotate where the output is collected`,
		}},
		{"rotation flag with stdout", "", []string{"--audit-log", "-", "--audit-max-backups", "3"}, []string{
			`audit_max_size_mb, audit_max_age_days, audit_max_backups, audit_compress: set, but audit_log is "-" (stdout), which is never rotated: remove them, or rotate where the output is collected`,
		}},
		{"stdout, fail closed", "audit_log: '-'\naudit_fail_closed: true\n", nil, nil},
		{"keep everything", "audit_max_age_days: 0\naudit_max_backups: 0\naudit_max_size_mb: 1\n", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := resolve(t, tt.file, tt.args...)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("error %v, want none", err)
				}
				return
			}
			want := "invalid configuration:\n  - " + strings.Join(tt.want, "\n  - ")
			if err == nil || err.Error() != want {
				t.Fatalf("error:\n%v\nwant:\n%s", err, want)
			}
		})
	}
}
