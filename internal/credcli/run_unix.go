//go:build unix

package credcli

import (
	"fmt"
	"syscall"
)

// run replaces the process with the command: its exit status and the
// signals it receives are its own.
func run(env Env, path string, args, environ []string) error {
	err := syscall.Exec(path, args, environ)
	return fail(env, ExitOther, fmt.Errorf("running %s: %w", path, err))
}
