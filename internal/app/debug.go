package app

import (
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"

	"github.com/stsd/stsd/internal/server"
)

// startDebug serves net/http/pprof on debug_addr when it is set, on a mux
// of its own (never the API listeners'). Profiles reveal memory contents
// and the command line: a non-loopback address is logged as a warning.
func (a *App) startDebug(o Options) error {
	addr := o.Config.DebugAddr
	if addr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("debug listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	a.debugSrv = server.HTTPServer(ln.Addr().String(), mux, o.Logger)
	// A CPU profile or trace runs for ?seconds=N: no write timeout.
	a.debugSrv.WriteTimeout = 0
	a.DebugURL = "http://" + ln.Addr().String()
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		o.Logger.Warn("pprof endpoints listening beyond loopback", "addr", ln.Addr().String())
	}
	go func() { _ = a.debugSrv.Serve(ln) }()
	o.Logger.Info("stsd debug endpoints serving", "url", a.DebugURL+"/debug/pprof/")
	return nil
}
