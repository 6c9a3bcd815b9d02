//go:build !unix

package credcli

import (
	"errors"
	"fmt"
	"os"
	"os/exec"

	"github.com/stsd/stsd/internal/policycli"
)

// run starts the command with the terminal's streams and exits with its
// status.
func run(env Env, path string, args, environ []string) error {
	cmd := exec.Command(path, args[1:]...)
	cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr = environ, os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return &policycli.ExitError{Code: exit.ExitCode(), Err: err}
	}
	if err != nil {
		return fail(env, ExitOther, fmt.Errorf("running %s: %w", path, err))
	}
	return nil
}
