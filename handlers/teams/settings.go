package teams

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/waymarkhq/waymark/config"
)

// Settings are the teams section of the configuration: the bot's app
// registration and the tenants it serves.
type Settings struct {
	AppID              string   `mapstructure:"app_id"`               // the bot's Microsoft app id; turns Teams on
	AppSecret          string   `mapstructure:"app_secret"`           // its client secret, or:
	CertificateFile    string   `mapstructure:"certificate_file"`     // a PEM certificate of the app registration
	PrivateKeyFile     string   `mapstructure:"private_key_file"`     // and its PEM RSA private key
	TenantID           string   `mapstructure:"tenant_id"`            // set for a single-tenant app registration
	AllowedTenants     []string `mapstructure:"allowed_tenants"`      // only these tenants may talk to the bot
	OpenIDMetadataURL  string   `mapstructure:"openid_metadata_url"`  // Bot Framework's, or a test server's
	EntraMetadataURL   string   `mapstructure:"entra_metadata_url"`   // Entra's, for a single-tenant bot; default from tenant_id
	TokenURL           string   `mapstructure:"token_url"`            // Microsoft's, or a test server's
	AllowedServiceURLs []string `mapstructure:"allowed_service_urls"` // where replies may be posted
	// AllowAnyTenant serves every Teams tenant: without it, a tenant_id or
	// allowed_tenants is required, so that no other organisation's users
	// can reach the bot by installing its app.
	AllowAnyTenant bool `mapstructure:"allow_any_tenant"`
}

// Enabled reports whether Teams is configured.
func (t *Settings) Enabled() bool { return t.AppID != "" }

// normalize writes tenant ids as activities and tokens carry them: GUIDs
// in lower case, without spaces ("a, b" in an environment variable), each
// once.
func (t *Settings) normalize() {
	t.TenantID = strings.ToLower(strings.TrimSpace(t.TenantID))
	var tenants []string
	for _, id := range t.AllowedTenants {
		id = strings.ToLower(strings.TrimSpace(id))
		if id != "" && !slices.Contains(tenants, id) {
			tenants = append(tenants, id)
		}
	}
	t.AllowedTenants = tenants
}

// Tenants is the allow-list of Teams tenants the bot serves: allowed_tenants,
// or else the home tenant of a single-tenant registration, or nil (any).
func (t *Settings) Tenants() []string {
	if len(t.AllowedTenants) > 0 {
		return t.AllowedTenants
	}
	if t.TenantID != "" {
		return []string{t.TenantID}
	}
	return nil
}

// HomeTenant is the tenant a Teams target or specialist written without one
// belongs to: the only tenant the bot serves, in lower case, or "" when it
// serves several (or any), so that every target must name its tenant.
func (t *Settings) HomeTenant() string {
	if ts := t.Tenants(); len(ts) == 1 {
		return strings.ToLower(strings.TrimSpace(ts[0]))
	}
	return ""
}

// Check tidies the tenant ids and lists every problem with the settings.
func (t *Settings) Check() []string {
	t.normalize()
	if !t.Enabled() && t.AppSecret == "" && t.CertificateFile == "" && t.PrivateKeyFile == "" {
		return nil
	}
	var p []string
	cert := t.CertificateFile != "" || t.PrivateKeyFile != ""
	switch {
	case t.AppID == "":
		p = append(p, "teams.app_id is needed with teams credentials")
	case t.AppSecret == "" && !cert:
		p = append(p, "teams.app_id and teams.app_secret are both needed (or teams.certificate_file and teams.private_key_file)")
	case t.AppSecret != "" && cert:
		p = append(p, "set teams.app_secret or teams.certificate_file, not both")
	case cert && (t.CertificateFile == "" || t.PrivateKeyFile == ""):
		p = append(p, "teams.certificate_file and teams.private_key_file go together")
	}
	for _, f := range []string{t.CertificateFile, t.PrivateKeyFile} {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			p = append(p, fmt.Sprintf("teams: %v", err))
		}
	}
	for _, u := range append([]string{t.OpenIDMetadataURL}, t.AllowedServiceURLs...) {
		if !strings.HasPrefix(u, "https://") {
			p = append(p, fmt.Sprintf("teams: %q must be an https URL", u))
		}
	}
	if t.AppID != "" && t.TenantID == "" && len(t.AllowedTenants) == 0 && !t.AllowAnyTenant {
		p = append(p, "teams: set teams.tenant_id (single-tenant) or teams.allowed_tenants: the tenants whose users may talk to the bot; teams.allow_any_tenant: true serves every tenant")
	}
	if t.TenantID != "" && !isGUID(t.TenantID) {
		p = append(p, fmt.Sprintf("teams.tenant_id %q must be the Directory (tenant) ID, a GUID, not a domain name", t.TenantID))
	}
	for _, id := range t.AllowedTenants {
		if !isGUID(id) {
			p = append(p, fmt.Sprintf("teams.allowed_tenants: %q must be a Directory (tenant) ID, a GUID", id))
		}
	}
	if t.EntraMetadataURL != "" && !strings.HasPrefix(t.EntraMetadataURL, "https://") {
		p = append(p, fmt.Sprintf("teams.entra_metadata_url %q must be an https URL", t.EntraMetadataURL))
	}
	if t.TokenURL != "" && !strings.HasPrefix(t.TokenURL, "https://") {
		p = append(p, fmt.Sprintf("teams.token_url %q must be an https URL", t.TokenURL))
	}
	return p
}

// Target checks a Teams target's tenant and returns the target in it: one
// written without a tenant belongs to the bot's only tenant, so that
// conversation references, which are kept per tenant, are found, and no
// other tenant's user or channel can stand in for it.
func (t *Settings) Target(what string, tg config.Target) (config.Target, []string) {
	problems := t.checkTenant(what, tg.TeamID, fmt.Sprintf("teams:<tenant id>:%s:%s", tg.Kind, tg.ID))
	if tg.TeamID == "" {
		tg.TeamID = t.HomeTenant()
	}
	tg.TeamID = strings.ToLower(tg.TeamID)
	return tg, problems
}

// Person checks a Teams specialist, "teams:<user>" or
// "teams:<tenant>:<user>", and returns them with their tenant, the bot's
// only one when they name none. Anything else (a group) is returned as
// written.
func (t *Settings) Person(what, who string) (string, []string) {
	tenant, user, ok := splitPerson(who)
	if !ok || user == "" {
		return who, nil
	}
	problems := t.checkTenant(what, tenant, "teams:<tenant id>:<user>")
	switch {
	case tenant != "":
		return "teams:" + strings.ToLower(tenant) + ":" + user, problems
	case t.HomeTenant() == "":
		return who, problems
	}
	return "teams:" + t.HomeTenant() + ":" + user, problems
}

// splitPerson reads a Teams specialist, "teams:<user>" or
// "teams:<tenant>:<user>" (a tenant is a GUID), into its tenant, or "", and
// user. It reports false for another platform or a group.
func splitPerson(s string) (tenant, user string, ok bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), "teams:")
	if !ok || strings.HasPrefix(rest, "group:") {
		return "", "", false
	}
	if guidPrefix.MatchString(rest) {
		tenant, rest, _ = strings.Cut(rest, ":")
	}
	return tenant, rest, true
}

// checkTenant reports what is wrong with the tenant a Teams target or
// specialist (what) names: none when the bot serves several tenants (form
// shows how to write one), one that is not a GUID, or one the bot does not
// serve, whose people it could never hear from. With no what (resolving,
// after Load checked), it reports nothing.
func (t *Settings) checkTenant(what, tenant, form string) []string {
	switch {
	case what == "":
		return nil
	case tenant == "" && t.HomeTenant() == "":
		return []string{fmt.Sprintf("%s must name its tenant (%s): %s", what, form, severalTenants)}
	case tenant == "":
		return nil
	case !isGUID(tenant):
		return []string{fmt.Sprintf("%s: tenant %q must be a Directory (tenant) ID, a GUID", what, tenant)}
	case len(t.Tenants()) > 0 && !slices.Contains(t.Tenants(), strings.ToLower(tenant)):
		return []string{fmt.Sprintf("%s: tenant %s is not one the bot serves (teams.tenant_id, teams.allowed_tenants)", what, tenant)}
	}
	return nil
}

// severalTenants explains why a Teams target must name its tenant.
const severalTenants = "the bot serves more than one Teams tenant; set teams.tenant_id (single-tenant) or one teams.allowed_tenants entry to leave it out"

// guidPrefix matches a tenant id (a GUID) followed by a colon.
var guidPrefix = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}:`)
