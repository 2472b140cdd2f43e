package config

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// WebConfig is the web chat's sign-in. Anonymous use, with no sign-in, is
// allowed only on loopback: the local demo.
type WebConfig struct {
	// PublicURL is the address people open, https://waymark.council.example:
	// the only Host the chat answers besides loopback, the base of OpenID
	// Connect's redirect and of one-time links. Required for sign-in.
	PublicURL  string        `mapstructure:"public_url"`
	SessionTTL time.Duration `mapstructure:"session_ttl"` // how long a sign-in lasts
	// Links turns on one-time sign-in links: "/waymark web" in Slack or
	// Teams sends one, bound to that person, used once within LinkTTL.
	Links   bool          `mapstructure:"links"`
	LinkTTL time.Duration `mapstructure:"link_ttl"` // how long a one-time link stays good
	OIDC    OIDCConfig    `mapstructure:"oidc"`
}

// OIDCConfig is sign-in with the council's identity provider, by OpenID
// Connect's authorisation code flow with PKCE.
type OIDCConfig struct {
	// Issuer is the provider's issuer URL: for Microsoft Entra ID,
	// https://login.microsoftonline.com/<tenant id>/v2.0.
	Issuer       string   `mapstructure:"issuer"`
	ClientID     string   `mapstructure:"client_id"`     // the app registration's (client) id
	ClientSecret string   `mapstructure:"client_secret"` // a client secret of the app registration
	Scopes       []string `mapstructure:"scopes"`        // besides openid
	NameClaim    string   `mapstructure:"name_claim"`    // the claim shown as the person's name
	// IdentityClaim is the claim that names a person in this
	// configuration: a specialist, duty manager, lead or corpus owner who
	// signs in on the web is written web:<its value> (web:sam.okafor@council.example).
	IdentityClaim string `mapstructure:"identity_claim"`
	// AllowedGroups, if set, are the groups (for Entra ID, group object
	// ids in the token's groups claim) of which a person must be in one to
	// sign in; without it, anyone the provider signs in may.
	AllowedGroups []string `mapstructure:"allowed_groups"`
}

// Enabled reports whether OpenID Connect sign-in is configured.
func (o OIDCConfig) Enabled() bool { return o.Issuer != "" }

// SignIn reports whether any sign-in method is configured.
func (w WebConfig) SignIn() bool { return w.OIDC.Enabled() || w.Links }

// check lists the problems of the web sign-in's settings, served on addr.
func (w WebConfig) check() []string {
	var p []string
	if w.SessionTTL < time.Minute || w.SessionTTL > 30*24*time.Hour {
		p = append(p, fmt.Sprintf("web.session_ttl must be between 1m and 720h, not %s", w.SessionTTL))
	}
	if w.LinkTTL < 30*time.Second || w.LinkTTL > time.Hour {
		p = append(p, fmt.Sprintf("web.link_ttl must be between 30s and 1h, not %s", w.LinkTTL))
	}
	if w.PublicURL != "" {
		u, err := url.Parse(w.PublicURL)
		switch {
		case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
			p = append(p, fmt.Sprintf("web.public_url %q must be an absolute URL such as https://waymark.council.example", w.PublicURL))
		case u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.Fragment != "":
			p = append(p, fmt.Sprintf("web.public_url %q must be a bare origin, with no path, query or fragment", w.PublicURL))
		case u.Scheme == "http" && !Loopback(hostPort(u)):
			p = append(p, fmt.Sprintf("web.public_url %q must be https: sign-in cookies are sent over plain http only on loopback", w.PublicURL))
		}
	}
	if w.SignIn() && w.PublicURL == "" {
		p = append(p, "web.public_url is needed for sign-in (web.oidc or web.links): the address people open, such as https://waymark.council.example")
	}
	o := w.OIDC
	if o.Enabled() {
		if u, err := url.Parse(o.Issuer); err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && Loopback(hostPort(u)))) {
			p = append(p, fmt.Sprintf("web.oidc.issuer %q must be the provider's https issuer URL (for Microsoft Entra ID, https://login.microsoftonline.com/<tenant id>/v2.0)", o.Issuer))
		}
		if strings.Contains(o.Issuer, "/common/") || strings.Contains(o.Issuer, "/organizations/") {
			p = append(p, "web.oidc.issuer must name your tenant, not common or organizations: their tokens' issuer is each user's own tenant, so any organisation could sign in")
		}
		if o.ClientID == "" || o.ClientSecret == "" {
			p = append(p, "web.oidc.client_id and web.oidc.client_secret are both needed: the app registration's id and a client secret")
		}
		if o.NameClaim == "" {
			p = append(p, "web.oidc.name_claim must name a claim, such as name")
		}
		if o.IdentityClaim == "" {
			p = append(p, "web.oidc.identity_claim must name a claim, such as email or preferred_username")
		}
	} else if o.ClientID != "" || o.ClientSecret != "" {
		p = append(p, "web.oidc.client_id is set but web.oidc.issuer is not: set the provider's issuer URL")
	}
	return p
}

// hostPort is u's host with its port, the scheme's default if none.
func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	if u.Scheme == "https" {
		return u.Host + ":443"
	}
	return u.Host + ":80"
}

// ConsoleConfig names who else may use the console besides the specialists
// and duty managers (whom consultations and escalation name), written as
// specialists are: slack:U0123, teams:<aad object id>, a user group, or
// web:<identity> for someone who signs in with the identity provider.
type ConsoleConfig struct {
	// Leads are the safeguarding leads, who see every console page.
	Leads []string `mapstructure:"leads"`
	// CorpusOwners keep the corpus: they see its knowledge gaps and health.
	CorpusOwners []string `mapstructure:"corpus_owners"`
}

// WebPerson is the identity a web person's "web:<identity>" names, in the
// form sign-in compares it with (lower case), or "" when who is not one.
func WebPerson(who string) string {
	id, ok := strings.CutPrefix(strings.TrimSpace(who), "web:")
	if !ok {
		return ""
	}
	return strings.ToLower(strings.TrimPrefix(id, "user:"))
}

// webPerson lists the problems of a web person or target who, written as
// what says.
func (c *Config) webPerson(what, who string) []string {
	id := WebPerson(who)
	switch {
	case !c.Web.OIDC.Enabled():
		return []string{what + ": a web person signs in with the council's identity provider, so web.oidc must be set up (or name them by their Slack or Teams id, and they sign in with a one-time link)"}
	case id == "" || strings.ContainsAny(id, " \t:"):
		return []string{fmt.Sprintf("%s: write a web person as web:<their %s>, like web:sam.okafor@council.example", what, c.Web.OIDC.IdentityClaim)}
	}
	return nil
}

// checkPerson lists the problems of a person named in the desk or console
// settings, written as what says: one of a configured platform's, or a web
// person.
func (c *Config) checkPerson(what, who string) []string {
	name, _, _ := strings.Cut(strings.TrimSpace(who), ":")
	if name == "web" {
		return c.webPerson(what, who)
	}
	s, ok := c.Platforms[name]
	if !ok || !s.Enabled() {
		return []string{what + ": name a configured platform's person (slack:U0DUTY1) or a web person (web:sam.okafor@council.example)"}
	}
	_, problems := s.Person(what, who)
	return problems
}
