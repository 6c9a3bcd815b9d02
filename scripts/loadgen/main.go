// Command loadgen drives a `stsd dev` node with AssumeRoleWithWebIdentity
// and GetCallerIdentity (SigV4, with the session credentials the former
// issued), half each, for scripts/soak.sh. It mints its own tokens from
// the dev issuer in the node's data directory, so runs may outlast a
// token's lifetime.
//
// -mode peak: closed loop on -conns connections for -duration; prints
// "peak_rps N". -mode soak: open loop at -rate requests/s; every -interval
// it prints throughput, errors, latency percentiles and the node's RSS,
// goroutines (go_goroutines from /metrics) and open files (/proc/PID/fd),
// then judges the run (see judge) and exits 1 if it failed.
//
// Only loopback URLs are accepted: this is a test of a local node.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/signal"
	"time"
)

type options struct {
	url, dataDir, roleARN, mode string
	pid, conns                  int
	rate                        float64
	duration, warmup, baseline  time.Duration
	interval                    time.Duration
	tolerance                   float64
}

func main() {
	var o options
	flag.StringVar(&o.url, "url", "", "the node's endpoint (loopback only)")
	flag.StringVar(&o.dataDir, "data-dir", "", "the `stsd dev` data directory (its issuer mints the tokens)")
	flag.StringVar(&o.roleARN, "role-arn", "", "the role to assume")
	flag.StringVar(&o.mode, "mode", "soak", "peak or soak")
	flag.IntVar(&o.pid, "pid", 0, "the node's process id (soak: RSS and open files)")
	flag.IntVar(&o.conns, "conns", 32, "connections (workers)")
	flag.Float64Var(&o.rate, "rate", 1000, "soak: requests per second")
	flag.DurationVar(&o.duration, "duration", time.Minute, "how long to run")
	flag.DurationVar(&o.warmup, "warmup", 30*time.Second, "soak: samples before this are not judged")
	flag.DurationVar(&o.baseline, "baseline", time.Minute, "soak: the window after warm-up that later samples are compared with")
	flag.DurationVar(&o.interval, "interval", 10*time.Second, "soak: sampling interval")
	flag.Float64Var(&o.tolerance, "tolerance", 0.20, "soak: allowed growth of RSS, goroutines and open files over the baseline")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	u, err := url.Parse(o.url)
	if err != nil || u.Hostname() == "" {
		return fmt.Errorf("-url %q: not a URL", o.url)
	}
	if ip := net.ParseIP(u.Hostname()); (ip == nil || !ip.IsLoopback()) && u.Hostname() != "localhost" {
		return fmt.Errorf("-url %q: only loopback targets", o.url)
	}
	if o.dataDir == "" || o.roleARN == "" {
		return errors.New("-data-dir and -role-arn are required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	c, err := newClient(ctx, o)
	if err != nil {
		return err
	}
	switch o.mode {
	case "peak":
		rps := peak(ctx, c, o)
		fmt.Printf("peak_rps %.0f\n", rps)
		return nil
	case "soak":
		if o.pid == 0 {
			return errors.New("-pid is required with -mode soak")
		}
		return soak(ctx, c, o)
	}
	return fmt.Errorf("-mode %q: peak or soak", o.mode)
}
