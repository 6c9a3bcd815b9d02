package console

import (
	"sync"
	"time"

	"github.com/stsd/stsd/internal/audit"
)

// Feed sizes.
const (
	// recentEvents is how many audit events the console keeps for the
	// Activity page and explanations (the log itself keeps everything).
	recentEvents = 2000
	// trafficMinutes is how many minutes of per-minute counts it keeps.
	trafficMinutes = 60
	// subscriberBuffer is how many events a slow live viewer may fall
	// behind before it misses some.
	subscriberBuffer = 256
)

// Activity is the audit log's live feed: the recent events, per-minute
// request and denial counts, and subscribers (the Activity page's
// server-sent events). It is fed by audit.Options.Observe, on the audit
// writer's goroutine, so it never slows a request.
type Activity struct {
	now func() time.Time

	mu      sync.Mutex
	ring    []*entry // the last recentEvents
	next    int
	full    bool
	minutes map[int64]*minuteCounts // Unix minute → counts
	subs    map[chan *entry]struct{}

	done      chan struct{} // closed by Close: live streams end
	closeOnce sync.Once
}

// minuteCounts are one minute's API calls and failed calls by reason.
type minuteCounts struct {
	Requests int
	Denials  map[string]int
}

// NewActivity returns an empty feed.
func NewActivity(now func() time.Time) *Activity {
	if now == nil {
		now = time.Now
	}
	return &Activity{now: now, ring: make([]*entry, recentEvents), minutes: map[int64]*minuteCounts{},
		subs: map[chan *entry]struct{}{}, done: make(chan struct{})}
}

// Close ends every live stream and any opened later: the server is
// shutting down, and an open stream — a page left open in a browser —
// would otherwise hold the shutdown until its timeout.
func (a *Activity) Close() {
	a.closeOnce.Do(func() { close(a.done) })
}

// Observe takes a batch of written events (audit.Options.Observe).
func (a *Activity) Observe(batch []*audit.Event) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, ev := range batch {
		e := summarize(ev)
		a.ring[a.next] = e
		a.next = (a.next + 1) % len(a.ring)
		if a.next == 0 {
			a.full = true
		}
		a.count(ev)
		for ch := range a.subs {
			select {
			case ch <- e:
			default: // a viewer too slow misses events; the page says so
			}
		}
	}
}

func (a *Activity) count(ev *audit.Event) {
	m := ev.EventTime.Unix() / 60
	mc := a.minutes[m]
	if mc == nil {
		mc = &minuteCounts{Denials: map[string]int{}}
		a.minutes[m] = mc
		oldest := a.now().Unix()/60 - trafficMinutes
		for k := range a.minutes {
			if k < oldest {
				delete(a.minutes, k)
			}
		}
	}
	mc.Requests++
	if failed(ev) {
		reason := "unknown"
		if ev.Decision != nil && ev.Decision.Reason != "" {
			reason = ev.Decision.Reason
		}
		mc.Denials[reason]++
	}
}

// failed reports whether the call was refused (an error, or a console
// sign-in that failed).
func failed(ev *audit.Event) bool {
	return ev.ErrorCode != "" || ev.ErrorMessage != ""
}

// Recent returns the kept events, newest first.
func (a *Activity) Recent() []*entry {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := a.next
	if a.full {
		n = len(a.ring)
	}
	out := make([]*entry, 0, n)
	for i := 1; i <= n; i++ {
		out = append(out, a.ring[(a.next-i+len(a.ring))%len(a.ring)])
	}
	return out
}

// Event finds a kept event by its eventID.
func (a *Activity) Event(id string) (*entry, bool) {
	for _, e := range a.Recent() {
		if e.Event.EventID == id {
			return e, true
		}
	}
	return nil, false
}

// minuteRow is one minute of traffic for the Overview.
type minuteRow struct {
	Minute   time.Time
	Requests int
	Denials  int
	Reasons  map[string]int
}

// Traffic returns the last n minutes, newest first (minutes without any
// call included as zeros).
func (a *Activity) Traffic(n int) []minuteRow {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now().Unix() / 60
	out := make([]minuteRow, 0, n)
	for m := now; m > now-int64(n); m-- {
		row := minuteRow{Minute: time.Unix(m*60, 0).UTC()}
		if mc := a.minutes[m]; mc != nil {
			row.Requests = mc.Requests
			row.Reasons = map[string]int{}
			for r, k := range mc.Denials {
				row.Reasons[r] = k
				row.Denials += k
			}
		}
		out = append(out, row)
	}
	return out
}

// subscribe registers a live viewer; cancel unregisters it.
func (a *Activity) subscribe() (<-chan *entry, func()) {
	ch := make(chan *entry, subscriberBuffer)
	a.mu.Lock()
	a.subs[ch] = struct{}{}
	a.mu.Unlock()
	return ch, func() {
		a.mu.Lock()
		delete(a.subs, ch)
		a.mu.Unlock()
	}
}
