package slack

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/config"
	"github.com/waymarkhq/waymark/handlers"
)

// Platform is Slack, as main lists it: the slack section of the
// configuration, targets written slack:channel:C0123 or slack:user:U0123
// (slack:T01:channel:C0123 in an Enterprise Grid), and specialists written
// slack:U0123 or slack:group:S0123.
var Platform handlers.Platform = platform{}

type platform struct{}

func (platform) Name() string { return bot.PlatformSlack }

func (platform) Settings() config.Section {
	return &Settings{APIURL: "https://slack.com/api/", Workers: DefaultWorkers}
}

// Settings are the slack section of the configuration.
type Settings struct {
	BotToken      string `mapstructure:"bot_token"`      // xoxb-...; turns Slack on
	SigningSecret string `mapstructure:"signing_secret"` // verifies HTTP requests
	AppToken      string `mapstructure:"app_token"`      // xapp-...: Socket Mode instead of a public URL
	APIURL        string `mapstructure:"api_url"`        // Slack's Web API base URL
	Workers       int    `mapstructure:"workers"`        // replies composed at once
}

// Enabled reports whether Slack is configured.
func (s *Settings) Enabled() bool { return s.BotToken != "" }

// Check lists every problem with the settings.
func (s *Settings) Check() []string {
	var p []string
	if (s.SigningSecret != "" || s.AppToken != "") && s.BotToken == "" {
		p = append(p, "slack.bot_token is needed with slack.signing_secret or slack.app_token")
	}
	if s.BotToken != "" && s.SigningSecret == "" && s.AppToken == "" {
		p = append(p, "slack needs slack.signing_secret (Events API over HTTP) or slack.app_token (Socket Mode)")
	}
	if s.BotToken != "" && !strings.HasPrefix(s.BotToken, "xoxb-") {
		p = append(p, "slack.bot_token must be a bot token (xoxb-...)")
	}
	if s.AppToken != "" && !strings.HasPrefix(s.AppToken, "xapp-") {
		p = append(p, "slack.app_token must be an app-level token (xapp-...)")
	}
	if u, err := url.Parse(s.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		p = append(p, fmt.Sprintf("slack.api_url %q must be an http(s) URL", s.APIURL))
	}
	if s.Workers < 1 || s.Workers > maxWorkers {
		p = append(p, fmt.Sprintf("slack.workers must be between 1 and %d, not %d", maxWorkers, s.Workers))
	}
	return p
}

// Target is t: Slack ids need nothing added.
func (s *Settings) Target(_ string, t config.Target) (config.Target, []string) { return t, nil }

// Person is who: Slack ids need nothing added.
func (s *Settings) Person(_, who string) (string, []string) { return who, nil }

func (s *Settings) adapterConfig() Config {
	return Config{BotToken: s.BotToken, SigningSecret: s.SigningSecret, AppToken: s.AppToken, APIURL: s.APIURL, Workers: s.Workers}
}

func (platform) Connect(sec config.Section, h handlers.Host) (handlers.Connection, error) {
	s, ok := sec.(*Settings)
	if !ok {
		return nil, fmt.Errorf("slack: settings are %T, not *slack.Settings", sec)
	}
	cfg := s.adapterConfig()
	n, err := NewNotifier(cfg)
	if err != nil {
		return nil, fmt.Errorf("slack: %w", err)
	}
	d, err := NewDirectory(cfg)
	if err != nil {
		return nil, fmt.Errorf("slack: %w", err)
	}
	return &connection{cfg: cfg, host: h, notifier: n, directory: d}, nil
}

// closeGrace bounds how long Close answers what is queued.
const closeGrace = 10 * time.Second

// connection is Slack connected: the Events API when there is a signing
// secret, Socket Mode when there is an app token.
type connection struct {
	cfg       Config
	host      handlers.Host
	notifier  *Notifier
	directory *Directory

	adapter *Adapter
	probe   *handlers.Probe
	stopped atomic.Bool // Socket Mode has stopped
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

func (c *connection) Notifier() bot.Notifier   { return c.notifier }
func (c *connection) Directory() bot.Directory { return c.directory }

func (c *connection) Serve(h bot.Handler) (handlers.Endpoint, error) {
	a, err := New(c.cfg, h, c.host.Store, c.host.Log)
	if err != nil {
		return handlers.Endpoint{}, fmt.Errorf("slack: %w", err)
	}
	c.adapter = a.CountUndelivered(c.host.Metrics)
	var e handlers.Endpoint
	if c.cfg.SigningSecret != "" {
		e.Routes = a.Routes()
	}
	e.Checks = map[string]handlers.Check{"slack_credentials": func(ctx context.Context) error {
		if c.probe == nil {
			return nil
		}
		return c.probe.Check(ctx)
	}}
	if c.cfg.AppToken != "" {
		e.Checks["slack_socket_mode"] = func(context.Context) error {
			if c.stopped.Load() {
				return bot.Errorf(bot.EUnavailable, "Slack Socket Mode has stopped; see the log.")
			}
			return nil
		}
	}
	return e, nil
}

func (c *connection) Open(ctx context.Context) error {
	if c.adapter == nil {
		return fmt.Errorf("slack: Open before Serve")
	}
	c.adapter.Open()
	ctx, c.cancel = context.WithCancel(ctx)
	c.probe = handlers.StartProbe(ctx, c.host.Log, "slack", c.notifier.AuthTest)
	if c.cfg.AppToken != "" {
		c.wg.Go(func() {
			if err := c.adapter.RunSocketMode(ctx); err != nil {
				c.stopped.Store(true)
				c.host.Log.Error("slack socket mode stopped", "err", err)
			}
		})
	}
	c.host.Log.Info("slack connected", "events_api", c.cfg.SigningSecret != "", "socket_mode", c.cfg.AppToken != "")
	return nil
}

// Close ends Socket Mode, then answers what is queued, but not for longer
// than closeGrace: a reply still queued then is lost, and Slack is not
// told.
func (c *connection) Close() error {
	if c.cancel != nil {
		c.cancel()
	}
	c.wg.Wait()
	if c.adapter == nil {
		return nil
	}
	closed := make(chan error, 1)
	go func() { closed <- c.adapter.Close() }()
	select {
	case err := <-closed:
		return err
	case <-time.After(closeGrace):
		return fmt.Errorf("slack: queued replies not finished within %s; stopped anyway", closeGrace)
	}
}
