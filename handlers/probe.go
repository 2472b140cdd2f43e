package handlers

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/waymarkhq/waymark/bot"
)

// A Probe checks a platform's credentials once serve starts (Slack's
// auth.test, a Teams token), so that a wrong secret is reported at once,
// in the log and in /readyz, not at the first message. A platform that
// cannot be reached is tried again every retry until it answers; a refusal
// stands until restart, since the secret will not mend itself.
type Probe struct {
	name  string
	state atomic.Pointer[probeState]
}

type probeState struct {
	done bool
	err  error
}

// probeRetry is how long a probe waits before trying an unreachable
// platform again.
const probeRetry = 30 * time.Second

// StartProbe runs check in the background until it succeeds, is refused,
// or ctx ends, logging the outcome under name.
func StartProbe(ctx context.Context, log *slog.Logger, name string, check func(context.Context) error) *Probe {
	p := &Probe{name: name}
	p.state.Store(&probeState{})
	go func() {
		for {
			cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err := check(cctx)
			cancel()
			if ctx.Err() != nil {
				return
			}
			switch {
			case err == nil:
				p.state.Store(&probeState{done: true})
				log.Info(name + ": credentials accepted")
				return
			case bot.ErrorKind(err) == bot.EUnavailable:
				p.state.Store(&probeState{err: err})
				log.Warn(name+": cannot check the credentials yet; trying again", "err", err)
			default:
				p.state.Store(&probeState{done: true, err: err})
				log.Error(name+": credentials refused: fix the configuration and restart", "err", err)
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(probeRetry):
			}
		}
	}()
	return p
}

// Check is the probe as a readiness check: nil while the first check is
// under way and once it succeeded; a Warning (still ready: other replicas
// would fare no better, and Slack or Teams may be back in a minute) while
// the platform cannot be reached; the refusal, which makes the replica
// unready, otherwise.
func (p *Probe) Check(context.Context) error {
	s := p.state.Load()
	if s.err == nil {
		return nil
	}
	if bot.ErrorKind(s.err) == bot.EUnavailable {
		return Warning(p.name + " cannot be reached to check its credentials: " + bot.ErrorMessage(s.err))
	}
	return &bot.Error{Kind: bot.EUnauthorized, Message: p.name + " refused the credentials: " + bot.ErrorMessage(s.err), Err: s.err}
}
