package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/config"
	"github.com/waymarkhq/waymark/handlers"
	"github.com/waymarkhq/waymark/handlers/metrics"
	"github.com/waymarkhq/waymark/handlers/web"
	"github.com/waymarkhq/waymark/knowledge"
)

// shutdownGrace is how long serve waits for requests and queued replies to
// finish when it is stopped.
const shutdownGrace = 10 * time.Second

func (a *app) serveCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the assistant: the local web chat, and Slack when configured",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.serve(cmd.Context())
		},
	}
	cmd.Flags().String("http-addr", "127.0.0.1:8080", "listen on this host:port")
	return cmd
}

// openStore connects to the configured Redis, or starts an embedded one.
// It returns a function that closes whatever it opened.
func (a *app) openStore() (*redisstore.Store, func(), error) {
	redisstore.SetLogger(a.log)
	rc := a.cfg.Redis
	cfg := redisstore.Config{
		URL: rc.URL, Addrs: rc.Addrs, MasterName: rc.MasterName, Cluster: rc.Cluster, Username: rc.Username, Password: rc.Password,
		DB: rc.DB, Prefix: rc.Prefix, ConversationTTL: rc.ConversationTTL, ProfileTTL: rc.ProfileTTL,
	}
	var embedded *redisstore.Embedded
	if !rc.Configured() {
		var err error
		embedded, err = redisstore.StartEmbedded()
		if err != nil {
			return nil, nil, fmt.Errorf("start embedded redis: %w", err)
		}
		cfg.URL = "redis://" + embedded.Addr()
		a.log.Warn("no redis configured: using an embedded, in-memory Redis; conversation state is lost when waymark stops (set redis.url to keep it)")
	}
	store, err := redisstore.New(cfg)
	if err != nil {
		if embedded != nil {
			embedded.Close()
		}
		return nil, nil, err
	}
	return store, func() {
		store.Close()
		if embedded != nil {
			embedded.Close()
		}
	}, nil
}

// serve runs waymark until ctx is done or the HTTP server fails.
func (a *app) serve(ctx context.Context) error {
	m := &Main{app: a}
	if err := m.Open(ctx); err != nil {
		m.Close()
		return err
	}
	var err error
	select {
	case err = <-m.served:
		err = fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	a.log.Info("stopping")
	return errors.Join(err, m.Close())
}

// Main is waymark serve running: Open starts everything, each part after
// what it needs, and Close stops them in the reverse order. Every
// goroutine is started by Open and has ended when Close returns; the
// constructors Open calls start none of their own (in the spirit of
// benbjohnson/wtf's cmd/wtfd).
type Main struct {
	app *app

	closers  []func() error // run by Close, last first
	served   chan error     // the HTTP server's failure
	url      string
	adminURL string // where /metrics is served, if anywhere
	shutdown func() error
}

// onClose adds f to what Close runs, before everything added earlier.
func (m *Main) onClose(f func() error) { m.closers = append(m.closers, f) }

// Open starts waymark: the index and its reloading on SIGHUP, the store,
// the configured platforms, the desk and its timers, and the HTTP server
// with the web chat and the platforms' routes. On an error, what was started is left for Close to stop.
func (m *Main) Open(ctx context.Context) error {
	a := m.app
	// Background work (reloads, the desk's timers, Socket Mode) runs until
	// Close cancels it.
	ctx, stop := context.WithCancel(ctx)
	var background sync.WaitGroup
	stopBackground := func() error { stop(); background.Wait(); return nil }
	m.onClose(stopBackground)

	// Metrics first, so that every platform client made below is counted.
	a.metrics = metrics.New()
	handlers.InstrumentClients(a.metrics.Transport)
	// Listen at once: a large corpus takes a while to index, and until it
	// is built /readyz says so (503) and every other route answers 503,
	// which Slack and the Bot Framework retry.
	srv := handlers.NewServer(a.log, nil)
	var ready atomic.Bool
	srv.AddCheck("index", func(context.Context) error {
		if !ready.Load() {
			return bot.Errorf(bot.EUnavailable, "Waymark is building its index and starting; it answers in a moment.")
		}
		return nil
	})
	srv.Handle("/", func(w http.ResponseWriter, r *http.Request) error {
		if !ready.Load() {
			w.Header().Set("Retry-After", "5")
			return bot.Errorf(bot.EUnavailable, "Waymark is starting; try again in a moment.")
		}
		return bot.Errorf(bot.ENotFound, "There is nothing here.")
	})
	if err := m.listen(srv); err != nil {
		return err
	}
	base, err := a.openBase()
	if err != nil {
		return err
	}
	a.metrics.Index(len(base.Corpus().Docs), a.lastBuild)
	kb := knowledge.NewLive(base)
	m.onClose(kb.Close)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	m.onClose(func() error { signal.Stop(hup); return nil })
	background.Go(func() {
		for {
			select {
			case <-hup:
				a.reload(kb)
			case <-ctx.Done():
				return
			}
		}
	})
	store, closeStore, err := a.openStore()
	if err != nil {
		return err
	}
	m.onClose(func() error { closeStore(); return nil })
	store.Client().AddHook(a.metrics.RedisHook())
	m.onClose(stopBackground) // so the desk's timers stop before the store closes
	if err := store.Ping(ctx); err != nil {
		a.log.Warn("redis is not answering yet: answering without conversation state until it does", "err", err)
	}

	conns, err := m.connect(store)
	if err != nil {
		return err
	}
	notifier := bot.MultiNotifier{bot.PlatformWeb: store}
	directory := bot.MultiDirectory{}
	for _, c := range conns {
		if n := c.Notifier(); n != nil {
			notifier[c.name] = n
		}
		if d := c.Directory(); d != nil {
			directory[c.name] = d
		}
	}
	desk, err := a.openDesk(kb, store, notifier, directory)
	if err != nil {
		return fmt.Errorf("consultations: %w", err)
	}
	var signin *web.SignIn
	lim := a.cfg.Limits
	if desk != nil {
		background.Go(func() { a.countQueues(ctx, store) })
		// The console lists records by their indexes: records made before
		// there were indexes join them.
		background.Go(func() {
			if n, err := store.Reindex(ctx); err != nil {
				a.log.Warn("console: records not all listed; the next start tries again", "listed", n, "err", err)
			}
		})
	}
	opts := bot.EngineOptions{Log: a.log, Clock: a.clock(), DefaultArea: base.Corpus().Area, Desk: desk, Gaps: store, Usage: store, Counter: store, Metrics: a.metrics, Limits: bot.Limits{
		Questions:   bot.Limit{Max: lim.Questions.Max, Per: lim.Questions.Per},
		Bookings:    bot.Limit{Max: lim.Bookings.Max, Per: lim.Bookings.Per},
		Escalations: bot.Limit{Max: lim.Escalations.Max, Per: lim.Escalations.Per},
	}}
	if a.cfg.HTTP.WebChat && a.cfg.Web.SignIn() {
		if signin, err = web.NewSignIn(web.SignInConfig{Web: a.cfg.Web, Tokens: store, Log: a.log}); err != nil {
			return fmt.Errorf("web sign-in: %w", err)
		}
		if a.cfg.Web.Links {
			opts.WebLinks = signin
		}
	}
	engine := bot.NewEngine(kb, store, opts)
	if desk != nil {
		background.Go(func() { desk.Run(ctx, a.cfg.Escalation.Tick) })
	}
	background.Go(func() { a.sweep(ctx, store) })
	srv.AddCheck("redis", store.Ping)
	if w := a.holidayWarning; w != "" {
		srv.AddCheck("bank_holidays", func(context.Context) error { return handlers.Warning(w) })
	}
	var routes []handlers.Route
	if a.cfg.HTTP.WebChat {
		var proxies []netip.Prefix
		for _, s := range a.cfg.HTTP.TrustedProxies {
			p, _ := config.ParseProxy(s) // validated already
			proxies = append(proxies, p)
		}
		chat := web.New(engine, a.log).WithInbox(store).WithAddressLimit(store, bot.Limit{Max: lim.WebAddress.Max, Per: lim.WebAddress.Per}, nil, proxies...)
		if signin != nil {
			chat.WithSignIn(signin)
			if desk != nil {
				cc := web.ConsoleConfig{Desk: desk, Board: store, Gaps: store, Corpus: kb, Usage: store}
				if clock := a.clock(); clock != nil {
					cc.Now = clock.Now
				}
				chat.WithConsole(cc)
			}
		}
		routes = append(routes, chat.Routes()...)
	}
	for _, c := range conns {
		e, err := c.Serve(engine)
		if err != nil {
			return err
		}
		routes = append(routes, e.Routes...)
		for name, check := range e.Checks {
			srv.AddCheck(name, check)
		}
		m.onClose(c.Close) // each answers what it queued
		if err := c.Open(ctx); err != nil {
			return err
		}
	}
	if err := mountOnce(srv, routes); err != nil {
		return err
	}
	// Requests stop first, so that nothing new reaches what stops after.
	m.onClose(m.shutdown)
	ready.Store(true)
	attrs := []any{"addr", strings.TrimPrefix(m.url, "http://"), "web_chat", a.cfg.HTTP.WebChat, "web_sign_in", signin != nil}
	for _, p := range a.platforms {
		attrs = append(attrs, p.Name(), slices.Contains(a.cfg.Enabled(), p.Name()))
	}
	a.log.Info("serving", append(attrs, "consultations", desk != nil, "redis_embedded", !a.cfg.Redis.Configured())...)
	// Said last: whoever waits for it (a person, a script, a test) finds
	// the log line that says how it is serving already written.
	fmt.Fprintf(a.stdout, "Waymark is answering on %s (corpus: %d documents, %s)\n", m.url, len(base.Corpus().Docs), corpusName(a.cfg))
	return nil
}

// Close stops what Open started, last first: the HTTP server, the
// platforms (answering what they queued), the background work, the store and
// the index. It returns every error met; calling it twice is harmless.
func (m *Main) Close() error {
	var errs []error
	for i := len(m.closers) - 1; i >= 0; i-- {
		errs = append(errs, m.closers[i]())
	}
	m.closers = nil
	return errors.Join(errs...)
}

// reload rebuilds the index from the corpus folder (on SIGHUP). A corpus
// with problems is reported and the last good index keeps answering.
func (a *app) reload(kb *knowledge.Live) {
	if a.cfg.Corpus.Dir == "" {
		a.log.Info("reload: the embedded sample corpus does not change; nothing to do")
		return
	}
	start := time.Now()
	b, err := kb.Reload(func() (*knowledge.Corpus, error) { return knowledge.LoadDir(a.cfg.Corpus.Dir) })
	var ce *knowledge.CorpusError
	switch {
	case errors.As(err, &ce):
		for _, p := range ce.Problems {
			a.log.Error("corpus problem", "at", p.String())
		}
		a.log.Error("corpus reload failed: still answering from the last good index", "problems", len(ce.Problems))
	case err != nil:
		a.log.Error("corpus reload failed: still answering from the last good index", "err", err)
	default:
		a.log.Info("corpus reloaded", "documents", len(b.Corpus().Docs), "warnings", len(b.Corpus().Warnings))
		if a.metrics != nil {
			a.metrics.Index(len(b.Corpus().Docs), time.Since(start))
		}
	}
}

// connection is a configured platform, by name.
type connection struct {
	name string
	handlers.Connection
}

// connect prepares every configured platform, in the order main lists
// them. Nothing they do runs until Open.
func (m *Main) connect(store *redisstore.Store) ([]connection, error) {
	var out []connection
	for _, p := range m.app.platforms {
		s := m.app.cfg.Platform(p.Name())
		if s == nil || !s.Enabled() {
			continue
		}
		c, err := p.Connect(s, handlers.Host{Log: m.app.log.With("platform", p.Name()), Store: store, Metrics: m.app.metrics})
		if err != nil {
			return nil, err
		}
		out = append(out, connection{name: p.Name(), Connection: c})
	}
	return out, nil
}

// mountOnce mounts every route: Waymark's routes are all mounted here. Two
// platforms claiming one pattern is a mistake to report, not a panic.
func mountOnce(srv *handlers.Server, routes []handlers.Route) error {
	seen := map[string]bool{}
	for _, r := range routes {
		if seen[r.Pattern] {
			return fmt.Errorf("two routes claim %q", r.Pattern)
		}
		seen[r.Pattern] = true
	}
	srv.Mount(routes...)
	return nil
}

func corpusName(c *config.Config) string {
	if c.Corpus.Dir == "" {
		return "the embedded Wyvern Vale sample"
	}
	return c.Corpus.Dir
}

// listen starts serving srv on http.addr, and /metrics on
// http.admin_addr; Close stops them first.
func (m *Main) listen(srv *handlers.Server) error {
	a := m.app
	ln, err := net.Listen("tcp", a.cfg.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.HTTP.Addr, err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	m.served = make(chan error, 1)
	go func() {
		if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			m.served <- err
		}
	}()
	var once sync.Once
	var shutErr error
	m.shutdown = func() error {
		once.Do(func() {
			sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
			defer cancel()
			if err := hs.Shutdown(sctx); err != nil {
				shutErr = fmt.Errorf("shut down: %w", err)
			}
		})
		return shutErr
	}
	// If Open fails before the end, Close still stops the server (last);
	// once open, it is stopped first (see Open).
	m.onClose(m.shutdown)
	m.url = "http://" + ln.Addr().String()
	if addr := a.cfg.HTTP.AdminAddr; addr != "" {
		return m.serveAdmin(addr, srv)
	}
	return nil
}
