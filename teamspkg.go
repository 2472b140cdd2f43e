package main

import (
	"archive/zip"
	"bytes"
	"embed"
	"errors"
	"fmt"
	"image/png"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers/teams"
)

// teamsApp is the Teams app package's template: deploy/teams.
//
//go:embed deploy/teams/manifest.json deploy/teams/color.png deploy/teams/outline.png
var teamsApp embed.FS

// The placeholders in deploy/teams/manifest.json.
const (
	placeholderAppID  = "{{APP_ID}}"
	placeholderDomain = "waymark.your-council.example"
	placeholderVer    = `"version": "1.0.0"`
)

var (
	guidRE    = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	domainRE  = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	versionRE = regexp.MustCompile(`^\d{1,9}\.\d{1,9}\.\d{1,9}$`)
)

// teamsIcons are the icons Teams requires: name, width and height.
var teamsIcons = []struct {
	name string
	size int
}{{"color.png", 192}, {"outline.png", 32}}

func (a *app) teamsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "teams", Short: "Microsoft Teams tools"}
	var appID, domain, ver, out string
	pkg := &cobra.Command{
		Use:   "package --domain HOST [--app-id ID] [--version X.Y.Z] [--out FILE]",
		Short: "Write the Teams app package to upload: manifest.json, color.png and outline.png in a zip",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if s, ok := a.cfg.Platform(bot.PlatformTeams).(*teams.Settings); ok && appID == "" {
				appID = s.AppID
			}
			zipped, err := teamsPackage(appID, domain, ver)
			if err != nil {
				return err
			}
			if err := os.WriteFile(out, zipped, 0o644); err != nil {
				return fmt.Errorf("teams package: %w", err)
			}
			fmt.Fprintf(a.stdout, "wrote %s (app id %s, version %s): upload it in the Teams admin centre or Teams > Apps > Manage your apps\n", out, strings.ToLower(appID), ver)
			return nil
		},
	}
	pkg.Flags().StringVar(&appID, "app-id", "", "the bot's Microsoft app id (default: teams.app_id)")
	pkg.Flags().StringVar(&domain, "domain", "", "the council's web address for the app's links, like waymark.council.example (required)")
	pkg.Flags().StringVar(&ver, "version", "1.0.0", "the app's version: raise it for every changed upload")
	pkg.Flags().StringVar(&out, "out", "waymark-teams.zip", "the file to write")
	cmd.AddCommand(pkg)
	return cmd
}

// teamsPackage builds the app package from deploy/teams for the bot appID,
// with links to domain, at version ver. Every problem is reported at once.
func teamsPackage(appID, domain, ver string) ([]byte, error) {
	var problems []string
	switch {
	case appID == "":
		problems = append(problems, "the app id is missing: set teams.app_id or --app-id")
	case !guidRE.MatchString(appID):
		problems = append(problems, fmt.Sprintf("app id %q is not a GUID: use the Application (client) ID of the bot's app registration", appID))
	}
	domain = strings.ToLower(strings.TrimSpace(domain))
	switch {
	case domain == "":
		problems = append(problems, "--domain is missing: the council's address for the app's website, privacy and terms links")
	case !domainRE.MatchString(domain) || domain == placeholderDomain:
		problems = append(problems, fmt.Sprintf("--domain %q must be a host name like waymark.council.example, without https:// or a path", domain))
	}
	if !versionRE.MatchString(ver) {
		problems = append(problems, fmt.Sprintf("--version %q must be three numbers, like 1.0.1", ver))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("teams package: %s", strings.Join(problems, "; "))
	}

	manifest, err := teamsApp.ReadFile("deploy/teams/manifest.json")
	if err != nil {
		return nil, err
	}
	m := string(manifest)
	for _, p := range []string{placeholderAppID, placeholderDomain, placeholderVer} {
		if !strings.Contains(m, p) {
			return nil, fmt.Errorf("teams package: deploy/teams/manifest.json lacks the placeholder %s", p)
		}
	}
	m = strings.ReplaceAll(m, placeholderAppID, strings.ToLower(appID))
	m = strings.ReplaceAll(m, placeholderDomain, domain)
	m = strings.Replace(m, placeholderVer, `"version": "`+ver+`"`, 1)

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, b []byte) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Now()})
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	if err := add("manifest.json", []byte(m)); err != nil {
		return nil, err
	}
	for _, icon := range teamsIcons {
		b, err := teamsApp.ReadFile("deploy/teams/" + icon.name)
		if err != nil {
			return nil, err
		}
		if err := checkIcon(icon.name, b, icon.size); err != nil {
			return nil, err
		}
		if err := add(icon.name, b); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// checkIcon reports an icon that is not a size×size PNG.
func checkIcon(name string, b []byte, size int) error {
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("teams package: %s is not a PNG: %w", name, err)
	}
	if cfg.Width != size || cfg.Height != size {
		return errors.New("teams package: " + name + fmt.Sprintf(" is %d×%d pixels; Teams needs %d×%d", cfg.Width, cfg.Height, size, size))
	}
	return nil
}
