package etcdtest

import (
	"io"
	"net"
	"sync"
)

// proxy stands in front of a member's client port, so that stopping the
// member cuts its clients off at once, as a crashed process would (an
// embedded etcd otherwise keeps serving open watch streams for its
// request timeout while it shuts down), and so that clients keep one
// address across restarts.
type proxy struct {
	ln       net.Listener
	upstream string

	mu    sync.Mutex
	down  bool
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

func newProxy(ln net.Listener, upstream string) *proxy {
	p := &proxy{ln: ln, upstream: upstream, down: true, conns: map[net.Conn]bool{}}
	p.wg.Go(p.serve)
	return p
}

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.down {
			p.mu.Unlock()
			_ = c.Close()
			continue
		}
		p.conns[c] = true
		p.mu.Unlock()
		p.wg.Go(func() { p.pipe(c) })
	}
}

func (p *proxy) pipe(c net.Conn) {
	defer p.drop(c)
	u, err := net.Dial("tcp", p.upstream)
	if err != nil {
		return
	}
	if !p.track(u) {
		_ = u.Close()
		return
	}
	defer p.drop(u)
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(u, c); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, u); done <- struct{}{} }()
	<-done // either side closed: close both, which ends the other copy
}

func (p *proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		return false
	}
	p.conns[c] = true
	return true
}

func (p *proxy) drop(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	_ = c.Close()
}

// setDown cuts every connection and refuses new ones (down), or lets
// connections through again.
func (p *proxy) setDown(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = down
	if down {
		for c := range p.conns {
			_ = c.Close()
		}
	}
}

func (p *proxy) close() {
	p.setDown(true)
	_ = p.ln.Close()
	p.wg.Wait()
}
