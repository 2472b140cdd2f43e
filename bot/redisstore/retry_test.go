package redisstore_test

import (
	"bytes"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/internal/redistest"
)

// When the reply to a script is lost, go-redis runs the script again. The
// second run must report what the first did, not refuse it as a change
// someone else made or hand out the next timers.
func TestScriptRetriedAfterALostReply(t *testing.T) {
	t.Parallel()
	p := lossyProxy(t, redistest.Shared(t).Addr())
	s := mustStore(t, redisstore.Config{URL: "redis://" + p.addr + "/0"})
	ctx := t.Context()

	// Load the scripts, so that the next EVALSHA runs rather than getting
	// NOSCRIPT.
	warm := mustCreate(t, s, booking(priya, t0))
	if _, err := s.Claim(ctx, warm.Ref, ben, t0); err != nil {
		t.Fatal(err)
	}
	e := mustEscalate(t, s, slaBreach(t0))
	advance(t, s, e.ID, 0, 1, false)
	mustTakeDue(t, s, t0, 1)

	p.dropReplyTo("EVALSHA")
	c := mustCreate(t, s, booking(priya, t0))
	if c.Ref != "WM-000002" {
		t.Errorf("booking whose reply was lost: %s, want WM-000002", c.Ref)
	}

	p.dropReplyTo("EVALSHA")
	if _, err := s.Claim(ctx, c.Ref, ada, t0.Add(time.Minute)); err != nil {
		t.Errorf("claim whose reply was lost: %v", err)
	}

	p.dropReplyTo("EVALSHA")
	if _, ok := advance(t, s, e.ID, 0, 2, false); !ok {
		t.Errorf("Advance whose reply was lost reported false")
	}

	p.dropReplyTo("EVALSHA")
	if _, err := s.Acknowledge(ctx, e.ID, ada, t0.Add(time.Minute)); err != nil {
		t.Errorf("acknowledgement whose reply was lost: %v", err)
	}

	mustSchedule(t, s,
		bot.Timer{ID: "a", Due: t0, Kind: bot.TimerClaimSLA},
		bot.Timer{ID: "b", Due: t0, Kind: bot.TimerClaimSLA},
	)
	p.dropReplyTo("EVALSHA")
	if got := mustTakeDue(t, s, t0, 10); len(got) != 2 {
		t.Errorf("TakeDue whose reply was lost = %q, want [a b]", timerIDs(got))
	}

	if n := p.dropped.Load(); n != 5 {
		t.Errorf("%d replies dropped, want 5", n)
	}
	// Each change is audited once.
	var claims, acks int
	for _, a := range auditOf(t, s, time.Time{}) {
		switch {
		case a.Action == bot.AuditClaimed && a.Ref == c.Ref:
			claims++
		case a.Action == bot.AuditAcknowledged:
			acks++
		}
	}
	if claims != 1 || acks != 1 {
		t.Errorf("%d claims and %d acknowledgements audited, want 1 each", claims, acks)
	}
}

// proxy forwards connections to a Redis server and can lose one reply.
type proxy struct {
	addr    string
	target  string
	drop    atomic.Pointer[[]byte] // the command whose reply to lose, once
	dropped atomic.Int32
}

// lossyProxy starts a proxy to target, stopped when tb ends.
func lossyProxy(tb testing.TB, target string) *proxy {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p := &proxy{addr: l.Addr().String(), target: target}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, c, up)
			mu.Unlock()
			wg.Go(func() { p.serve(c, up) })
		}
	})
	tb.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return p
}

// dropReplyTo makes the proxy lose the reply to the next command containing
// cmd, in any case: it passes the command on, waits for Redis to run it, and closes the
// connection instead of answering.
func (p *proxy) dropReplyTo(cmd string) {
	b := bytes.ToLower([]byte(cmd))
	p.drop.Store(&b)
}

func (p *proxy) serve(c, up net.Conn) {
	defer c.Close()
	defer up.Close()
	var losing atomic.Bool
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := up.Read(buf)
			if n > 0 && !losing.Load() {
				if _, err := c.Write(buf[:n]); err != nil {
					return
				}
			}
			if err != nil {
				c.Close()
				return
			}
		}
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		if d := p.drop.Load(); d != nil && bytes.Contains(bytes.ToLower(buf[:n]), *d) && p.drop.CompareAndSwap(d, nil) {
			losing.Store(true)
			p.dropped.Add(1)
			up.Write(buf[:n])
			time.Sleep(100 * time.Millisecond) // Redis runs it; the reply goes nowhere
			return
		}
		if _, err := up.Write(buf[:n]); err != nil {
			return
		}
	}
}
