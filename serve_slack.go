package main

import (
	"context"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
)

// startSlack connects Slack when it is configured.
func (a *app) startSlack(ctx context.Context, srv *handlers.Server, engine *bot.Engine, store bot.Store) error {
	if a.cfg.Slack.Enabled() {
		a.log.Warn("slack is configured but this build has no Slack adapter yet")
	}
	return nil
}
