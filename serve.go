package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/config"
	"github.com/waymarkhq/waymark/handlers"
	"github.com/waymarkhq/waymark/handlers/web"
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
		URL: rc.URL, Addrs: rc.Addrs, MasterName: rc.MasterName, Username: rc.Username, Password: rc.Password,
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

func (a *app) serve(ctx context.Context) error {
	kb, err := a.openBase()
	if err != nil {
		return err
	}
	defer kb.Close()
	store, closeStore, err := a.openStore()
	if err != nil {
		return err
	}
	defer closeStore()
	if err := store.Ping(ctx); err != nil {
		a.log.Warn("redis is not answering yet: answering without conversation state until it does", "err", err)
	}

	engine := bot.NewEngine(kb, store, bot.EngineOptions{Log: a.log, DefaultArea: kb.Corpus().Area})
	srv := handlers.NewServer(a.log, map[string]handlers.Check{"redis": store.Ping})
	if a.cfg.HTTP.WebChat {
		web.New(engine, a.log).Mount(srv)
	}

	stopSlack, err := a.startSlack(ctx, srv, engine, store)
	if err != nil {
		return err
	}
	defer stopSlack()

	ln, err := net.Listen("tcp", a.cfg.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.HTTP.Addr, err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(a.stdout, "Waymark is answering on %s (corpus: %d documents, %s)\n", url, len(kb.Corpus().Docs), corpusName(a.cfg))
	a.log.Info("serving", "addr", ln.Addr().String(), "web_chat", a.cfg.HTTP.WebChat, "slack", a.cfg.Slack.Enabled(), "redis_embedded", !a.cfg.Redis.Configured())

	select {
	case err := <-served:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	a.log.Info("stopping")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

func corpusName(c *config.Config) string {
	if c.Corpus.Dir == "" {
		return "the embedded Wyvern Vale sample"
	}
	return c.Corpus.Dir
}
