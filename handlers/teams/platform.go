package teams

import (
	"context"
	"fmt"
	"os"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/config"
	"github.com/waymarkhq/waymark/handlers"
)

// Platform is Microsoft Teams, as main lists it: the teams section of the
// configuration, targets written teams:channel:19:abc@thread.tacv2 or
// teams:user:<aad id> (teams:<tenant id>:... when the bot serves several
// tenants), and specialists written teams:<user> or teams:<tenant>:<user>.
var Platform handlers.Platform = platform{}

type platform struct{}

func (platform) Name() string { return bot.PlatformTeams }

func (platform) Settings() config.Section {
	return &Settings{
		OpenIDMetadataURL:  DefaultOpenIDMetadataURL,
		AllowedServiceURLs: []string{DefaultAllowedServiceURL},
	}
}

func (platform) Connect(sec config.Section, h handlers.Host) (handlers.Connection, error) {
	s, ok := sec.(*Settings)
	if !ok {
		return nil, fmt.Errorf("teams: settings are %T, not *teams.Settings", sec)
	}
	cfg := ConnectorConfig{AppID: s.AppID, AppSecret: s.AppSecret, TenantID: s.TenantID,
		TokenURL: s.TokenURL, AllowedServiceURLs: s.AllowedServiceURLs}
	if s.CertificateFile != "" {
		var err error
		if cfg.CertificatePEM, err = os.ReadFile(s.CertificateFile); err != nil {
			return nil, fmt.Errorf("teams.certificate_file: %w", err)
		}
		if cfg.PrivateKeyPEM, err = os.ReadFile(s.PrivateKeyFile); err != nil {
			return nil, fmt.Errorf("teams.private_key_file: %w", err)
		}
	}
	c, err := NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("teams: %w", err)
	}
	return &connection{s: s, host: h, connector: c, notifier: NewNotifier(c, h.Store)}, nil
}

// connection is Teams connected: the Bot Framework endpoint, and the
// Connector client that it and the desk's notifier share.
type connection struct {
	s         *Settings
	host      handlers.Host
	connector *Connector
	notifier  *Notifier
	adapter   *Adapter
	probe     *handlers.Probe
	cancel    context.CancelFunc
}

func (c *connection) Notifier() bot.Notifier   { return c.notifier }
func (c *connection) Directory() bot.Directory { return nil }

// Serve prepares POST /api/messages. It records conversation references
// so the desk can reach Teams people and channels.
func (c *connection) Serve(h bot.Handler) (handlers.Endpoint, error) {
	auth := AuthConfig{AppID: c.s.AppID, OpenIDMetadataURL: c.s.OpenIDMetadataURL, EntraMetadataURL: c.s.EntraMetadataURL, AllowedTenants: c.s.Tenants()}
	if t := c.s.TenantID; t != "" { // in lower case, as Entra writes it in iss
		auth.Issuers = []string{DefaultIssuer,
			"https://sts.windows.net/" + t + "/",
			"https://login.microsoftonline.com/" + t + "/v2.0"}
	}
	verifier, err := NewVerifier(auth)
	if err != nil {
		return handlers.Endpoint{}, fmt.Errorf("teams: %w", err)
	}
	a, err := New(verifier, c.connector, h, c.host.Store, c.host.Log)
	if err != nil {
		return handlers.Endpoint{}, fmt.Errorf("teams: %w", err)
	}
	c.adapter = a.WithRefs(c.host.Store).CountUndelivered(c.host.Metrics)
	return handlers.Endpoint{Routes: c.adapter.Routes(), Checks: map[string]handlers.Check{"teams_credentials": func(ctx context.Context) error {
		if c.probe == nil {
			return nil
		}
		return c.probe.Check(ctx)
	}}}, nil
}

func (c *connection) Open(ctx context.Context) error {
	if c.adapter == nil {
		return fmt.Errorf("teams: Open before Serve")
	}
	c.adapter.Open()
	ctx, c.cancel = context.WithCancel(ctx)
	c.probe = handlers.StartProbe(ctx, c.host.Log, "teams", c.connector.CheckToken)
	c.host.Log.Info("teams connected", "single_tenant", c.s.TenantID != "")
	if c.s.Tenants() == nil {
		c.host.Log.Warn("teams: serving every tenant (teams.allow_any_tenant): any organisation that installs the app can reach the desk")
	}
	return nil
}

func (c *connection) Close() error {
	if c.cancel != nil {
		c.cancel()
	}
	if c.adapter == nil {
		return nil
	}
	return c.adapter.Close()
}
