package main

import (
	"fmt"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
	"github.com/waymarkhq/waymark/handlers/teams"
)

// startTeams mounts the Bot Framework endpoint, POST /api/messages, when
// Teams is configured. The returned stop function answers what is queued.
func (a *app) startTeams(srv *handlers.Server, engine *bot.Engine, store bot.Store) (stop func(), err error) {
	tc := a.cfg.Teams
	if !tc.Enabled() {
		return func() {}, nil
	}
	auth := teams.AuthConfig{AppID: tc.AppID, OpenIDMetadataURL: tc.OpenIDMetadataURL, AllowedTenants: tc.AllowedTenants}
	if tc.TenantID != "" {
		auth.Issuers = []string{teams.DefaultIssuer,
			"https://sts.windows.net/" + tc.TenantID + "/",
			"https://login.microsoftonline.com/" + tc.TenantID + "/v2.0"}
	}
	verifier, err := teams.NewVerifier(auth)
	if err != nil {
		return nil, fmt.Errorf("teams: %w", err)
	}
	connector, err := teams.NewConnector(teams.ConnectorConfig{AppID: tc.AppID, AppSecret: tc.AppSecret, TenantID: tc.TenantID,
		TokenURL: tc.TokenURL, AllowedServiceURLs: tc.AllowedServiceURLs})
	if err != nil {
		return nil, fmt.Errorf("teams: %w", err)
	}
	adapter, err := teams.New(verifier, connector, engine, store, a.log)
	if err != nil {
		return nil, fmt.Errorf("teams: %w", err)
	}
	adapter.Mount(srv)
	a.log.Info("teams connected", "single_tenant", tc.TenantID != "")
	return func() { adapter.Close() }, nil
}
