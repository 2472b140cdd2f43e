package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
	"github.com/waymarkhq/waymark/handlers/slack"
)

// startSlack connects Slack when it is configured: the Events API on srv
// when there is a signing secret, Socket Mode when there is an app token.
// The returned stop function ends Socket Mode, then answers everything
// already queued.
func (a *app) startSlack(ctx context.Context, srv *handlers.Server, engine *bot.Engine, store bot.Store) (stop func(), err error) {
	sc := a.cfg.Slack
	if !sc.Enabled() {
		return func() {}, nil
	}
	adapter, err := slack.New(slack.Config{
		BotToken: sc.BotToken, SigningSecret: sc.SigningSecret, AppToken: sc.AppToken,
		APIURL: sc.APIURL, Workers: sc.Workers,
	}, engine, store, a.log)
	if err != nil {
		return nil, fmt.Errorf("slack: %w", err)
	}
	if sc.SigningSecret != "" {
		adapter.Mount(srv)
	}
	adapter.Open()
	smCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	if sc.AppToken != "" {
		var stopped atomic.Bool
		srv.AddCheck("slack_socket_mode", func(context.Context) error {
			if stopped.Load() {
				return bot.Errorf(bot.EUnavailable, "Slack Socket Mode has stopped; see the log.")
			}
			return nil
		})
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := adapter.RunSocketMode(smCtx); err != nil {
				stopped.Store(true)
				a.log.Error("slack socket mode stopped", "err", err)
			}
		}()
	}
	a.log.Info("slack connected", "events_api", sc.SigningSecret != "", "socket_mode", sc.AppToken != "")
	return func() {
		cancel()
		wg.Wait()
		// Answer what is queued, but not for longer than the shutdown grace:
		// a reply still queued then is lost, and Slack is not told.
		closed := make(chan error, 1)
		go func() { closed <- adapter.Close() }()
		select {
		case err := <-closed:
			if err != nil {
				a.log.Error("slack close", "err", err)
			}
		case <-time.After(shutdownGrace):
			a.log.Error("slack: queued replies not finished within the shutdown grace; stopping anyway", "grace", shutdownGrace)
		}
	}, nil
}
