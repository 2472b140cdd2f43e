package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/handlers"
	"github.com/waymarkhq/waymark/handlers/teams"
)

// teamsConnector is the Bot Framework Connector client when Teams is
// configured, or nil. The desk's notifier and the endpoint share it.
func (a *app) teamsConnector() (*teams.Connector, error) {
	tc := a.cfg.Teams
	if !tc.Enabled() {
		return nil, nil
	}
	cfg := teams.ConnectorConfig{AppID: tc.AppID, AppSecret: tc.AppSecret, TenantID: tc.TenantID,
		TokenURL: tc.TokenURL, AllowedServiceURLs: tc.AllowedServiceURLs}
	if tc.CertificateFile != "" {
		var err error
		if cfg.CertificatePEM, err = os.ReadFile(tc.CertificateFile); err != nil {
			return nil, fmt.Errorf("teams.certificate_file: %w", err)
		}
		if cfg.PrivateKeyPEM, err = os.ReadFile(tc.PrivateKeyFile); err != nil {
			return nil, fmt.Errorf("teams.private_key_file: %w", err)
		}
	}
	c, err := teams.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("teams: %w", err)
	}
	return c, nil
}

// startTeams mounts the Bot Framework endpoint, POST /api/messages, when
// Teams is configured; it records conversation references so the desk can
// reach Teams people and channels. The returned stop function answers
// what is queued.
func (a *app) startTeams(srv *handlers.Server, engine *bot.Engine, store *redisstore.Store, connector *teams.Connector) (stop func(), err error) {
	tc := a.cfg.Teams
	if connector == nil {
		return func() {}, nil
	}
	auth := teams.AuthConfig{AppID: tc.AppID, OpenIDMetadataURL: tc.OpenIDMetadataURL, EntraMetadataURL: tc.EntraMetadataURL, AllowedTenants: tc.Tenants()}
	if tc.TenantID != "" {
		tenant := strings.ToLower(strings.TrimSpace(tc.TenantID)) // as Entra writes it in iss
		auth.Issuers = []string{teams.DefaultIssuer,
			"https://sts.windows.net/" + tenant + "/",
			"https://login.microsoftonline.com/" + tenant + "/v2.0"}
	}
	verifier, err := teams.NewVerifier(auth)
	if err != nil {
		return nil, fmt.Errorf("teams: %w", err)
	}
	adapter, err := teams.New(verifier, connector, engine, store, a.log)
	if err != nil {
		return nil, fmt.Errorf("teams: %w", err)
	}
	adapter.WithRefs(store).Mount(srv)
	adapter.Open()
	a.log.Info("teams connected", "single_tenant", tc.TenantID != "")
	return func() { adapter.Close() }, nil
}
